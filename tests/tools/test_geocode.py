"""`circles geocode`: geopy's real Nominatim client against a local server that speaks its protocol."""

from __future__ import annotations

import difflib
import shutil
import socket
from pathlib import Path

import pytest

from circles.directory.geocoding import GeoCache
from circles.records.load import parse
from circles.settings import GEOCODING_DEFAULTS
from circles.tools.cli import main
from circles.tools.geocode import geocode_command
from circles.tools.yamledit import strip_coordinates
from tests.conftest import LIBRARY, ROOT
from tests.nominatim import Nominatim, serve

UA = "learning-circles-tests/1.0 (tests@lib.example.net)"


@pytest.fixture
def nominatim():
    state = Nominatim(places={"789 yonge street, toronto": (43.671737, -79.386763, "building")})
    server, domain = serve(state)
    state.domain = domain
    yield state
    server.shutdown()


def settings(content: Path, domain: str, **geocoding) -> dict:
    options = {"domain": domain, "scheme": "http", "user_agent": UA, "min_delay_seconds": 0.05,
               "error_wait_seconds": 0.01, "timeout": 2, **geocoding}
    return {"PATH": str(content), "GEOCODING": options}


def run(content, nominatim, ids=(), write=True, **geocoding) -> tuple[int, list[str]]:
    lines: list[str] = []
    code = geocode_command(settings(content, nominatim.domain, **geocoding), list(ids), write, lines.append)
    return code, lines


NO_COORDINATES = strip_coordinates(LIBRARY)


def test_a_structured_query_with_the_configured_user_agent(tree, nominatim):
    content = tree(libraries__central=NO_COORDINATES)
    code, _ = run(content, nominatim)
    assert code == 0
    [request] = nominatim.requests
    assert request.path == "/search" and request.user_agent == UA
    assert request.params == {"street": "789 Yonge Street", "city": "Toronto", "state": "ON", "postalcode": "M4W 2G8",
                              "countrycodes": "ca", "format": "json", "limit": "1"}
    data, _ = parse((content / "libraries/central.yml").read_text())
    assert (data["latitude"], data["longitude"]) == ("43.671737", "-79.386763")
    assert data["coordinates"]["source"] == "OpenStreetMap Nominatim" and data["coordinates"]["precision"] == "address"


def test_requests_are_rate_limited(tree, nominatim):
    libraries = {f"libraries__branch{i}": NO_COORDINATES.replace("789 Yonge", f"{i + 1} Yonge") for i in range(3)}
    content = tree(libraries__central=None, **libraries)
    for i in range(3):
        nominatim.places[f"{i + 1} yonge street, toronto"] = (43.67 + i / 100, -79.38, "building")
    code, _ = run(content, nominatim, min_delay_seconds=0.3)
    assert code == 0 and len(nominatim.requests) == 3
    gaps = [b.at - a.at for a, b in zip(nominatim.requests, nominatim.requests[1:])]
    assert min(gaps) >= 0.29, gaps


def test_the_default_is_one_request_per_second_with_retries():
    assert GEOCODING_DEFAULTS["min_delay_seconds"][0] == 1.0
    assert GEOCODING_DEFAULTS["max_retries"][0] >= 1
    assert GEOCODING_DEFAULTS["domain"][0] == "nominatim.openstreetmap.org"


@pytest.mark.parametrize("failures", [["429"], ["500"], ["429", "500"], ["timeout"]])
def test_retries_after_429_5xx_and_timeouts(tree, nominatim, failures):
    nominatim.script, nominatim.delay = list(failures), 1.0
    content = tree(libraries__central=NO_COORDINATES)
    code, lines = run(content, nominatim, timeout=0.3)
    assert code == 0
    assert len(nominatim.requests) == len(failures) + 1
    assert sum("did not answer" in line for line in lines) == len(failures)
    assert "latitude: 43.671737" in (content / "libraries/central.yml").read_text()


