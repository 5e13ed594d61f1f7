"""Follow (issue 22): every country, town, network, library, topic and language page offers an Atom feed and
a calendar subscription that exist and parse, that are about the circles the pages show, and whose calendar
gives exactly the meetings those circles' pages list; a near-me search offers the nearest town's.

One build of the sample directory with its public address and relative links, as `make publish` builds
it: the pages offer webcal:// links, and the site can be served as it is.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import recurring_ical_events
from bs4 import BeautifulSoup
from icalendar import Calendar

from tests.conftest import ROOT, build
from tests.site.test_site import records

SITEURL = "https://example.github.io/directory"
WEBCAL = "webcal://example.github.io/directory/"
ATOM = "{http://www.w3.org/2005/Atom}"
#: The most entries a followed page's feed holds (exports/feeds.py PAGE_FEED_ENTRIES).
FEED_ENTRIES = 25
#: Where each kind of followed page is, as globs of the output.
KINDS = {"country": "browse/*/index.html", "town": "browse/*/*/index.html", "network": "networks/*/index.html",
         "library": "libraries/*/index.html", "topic": "topics/*/index.html", "language": "languages/*/index.html",
         "course": "courses/*/index.html"}
CIRCLE_LINK = re.compile(r"(?:^|/)circles/([^/]+)/$")
#: A 1×1 PNG, standing in for map tiles: nothing leaves the machine.
PIXEL = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                      "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
#: A schedule's time of day as the English pages write it: "6:30 – 8:00 PM", "10:00 AM – 12:00 PM".
TIMES = re.compile(r"(\d{1,2}):(\d\d)(?:\s*([AP]M))?\s*–\s*(\d{1,2}):(\d\d)\s*([AP]M)")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(ROOT / "content", tmp_path_factory.mktemp("follow") / "output", SITEURL=SITEURL)


def followed(site: Path, kind: str) -> list[str]:
    """The address of every page of ``kind`` (``browse/ca/toronto/``), as the output has them."""
    return [p.parent.relative_to(site).as_posix() + "/" for p in sorted(site.glob(KINDS[kind]))]


def soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page / "index.html").read_text(encoding="utf-8"), "lxml")


def target(page: str, href: str) -> str:
    """Where a link of the page at ``page`` leads, relative to the site's root."""
    return urlsplit(urljoin(f"https://host/{page}", href)).path.removeprefix("/")


def circles_linked(site: Path, page: str) -> set[str]:
    """The circles whose pages ``page`` links to."""
    return {m.group(1) for a in soup(site, page).select("main a[href]") if (m := CIRCLE_LINK.search(target(page, a["href"])))}


def feed_circles(site: Path, page: str) -> list[str]:
    root = ET.parse(site / "feeds" / f"{page.rstrip('/')}.atom").getroot()
    return [CIRCLE_LINK.search(e.find(f"{ATOM}link").get("href")).group(1) for e in root.findall(f"{ATOM}entry")]


def calendar(site: Path, page: str) -> Calendar:
    return Calendar.from_ical((site / page / "circles.ics").read_bytes())


def calendar_circles(site: Path, page: str) -> set[str]:
    """The circles of a calendar's events, by the page each event links to."""
    return {CIRCLE_LINK.search(str(event["URL"])).group(1) for event in calendar(site, page).walk("VEVENT")}


def in_calendars(site: Path, circle: str) -> bool:
    """Whether the circle has a calendar of its own (Circle.in_calendars: current, or ended lately)."""
    return (site / "circles" / circle / "circle.ics").is_file()


def town_circles(site: Path, town: str) -> set[str]:
    """The circles of a town: those its libraries' pages list, current and past."""
    libraries = {target(town, a["href"]) for a in soup(site, town).select("main a[href*='libraries/']")}
    return set().union(*(circles_linked(site, library) for library in libraries))


