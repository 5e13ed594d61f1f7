"""No network at build or test time: the guard of tests/conftest.py, and a whole build under it."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from tests.browser import serve
from tests.conftest import ROOT, NetworkAccessError, build

#: TEST-NET-1 (RFC 5737): an address that is never anyone's, should the guard let it through.
AWAY = "192.0.2.1"


@pytest.mark.parametrize("attempt", [
    lambda: socket.create_connection((AWAY, 80), timeout=1),
    lambda: socket.socket().connect((AWAY, 80)),
    lambda: socket.socket().connect_ex((AWAY, 443)),
    lambda: socket.socket(socket.AF_INET6).connect(("2001:db8::1", 80, 0, 0)),
    lambda: urllib.request.urlopen(f"http://{AWAY}/", timeout=1),
], ids=["create_connection", "connect", "connect_ex", "ipv6", "urlopen"])
def test_a_connection_beyond_this_machine_fails_naming_the_address(attempt):
    with pytest.raises(NetworkAccessError, match=r"192\.0\.2\.1|2001:db8::1"):
        attempt()


def test_looking_up_a_name_fails_naming_it():
    with pytest.raises(NetworkAccessError, match="tile.openstreetmap.org"):
        socket.getaddrinfo("tile.openstreetmap.org", 443)
    with pytest.raises(NetworkAccessError, match="nominatim.openstreetmap.org"):
        urllib.request.urlopen("https://nominatim.openstreetmap.org/search", timeout=1)


def test_this_machine_stays_reachable(tmp_path):
    (tmp_path / "index.html").write_text("here", encoding="utf-8")
    with serve(tmp_path) as url:
        assert urllib.request.urlopen(url, timeout=5).read() == b"here"
        port = int(url.rsplit(":", 1)[1].strip("/"))
        with socket.create_connection(("localhost", port), timeout=5):
            pass
    assert socket.getaddrinfo("localhost", 80)


def test_the_sample_directory_builds_under_the_guard(tmp_path):
    with pytest.raises(NetworkAccessError):  # the guard is on for this very build
        socket.create_connection((AWAY, 80), timeout=1)
    output = build(ROOT / "content", tmp_path / "output")
    circles = {p.stem for p in (ROOT / "content" / "circles").glob("*.yml")}
    assert {p.parent.name for p in (output / "circles").glob("*/index.html")} == circles
    # WeasyPrint fetches what the flyers and guides refer to: all of it comes from the build.
    assert list((output / "circles").glob("*/flyer-a4.pdf")) and list((output / "toolkit").rglob("*.pdf"))
    assert list(output.rglob("*.zip"))
    assert list((output / "pagefind").glob("*/index/*.pf_index"))