def test_gives_up_with_a_clear_message_and_no_traceback(tree, nominatim, capsys, monkeypatch):
    nominatim.script = ["500", "500", "500"]
    content = tree(libraries__central=NO_COORDINATES)
    before = (content / "libraries/central.yml").read_bytes()
    monkeypatch.chdir(content.parent)
    (content.parent / "pelicanconf.py").write_text(
        f"PATH = 'content'\nGEOCODING = {settings(content, nominatim.domain)['GEOCODING']!r}\n")
    assert main(["geocode", "--write"]) == 1
    err = capsys.readouterr().err
    assert f"could not reach {nominatim.domain}" in err and "Traceback" not in err
    assert (content / "libraries/central.yml").read_bytes() == before


def test_offline_says_so(tree):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{sock.getsockname()[1]}"
    content = tree(libraries__central=NO_COORDINATES)
    with pytest.raises(Exception, match="Check the network connection"):
        geocode_command(settings(content, closed, max_retries=0), [], True, lambda _: None)


def test_cache_hits_make_no_request(tree, nominatim):
    content = tree(libraries__central=NO_COORDINATES)
    assert run(content, nominatim)[0] == 0
    assert len(nominatim.requests) == 1 and (content / "geocache.json").is_file()
    (content / "libraries/central.yml").write_text(NO_COORDINATES)
    code, lines = run(content, nominatim)
    assert code == 0 and len(nominatim.requests) == 1
    assert "from cache" in lines[0]
    assert "latitude: 43.671737" in (content / "libraries/central.yml").read_text()


def test_nothing_found_falls_back_to_the_town_centre(tree, nominatim):
    nominatim.script = ["empty"]
    content = tree(libraries__central=NO_COORDINATES)
    code, lines = run(content, nominatim)
    assert code == 0 and "approximate" in lines[0] and "gazetteer" in lines[0]
    data, _ = parse((content / "libraries/central.yml").read_text())
    assert data["coordinates"]["precision"] == "city"
    assert GeoCache(content / "geocache.json").entries == {}  # only real look-ups are cached


def test_an_unplaceable_address_names_file_and_line(tree, nominatim):
    content = tree(libraries__central=NO_COORDINATES.replace("city: Toronto", "city: Nowhereville Flats"))
    code, lines = run(content, nominatim)
    assert code == 1
    assert lines[0].endswith("libraries/central.yml:4: address: nominatim found nothing, and the gazetteer has no "
                             "town 'Nowhereville Flats' in CA — check the address, or copy latitude and longitude "
                             "from a map")


def test_without_write_nothing_changes(tree, nominatim):
    content = tree(libraries__central=NO_COORDINATES)
    code, lines = run(content, nominatim, write=False)
    assert code == 0 and lines[-1].startswith("Nothing was written")
    assert (content / "libraries/central.yml").read_text() == NO_COORDINATES
    assert not (content / "geocache.json").exists()


def test_unknown_library_ids_are_named(tree, nominatim):
    code, lines = run(tree(), nominatim, ids=["centrall"])
    assert code == 1 and lines == ["circles geocode: there is no library 'centrall' — did you mean 'central'?"]


