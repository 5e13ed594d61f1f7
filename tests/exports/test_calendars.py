"""Calendars: every .ics expands to exactly the meeting dates its page shows, and stays put.

Real Pelican builds of the sample directory (relative links, then under an absolute
sub-path) and of a small crafted tree; the .ics files are read back with icalendar and
expanded with recurring-ical-events, an implementation independent of ours.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from bs4 import BeautifulSoup
from icalendar import Calendar

from benchmarks import synth
from circles.directory.models import CALENDAR_CIRCLES, CALENDAR_DAYS
from tests.conftest import BUILD_DATE, CIRCLE, ROOT, build, write_tree
from tests.site.test_site import records

CONTENT = ROOT / "content"
SITEURL = "https://example.github.io/directory"
CIRCLES = [record_id for record_id, _ in records("circles")]
CURRENT = {"Sign-up open", "Full", "In progress"}
HOSTILE = 'Python, SQL; "and" <script>alert(1)</script>\nsecond line\\'
HOSTILE_YAML = r'title: "Python, SQL; \"and\" <script>alert(1)</script>\nsecond line\\"'


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(CONTENT, tmp_path_factory.mktemp("relative") / "output")


@pytest.fixture(scope="module")
def public(tmp_path_factory) -> Path:
    return build(CONTENT, tmp_path_factory.mktemp("public") / "output", SITEURL=SITEURL, RELATIVE_URLS=False)


@pytest.fixture(scope="module")
def crafted(tmp_path_factory) -> Path:
    """Daylight-saving changes on both sides of the Atlantic, UTC, a list of dates, hostile text."""
    online = "format: online\nsignup: drop-in\nnetwork: net\n"
    files = {
        "networks/net.yml": NETWORK_YML, "libraries/central.yml": LIBRARY_YML,
        # Toronto springs forward on 14 March 2027 (a circle of March 2026 would have no calendar left).
        "circles/spring.yml": CIRCLE.replace("2026-12-01", "2027-03-02"),
        # Berlin falls back on 25 October 2026; a skipped Monday on top.
        "circles/autumn.yml": online + SCHEDULE.format(start="2026-10-12", extra="weekdays: [monday, thursday]\n  weeks: 3\n  skip: [2026-10-19]")
        + "title: Herbst\nlanguage: de\ncourse: {title: Kurs}\ntimezone: Europe/Berlin\n",
        "circles/utc.yml": online + SCHEDULE.format(start="2026-12-02", extra="weeks: 2")
        + "title: Around the world\nlanguage: en\ncourse: {title: Course}\ntimezone: UTC\n",
        "circles/dates.yml": online + SCHEDULE.format(start="2026-11-30", extra="dates: [2026-11-30, 2026-12-14, 2027-01-04]\n  skip: [2026-12-14]")
        + "title: On chosen days\nlanguage: en\ncourse: {title: Course}\ntimezone: America/Toronto\n",
        "circles/hostile.yml": CIRCLE.replace("title: Python for beginners", HOSTILE_YAML)
        + 'room: "Room 1; second floor, <b>left</b>"\n',
    }
    content = write_tree(tmp_path_factory.mktemp("crafted") / "content", files)
    return build(content, content.parent / "output", SITEURL=SITEURL, RELATIVE_URLS=False)


NETWORK_YML = "name: Example Library System\ntype: library_system\ncountries: [CA]\nlanguages: [en]\n"
LIBRARY_YML = ("name: Central Branch\nnetwork: net\naddress:\n  street: 789 Yonge Street\n  city: Toronto\n"
               "  region: ON\n  country: CA\nlatitude: 43.671737\nlongitude: -79.386763\ntimezone: America/Toronto\n")
SCHEDULE = "schedule:\n  start_date: {start}\n  {extra}\n  start_time: \"18:00\"\n  duration: 90\n"


def calendar(site: Path, path: str) -> Calendar:
    return Calendar.from_ical((site / path).read_bytes())


def expand(cal: Calendar) -> list:
    return list(recurring_ical_events.of(cal).between(dt.date(2000, 1, 1), dt.date(2100, 1, 1)))


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "lxml")


def shown_meetings(site: Path, circle_id: str) -> list[str]:
    """The meetings on the circle's page, as the ISO datetimes (with offsets) its <time> elements carry."""
    return [t["datetime"] for t in page(site, f"circles/{circle_id}").select("ol.meetings time")]