@pytest.mark.parametrize("kind", KINDS)
def test_every_followed_page_offers_its_feed_and_calendar_and_both_parse(site, kind):
    pages = followed(site, kind)
    assert pages, kind
    for page in pages:
        html = soup(site, page)
        section = html.select_one("main section.follow")
        assert section and section.h2.get_text(strip=True) == "Follow", page
        assert section.select_one("details summary"), "the explanation, for whoever has never subscribed"
        feed = target(page, section.select_one('a[type="application/atom+xml"]')["href"])
        assert feed == f"feeds/{page.rstrip('/')}.atom"
        assert [target(page, link["href"]) for link in html.select('head link[rel="alternate"][type="application/atom+xml"]')] == [feed]
        atom = ET.parse(site / feed).getroot()
        assert atom.tag == f"{ATOM}feed" and atom.findtext(f"{ATOM}title")
        assert atom.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITEURL}/{feed}"
        assert atom.find(f"{ATOM}link[@rel='alternate']").get("href") == f"{SITEURL}/{page}"
        # One calendar link (the library's and network's former ones moved here), with its webcal:// twin.
        [ics] = html.select('main a[type="text/calendar"]')
        assert target(page, ics["href"]) == f"{page}circles.ics"
        assert section.select_one(f'a[href="{WEBCAL}{page}circles.ics"]'), page
        cal = calendar(site, page)
        assert str(cal["X-WR-CALNAME"]) and cal.get_missing_tzids() == set()


@pytest.mark.parametrize("kind", ["town", "library", "network", "course"])
def test_a_pages_feed_and_calendar_hold_the_circles_the_page_shows(site, kind):
    for page in followed(site, kind):
        shown = town_circles(site, page) if kind == "town" else circles_linked(site, page)
        in_feed = feed_circles(site, page)
        assert len(in_feed) == min(len(shown), FEED_ENTRIES) and set(in_feed) <= shown, page
        assert calendar_circles(site, page) == {c for c in shown if in_calendars(site, c)}, page


def test_a_countrys_feed_and_calendar_are_those_of_its_towns(site):
    for country in followed(site, "country"):
        towns = [town for town in followed(site, "town") if town.startswith(country)]
        assert towns
        shown = set().union(*(town_circles(site, town) for town in towns))
        in_feed = feed_circles(site, country)
        assert len(in_feed) == min(len(shown), FEED_ENTRIES) and set(in_feed) <= shown, country
        assert calendar_circles(site, country) == set().union(*(calendar_circles(site, town) for town in towns))


@pytest.mark.parametrize("kind", ["topic", "language"])
def test_a_topics_feed_holds_its_current_and_past_circles(site, kind):
    """A topic's page lists its current circles and counts the past ones; its feed and calendar have both."""
    for page in followed(site, kind):
        current = circles_linked(site, page)
        ended = re.search(r"(\d+) more circles? ha(?:s|ve) ended", soup(site, page).get_text(" "))
        in_feed = feed_circles(site, page)
        assert len(in_feed) == min(len(current) + (int(ended.group(1)) if ended else 0), FEED_ENTRIES), page
        assert current <= set(in_feed) or len(in_feed) == FEED_ENTRIES, page
        assert calendar_circles(site, page) >= {c for c in current if in_calendars(site, c)}, page
        if len(in_feed) < FEED_ENTRIES:
            assert calendar_circles(site, page) == {c for c in in_feed if in_calendars(site, c)}, page


def listed_meetings(site: Path, circle: str) -> list[tuple[str, str]]:
    """A circle's meetings as its page lists them: each date's start (its <time datetime>, with the offset of
    the circle's time zone) and its end, at the time of day the schedule gives in words."""
    html = soup(site, f"circles/{circle}/")
    found = TIMES.search(html.select_one(".schedule__text").get_text(" "))
    assert found, circle

    def time_of_day(hours: str, minutes: str, period: str) -> dt.time:
        return dt.time(int(hours) % 12 + (12 if period == "PM" else 0), int(minutes))

    begins = time_of_day(found[1], found[2], found[3] or found[6])
    ends = time_of_day(found[4], found[5], found[6])
    meetings = []
    for shown in html.select("ol.meetings time"):
        start = dt.datetime.fromisoformat(shown["datetime"])
        assert start.time() == begins, (circle, "the list and the schedule in words agree")
        end = start.replace(hour=ends.hour, minute=ends.minute)
        meetings.append((start.isoformat(), (end if end > start else end + dt.timedelta(days=1)).isoformat()))
    return meetings


