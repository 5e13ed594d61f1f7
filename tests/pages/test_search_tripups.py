"""Search's trip-ups (issue 23), in a real Chromium: the order of results once past circles are asked for."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import pytest
from pelican.settings import read_settings

from tests.browser import serve
from tests.conftest import ROOT, build
from tests.pages.test_map import serve_tiles
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