def starts(events) -> list[str]:
    return sorted((e["DTSTART"].dt.isoformat() for e in events), key=dt.datetime.fromisoformat)


def uids(cal: Calendar) -> set[str]:
    return {str(e["UID"]) for e in cal.walk("VEVENT")}


@pytest.mark.parametrize("circle_id", CIRCLES)
def test_every_circle_calendar_expands_to_the_dates_on_its_page(site, circle_id):
    ics = site / "circles" / circle_id / "circle.ics"
    if not ics.exists():
        # Ended long ago: no file (Circle.in_calendars).
        last = dt.date.fromisoformat(shown_meetings(site, circle_id)[-1][:10])
        assert last < BUILD_DATE - dt.timedelta(days=CALENDAR_DAYS)
        return
    cal = calendar(site, f"circles/{circle_id}/circle.ics")
    events = expand(cal)
    # Same instants and the same offsets: the wall-clock times the page shows.
    assert starts(events) == shown_meetings(site, circle_id)
    duration = int(dict(records("circles"))[circle_id]["schedule"]["duration"])
    assert {e["DTEND"].dt.replace(tzinfo=None) - e["DTSTART"].dt.replace(tzinfo=None) for e in events} == {
        dt.timedelta(minutes=duration)}
    assert cal.get_missing_tzids() == set()  # a VTIMEZONE for every TZID used