def sample_without_coordinates(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the sample directory whose libraries lost their coordinates; returns the originals too."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    originals = {}
    for path in sorted((content / "libraries").glob("*.yml")):
        originals[path.name] = path.read_text(encoding="utf-8")
        path.write_text(strip_coordinates(originals[path.name]), encoding="utf-8")
    return content, originals


def test_geocode_write_restores_the_sample_and_touches_only_coordinate_lines(tmp_path, nominatim):
    content, originals = sample_without_coordinates(tmp_path)
    for text in originals.values():
        data, _ = parse(text)
        where = f"{data['address'].get('street', '')}, {data['address']['city']}".casefold().lstrip(", ")
        kind = "building" if data["address"].get("street") else "city"
        nominatim.places[where if data["address"].get("street") else data["address"]["city"].casefold()] = (
            float(data["latitude"]), float(data["longitude"]), kind)
    code, _ = run(content, nominatim)
    assert code == 0 and len(nominatim.requests) == len(originals)
    for name, original in originals.items():
        restored = (content / "libraries" / name).read_text(encoding="utf-8")
        changed = [line for line in difflib.unified_diff(original.splitlines(), restored.splitlines(), lineterm="", n=0)
                   if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        assert all(line[1:].startswith(("latitude:", "longitude:", "  source:", "  precision:", "  date:"))
                   for line in changed), (name, changed)
        before, _ = parse(original)
        after, _ = parse(restored)
        assert (float(after["latitude"]), float(after["longitude"])) == (float(before["latitude"]), float(before["longitude"]))


def test_the_site_builds_offline_from_the_cache(tmp_path, nominatim):
    """Done when: with the network cut, `make html`'s build places every library."""
    import os
    import subprocess
    import sys

    from bs4 import BeautifulSoup

    content, originals = sample_without_coordinates(tmp_path)
    for text in originals.values():
        data, _ = parse(text)
        key = f"{data['address'].get('street', '')}, {data['address']['city']}".casefold()
        nominatim.places[key if data["address"].get("street") else data["address"]["city"].casefold()] = (
            float(data["latitude"]), float(data["longitude"]), "building" if data["address"].get("street") else "city")
    assert run(content, nominatim)[0] == 0
    for name in originals:  # the records lose their coordinates again: only the cache has them
        path = content / "libraries" / name
        path.write_text(strip_coordinates(path.read_text(encoding="utf-8")), encoding="utf-8")
    offline = ["unshare", "-n"] if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0 else []
    if not offline and not os.environ.get("CI"):
        pytest.skip("unshare -n is not permitted here")
    result = subprocess.run([*offline, sys.executable, "-m", "pelican", str(content), "-s", str(ROOT / "pelicanconf.py"),
                             "-o", str(tmp_path / "out"), "--cache-path", str(tmp_path / "cache"), "-e", f'PLUGIN_PATHS=["{ROOT / "plugins"}"]',
                             f'THEME="{ROOT / "theme"}"', 'BUILD_DATE="2026-11-22"',
                             # Places are what this test is about: one language, no PDFs, a quarter of the work.
                             'DIRECTORY={"languages": ["en"], "sample": true, "flyer_pdfs": false, "toolkit_pdfs": false}'],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name, text in originals.items():
        data, _ = parse(text)
        page = BeautifulSoup((tmp_path / "out/libraries" / name.removesuffix(".yml") / "index.html").read_text(), "lxml")
        link = page.select_one(".venue__map a")
        assert (float(link["data-lat"]), float(link["data-lon"])) == (float(data["latitude"]), float(data["longitude"]))


def test_a_library_without_timezone_gets_one_from_its_coordinates_and_circles_inherit_it(tree):
    from circles.directory.assemble import assemble_directory

    content = tree(libraries__central=LIBRARY.replace("timezone: America/Toronto\n", ""))
    directory = assemble_directory({"PATH": str(content), "BUILD_DATE": "2026-11-22"})
    assert directory.libraries[0].timezone == "America/Toronto"
    circle = directory.circles[0]
    assert circle.timezone == "America/Toronto" and circle.first_meeting.start.tzname() == "EST"


def test_a_library_with_only_a_town_is_placed_at_its_centre(tree):
    from circles.directory.assemble import assemble_directory

    content = tree(libraries__central=NO_COORDINATES.replace("timezone: America/Toronto\n", ""))
    library = assemble_directory({"PATH": str(content), "BUILD_DATE": "2026-11-22"}).libraries[0]
    assert library.approximate and library.coordinates_source.startswith("GeoNames")
    assert round(library.latitude, 1) == 43.7 and library.timezone == "America/Toronto"
