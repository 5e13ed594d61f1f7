"""`circles linkcheck` against a real HTTP server on 127.0.0.1: nothing leaves the machine."""

from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from circles.tools.cli import main
from circles.tools.linkcheck import format_markdown, linkcheck_command
from circles.tools.weblinks import BROKEN, OK, REDIRECTED, Pacer, Result, Use, check_url, in_turns, network_reason
from tests.conftest import CIRCLE, LIBRARY, NETWORK, ROOT

UA = "learning-circles-tests/1.0 (tests@lib.example.net)"
SLOW = 1.0  # seconds the slow page takes; the tests' timeout is well under it


@dataclass
class Hit:
    method: str
    path: str
    user_agent: str
    at: float


@dataclass
class Site:
    """What the server was asked; ``busy`` counts the 503 answers still to give on /busy."""

    hits: list[Hit] = field(default_factory=list)
    busy: int = 0
    base: str = ""

    def url(self, path: str) -> str:
        return self.base + path


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _answer(self) -> None:
        site = self.server.site
        path = self.path.partition("?")[0]
        site.hits.append(Hit(self.command, path, self.headers.get("User-Agent", ""), time.monotonic()))
        status, location = 404, ""
        if path in ("/ok", "/ok/", "/other"):
            status = 200
        elif path == "/moved":
            status, location = 301, "/ok"
        elif path == "/loop":
            status, location = 302, "/loop"
        elif path == "/error":
            status = 500
        elif path == "/get-only":
            status = 405 if self.command == "HEAD" else 200
        elif path == "/busy":
            status = 503 if site.busy > 0 else 200
            site.busy -= 1
        elif path == "/slow":
            time.sleep(SLOW)
            status = 200
        body = b"" if self.command == "HEAD" else b"<!doctype html><title>page</title>"
        try:
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
            pass

    do_GET = do_HEAD = _answer  # noqa: N815 - http.server's naming

    def log_message(self, *args):  # keep test output clean
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: Site


@pytest.fixture
def site(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)  # 127.0.0.1 is asked directly, never through a proxy
    server = _Server(("127.0.0.1", 0), _Handler)
    server.site = Site(base=f"http://127.0.0.1:{server.server_address[1]}")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.site
    server.shutdown()
    server.server_close()


def check(url: str, **options) -> Result:
    return check_url(url, timeout=options.pop("timeout", 0.3), user_agent=UA, **options)


# Checking one link


def test_a_page_that_answers_is_ok_and_asked_for_with_head(site):
    result = check(site.url("/ok"))
    assert (result.status, result.code, result.reason) == (OK, 200, "")
    assert [(h.method, h.path, h.user_agent) for h in site.hits] == [("HEAD", "/ok", UA)]


def test_a_redirect_is_followed_and_fine(site):
    result = check(site.url("/moved"))
    assert (result.status, result.code, result.final) == (REDIRECTED, 200, site.url("/ok"))
    assert [(h.method, h.path) for h in site.hits] == [("HEAD", "/moved"), ("HEAD", "/ok")]


@pytest.mark.parametrize(("path", "code", "words"), [
    ("/missing", 404, "the page was not found (HTTP 404)"),
    ("/error", 500, "the site's server failed (HTTP 500 Internal Server Error)"),
    ("/loop", 302, "keeps redirecting"),
])
def test_errors_are_broken_with_the_reason_in_words(site, path, code, words):
    result = check(site.url(path))
    assert (result.status, result.code) == (BROKEN, code)
    assert words in result.reason


def test_a_server_that_refuses_head_is_asked_with_get(site):
    result = check(site.url("/get-only"))
    assert (result.status, result.code) == (OK, 200)
    assert [h.method for h in site.hits] == ["HEAD", "GET"]


def test_a_slow_page_is_tried_again_then_broken(site):
    result = check(site.url("/slow"), timeout=0.2, retries=1)
    assert result.status == BROKEN
    assert result.reason == "no answer within 0.2 seconds (tried 2 times)"
    assert [h.path for h in site.hits] == ["/slow", "/slow"]


def test_a_busy_server_is_asked_again(site):
    site.busy = 1
    result = check(site.url("/busy"), retries=1)
    assert (result.status, result.code) == (OK, 200)
    assert len(site.hits) == 2


def test_a_closed_port_is_broken():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = check(f"http://127.0.0.1:{port}/")
    assert result.status == BROKEN and "refused" in result.reason


def test_a_name_that_does_not_resolve_is_said_plainly():
    reason = network_reason(socket.gaierror(-2, "Name or service not known"), 10)
    assert reason.startswith("the site's name was not found")


def test_an_address_that_cannot_be_sent_is_broken_without_a_request():
    assert check("https:///no-host").status == BROKEN
    assert check("ftp://files.lib.example.net/").reason == "this is not a web address that can be opened"


def test_requests_to_one_host_are_paced(site):
    pacer = Pacer(0.3)
    for path in ("/ok", "/other", "/ok/"):
        assert check(site.url(path), pacer=pacer).status == OK
    gaps = [b.at - a.at for a, b in zip(site.hits, site.hits[1:])]
    assert min(gaps) >= 0.29, gaps


def test_hosts_take_turns():
    urls = ["https://a.example.org/1", "https://a.example.org/2", "https://b.example.org/1"]
    assert in_turns(urls) == ["https://a.example.org/1", "https://b.example.org/1", "https://a.example.org/2"]


# The command, on a content tree whose links point at the local server