def test_weekly_circles_are_one_rule_with_their_skipped_dates_excepted(site):
    event = calendar(site, "circles/tpl-albion-excel-2026-12/circle.ics").walk("VEVENT")
    assert len(event) == 1
    assert event[0]["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=8;BYDAY=FR"
    assert event[0]["EXDATE"].to_ical() == b"20261225T100000,20270101T100000"
    two_days = calendar(site, "circles/cpl-harold-washington-linux-essentials-2027-01/circle.ics").walk("VEVENT")
    assert [e["RRULE"]["BYDAY"] for e in two_days] == [["MO", "WE"]]
    dates = calendar(site, "circles/cml-hickory-grove-computer-basics-2027-01/circle.ics").walk("VEVENT")
    assert len(dates) == 6 and not any("RRULE" in e or "RDATE" in e for e in dates)


@pytest.mark.parametrize("circle_id, zone, offsets", [
    ("spring", "America/Toronto", {"-05:00", "-04:00"}),
    ("autumn", "Europe/Berlin", {"+02:00", "+01:00"}),
])
def test_a_circle_across_a_daylight_saving_change_keeps_its_wall_clock_time(crafted, circle_id, zone, offsets):
    events = expand(calendar(crafted, f"circles/{circle_id}/circle.ics"))
    assert starts(events) == shown_meetings(crafted, circle_id)
    local = [e["DTSTART"].dt.astimezone(ZoneInfo(zone)) for e in events]
    assert {t.strftime("%H:%M") for t in local} == {"18:00"}
    assert {t.isoformat()[-6:] for t in local} == offsets


@pytest.mark.parametrize("circle_id", ["utc", "dates", "hostile"])
def test_crafted_schedules_expand_exactly(crafted, circle_id):
    assert starts(expand(calendar(crafted, f"circles/{circle_id}/circle.ics"))) == shown_meetings(crafted, circle_id)


def test_uids_are_unique_and_stable_and_stamps_come_from_the_build_date(site, tmp_path):
    seen: dict[str, str] = {}
    for circle_id in CIRCLES:
        if not (site / "circles" / circle_id / "circle.ics").exists():
            continue  # ended long ago (test_every_circle_calendar_expands_to_the_dates_on_its_page)
        cal = calendar(site, f"circles/{circle_id}/circle.ics")
        for uid in uids(cal):
            assert uid.startswith(circle_id) and uid not in seen, uid
            seen[uid] = circle_id
        assert {e["DTSTAMP"].to_ical() for e in cal.walk("VEVENT")} == {BUILD_DATE.strftime("%Y%m%dT000000Z").encode()}
    again = build(CONTENT, tmp_path / "again")
    files = sorted(p.relative_to(site) for p in site.rglob("*.ics"))
    assert files == sorted(p.relative_to(again) for p in again.rglob("*.ics"))
    assert [f for f in files if (site / f).read_bytes() != (again / f).read_bytes()] == []


def with_calendar(site: Path) -> list[str]:
    """The sample's circles that have a calendar file: not those ended long ago (Circle.in_calendars)."""
    return [circle_id for circle_id in CIRCLES if (site / "circles" / circle_id / "circle.ics").exists()]


def circle_uids(site: Path) -> dict[str, set[str]]:
    return {circle_id: uids(calendar(site, f"circles/{circle_id}/circle.ics")) for circle_id in CIRCLES
            if (site / "circles" / circle_id / "circle.ics").exists()}


def test_library_network_and_upcoming_calendars_hold_exactly_their_circles(site):
    by_circle = circle_uids(site)
    libraries = {lib_id: lib for lib_id, lib in records("libraries")}
    expected: dict[str, set[str]] = {"upcoming/": set()}
    left_out = set()
    for circle_id, data in records("circles"):
        library = data.get("library")
        network = data.get("network") or (libraries[library].get("network") if library else None)
        circle_page = page(site, f"circles/{circle_id}")
        current = circle_page.select_one(".page-header .badge").get_text(strip=True) in CURRENT
        last = dt.date.fromisoformat(circle_page.select("ol.meetings time")[-1]["datetime"][:10])
        # A library's and a network's calendar: current circles and those ended in the last 90 days.
        if not current and last < BUILD_DATE - dt.timedelta(days=CALENDAR_DAYS):
            left_out.add(circle_id)
            continue
        for path in (library and f"libraries/{library}/", network and f"networks/{network}/"):
            if path:
                expected.setdefault(path, set()).add(circle_id)
        if current:
            expected["upcoming/"].add(circle_id)
    assert left_out, "no circle ended long enough ago: the test would prove nothing"
    for kind in ("libraries", "networks"):
        for record_id, _ in records(kind):
            expected.setdefault(f"{kind}/{record_id}/", set())
    assert expected["upcoming/"] and len(expected["upcoming/"]) < len(CIRCLES)
    for path, circle_ids in expected.items():
        held = uids(calendar(site, f"{path}circles.ics"))
        assert held == set().union(*(by_circle[c] for c in circle_ids)), path


def event_circles(cal: Calendar) -> set[str]:
    """The circles of a calendar's events, from their UIDs (``<id>@host``, ``<id>-<date>@host``)."""
    return {re.sub(r"-\d{8}$", "", uid.split("@")[0]) for uid in uids(cal)}


@pytest.mark.slow
def test_a_lists_calendar_holds_the_circles_meeting_soonest(tmp_path):
    """A list of more than CALENDAR_CIRCLES circles has a calendar of those whose next meeting comes first,
    and its page says so; each circle keeps its own calendar."""
    synth.generate(tmp_path / "content", circles=500, libraries=8, networks=2)
    site = build(tmp_path / "content", tmp_path / "output", DIRECTORY={
        "sample": False, "flyer_pdfs": False, "toolkit_pdfs": False, "languages": ["en"]})
    with (site / "data" / "circles.csv").open(encoding="utf-8") as rows:
        every = list(csv.DictReader(rows))
    current = [row for row in every if row["derived_status"] in ("open", "full", "in_progress")]
    assert len(current) > CALENDAR_CIRCLES
    soonest = sorted(current, key=lambda row: (dt.datetime.fromisoformat(row["derived_next_meeting"]).astimezone(dt.UTC),
                                               row["id"]))
    assert event_circles(calendar(site, "upcoming/circles.ics")) == {row["id"] for row in soonest[:CALENDAR_CIRCLES]}
    # A language's calendar: all its circles that are in calendars, up to the cap; the larger lists are cut.
    recent = BUILD_DATE - dt.timedelta(days=CALENDAR_DAYS)
    in_calendars = [row for row in every if row in current or dt.date.fromisoformat(row["derived_last_meeting"][:10]) >= recent]
    sizes = {tag: sum(row["language"] == tag for row in in_calendars) for tag in {row["language"] for row in every}}
    assert min(sizes.values()) < CALENDAR_CIRCLES < max(sizes.values()), sizes
    for tag, size in sizes.items():
        assert len(event_circles(calendar(site, f"languages/{tag}/circles.ics"))) == min(size, CALENDAR_CIRCLES), tag
    assert max(len(event_circles(calendar(site, path.relative_to(site).as_posix())))
               for path in site.rglob("circles.ics")) == CALENDAR_CIRCLES
    assert all((site / "circles" / row["id"] / "circle.ics").is_file() for row in current)
    intro = page(site, "upcoming").select_one("p.lead").get_text(" ", strip=True)
    assert f"The calendar holds the first {CALENDAR_CIRCLES} of them." in intro


def test_a_cancelled_circle_says_so_and_is_not_upcoming(site):
    cancelled = "flp-parkway-central-excel-essentials-2026-12"
    own = calendar(site, f"circles/{cancelled}/circle.ics").walk("VEVENT")
    assert [str(e["STATUS"]) for e in own] == ["CANCELLED"]
    library = calendar(site, "libraries/flp-parkway-central/circles.ics").walk("VEVENT")
    assert "CANCELLED" in {str(e["STATUS"]) for e in library}
    assert not uids(calendar(site, "upcoming/circles.ics")) & uids(calendar(site, f"circles/{cancelled}/circle.ics"))


def test_an_event_carries_its_place_page_and_language(public):
    event = calendar(public, "circles/tpl-albion-excel-2026-12/circle.ics").walk("VEVENT")[0]
    assert str(event["LOCATION"]) == "Computer lab, Albion Branch, 1515 Albion Road, Toronto, ON M9V 1B2, Canada"
    assert (event["GEO"].latitude, event["GEO"].longitude) == (43.739826, -79.584096)
    assert str(event["URL"]) == f"{SITEURL}/circles/tpl-albion-excel-2026-12/"
    assert event["SUMMARY"].params["LANGUAGE"] == "en"
    assert event["UID"] == "tpl-albion-excel-2026-12@example.github.io/directory"


def test_hostile_text_round_trips_escaped(crafted):
    raw = (crafted / "circles/hostile/circle.ics").read_bytes()
    event = Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == HOSTILE
    assert str(event["LOCATION"]).startswith("Room 1; second floor, <b>left</b>, Central Branch")
    unfolded = raw.replace(b"\r\n ", b"").decode()
    summary = next(line for line in unfolded.split("\r\n") if line.startswith("SUMMARY"))
    assert summary.endswith(r'Python\, SQL\; "and" <script>alert(1)</script>\nsecond line\\')
    html = (crafted / "circles/hostile/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<b>left" not in html
    link = BeautifulSoup(html, "lxml").select_one("a[href^='https://calendar.google.com/']")
    assert parse_qs(urlsplit(link["href"]).query)["text"] == [HOSTILE]


def is_current(site: Path, circle_id: str) -> bool:
    return page(site, f"circles/{circle_id}").select_one(".page-header .badge").get_text(strip=True) in CURRENT


def test_only_a_circle_still_to_come_or_under_way_offers_its_calendar(site):
    """A circle that is over or cancelled keeps its file a while for the calendars that have it (the
    other tests read it), but its page no longer offers to add it."""
    kept = [circle_id for circle_id in with_calendar(site) if not is_current(site, circle_id)]
    assert kept and [c for c in with_calendar(site) if is_current(site, c)], "the test would prove nothing"
    for circle_id in CIRCLES:
        offered = page(site, f"circles/{circle_id}").select("a[href$='circle.ics']")
        assert bool(offered) == is_current(site, circle_id), circle_id


def test_relative_builds_offer_the_download_only(site):
    for circle_id in CIRCLES:
        soup = page(site, f"circles/{circle_id}")
        assert not soup.select("a[href^='webcal:'], a[href*='calendar.google.com']"), circle_id
        if not is_current(site, circle_id):
            assert not soup.select("a[href$='.ics']")
            continue
        (link,) = soup.select("a[href$='.ics']")
        assert resolve(site, f"circles/{circle_id}/", link["href"]) == site / "circles" / circle_id / "circle.ics"
    for path in ("libraries/tpl-albion/", "networks/toronto-public-library/", "upcoming/"):
        soup = page(site, path)
        assert not soup.select("a[href^='webcal:']"), path
        (link,) = soup.select("a[href$='circles.ics']")
        assert resolve(site, path, link["href"]) == site / path / "circles.ics"


def resolve(site: Path, page_path: str, href: str) -> Path:
    """The file a relative link on the page at ``page_path`` points to."""
    return site / urlsplit(urljoin(f"http://x/{page_path}", href)).path.lstrip("/")


def test_public_builds_offer_webcal_and_google_too(public):
    for path in ("libraries/tpl-albion/", "networks/toronto-public-library/", "upcoming/"):
        soup = page(public, path)
        assert [a["href"] for a in soup.select("a[href^='webcal:']")] == [f"webcal://example.github.io/directory/{path}circles.ics"]
        assert [a["href"] for a in soup.select("a[href$='circles.ics']")][-1] == f"{SITEURL}/{path}circles.ics"
    for circle_id in filter(partial(is_current, public), CIRCLES):
        soup = page(public, f"circles/{circle_id}")
        assert soup.select_one("a[href^='webcal:']")["href"] == f"webcal://example.github.io/directory/circles/{circle_id}/circle.ics"
        google = soup.select_one("a[href^='https://calendar.google.com/calendar/render?']")
        assert set(google["rel"]) >= {"noopener", "noreferrer"}


def test_the_google_link_holds_the_same_dates_as_the_ics(public):
    """The Google link's first meeting and recurrence, expanded, give the page's dates when the
    .ics has a weekly rule, and the first meeting alone when it lists the dates one by one."""
    offered = [circle_id for circle_id in with_calendar(public) if is_current(public, circle_id)]
    assert len(offered) >= 5
    for circle_id in offered:
        _google_link_matches(public, circle_id)


def test_the_google_link_leads_back_to_the_page_in_its_language(tree, tmp_path):
    site = build(tree(), tmp_path / "site", every_language=True, SITEURL=SITEURL, RELATIVE_URLS=False)
    for prefix in ("", "fr/", "sw/"):
        link = page(site, f"{prefix}circles/python/").select_one("a[href*='calendar.google.com']")["href"]
        assert parse_qs(urlsplit(link).query)["details"] == [f"{SITEURL}/{prefix}circles/python/"]


def _google_link_matches(public: Path, circle_id: str) -> None:
    soup = page(public, f"circles/{circle_id}")
    query = parse_qs(urlsplit(soup.select_one("a[href*='calendar.google.com']")["href"]).query)
    assert query["action"] == ["TEMPLATE"] and query["text"] == [soup.h1.get_text()]
    assert f"{SITEURL}/circles/{circle_id}/" in query["details"][0]
    start, end = (dt.datetime.strptime(t, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC) for t in query["dates"][0].split("/"))
    zone = ZoneInfo(query["ctz"][0])
    lines = ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:google",
             f"DTSTART;TZID={zone.key}:{start.astimezone(zone):%Y%m%dT%H%M%S}",
             f"DTEND;TZID={zone.key}:{end.astimezone(zone):%Y%m%dT%H%M%S}", *query.get("recur", [""])[0].splitlines(),
             "END:VEVENT", "END:VCALENDAR"]
    events = expand(Calendar.from_ical("\r\n".join(line for line in lines if line)))
    shown = shown_meetings(public, circle_id)
    weekly = any("RRULE" in e for e in calendar(public, f"circles/{circle_id}/circle.ics").walk("VEVENT"))
    assert ("recur" in query) == (weekly and len(shown) > 1)
    assert starts(events) == (shown if "recur" in query else shown[:1])
    if "recur" in query:
        assert re.fullmatch(r"RRULE:FREQ=WEEKLY;COUNT=\d+;BYDAY=[A-Z,]+(\nEXDATE;TZID=[^:]+:[0-9T,]+)?", query["recur"][0])


# The plain functions, without Pelican.

def a_circle(dates: list[str], weekdays: list[int], skipped: list[str] = (), zone: str = "America/Toronto"):
    from circles.directory.models import Circle, Course, Signup
    from circles.directory.schedule import meetings

    days = [dt.date.fromisoformat(d) for d in dates]
    return Circle(id="c", title="T", source="c.yml", format="online", course=Course("Course"), language="en",
                  timezone=zone, meetings=meetings(days, dt.time(18), 90, zone),
                  skipped=[dt.date.fromisoformat(d) for d in skipped], weekdays=weekdays, duration=90,
                  status="open", schedule_text="Tuesdays", signup=Signup("drop-in", "drop-in"))


@pytest.mark.parametrize("dates, weekdays, skipped, expected", [
    (["2026-03-03", "2026-03-10", "2026-03-24"], [1], ["2026-03-17"], ["2026-03-17"]),  # a skipped week
    (["2026-03-02", "2026-03-04", "2026-03-11"], [0, 2], ["2026-03-09"], ["2026-03-09"]),  # two days a week
    (["2026-03-03", "2026-03-17", "2026-03-31"], [1], [], None),  # every other week: a list, not a rule
    (["2026-03-03", "2026-03-05"], [1], [], None),  # a date off the weekdays
    (["2026-03-03"], [1], ["2026-03-03"], None),  # one meeting
])
def test_weekly_exdates(dates, weekdays, skipped, expected):
    from circles.directory.schedule import weekly_exdates

    found = weekly_exdates(a_circle(dates, weekdays, skipped))
    assert found == (None if expected is None else [dt.date.fromisoformat(d) for d in expected])


def test_circle_calendar_is_a_pure_function_of_the_circle_settings_and_date():
    from circles.exports.calendars import circle_calendar

    circle = a_circle(["2026-03-03", "2026-03-10", "2026-03-24"], [1], ["2026-03-17"])
    data = circle_calendar(circle, {"SITEURL": ""}, BUILD_DATE)
    assert data == circle_calendar(circle, {"SITEURL": ""}, BUILD_DATE)
    assert starts(expand(Calendar.from_ical(data))) == [m.start.isoformat() for m in circle.meetings]
    assert b"URL" not in data and b"UID:c@learning-circles-directory" in data  # no absolute address to give
    public = circle_calendar(circle, {"SITEURL": SITEURL + "/"}, BUILD_DATE)
    assert f"URL:{SITEURL}/circles/c/".encode() in public and b"UID:c@example.github.io/directory" in public
