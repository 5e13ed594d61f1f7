"""What each page says of itself to search engines and social sites (issue 22): schema.org JSON-LD,
Open Graph and Twitter tags, and the icons drawn at build time.

One build of the sample directory in its four languages, at a public address, with one circle whose
text tries to close the JSON-LD's script element; every page of it is read."""

from __future__ import annotations

import dataclasses
import json
import re
import runpy
import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from circles.directory.assemble import assemble_directory
from circles.pages.structured import circle_data, json_ld
from tests.conftest import BUILD_DATE, ROOT, build

SITE = "https://circles.example.org"
SCHEMA = "https://schema.org/"
HOSTILE = "</script><script>alert(1)</script> <!-- Hostile circle"
HOSTILE_CIRCLE = f"""\
title: {json.dumps(HOSTILE)}
library: tpl-north-york-central
course:
  title: A course
language: en
schedule:
  start_date: 2027-01-05
  weeks: 4
  weekdays: [tuesday]
  start_time: "18:00"
  duration: 60
signup: drop-in
description: "Bring `</script><!--` and `&` to the first meeting."
"""
ICONS = ("favicon.ico", "apple-touch-icon.png", "share.png")
#: Templates with a head of their own, not a page to share or to find: no Open Graph tags.
STANDALONE = re.compile(r"(^|/)(embed/.*|circles/[^/]+/flyer/index\.html)$")
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("structured")
    content = shutil.copytree(ROOT / "content", root / "content")
    (content / "circles" / "hostile-circle.yml").write_text(HOSTILE_CIRCLE, encoding="utf-8")
    options = {**runpy.run_path(str(ROOT / "pelicanconf.py"))["DIRECTORY"], "flyer_pdfs": False, "toolkit_pdfs": False}
    return build(content, root / "output", DIRECTORY=options, SITEURL=SITE)


@pytest.fixture(scope="module")
def pages(site) -> dict[str, BeautifulSoup]:
    """Every page by its path in the output."""
    return {path.relative_to(site).as_posix(): BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
            for path in sorted(site.rglob("*.html"))}


def page_data(page: BeautifulSoup) -> list[dict]:
    return [json.loads(script.string) for script in page.find_all("script", type="application/ld+json")]


def data_of(pages, kind: str) -> dict[str, dict]:
    """The JSON-LD of ``kind`` on each page that has it, by page."""
    found = {}
    for path, page in pages.items():
        for data in page_data(page):
            types = data["@type"] if isinstance(data["@type"], list) else [data["@type"]]
            if kind in types:
                assert path not in found, f"{path} has two {kind}"
                found[path] = data
    return found


def meta(page: BeautifulSoup, key: str) -> str | None:
    element = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    return element and element["content"]


def canonical(page: BeautifulSoup) -> str:
    return page.find("link", rel="canonical")["href"]


def test_each_circle_library_and_home_page_says_what_it_is_at_its_own_address(pages):
    events, libraries, sites = data_of(pages, "Event"), data_of(pages, "Library"), data_of(pages, "WebSite")
    for found, pattern in ((events, r"circles/[^/]+/index\.html"), (libraries, r"libraries/[^/]+/index\.html"),
                           (sites, r"index\.html")):
        wanted = {path for path in pages if re.fullmatch(rf"((fr|es|sw)/)?{pattern}", path)}
        assert wanted and set(found) == wanted
    # Each language's page gives its own address, absolute as the site has a public one.
    for path, data in {**events, **libraries, **sites}.items():
        assert data["url"] == canonical(pages[path]) and data["url"].startswith(SITE)
    assert sites["fr/index.html"]["url"] == f"{SITE}/fr/" and sites["fr/index.html"]["inLanguage"] == "fr"


