"""Maps: Leaflet copied from its packages, map containers in the pages, the CSP, and the maps in Chromium."""

from __future__ import annotations

import datetime as dt
import json
import struct
import zlib
from pathlib import Path

import jinja2
import pytest
from bs4 import BeautifulSoup

from circles.exports.assets import vendor_files
from circles.pages.templating import content_policy, tile_source
from circles.settings import MAP_DEFAULTS, map_settings
from tests.conftest import CIRCLE, LIBRARY, NETWORK, ROOT, build, write_tree

# The browser, page, console_errors and served_site fixtures come from tests/browser.py (via conftest).

EVIL = "<img src=x onerror=alert(1)>"
ONLINE = """\
title: Writing online
network: net
format: online
timezone: America/Toronto
course:
  title: Start Writing Fiction
language: en
schedule:
  start_date: 2026-12-02
  weeks: 4
  weekdays: [wednesday]
  start_time: 19:00
  duration: 60
signup: circles@lib.example.net
"""
# Parkdale branch, City of Toronto Open Data (2023); the name is an attack on the popup.
EVIL_LIBRARY = LIBRARY.replace("name: Central Branch", f'name: "{EVIL}"').replace(
    "latitude: 43.671737", "latitude: 43.641174").replace("longitude: -79.386763", "longitude: -79.432659")
# No coordinates: the build places it at the town's centre and marks it approximate.
TOWN_LIBRARY = LIBRARY.replace("name: Central Branch", "name: Town Branch").replace(
    "latitude: 43.671737\n", "").replace("longitude: -79.386763\n", "")
CONTENT = {"networks/net.yml": NETWORK, "libraries/central.yml": LIBRARY, "libraries/evil.yml": EVIL_LIBRARY,
           "libraries/town.yml": TOWN_LIBRARY, "circles/python.yml": CIRCLE, "circles/online.yml": ONLINE}
TILES = "https://tile.openstreetmap.org/"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    content = write_tree(tmp_path_factory.mktemp("content"), CONTENT)
    # Every library with a page of its own: "evil" and "town" have no circle, and their pages' maps are tested.
    return build(content, tmp_path_factory.mktemp("site") / "output", DIRECTORY={"sample": True, "library_pages": "all"})


@pytest.fixture(scope="module")
def site_with_past_circle(tmp_path_factory) -> Path:
    """The same records a year later, when every circle is over."""
    content = write_tree(tmp_path_factory.mktemp("content"), CONTENT)
    return build(content, tmp_path_factory.mktemp("site") / "output", BUILD_DATE=dt.date(2027, 11, 22))


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "lxml")


def assets(site: Path) -> dict[str, bytes]:
    theme = site / "theme"
    files = sorted((theme / "vendor").rglob("*")) + [theme / "map-settings.json"]
    return {p.relative_to(theme).as_posix(): p.read_bytes() for p in files if p.is_file()}


# The build


def test_leaflet_and_markercluster_are_copied_from_their_packages_and_nothing_else(site):
    copied = {name: data for name, data in assets(site).items() if name.startswith("vendor/")}
    assert copied == {f"vendor/{name}": source.read_bytes() for name, source in vendor_files().items()}
    assert {"vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "vendor/leaflet/images/marker-icon.png",
            "vendor/markercluster/leaflet.markercluster.js", "vendor/markercluster/MarkerCluster.css",
            "vendor/markercluster/MarkerCluster.Default.css"} <= set(copied)


def test_assets_are_byte_identical_across_builds(site, tmp_path):
    again = build(write_tree(tmp_path / "content", CONTENT), tmp_path / "output")
    assert assets(again) == assets(site)


def test_map_settings_are_published_as_json(site):
    published = json.loads((site / "theme/map-settings.json").read_text(encoding="utf-8"))
    assert published == {key: MAP_DEFAULTS[key][0] for key in ("tiles", "attribution", "max_zoom")}


def test_map_settings_follow_pelicanconf(tmp_path):
    tiles = "https://{s}.tiles.example.org/base/{z}/{x}/{y}.png"
    out = build(write_tree(tmp_path / "content", CONTENT), tmp_path / "out",
                MAP={"tiles": tiles, "attribution": "Example tiles", "max_zoom": 17})
    published = json.loads((out / "theme/map-settings.json").read_text(encoding="utf-8"))
    assert published == {"tiles": tiles, "attribution": "Example tiles", "max_zoom": 17}
    assert "img-src 'self' data: https://*.tiles.example.org;" in csp(soup(out, "libraries/central"))