def test_a_towns_calendar_gives_exactly_the_meetings_its_circles_pages_list(site):
    """The issue's acceptance test: a town's calendar subscription, expanded by recurring-ical-events (not our
    code), gives the meetings its circles' pages list, no more, no fewer, at the same times in the same zone."""
    zones = {library_id: record["timezone"] for library_id, record in records("libraries")}
    checked = {}
    for town in followed(site, "town"):
        circles = sorted(c for c in town_circles(site, town) if in_calendars(site, c))
        listed = sorted(meeting for circle in circles for meeting in listed_meetings(site, circle))
        events = recurring_ical_events.of(calendar(site, town)).between(dt.date(2000, 1, 1), dt.date(2100, 1, 1))
        given = sorted((e["DTSTART"].dt.isoformat(), e["DTEND"].dt.isoformat()) for e in events)
        assert given == listed, town
        # In the libraries' own zone (a wall-clock time that keeps across daylight saving), never floating or UTC.
        libraries = {target(town, a["href"]).split("/")[1] for a in soup(site, town).select("main a[href*='libraries/']")}
        assert {event["DTSTART"].params["TZID"] for event in calendar(site, town).walk("VEVENT")} <= {
            zones[library] for library in libraries}, town
        checked[town] = len(given)
    assert checked["browse/ca/toronto/"] > 20 and len(checked) > 5, checked


def test_the_towns_file_names_each_town_with_circles_and_its_libraries(site):
    towns = json.loads((site / "search" / "towns.json").read_text(encoding="utf-8"))
    placed = json.loads((site / "search" / "libraries.json").read_text(encoding="utf-8"))
    assert set(towns) == set(followed(site, "town"))  # every town of the sample has a circle
    assert sorted(library for _name, libraries in towns.values() for library in libraries) == sorted(placed)
    assert towns["browse/ca/toronto/"][0] == "Toronto" and "tpl-albion" in towns["browse/ca/toronto/"][1]


def test_a_near_me_search_offers_to_follow_the_nearest_town(site, page, served_site):
    from circles.records.load import parse

    data, _ = parse((ROOT / "content/libraries/tpl-albion.yml").read_text(encoding="utf-8"))
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": float(data["latitude"]), "longitude": float(data["longitude"])})
    page.route(re.compile(r"^https://tile\.openstreetmap\.org/"), lambda route: route.fulfill(body=PIXEL, content_type="image/png"))
    base = served_site(site)
    offer = page.locator("[data-follow-near]")
    searched = "() => document.querySelector('[data-results]').getAttribute('aria-busy') === 'false'"
    page.goto(f"{base}search/")
    page.wait_for_function(searched)
    assert offer.is_hidden() and offer.locator("a[href]").count() == 0  # no town known yet, no address
    page.click("[data-locate]")
    offer.wait_for(state="visible")
    assert offer.locator("[data-follow-title]").inner_text() == "Follow the circles of Toronto"

    def href(selector: str) -> str:
        return offer.locator(selector).evaluate("a => a.href")

    assert href("[data-follow-title] a") == f"{base}browse/ca/toronto/"
    assert href('a[type="application/atom+xml"]') == f"{base}feeds/browse/ca/toronto.atom"
    assert href('a[type="text/calendar"]') == f"{base}browse/ca/toronto/circles.ics"
    assert href('[data-follow="webcal"]') == f"{WEBCAL}browse/ca/toronto/circles.ics"
    assert offer.locator('a[type="text/calendar"]').get_attribute("download") == ""
    for url in (f"{base}feeds/browse/ca/toronto.atom", f"{base}browse/ca/toronto/circles.ics"):
        assert page.request.get(url).ok, url
    # Words alone are searched near nowhere: no offer.
    page.goto(f"{base}search/?q=python")
    page.wait_for_function(searched)
    assert offer.is_hidden()
    page.goto("about:blank")  # leave before the server stops, so no request is cut off
