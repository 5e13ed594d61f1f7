"""Hostile records in a real Chromium: nothing a record says ever runs.

The site is built from the valid records and every accepted case of the adversarial corpus
(tests/adversarial/), whose text calls ``window.__pwned()`` and ``alert()`` in script tags, event
handlers, broken-out attributes and Markdown links. Each page is opened with a canary that
records those calls and every Content-Security-Policy violation; the canary must stay empty.
"""

from __future__ import annotations

import pytest

from tests.browser import serve
from tests.conftest import build
from tests.pages.test_map import serve_tiles
from tests.records.test_adversarial import accepted_tree

#: Runs before any script of a page: what a payload would call, and what the policy would block.
CANARY = """
window.__canary = [];
window.__pwned = (what) => window.__canary.push(`ran: ${what}`);
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (what) => window.__canary.push(`${name}: ${what}`);
}
document.addEventListener("securitypolicyviolation", (event) => window.__canary.push(
  `blocked by the policy: ${event.violatedDirective} ${event.blockedURI} ${event.sample}`));
"""

#: What the live page holds after its scripts ran: handlers, inline scripts, links that run code.
LIVE_MARKUP = """() => {
  const found = [];
  const code = /^\\s*(javascript|data|vbscript):/i;
  for (const element of document.querySelectorAll("*")) {
    for (const { name, value } of element.attributes) {
      if (name.startsWith("on")) found.push(`${element.tagName} ${name}=${value}`);
      if (["href", "action", "formaction"].includes(name) && code.test(value)) found.push(`${element.tagName} ${name}=${value}`);
    }
    if (element.tagName === "SCRIPT" && !element.src && !/json/.test(element.type)) found.push(`inline script: ${element.text}`);
    if (["IFRAME", "OBJECT", "EMBED"].includes(element.tagName)) found.push(element.tagName);
  }
  return found;
}"""

TITLE = "<script>window.__pwned('title')</script> Zanzibar circle"
LIBRARY = "<img src=x onerror=window.__pwned('library name')> Branch"
#: A word of each hostile circle's title, and the title its search result must show as text.
SEARCHES = {
    "Zanzibar": TITLE,
    "Breakout": "\"><img src=x onerror=window.__pwned('title-attr')> Breakout circle '><svg onload=alert(1)>",
    "Template": "{{ 7*7 }} {% raw %}Template circle{% endraw %} ${7*7}",
    "Online": "</script><script>window.__pwned('online title')</script> Online ]]> <!-- circle",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    content = accepted_tree(tmp_path_factory.mktemp("canary") / "content")
    # Every library with a page of its own: the hostile ones have no circle, and their pages are opened.
    output = build(content, content.parent / "output", DIRECTORY={"sample": True, "library_pages": "all"})
    with serve(output) as base:
        yield base, output


@pytest.fixture
def tab(page):
    page.add_init_script(CANARY)
    serve_tiles(page)
    return page


def caught(tab, console_errors: list[str]) -> list[str]:
    """What the canary, the live page and the console report since the last call; clears the console."""
    found = tab.evaluate("window.__canary") + tab.evaluate(LIVE_MARKUP) + console_errors[:]
    console_errors.clear()
    return found


def test_no_page_runs_what_a_record_says(site, tab, console_errors):
    base, output = site
    found = {}
    for path in sorted(output.rglob("*.html")):
        url = path.relative_to(output).as_posix().removesuffix("index.html")
        tab.goto(base + url)
        if tab.locator("[data-map]").count():
            tab.wait_for_load_state("networkidle")  # maps draw their markers after the page has loaded
        if problems := caught(tab, console_errors):
            found[url] = problems
    assert found == {}
    assert len(list(output.rglob("*.html"))) >= 40 and (output / "embed" / "networks" / "hostile-net").is_dir()


@pytest.mark.parametrize("word, title", [pytest.param(word, title, id=word) for word, title in SEARCHES.items()])
def test_search_draws_a_hostile_circle_as_text(site, tab, console_errors, word, title):
    base, _ = site
    tab.goto(f"{base}search/?q={word}")
    tab.wait_for_function("""(title) => [...document.querySelectorAll("[data-results] .card__title a")]
                             .some((link) => link.textContent === title)""", arg=title)
    card = tab.locator("[data-results] .card", has=tab.get_by_text(title, exact=True))
    assert card.locator("img, svg, script").count() == 0
    assert caught(tab, console_errors) == []


def open_popup(tab, map_selector: str) -> str:
    tab.locator(f"{map_selector} .leaflet-marker-icon").first.click()
    popup = tab.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("img, svg, script").count() == 0
    return popup.inner_text()


def test_map_popups_show_hostile_names_as_text(site, tab, console_errors):
    base, _ = site
    tab.goto(f"{base}search/?q=Zanzibar")
    tab.locator("[data-map-open]").click()
    tab.wait_for_selector("[data-map='results'] .leaflet-marker-icon")
    assert open_popup(tab, "[data-map='results']").startswith(TITLE)
    tab.goto(f"{base}libraries/hostile-branch/")
    tab.wait_for_selector("[data-map='place'] .leaflet-marker-icon")
    marker = tab.locator(".leaflet-marker-icon")
    assert marker.get_attribute("alt") == LIBRARY and marker.get_attribute("title") == LIBRARY
    assert open_popup(tab, "[data-map='place']") == LIBRARY
    assert tab.locator("img[src='x']").count() == 0
    assert caught(tab, console_errors) == []


def test_the_flyer_and_the_embed_of_a_hostile_record_are_inert(site, tab, console_errors):
    base, output = site
    for url in ("circles/hostile-circle/flyer/", "embed/networks/hostile-net/", "embed/libraries/hostile-branch/"):
        assert (output / url / "index.html").is_file(), url
        tab.goto(base + url)
        assert caught(tab, console_errors) == [], url
    tab.goto(f"{base}circles/hostile-circle/flyer/")
    assert tab.locator("h1").inner_text() == TITLE
