"""Search's trip-ups (issue 23), in a real Chromium: the order of results once past circles are asked for,
typos, a town near me does not know, nothing near a place, and no map tile before the visitor asks."""

from __future__ import annotations

import json
import math
from urllib.parse import parse_qs, urlparse

import pytest
from pelican.settings import read_settings

from tests.browser import serve
from tests.conftest import ROOT, build
from tests.pages.test_map import TILES, serve_tiles
from tests.pages.test_search import wait_for_results

PAST = {"completed", "cancelled"}


@pytest.fixture(scope="module", params=[None, 6], ids=["one index", "in bundles"])
def site(tmp_path_factory, request):
    """The sample directory in English, built once and served on 127.0.0.1, with its circles by page:
    its search index in one bundle, then in bundles of at most 6 circles (pagefind.py)."""
    settings = read_settings(str(ROOT / "pelicanconf.py"))["DIRECTORY"] | {"languages": ["en"]}
    if request.param:
        settings["search_bundle_size"] = request.param
    output = build(ROOT / "content", tmp_path_factory.mktemp("tripups") / "output", DIRECTORY=settings)
    assert not request.param or len([*(output / "pagefind").glob("*/pagefind.js")]) > 1
    circles = json.loads((output / "data" / "circles.json").read_text(encoding="utf-8"))["circles"]
    with serve(output) as url:
        yield url, {f"/{circle['url']}": circle for circle in circles}


@pytest.fixture(scope="module")
def libraries():
    """Every library's record: its coordinates are the distances' truth."""
    from circles.records.load import parse

    found = {}
    for path in (ROOT / "content" / "libraries").glob("*.yml"):
        data, _ = parse(path.read_text(encoding="utf-8"))
        found[path.stem] = data
    return found


def km_between(a: dict, b: dict) -> float:
    """Great-circle distance between two records' or places' latitude and longitude."""
    (p1, l1), (p2, l2) = ((math.radians(float(x["latitude"])), math.radians(float(x["longitude"]))) for x in (a, b))
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def card_paths(page, selector: str) -> list[str]:
    return [urlparse(href).path for href in page.locator(f"{selector} .card__title a").evaluate_all("(links) => links.map((a) => a.href)")]


def every_result(page) -> list[str]:
    """The pages of every result listed, "Show more" clicked until there is no more."""
    while page.locator("[data-more]").is_visible():
        shown = page.locator("[data-results] li").count()
        page.locator("[data-more]").click()
        page.wait_for_function("(n) => document.querySelectorAll('[data-results] li').length > n", arg=shown)
    return [urlparse(href).path for href in page.locator("[data-results] .card__title a").evaluate_all("(links) => links.map((a) => a.href)")]


@pytest.mark.parametrize("query", ["", "python"])
def test_with_every_status_ticked_current_circles_come_first_and_past_ones_most_recent_first(site, page, query):
    """In date order as in order of relevance (a word searched), where an old circle can score best."""
    base, circles = site
    serve_tiles(page)
    page.goto(f"{base}search/?q={query}")
    wait_for_results(page)
    status = page.locator("fieldset.facet:has(legend:text-is('Status')) input")
    for value in status.evaluate_all("(boxes) => boxes.map((box) => box.value)"):
        page.locator(f"fieldset.facet input[name='status'][value='{value}']").check()
        page.wait_for_function("(v) => new URL(location.href).searchParams.getAll('status').includes(v)", arg=value)
        wait_for_results(page)
    assert set(parse_qs(urlparse(page.url).query)["status"]) == {"open", "full", "in_progress", "past"}

    listed = [circles[path] for path in every_result(page)]
    past = [circle["status"] in PAST for circle in listed]
    assert listed and not past[0] and True in past, [c["status"] for c in listed]
    assert past == sorted(past), [c["status"] for c in listed]  # no current circle after a past one
    if not query:
        starts = [circle["schedule"]["meetings"][0] for circle in listed if circle["status"] in PAST]
        assert starts == sorted(starts, reverse=True)



@pytest.mark.parametrize("typo", ["pyhton", "pythn"])
def test_a_misspelt_word_finds_nothing_but_offers_the_word_meant_which_finds_circles(site, page, typo):
    base, _ = site
    serve_tiles(page)
    page.goto(f"{base}search/?q={typo}")
    wait_for_results(page, "No circles match")
    offer = page.locator("[data-suggest]")
    assert offer.inner_text() == "Did you mean python?"  # the word where the sentence puts it
    offer.get_by_role("link", name="python").click()
    page.wait_for_function("() => new URL(location.href).searchParams.get('q') === 'python'")
    wait_for_results(page)
    assert page.locator("#q").input_value() == "python"
    assert page.locator("[data-results] .card__title a").count() and offer.is_hidden()


