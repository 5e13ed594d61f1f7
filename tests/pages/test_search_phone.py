"""The search page on a 390 × 844 phone, in a real Chromium (issue 23, item 1): a search's results
start on the first screen, the town, radius and facets wait behind buttons, and a keyboard reaches
the results in three presses. Built in two languages, so that the header has its language menu."""

from __future__ import annotations

import re

import pytest
from pelican.settings import read_settings

from tests.browser import serve
from tests.conftest import ROOT, build
from tests.pages.test_map import serve_tiles
from tests.pages.test_search import wait_for_results

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    settings = read_settings(str(ROOT / "pelicanconf.py"))["DIRECTORY"] | {"languages": ["en", "fr"]}
    output = build(ROOT / "content", tmp_path_factory.mktemp("phone") / "output", DIRECTORY=settings)
    with serve(output) as url:
        yield url


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    serve_tiles(page)
    yield page
    context.close()


def on_first_screen(page, selector: str) -> bool:
    """Whether the whole of the first element ``selector`` finds is on the first screen, unscrolled."""
    box = page.locator(selector).first.bounding_box()
    return page.evaluate("scrollY") == 0 and box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def test_a_typo_from_the_home_page_offers_the_word_and_its_results_on_the_first_screen(site, phone):
    """The issue's done-when: "pyhton" from the home page offers "python" and shows results on the first screen."""
    phone.goto(site)
    phone.fill("#home-q", "pyhton")
    phone.press("#home-q", "Enter")
    wait_for_results(phone, "No circles match")
    phone.locator("[data-suggest] a").wait_for()
    assert on_first_screen(phone, "[data-suggest]")
    phone.get_by_role("link", name="python", exact=True).click()
    wait_for_results(phone)
    assert re.fullmatch(r"\d+ circles", phone.locator("[data-status]").inner_text())
    assert on_first_screen(phone, "[data-status]")
    assert on_first_screen(phone, "[data-results] li .card__title")


@pytest.mark.parametrize(("language", "circles"), [("", "circles"), ("fr/", "cercles")])
def test_the_first_result_is_on_the_first_screen_in_each_language(site, phone, language, circles):
    phone.goto(f"{site}{language}search/?q=python")
    wait_for_results(phone, circles)
    assert on_first_screen(phone, "[data-results] li .card__title")
    assert phone.locator("#place").is_hidden() and phone.locator("[data-facet-list]").is_hidden()


def test_the_town_and_the_facets_open_below_their_buttons_and_say_what_is_chosen(site, phone):
    phone.goto(f"{site}search/?q=python")
    wait_for_results(phone)
    town = phone.get_by_role("button", name="Town and distance")
    town.click()
    assert town.get_attribute("aria-expanded") == "true" and phone.locator("#place").is_visible()
    assert phone.evaluate("document.activeElement.id") == "place"
    filters = phone.get_by_role("button", name="Filters")
    filters.click()
    english = phone.locator(".facet input[name='language'][value='en']")
    assert english.is_visible()
    english.check()
    wait_for_results(phone)
    assert phone.locator("[data-facets-toggle]").inner_text() == "Filters (1)"
    below = phone.locator("[data-facet-list]").bounding_box()
    assert below["y"] > phone.locator("[data-facets-toggle]").bounding_box()["y"]


def test_from_the_home_page_the_keyboard_reaches_the_first_result_in_three_presses(site, phone):
    phone.goto(site)
    phone.fill("#home-q", "python")
    phone.press("#home-q", "Enter")
    wait_for_results(phone)
    phone.keyboard.press("Tab")  # skip to main content
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent") == "Skip to results"
    phone.keyboard.press("Enter")
    phone.keyboard.press("Tab")
    first = phone.locator("[data-results] .card__title a").first
    assert phone.evaluate("document.activeElement.href") == first.evaluate("(a) => a.href")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert "Python" in phone.locator("h1").inner_text()


def test_without_javascript_there_is_no_skip_to_results(site, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}search/?q=python")
    assert page.locator(".skip-link", has_text="Skip to results").count() == 1
    assert page.get_by_role("link", name="Skip to results").count() == 0  # hidden: there are no results to skip to
    context.close()


def test_a_typo_of_a_topic_in_the_pages_language_offers_the_topic(site, phone):
    """Topics are found by their label in every language, so a misspelt French label is put right too."""
    phone.goto(f"{site}fr/search/?q=porgrammation")
    wait_for_results(phone, "Aucun cercle")
    offer = phone.locator("[data-suggest]")
    offer.get_by_role("link", name="programmation").click()
    wait_for_results(phone, "cercle")
    assert phone.locator("[data-results] li").count() > 0