def place_map(page: BeautifulSoup):
    return page.select_one("[data-map='place']")


@pytest.mark.parametrize("path", ["libraries/central", "circles/python"])
def test_a_venue_page_has_a_hidden_map_of_the_venue_after_its_address(site, path):
    page = soup(site, path)
    container = place_map(page)
    assert {k: container.get(k) for k in ("data-lat", "data-lon", "data-label", "role", "aria-label")} == {
        "data-lat": "43.671737", "data-lon": "-79.386763", "data-label": "Central Branch",
        "role": "region", "aria-label": "Map of Central Branch"}
    assert container.has_attr("hidden") and not container.has_attr("data-approximate")
    assert container.find_previous("p", class_="address"), "the map comes after the address"
    assert page.select_one("a[href^='https://www.openstreetmap.org/']"), "the link to a map without JavaScript stays"
    # One script: map.js loads Leaflet and the maps' styles itself (a browser test below draws the map).
    assert [s["src"].rsplit("/", 1)[1] for s in page.select("script[src]")] == ["map.js"]
    assert page.select_one("script[src$='map.js']")["type"] == "module"
    assert not page.select("link[href*='leaflet'], link[href*='MarkerCluster'], link[href$='map.css']")


def test_a_past_circle_page_keeps_the_address_and_its_map_link_but_loads_no_map(site_with_past_circle):
    page = soup(site_with_past_circle, "circles/python")
    assert page.select_one("p.address") and page.select_one("a[href^='https://www.openstreetmap.org/']")
    assert not place_map(page) and not page.select("script[src]")


def test_an_approximate_place_says_so(site):
    container = place_map(soup(site, "libraries/town"))
    assert container["data-approximate"] == "true" and container["data-label"] == "Town Branch"


def test_an_online_circle_has_no_map_and_loads_no_map_code(site):
    page = soup(site, "circles/online")
    assert not page.select("[data-map]") and not page.select("script[src]")


def test_a_network_maps_the_libraries_it_lists(site):
    page = soup(site, "networks/net")
    container = page.select_one("[data-map='points']")
    items = page.find(id=container["data-points"]).select("li[data-lat]")
    assert sorted(li["data-label"] for li in items) == sorted(["Central Branch", EVIL, "Town Branch"])
    assert all(li.a["href"].startswith("../../libraries/") for li in items), "each popup links to the library"


def csp(page: BeautifulSoup) -> str:
    return page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]


def test_every_page_has_a_strict_policy_that_lets_the_tiles_in(site):
    for path in site.rglob("*.html"):
        policy = dict(d.strip().split(" ", 1) for d in csp(BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")).split(";"))
        assert "unsafe-inline" not in str(policy) and "'unsafe-eval'" not in str(policy), path
        assert policy == {
            "default-src": "'self'", "script-src": "'self' 'wasm-unsafe-eval'", "style-src": "'self'",
            "img-src": "'self' data: https://tile.openstreetmap.org", "connect-src": "'self'",
            "object-src": "'none'", "base-uri": "'none'", "form-action": "'self'"}, path


def theme_templates() -> jinja2.Environment:
    """The theme's templates, to render its map macros alone; autoescaped like the site's."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "theme/templates"), extensions=["jinja2.ext.i18n"],
                             autoescape=True)
    env.install_null_translations(newstyle=True)
    return env


@pytest.mark.parametrize("tiles, source", [
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
    ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
    ("http://localhost:8080/tiles/{z}/{x}/{y}.png", "http://localhost:8080"),
    ("//tiles.example.org/{z}/{x}/{y}.png", "tiles.example.org"),
    ("tiles/{z}/{x}/{y}.png", ""),  # served by the site itself: 'self' covers it
    (None, "https://tile.openstreetmap.org"),  # no MAP in pelicanconf.py
])
def test_the_tile_source_of_the_policy(tiles, source):
    assert tile_source(map_settings({"MAP": {"tiles": tiles}} if tiles else {})["tiles"]) == source
    policy = content_policy(map_settings({"MAP": {"tiles": tiles}} if tiles else {})["tiles"])
    assert f"img-src 'self' data:{' ' + source if source else ''};" in policy


# In the browser


def png() -> bytes:
    """A valid 1×1 grey PNG: what every tile request gets instead of going online."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xcc")) + chunk(b"IEND", b"")


def serve_tiles(page) -> list[str]:
    """Answer tile requests with png(); return the list of tile URLs asked for."""
    asked = []
    page.route(f"{TILES}**", lambda route: asked.append(route.request.url) or route.fulfill(
        status=200, content_type="image/png", body=png()))
    return asked