def test_nothing_near_a_place_shows_the_nearest_circles_beyond_and_online_ones_in_the_pages_language(site, page, libraries):
    """London, Ontario has no circle within 50 km: the nearest ones are listed with their distance,
    nearest first, and the online circles in English (issue 23, item 3)."""
    base, circles = site
    serve_tiles(page)
    page.goto(f"{base}search/")
    wait_for_results(page)
    page.fill("#place", "London, Ontario")
    page.press("#place", "Enter")
    wait_for_results(page, "No circles within")
    page.wait_for_selector("[data-beyond]:not([hidden]) li")
    page.wait_for_selector("[data-online]:not([hidden]) li")
    assert page.locator("[data-results] li").count() == 0

    query = parse_qs(urlparse(page.url).query)
    london = {"latitude": query["lat"][0], "longitude": query["lon"][0]}
    radius = float(query["r"][0])
    current = [c for c in circles.values() if c["status"] not in PAST and c["library"]]
    expected = sorted(km_between(london, libraries[c["library"]]) for c in current)[:5]
    listed = [circles[path] for path in card_paths(page, "[data-beyond]")]
    distances = [km_between(london, libraries[c["library"]]) for c in listed]
    assert distances == pytest.approx(expected, abs=0.01) and min(distances) > radius
    shown = page.locator("[data-beyond] .facts dd", has_text="km away").all_inner_texts()
    assert shown[0] == f"{round(distances[0])} km away", shown
    assert page.locator("#beyond-heading").inner_text() == "The nearest circles, beyond 50 km"

    online = [circles[path] for path in card_paths(page, "[data-online]")]
    assert online and all(c["format"] in ("online", "hybrid") and c["language"] == "en" and c["status"] not in PAST
                          for c in online), online
    every = page.get_by_role("link", name="Every online circle in English")
    assert parse_qs(urlparse(every.get_attribute("href")).query) == {"format": ["online", "hybrid"], "language": ["en"]}


def test_a_town_near_me_does_not_know_offers_the_directorys_town_meant(site, page):
    base, _ = site
    serve_tiles(page)
    page.goto(f"{base}search/?place=Torronto")
    wait_for_results(page, "No town called")
    offer = page.locator("[data-suggest]")
    offer.wait_for()
    assert offer.inner_text() == "Did you mean Toronto, CA?"
    offer.get_by_role("link").click()
    wait_for_results(page, "nearest first")
    assert "Toronto" in page.locator("[data-status]").inner_text()
    assert all("Toronto" in where for where in page.locator("[data-results] .facts dd:nth-of-type(2)").all_inner_texts())


def test_no_map_tile_is_asked_for_until_the_visitor_opens_the_map(site, browser):
    """Near me at Boston Public Library's Central Library: the tile server learns nothing of the
    visitor's area until they open the map; the page names the server (issue 23, item 4)."""
    from circles.records.load import parse

    base, _ = site
    data, _ = parse((ROOT / "content/libraries/bpl-central.yml").read_text(encoding="utf-8"))
    here = {"latitude": float(data["latitude"]), "longitude": float(data["longitude"])}
    context = browser.new_context(viewport={"width": 390, "height": 844}, geolocation=here, permissions=["geolocation"])
    page = context.new_page()
    asked = serve_tiles(page)
    page.goto(f"{base}search/?q=python")
    wait_for_results(page)
    page.click("[data-locate]")
    wait_for_results(page, "nearest first")
    page.wait_for_timeout(500)  # time enough for any tile to be asked for
    assert asked == []
    assert "tile.openstreetmap.org" in page.locator(".map-privacy").inner_text()
    page.get_by_role("button", name="Show the results on a map").click()
    page.wait_for_selector("[data-map='results'] .leaflet-marker-icon")
    assert asked and all(url.startswith(TILES) for url in asked)
    page.goto(f"{base}search/")  # asked once, the map opens by itself for the rest of the visit
    page.wait_for_selector("[data-map='results'].leaflet-container")
    assert page.locator("[data-map-open]").is_hidden()
    context.close()
