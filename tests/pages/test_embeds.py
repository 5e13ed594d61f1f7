"""Embeds: a network's and a library's circles for an iframe on another site, and the snippet that places them."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from circles.directory.assemble import assemble_directory
from circles.pages.embeds import (
    COMPACT_HEIGHT,
    CURRENT_IN_COMPACT,
    CURRENT_IN_EMBED,
    FULL_HEIGHT,
    PAST_IN_EMBED,
    embed_pages,
)
from tests.conftest import BUILD_DATE, CIRCLE, LIBRARY, NETWORK, ROOT, build, write_tree

SITEURL = "https://circles.example.org/dir"
EVIL = '<b>"Quotes" & more</b>'
# Past (ended before BUILD_DATE), in progress, and online circles beside conftest's upcoming one.
PAST = CIRCLE.replace("title: Python for beginners", "title: Last spring's Python").replace("2026-12-01", "2026-03-03")
STARTED = CIRCLE.replace("title: Python for beginners", f"title: '{EVIL}'").replace("2026-12-01", "2026-11-03")
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
OTHER_LIBRARY = LIBRARY.replace("name: Central Branch", f"name: '{EVIL}'")
CONTENT = {"networks/net.yml": NETWORK, "libraries/central.yml": LIBRARY, "libraries/other.yml": OTHER_LIBRARY,
           "circles/python.yml": CIRCLE, "circles/past.yml": PAST, "circles/started.yml": STARTED,
           "circles/online.yml": ONLINE}
#: "other" has no circle: with every library given its pages, it shows an embed with none listed.
EVERY_LIBRARY = {"flyer_pdfs": False, "library_pages": "all"}
EMBEDS = [f"embed/{record}/{variant}" for record in ("networks/net", "libraries/central", "libraries/other")
          for variant in ("", "compact/")]


def build_site(tmp_path_factory, **overrides) -> Path:
    content = write_tree(tmp_path_factory.mktemp("content"), CONTENT)
    # No PDFs: they are tests/exports/test_flyers.py's business and the slow part of a build.
    return build(content, tmp_path_factory.mktemp("site") / "output", DIRECTORY=EVERY_LIBRARY, **overrides)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory, SITEURL=SITEURL, RELATIVE_URLS=False)


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    content = write_tree(tmp_path_factory.mktemp("records"), CONTENT)
    return assemble_directory({"PATH": str(content), "BUILD_DATE": BUILD_DATE, "DIRECTORY": EVERY_LIBRARY})


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "lxml")


def listed(page: BeautifulSoup) -> list[str]:
    """Ids of the circles an embed links to, in order."""
    return [a["href"].rstrip("/").rsplit("/", 1)[1] for a in page.select("main a") if "/circles/" in a["href"]]


def test_every_network_and_library_has_a_full_and_a_compact_embed(site, directory):
    written = sorted(p.parent.relative_to(site).as_posix() + "/" for p in (site / "embed").rglob("index.html"))
    assert written == sorted(EMBEDS)
    assert sorted(embed.url for embed in embed_pages(directory)) == sorted(EMBEDS)


@pytest.mark.parametrize("path", EMBEDS)
def test_an_embed_has_no_site_chrome_and_no_script(site, path):
    page = soup(site, path)
    assert page.select("header, nav, footer, .site-header, .site-nav, .site-footer, .skip-link, .breadcrumbs") == []
    assert page.select("script, iframe, form, [style], style") == []
    assert [link["href"].rsplit("/", 1)[1] for link in page.select("link[rel=stylesheet]")] == ["embed.css"]
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"


@pytest.mark.parametrize("path", EMBEDS)
def test_every_link_opens_a_new_tab_without_opener_or_referrer(site, path):
    links = soup(site, path).select("a")
    assert links
    for link in links:
        assert link.get("target") == "_blank", link
        assert {"noopener", "noreferrer"} <= set(link.get("rel") or []), link


@pytest.mark.parametrize("path", EMBEDS)
def test_the_policy_allows_framing_and_forbids_inline_code(site, path):
    csp = soup(site, path).find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    # A meta policy cannot restrict framing; it must not try to, nor allow inline script or style.
    assert "frame-ancestors" not in csp and "unsafe-inline" not in csp
    assert "style-src 'self'" in csp and "default-src 'self'" in csp


def test_the_full_embed_adds_past_circles_after_current_ones(site, directory):
    network = directory.networks[0]
    shown = listed(soup(site, "embed/networks/net/"))
    assert shown == [c.id for c in network.circles][: len(shown)]
    assert "past" in shown and shown.index("past") > shown.index("python")


def test_current_and_past_circles_are_capped_to_fit_the_frame(tmp_path_factory):
    tuesdays = [dt.date(2026, 3, 3) + dt.timedelta(weeks=n) for n in range(PAST_IN_EMBED + 2)]
    many = {f"circles/past{n:02d}.yml": PAST.replace("2026-03-03", day.isoformat()) for n, day in enumerate(tuesdays)}
    # Conftest's circle starts on 2026-12-01; these start a week apart after it.
    later = [dt.date(2026, 12, 8) + dt.timedelta(weeks=n) for n in range(CURRENT_IN_EMBED + 1)]
    many |= {f"circles/soon{n:02d}.yml": CIRCLE.replace("2026-12-01", day.isoformat()) for n, day in enumerate(later)}
    content = write_tree(tmp_path_factory.mktemp("many"), {**CONTENT, **many})
    out = build(content, tmp_path_factory.mktemp("many-site") / "output", DIRECTORY=EVERY_LIBRARY)
    page = soup(out, "embed/libraries/central/")
    assert len(page.select(".embed__past li")) == PAST_IN_EMBED
    more = page.select(".embed__past + p a")[0]
    assert more.get_text(strip=True) == "3 earlier circles" and more["href"].endswith("libraries/central/#past")
    for path in ("embed/libraries/central/",):
        page = soup(out, path)
        # The soonest first: the one already meeting, conftest's, then the first of the later ones.
        assert listed(page) [:CURRENT_IN_EMBED] == ["started", "python", "soon00", "soon01", "soon02"][:CURRENT_IN_EMBED]
        assert len(page.select(".embed__item")) == CURRENT_IN_EMBED
        rest = page.select(".embed__list + p a")[0]
        # started, python and six later ones: eight current circles, five shown.
        assert rest.get_text(strip=True) == "3 more upcoming or current circles"
        assert rest["href"].endswith("libraries/central/") and rest["target"] == "_blank"


def test_record_text_is_escaped(site):
    page = soup(site, "embed/libraries/other/")
    assert page.h1.get_text() == EVIL and page.select("main b") == []
    title = soup(site, "embed/networks/net/").find("a", string=EVIL)
    assert title is not None


@pytest.mark.parametrize("path, name, title", [("libraries/other/", "libraries/other", f"Learning circles at {EVIL}"),
                                               ("networks/net/", "networks/net", "Learning circles of Example Library System")])
def test_the_snippet_is_the_iframe_html_with_the_public_address(published, path, name, title):
    section = soup(published, path).find("section", attrs={"aria-labelledby": "embed"})
    code = section.select_one("pre > code").get_text()
    iframe = BeautifulSoup(code, "lxml").iframe  # what a librarian pastes, read as HTML again
    assert iframe["src"] == f"{SITEURL}/embed/{name}/"
    assert iframe["title"] == title
    assert iframe["width"] == "100%" and iframe.get("loading") == "lazy"
    previews = [a["href"] for a in section.select("a")]
    assert previews == [f"{SITEURL}/embed/{name}/", f"{SITEURL}/embed/{name}/compact/"]
    assert "SITEURL" not in section.get_text()


def test_without_a_public_address_the_snippet_says_what_to_replace(site):
    section = soup(site, "libraries/central/").find("section", attrs={"aria-labelledby": "embed"})
    iframe = BeautifulSoup(section.select_one("pre > code").get_text(), "lxml").iframe
    assert iframe["src"] == "SITEURL/embed/libraries/central/"
    assert "built without its public address" in section.select_one(".note").get_text()
    for link in section.select("a"):  # the previews still work locally
        assert (site / "libraries/central" / link["href"] / "index.html").resolve().is_file()


# In Chromium: the embed follows the iframe's width and passes axe.


@pytest.mark.parametrize("width", [320, 700])
def test_an_embed_fits_the_frame_it_is_given(site, page, served_site, width):
    base = served_site(site)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{base}embed/networks/net/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    columns = page.evaluate("getComputedStyle(document.querySelector('.embed__list')).gridTemplateColumns")
    assert (columns.count("px") >= 2) == (width >= 640), columns


def test_an_embed_in_an_iframe_on_another_origin(site, page, served_site):
    base = served_site(site)
    host = site.parent / "host"
    host.mkdir(exist_ok=True)
    # Served from another port: another origin, as a library's website would be.
    (host / "index.html").write_text(f'<!doctype html><title>Host</title><iframe title="Circles" '
                                     f'src="{base}embed/libraries/central/" width="100%" height="500"></iframe>',
                                     encoding="utf-8")
    page.goto(served_site(host))
    frame = page.frame_locator("iframe")
    link = frame.locator("a", has_text="Python for beginners")
    assert link.get_attribute("target") == "_blank"
    assert frame.locator("h1").inner_text() == "Central Branch"


def test_no_accessibility_violations_in_an_embed(site, browser, served_site):
    axe = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed: run `npm ci`")
        pytest.skip("axe-core is not installed (npm ci)")
    base = served_site(site)
    # axe is injected by the test, so the page's own CSP is bypassed for this one script.
    context = browser.new_context(bypass_csp=True, viewport={"width": 320, "height": 700})
    tab = context.new_page()
    violations = {}
    for path in ("embed/networks/net/", "embed/libraries/other/"):
        tab.goto(f"{base}{path}")
        tab.add_script_tag(path=str(axe))
        report = tab.evaluate("""async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})""")
        violations[path] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in report["violations"]]
    context.close()
    assert violations == {path: [] for path in violations}


def test_the_compact_embed_shows_the_next_circles_and_a_link_to_the_rest(site):
    page = soup(site, "embed/networks/net/compact/")
    assert len(page.select(".embed__item")) <= CURRENT_IN_COMPACT and not page.select(".embed__past")
    assert page.select_one(".embed__foot a")["href"].endswith("networks/net/")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return build(ROOT / "content", tmp_path_factory.mktemp("sample") / "output",
                 DIRECTORY={"languages": ["en"], "flyer_pdfs": False, "toolkit_pdfs": False})


@pytest.mark.parametrize("variant, width, height", [("", 600, FULL_HEIGHT), ("compact/", 320, COMPACT_HEIGHT)])
def test_every_embed_of_the_sample_fits_the_height_its_code_gives(sample, page, served_site, variant, width, height):
    """The heights the embed code gives (the full one from 600 px wide, the compact one from 320 px) hold the
    sample's every embed: a frame with a scroll bar inside someone else's page is what issue 23 found."""
    base = served_site(sample)
    page.set_viewport_size({"width": width, "height": 800})
    needed = {}
    for path in sorted((sample / "embed").glob(f"*/*/{variant}index.html")):
        page.goto(base + path.parent.relative_to(sample).as_posix() + "/")
        needed[path.parent.relative_to(sample).as_posix()] = page.evaluate("Math.ceil(document.querySelector('main').getBoundingClientRect().bottom"
                                                 " + parseFloat(getComputedStyle(document.body).paddingBottom))")
    assert len(needed) > 20
    assert {name: px for name, px in needed.items() if px > height} == {}
    code = BeautifulSoup((sample / "networks/p2pu/index.html").read_text(encoding="utf-8"), "lxml").select("#embed ~ pre")
    assert [f'height="{FULL_HEIGHT}"' in c.get_text() for c in code] == [True, False]
    assert f'height="{COMPACT_HEIGHT}"' in code[1].get_text() and "compact/" in code[1].get_text()
