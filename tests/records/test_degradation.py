"""When something is missing the directory says so and carries on: a geocoder that is down, a town
the gazetteer does not know (a warning: the library is listed without a map, tests/directory/test_places.py),
map tiles that do not load."""

from __future__ import annotations

import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from circles.records.validate import validate_tree
from circles.tools.cli import main
from tests.conftest import CIRCLE, LIBRARY, NETWORK, build, write_tree
from tests.pages.test_search import wait_for_results
from tests.tools.test_geocode import NO_COORDINATES, settings

UNKNOWN_TOWN = "Atlantis-under-the-Sea"
TILES = re.compile(r"^https://tile\.openstreetmap\.org/")


# The geocoder is down: the command says so and writes nothing; the site builds without it.


class _Unavailable(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def unavailable():
    """A geocoder that answers every request with 503 Service Unavailable; yields its host:port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def closed_port() -> str:
    with socket.socket() as sock:  # bound, then closed: nobody listens there
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


def files(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("down", ["503", "refused"])
def test_a_geocoder_that_is_down_is_reported_plainly_and_nothing_is_written(tree, unavailable, down, capsys, monkeypatch):
    domain = unavailable if down == "503" else closed_port()
    content = tree(libraries__central=NO_COORDINATES)
    before = files(content)
    options = {**settings(content, domain)["GEOCODING"], "max_retries": 1}
    (content.parent / "pelicanconf.py").write_text(f"PATH = 'content'\nGEOCODING = {options!r}\n", encoding="utf-8")
    monkeypatch.chdir(content.parent)
    assert main(["geocode", "--write"]) == 1
    out, err = capsys.readouterr()
    assert f"could not reach {domain}" in err and "the site still builds" in err
    assert "Traceback" not in out + err
    assert files(content) == before, "nothing is written"


def test_without_the_geocoder_the_site_builds_from_the_gazetteer(tree, tmp_path):
    content = tree(libraries__central=NO_COORDINATES)
    output = build(content, tmp_path / "output")
    page = BeautifulSoup((output / "libraries/central/index.html").read_text(encoding="utf-8"), "lxml")
    place = page.select_one("[data-map='place']")
    assert place["data-approximate"] == "true"
    assert round(float(place["data-lat"]), 1) == 43.7 and round(float(place["data-lon"]), 1) == -79.4
    assert (output / "circles/python/index.html").is_file()


# A town the offline gazetteer does not know


def test_a_library_in_an_unknown_town_is_one_clear_problem_and_the_rest_is_fine(tree):
    lost = NO_COORDINATES.replace("name: Central Branch", "name: Lost Branch").replace("city: Toronto", f"city: {UNKNOWN_TOWN}")
    there = CIRCLE.replace("library: central", "library: lost").replace("Python for beginners", "Python at Lost Branch")
    content = tree(libraries__lost=lost, circles__there=there)
    report = validate_tree(content)
    found = [(Path(p.path).name, p.line, p.field, p.code, p.severity) for p in report.problems]
    assert found == [("lost.yml", 4, "address", "cannot-place", "warning")]
    [problem] = report.problems
    assert UNKNOWN_TOWN in problem.message and problem.hint == (
        "run 'circles geocode --write lost', or copy latitude and longitude from a map")


# In the browser: a town nobody knows, map tiles that do not come


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    second = CIRCLE.replace("Python for beginners", "Spreadsheets for beginners").replace(
        "Python Essentials 1", "Excel Essentials").replace("[python, programming]", "[spreadsheets]")
    content = write_tree(tmp_path_factory.mktemp("content"), {
        "networks/net.yml": NETWORK, "libraries/central.yml": LIBRARY,
        "circles/python.yml": CIRCLE, "circles/excel.yml": second})
    return build(content, tmp_path_factory.mktemp("site") / "output")


def titles(page) -> list[str]:
    return sorted(page.locator("[data-results] .card__title a").all_inner_texts())


def only_tiles_failed(console_errors: list[str]) -> None:
    """The aborted tiles are the only errors in the console: no script failed."""
    assert [e for e in console_errors if not e.startswith("Failed to load resource")] == []
    console_errors.clear()


def test_a_town_nobody_knows_is_said_so_and_the_results_stay(site, served_site, page, console_errors):
    base = served_site(site)
    page.route(TILES, lambda route: route.abort())
    page.goto(base + "search/")
    wait_for_results(page)
    page.fill("#place", UNKNOWN_TOWN)
    page.locator("#place").press("Enter")
    wait_for_results(page, f"No town called “{UNKNOWN_TOWN}” is known here")
    assert titles(page) == ["Python for beginners", "Spreadsheets for beginners"]
    page.goto(base + f"search/?place={UNKNOWN_TOWN}")  # as a shared link or the form without script
    wait_for_results(page, f"No town called “{UNKNOWN_TOWN}” is known here")
    page.goto("about:blank")  # leave before the server stops
    only_tiles_failed(console_errors)


@pytest.mark.parametrize("path, listed", [("circles/python/", ".venue__name"), ("search/", "[data-results] li")])
def test_without_tiles_the_page_and_its_list_still_work(site, served_site, page, console_errors, path, listed):
    page.route(TILES, lambda route: route.abort())
    page.goto(served_site(site) + path)
    if path == "search/":
        wait_for_results(page)
        assert titles(page) == ["Python for beginners", "Spreadsheets for beginners"]
        page.locator("[data-map-open]").click()  # the search page's map waits to be asked for
    note = page.locator("[data-map] .map-note")
    note.wait_for()
    assert note.get_attribute("role") == "status" and "could not be loaded" in note.inner_text()
    assert page.locator(listed).first.is_visible()
    page.goto("about:blank")
    only_tiles_failed(console_errors)