def listings(tree, site):
    network = NETWORK.replace("https://www.lib.example.net/", site.url("/ok")).replace(
        "circles@lib.example.net", site.url("/moved"))
    library = LIBRARY.replace("https://www.lib.example.net/central", site.url("/ok"))
    course = f"  provider: Cisco Networking Academy\n  url: {site.url('/missing')}\n"
    python = CIRCLE.replace("  provider: Cisco Networking Academy\n", course).replace(
        "signup: drop-in", f"signup: {site.url('/error')}")
    # the same page as the library's, with a fragment: checked once, listed under both uses
    again = CIRCLE.replace("signup: drop-in", f"signup: {site.url('/ok#sign-up')}")
    return tree(networks__net=network, libraries__central=library, circles__python=python, circles__again=again)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["linkcheck", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(monkeypatch):
    monkeypatch.chdir(ROOT)  # the project's settings: GEOCODING's user agent


def test_the_text_report_names_each_broken_link_and_its_files(tree, site, capsys, project):
    content = listings(tree, site)
    code, out, err = run(capsys, str(content), "--timeout", "2", "--delay", "0")
    assert code == 1
    assert "Traceback" not in out + err
    assert out.splitlines()[-1] == "Checked 4 links: 2 broken, 1 redirected, 1 fine."
    assert f"broken: {site.url('/missing')} — the page was not found (HTTP 404)" in out
    assert re.search(r"used in \S*content/circles/python\.yml:6 \(course\.url\)", out), out
    assert re.search(r"used in \S*content/circles/python\.yml:15 \(signup\)", out), out
    assert f"redirected: {site.url('/moved')} — leads to {site.url('/ok')}" in out
    # every link asked for once, with the user agent from the project's settings
    assert sorted(h.path for h in site.hits if h.path != "/ok") == ["/error", "/missing", "/moved"]
    assert len({h.user_agent for h in site.hits}) == 1 and "learning-circles-directory" in site.hits[0].user_agent


def test_the_markdown_report_is_a_table_of_links_status_and_files(tree, site, capsys, project):
    content = listings(tree, site)
    code, out, _ = run(capsys, str(content), "--format", "markdown", "--timeout", "2", "--delay", "0")
    assert code == 1
    rows = [line for line in out.splitlines() if line.startswith("| [")]
    assert len(rows) == 3  # two broken, one redirected; the page that answered is only counted
    missing = next(r for r in rows if "/missing" in r)
    assert re.search(r"`\S*content/circles/python\.yml:6` \(course\.url\)", missing)
    assert "### Broken links" in out and "### Redirected links" in out


def test_one_file_checks_only_its_own_links(tree, site, capsys, project):
    content = listings(tree, site)
    code, out, _ = run(capsys, str(content / "circles" / "again.yml"), "--delay", "0")
    assert code == 0
    assert out.splitlines()[-1] == "Checked 1 link: 0 broken, 0 redirected, 1 fine."
    assert [h.path for h in site.hits] == ["/ok"]


def test_all_fine_exits_zero(tree, site):
    content = tree(networks__net=NETWORK.replace("https://www.lib.example.net/", site.url("/ok")),
                   libraries__central=LIBRARY.replace("https://www.lib.example.net/central", site.url("/other")))
    lines: list[str] = []
    settings = {"PATH": str(content), "GEOCODING": {"user_agent": UA}}
    assert linkcheck_command(settings, [], "markdown", timeout=2, delay=0, out=lines.append) == 0
    assert lines == ["Checked 2 links: 0 broken, 0 redirected, 2 fine."]
    assert {h.user_agent for h in site.hits} == {UA}


@pytest.mark.parametrize(("args", "words"), [
    (["--timeout", "0"], "--timeout must be more than 0"),
    (["--delay", "-1"], "--delay must be from 0 to 600 seconds"),
    (["no/such/folder"], "no/such/folder: no such file or folder"),
])
def test_usage_mistakes_are_a_message_not_a_traceback(capsys, project, args, words):
    code, out, err = run(capsys, *args)
    assert code == 1 and out == ""
    assert err.startswith("circles: ") and words in err and "Traceback" not in err


def test_markdown_cells_cannot_be_broken_out_of():
    nasty = "https://lib.example.net/a|b`c<d>(e) @someone"
    result = Result(nasty, BROKEN, "bad | worse <script>", 404, uses=[Use("content/circles/x.yml", 3, "signup")])
    [row] = [line for line in format_markdown([result]).splitlines() if line.startswith("| [")]
    link, reason, uses = row.split(" | ")  # three cells, whatever the link holds
    assert re.fullmatch(r"\| \[`[^`|<>() ]+`\]\([^`|<>() ]+\)", link), link
    assert reason == "bad \\| worse &lt;script>"
    assert uses == "`content/circles/x.yml:3` (signup) |"


def test_no_answer_from_any_site_means_offline_not_broken(tree, capsys, project):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    content = tree(networks__net=NETWORK.replace("https://www.lib.example.net/", f"{closed}/a"),
                   libraries__central=LIBRARY.replace("https://www.lib.example.net/central", f"{closed}/b"),
                   circles__python=CIRCLE.replace("signup: drop-in", f"signup: {closed}/c"))
    code, out, err = run(capsys, str(content), "--delay", "0", "--format", "markdown")
    assert code == 1 and out == ""  # no report: the weekly issue is left as it is
    assert "no server answered for any of the 3 links: is this computer online?" in err