def open_map(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-map].leaflet-container .leaflet-marker-icon")


def places_shown(page) -> int:
    """How many places the map shows: one per marker, a cluster's count for a cluster."""
    return sum(page.locator(".leaflet-marker-icon").evaluate_all(
        "icons => icons.map(i => i.classList.contains('marker-cluster') ? Number(i.querySelector('span').textContent) : 1)"))


def test_a_library_page_shows_its_map_with_one_marker(site, served_site, page):
    asked = serve_tiles(page)
    open_map(page, served_site(site) + "libraries/central/")
    container = page.locator("[data-map='place']")
    assert container.is_visible() and container.bounding_box()["height"] >= 200
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert page.locator(".leaflet-marker-icon").get_attribute("alt") == "Central Branch"
    page.wait_for_selector(".leaflet-tile-loaded")
    assert asked and all(url.startswith(TILES) for url in asked)
    assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()


def test_the_marker_is_reached_by_keyboard_and_its_popup_is_text(site, served_site, page):
    serve_tiles(page)
    open_map(page, served_site(site) + "libraries/evil/")
    page.locator("[data-map]").focus()
    page.keyboard.press("Tab")
    marker = page.locator(".leaflet-marker-icon")
    assert marker.evaluate("node => node === document.activeElement")
    assert marker.get_attribute("title") == EVIL and marker.get_attribute("alt") == EVIL
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.inner_text() == EVIL
    assert popup.locator("img").count() == 0 and page.locator("img[src='x']").count() == 0
    assert popup.evaluate("node => node.parentNode.parentNode.contains(document.activeElement)"), "focus moves into the popup"
    page.keyboard.press("Escape")
    popup.wait_for(state="detached")
    assert marker.evaluate("node => node === document.activeElement"), "and back to the marker"


def test_the_map_pans_with_the_arrow_keys(site, served_site, page):
    serve_tiles(page)
    open_map(page, served_site(site) + "libraries/central/")
    pane = page.locator(".leaflet-map-pane")
    before = pane.evaluate("node => node.style.transform")
    page.locator("[data-map]").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("before => document.querySelector('.leaflet-map-pane').style.transform !== before", arg=before)


def test_without_tiles_the_map_says_so(site, served_site, page, console_errors):
    page.route(f"{TILES}**", lambda route: route.abort())
    open_map(page, served_site(site) + "circles/python/")
    note = page.locator(".map-note")
    note.wait_for()
    assert "could not be loaded" in note.inner_text()
    # The failed tiles themselves are reported in the console; nothing else may be.
    assert all("Failed to load resource" in error for error in console_errors), console_errors
    console_errors.clear()