def test_a_circle_has_what_event_and_course_instance_results_need(pages):
    events = data_of(pages, "Event")
    for path, event in events.items():
        assert event["@type"] == ["Event", "CourseInstance"]
        assert event["name"] and OFFSET.match(event["startDate"]) and OFFSET.match(event["endDate"]), path
        assert event["eventStatus"] in (SCHEMA + "EventScheduled", SCHEMA + "EventCancelled")
        mode = event["eventAttendanceMode"].removeprefix(SCHEMA)
        places = event["location"] if isinstance(event["location"], list) else [event["location"]]
        kinds = sorted(place["@type"] for place in places)
        assert kinds == {"OfflineEventAttendanceMode": ["Place"], "OnlineEventAttendanceMode": ["VirtualLocation"],
                         "MixedEventAttendanceMode": ["Place", "VirtualLocation"]}[mode], path
        for place in places:
            assert place["url"] if place["@type"] == "VirtualLocation" else place["address"]["addressLocality"]
        offer = event["offers"]
        assert offer["price"] == 0 and re.fullmatch(r"[A-Z]{3}", offer["priceCurrency"]), path
        assert offer["availability"].startswith(SCHEMA) and offer["url"].startswith("https://")
        assert event["courseMode"] in ("onsite", "online", "blended")
        assert "courseSchedule" in event or event["startDate"]
        assert "instructor" not in event and "Priya" not in json.dumps(event)  # facilitators stay off
    # The circle's own language in every language's page; its times in its own time zone.
    assert {events[f"{prefix}circles/knls-kisumu-python-essentials-2027-02/index.html"]["inLanguage"]
            for prefix in ("", "fr/", "es/", "sw/")} == {"en"}
    full = events["circles/tpl-north-york-python-essentials-2027-01/index.html"]
    assert full["offers"]["availability"] == SCHEMA + "SoldOut" and full["offers"]["priceCurrency"] == "CAD"
    assert full["startDate"] == "2027-01-12T18:00:00-05:00"
    assert full["eventSchedule"] == full["courseSchedule"] == {
        "@type": "Schedule", "repeatFrequency": "P1W", "byDay": [SCHEMA + "Tuesday"], "startTime": "18:00:00",
        "endTime": "20:00:00", "duration": "PT120M", "startDate": "2027-01-12", "endDate": "2027-03-02",
        "scheduleTimezone": "America/Toronto"}
    assert {e["eventStatus"] for e in events.values()} == {SCHEMA + "EventScheduled", SCHEMA + "EventCancelled"}


def test_a_library_has_its_address_place_and_network(pages):
    libraries = data_of(pages, "Library")
    for path, library in libraries.items():
        assert library["name"] and library["address"]["@type"] == "PostalAddress", path
        assert library["address"]["addressCountry"] and library["address"]["addressLocality"]
        assert isinstance(library["geo"]["latitude"], float) and isinstance(library["geo"]["longitude"], float)
    north_york = libraries["fr/libraries/tpl-north-york-central/index.html"]
    assert north_york["telephone"] and north_york["parentOrganization"] == {
        "@type": "Organization", "name": "Toronto Public Library", "sameAs": "https://www.tpl.ca/",
        "url": f"{SITE}/fr/networks/toronto-public-library/"}


def test_the_home_page_says_how_to_search_the_site_in_its_language(pages):
    sites = data_of(pages, "WebSite")
    for prefix in ("", "fr/", "es/", "sw/"):
        action = sites[f"{prefix}index.html"]["potentialAction"]
        assert action["@type"] == "SearchAction" and action["query-input"] == "required name=search_term_string"
        assert action["target"]["urlTemplate"] == f"{SITE}/{prefix}search/?q={{search_term_string}}"


def test_every_course_page_is_a_course_with_its_circles(pages):
    courses = data_of(pages, "Course")
    expected = {f"{prefix}courses/{path.stem}/index.html" for prefix in ("", "fr/", "es/", "sw/")
                for path in (ROOT / "content" / "courses").glob("*.yml")}
    assert set(courses) == expected
    for path, data in courses.items():
        prefix = path.split("courses/")[0]
        assert data["url"] == f"{SITE}/{path.removesuffix('index.html')}"
        assert data["name"] and data["description"] and data["provider"]["@type"] == "Organization", path
        for instance in data.get("hasCourseInstance", []):
            assert instance["@type"] == "CourseInstance" and instance["courseMode"] and OFFSET.match(instance["startDate"])
            assert instance["location"] and instance["inLanguage"] and instance["endDate"]
            assert instance["url"].startswith(f"{SITE}/{prefix}circles/")
    python = courses["fr/courses/python-essentials-1/index.html"]
    assert python["sameAs"] == "https://www.netacad.com/courses/python-essentials-1" and python["inLanguage"] == "en"
    assert len(python["hasCourseInstance"]) == 6  # the circles taking it now, as the page lists them


def test_a_cost_is_a_price_in_the_currency_it_names():
    circle = next(c for c in assemble_directory({"PATH": str(ROOT / "content"), "BUILD_DATE": BUILD_DATE}).circles
                  if c.library and c.library.address.country == "CA")
    offers = {cost: circle_data(dataclasses.replace(circle, cost=cost), "")["offers"]
              for cost in ("$20", "20 EUR", "15,50 €", "a donation")}
    assert [(o.get("price"), o.get("priceCurrency")) for o in offers.values()] == [
        ("20", "CAD"), ("20", "EUR"), ("15.50", "EUR"), (None, None)]
    assert offers["a donation"]["description"] == "a donation"