def test_without_javascript_no_map_appears_and_the_link_stays(site, served_site, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(served_site(site) + "libraries/central/")
        assert tab.locator("[data-map]").count() == 1 and not tab.locator("[data-map]").is_visible()
        assert tab.get_by_role("link", name="View on OpenStreetMap").is_visible()
    finally:
        context.close()


def test_a_network_map_clusters_its_libraries(site, served_site, page):
    serve_tiles(page)
    open_map(page, served_site(site) + "networks/net/")
    page.locator(".leaflet-marker-icon").first.wait_for()
    assert places_shown(page) == 3


RESULTS = [
    {"url": "circles/a/", "title": "Toronto circle", "lat": 43.6717, "lon": -79.3868, "when": "Tuesdays",
     "where": "Central Branch, Toronto", "status": "open", "statusLabel": "Sign-up open", "format": "in_person"},
    {"url": "circles/b/", "title": EVIL, "lat": -33.8688, "lon": 151.2093, "when": "Mondays",
     "where": "Sydney", "status": "full", "statusLabel": "Full", "format": "hybrid"},
    {"url": "circles/c/", "title": "Nairobi circle", "lat": -1.2864, "lon": 36.8172, "when": "Fridays",
     "where": "Nairobi", "status": "in_progress", "statusLabel": "In progress", "format": "in_person"},
    {"url": "circles/d/", "title": "Online circle", "lat": None, "lon": None, "when": "Sundays",
     "where": "", "status": "open", "statusLabel": "Sign-up open", "format": "online"},
]


def write_results_page(site: Path, name: str, hidden_layout: bool = False) -> str:
    """A page of the built site with the search page's map, made from the theme's macros;
    with ``hidden_layout``, inside a parent that is hidden until a script shows it, as on the search page."""
    template = theme_templates().from_string(
        '{% from "partials/map.html" import results_map, map_assets with context %}<!doctype html>'
        '<html lang="en" data-root="{{ SITEURL }}/"><head><title>Results</title>'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; script-src \'self\'; style-src \'self\'; '
        'img-src \'self\' data: https://tile.openstreetmap.org">'
        '<link rel="stylesheet" href="../theme/css/site.css">{{ map_assets() }}</head>'
        '<body><main id="layout"{% if hidden %} hidden{% endif %}>{{ results_map() }}</main></body></html>')
    (site / name).mkdir(exist_ok=True)
    html = template.render(SITEURL="..", THEME_STATIC_DIR="theme", hidden=hidden_layout)
    (site / name / "index.html").write_text(html, encoding="utf-8")
    return f"{name}/"


@pytest.fixture
def results_page(site) -> str:
    return write_results_page(site, "results-test")


def dispatch(page, results) -> None:
    page.evaluate("results => document.dispatchEvent(new CustomEvent('circles:results', {detail: {results}}))", results)


def marker_titles(page) -> list[str]:
    return sorted(page.locator(".leaflet-marker-icon").evaluate_all("icons => icons.map(i => i.title)"))


def test_the_results_map_follows_the_search(site, served_site, page, results_page):
    serve_tiles(page)
    base = served_site(site)
    page.goto(base + results_page)
    page.wait_for_selector("[data-map='results'].leaflet-container")
    dispatch(page, RESULTS)
    page.wait_for_function("() => document.querySelectorAll('.leaflet-marker-icon').length === 3")
    assert marker_titles(page) == sorted(["Toronto circle", EVIL, "Nairobi circle"])
    dispatch(page, RESULTS[2:])
    page.wait_for_function("() => document.querySelectorAll('.leaflet-marker-icon').length === 1")
    assert marker_titles(page) == ["Nairobi circle"]
    dispatch(page, RESULTS[1:2])
    page.wait_for_function("() => document.querySelectorAll('.leaflet-marker-icon').length === 1")
    page.locator(".leaflet-marker-icon").click()
    popup = page.locator(".leaflet-popup-content")
    assert popup.locator("p").all_text_contents() == [EVIL, "Mondays", "Sydney", "Full"]
    assert popup.locator("img").count() == 0
    assert popup.locator("a").get_attribute("href") == base + "circles/b/"


def test_results_that_change_faster_than_the_map_animates_still_show(site, served_site, page, results_page):
    serve_tiles(page)
    page.goto(served_site(site) + results_page)
    page.wait_for_selector("[data-map='results'].leaflet-container")
    for results in (RESULTS, RESULTS[2:], RESULTS[1:2]):  # as when someone types
        dispatch(page, results)
    page.wait_for_timeout(600)  # longer than MarkerCluster's animation timer (300 ms)
    assert marker_titles(page) == [EVIL]


def test_results_close_together_are_one_cluster_that_opens_with_enter(site, served_site, page, results_page):
    serve_tiles(page)
    page.goto(served_site(site) + results_page)
    page.wait_for_selector("[data-map='results'].leaflet-container")
    near = [dict(RESULTS[0], title=f"Circle {n}", lon=-79.3868 + n * 0.0005) for n in range(3)]
    dispatch(page, near + [RESULTS[2]])
    cluster = page.locator(".marker-cluster")
    cluster.wait_for()
    assert cluster.inner_text() == "3" and cluster.get_attribute("aria-label") == "3 places here: press Enter to zoom in"
    assert page.locator(".leaflet-marker-icon").count() == 2
    cluster.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.leaflet-marker-icon:not(.marker-cluster)').length >= 3")


def test_results_sent_while_the_map_loads_are_shown(site, served_site, page, results_page):
    serve_tiles(page)
    page.add_init_script(
        "document.addEventListener('DOMContentLoaded', () => document.dispatchEvent(new CustomEvent("
        f"'circles:results', {{detail: {{results: {json.dumps(RESULTS)}}}}})));")
    page.goto(served_site(site) + results_page)
    page.wait_for_function("() => document.querySelectorAll('.leaflet-marker-icon').length === 3")


def test_a_results_map_shown_after_the_results_came_fits_them(site, served_site, page):
    serve_tiles(page)
    page.goto(served_site(site) + write_results_page(site, "results-hidden", hidden_layout=True))
    page.wait_for_selector("[data-map='results'].leaflet-container", state="attached")
    dispatch(page, RESULTS)  # fitted to a 0×0 map: every marker would be out of view
    page.evaluate("() => { document.getElementById('layout').hidden = false; }")
    page.wait_for_function("() => document.querySelectorAll('.leaflet-marker-icon').length === 3")