def test_contributed_text_never_closes_the_script_element(pages, site):
    for prefix in ("", "fr/"):
        path = f"{prefix}circles/hostile-circle/index.html"
        scripts = pages[path].find_all("script")
        (data_script,) = [script for script in scripts if script.get("type") == "application/ld+json"]
        assert all(script.get("src") and not script.string for script in scripts if script is not data_script)
        data = json.loads(data_script.string)
        assert data["name"] == HOSTILE and data["description"] == "Bring </script><!-- and & to the first meeting."
        assert "<script>alert" not in (site / path).read_text(encoding="utf-8")
    text = json_ld({"b": "</SCRIPT><!--\u2028\u2029&", "a": [1, "é"]})
    assert not set(text) & set("<>&\u2028\u2029") and json.loads(text) == {"a": [1, "é"], "b": "</SCRIPT><!--\u2028\u2029&"}
    assert text == '{"a":[1,"é"],"b":"\\u003c/SCRIPT\\u003e\\u003c!--\\u2028\\u2029\\u0026"}'


def test_every_page_has_a_title_description_and_image_to_share(pages):
    shared = {path: page for path, page in pages.items() if not STANDALONE.search(path)}
    generic = {prefix: meta(pages[f"{prefix}index.html"], "og:description") for prefix in ("", "fr/", "es/", "sw/")}
    for path, page in shared.items():
        prefix = re.match(r"((fr|es|sw)/)?", path).group(0)
        description = meta(page, "og:description")
        assert meta(page, "og:title") and description and description == meta(page, "twitter:description"), path
        assert description == meta(page, "description")
        assert meta(page, "og:image") == f"{SITE}/share.png" and meta(page, "twitter:card") == "summary_large_image"
        assert meta(page, "og:type") == "website" and meta(page, "og:image:alt")
        if re.fullmatch(r"((fr|es|sw)/)?(circles|libraries|networks)/[^/]+/index\.html", path):
            assert description != generic[prefix], path
        if not path.endswith("404.html"):  # served at any address: no address of its own
            assert meta(page, "og:url") == canonical(page)
    french = pages["fr/networks/toronto-public-library/index.html"]
    assert meta(french, "og:locale") == "fr_FR"
    assert sorted(m["content"] for m in french.find_all("meta", property="og:locale:alternate")) == [
        "en_US", "es_ES", "sw_TZ"]


def test_icons_are_at_the_root_and_every_page_links_them(site, pages):
    with Image.open(site / "favicon.ico") as ico:
        assert ico.format == "ICO" and {(16, 16), (32, 32), (48, 48)} <= ico.info["sizes"]
    for name, size in (("apple-touch-icon.png", (180, 180)), ("share.png", (1200, 630))):
        with Image.open(site / name) as image:
            assert (image.format, image.size) == ("PNG", size)
    for path in ("index.html", "fr/circles/hostile-circle/index.html", "embed/libraries/tpl-north-york-central/index.html",
                 "circles/hostile-circle/flyer/index.html"):
        links = {link["rel"][0] + (link.get("type") or ""): link["href"] for link in pages[path].find_all("link", rel=True)
                 if link["rel"][0] in ("icon", "apple-touch-icon")}
        assert len(links) == 3, path
        for href in links.values():
            assert (site / Path(urljoin(f"/{path}", href)).relative_to("/")).is_file(), (path, href)


def test_another_build_draws_the_same_icons_and_a_relative_build_keeps_addresses_relative(site, tree, tmp_path):
    other = build(tree(), tmp_path / "output", DIRECTORY={"flyer_pdfs": False, "toolkit_pdfs": False})
    for name in ICONS:
        assert (other / name).read_bytes() == (site / name).read_bytes(), name
    page = BeautifulSoup((other / "circles/python/index.html").read_text(encoding="utf-8"), "html.parser")
    assert meta(page, "og:image") == "../../share.png" and meta(page, "og:url") is None
    (event,) = page_data(page)
    assert urljoin(f"{SITE}/circles/python/", event["url"]) == f"{SITE}/circles/python/"
    assert urljoin(f"{SITE}/circles/python/", event["location"]["url"]) == f"{SITE}/libraries/central/"
