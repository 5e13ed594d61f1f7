"""Export stage: iCalendar (.ics) files for every circle and for each list of circles.

Files, beside the page each one belongs to (paths relative to the site root):

- ``circles/<id>/circle.ics``: one circle, while it is current and for 90 days after its last
  meeting (``Circle.in_calendars``); a cancelled circle keeps its events with
  ``STATUS:CANCELLED`` so that a calendar which has it shows why.
- ``<page>circles.ics`` for every page that can be followed (exports/follow.py: a country, town,
  network, library, topic or language, ``browse/ca/toronto/circles.ics``): the page's circles
  that have a calendar of their own, cancelled ones too. Older ones stay on the pages only.
- ``upcoming/circles.ics``: the current circles (open, full, in progress) only.

A list's calendar holds its next ``CALENDAR_CIRCLES`` circles (:func:`soonest`), as a page's
feed holds its newest 25.

How a schedule becomes events, so that a calendar expands to exactly the dates the page
lists (tests/exports/test_calendars.py checks that for every circle):

- Weekly: one VEVENT whose DTSTART/DTEND are the first meeting, in the circle's time
  zone (so wall-clock times survive daylight-saving changes), ``RRULE:FREQ=WEEKLY;
  BYDAY=…;COUNT=n`` over every weekday slot from the first to the last meeting, and
  ``EXDATE`` for the skipped dates among those slots.
- A list of dates (or anything a weekly rule would not reproduce): one VEVENT per meeting,
  because RDATE is ignored by several calendar apps.

UIDs come from the record id and the site's address, DTSTAMP from the build date, and
VTIMEZONEs from the zoneinfo data, so the same records and build date give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vDuration

from circles.directory.models import CALENDAR_CIRCLES, Circle, Directory
from circles.exports import ics
from circles.exports.ics import event_plan
from circles.i18n import Texts
from circles.incremental.layer import Files
from circles.incremental.values import Memo
from circles.processes import in_shares
from circles.settings import directory_settings, site_root, site_url

if TYPE_CHECKING:  # the list of followed pages comes from the timeline
    from circles.exports.follow import Followed

PRODID = "-//Learning Circles Directory//Calendars//EN"
#: The site is rebuilt daily, so subscribers need not ask more often.
REFRESH = dt.timedelta(days=1)
#: Standing in for the site's host in UIDs when SITEURL is not an absolute address.
LOCAL_HOST = "learning-circles-directory"
END = b"END:VCALENDAR\r\n"


@dataclass(frozen=True)
class Site:
    """What every calendar of one build shares."""

    root: str  # absolute SITEURL without a trailing slash, or "" when links are relative
    host: str  # the right-hand side of every UID
    stamp: dt.datetime  # DTSTAMP: midnight UTC of the build date
    texts: Texts
    url: Callable[[str], str]  # the public address of a path of the site; "" when the site has none

    @classmethod
    def from_settings(cls, settings: dict[str, Any], build_date: dt.date) -> Site:
        # Only an absolute address is one a calendar app can fetch or link back to.
        root = site_root(settings)
        parts = urlsplit(root)
        return cls(root=root, host=(parts.netloc + parts.path) or LOCAL_HOST,
                   stamp=dt.datetime.combine(build_date, dt.time(0), dt.UTC),
                   texts=Texts(directory_settings(settings)["locale"]), url=partial(site_url, settings, otherwise=""))


def circle_events(circle: Circle, site: Site) -> list[Event]:
    """The VEVENTs of one circle as icalendar makes them: what exports/ics.py writes faster, byte for byte."""
    events = []
    for uid, start, end, weekly in event_plan(circle, site.host):
        event = _event(circle, site, uid, start, end)
        if weekly:
            count, weekdays, excepted = weekly
            event.add("rrule", {"freq": "WEEKLY", "count": count, "byday": [ics.BYDAY[d] for d in weekdays]})
            if excepted:
                event.add("exdate", excepted)
        events.append(event)
    return events


def event_text(circle: Circle, site: Site) -> tuple[bytes, str | None]:
    """The circle's VEVENTs as text, and the TZID they use (None in UTC), written by exports/ics.py."""
    times = ics.Times(circle.first_meeting.start)
    if not ics.writable(circle, times):
        return b"".join(event.to_ical() for event in circle_events(circle, site)), times.tzid
    library = circle.library
    placed = library and library.latitude is not None and library.longitude is not None
    fields = {"stamp": f"{site.stamp:%Y%m%dT%H%M%S}Z", "summary": circle.title, "language": circle.language,
              "description": description(circle, site), "location": location(circle, site.texts),
              "status": "CANCELLED" if circle.status == "cancelled" else "CONFIRMED",
              "geo": f"{round(library.latitude, 6)};{round(library.longitude, 6)}" if placed else "",
              "url": site.url(circle.url) if site.root else ""}
    text = "".join(ics.event(uid, start, end, times, fields, weekly) for uid, start, end, weekly in event_plan(circle, site.host))
    return text.encode(), times.tzid


def _event(circle: Circle, site: Site, uid: str, start: dt.datetime, end: dt.datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", site.stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", circle.title, parameters={"LANGUAGE": circle.language})
    event.add("description", description(circle, site))
    event.add("status", "CANCELLED" if circle.status == "cancelled" else "CONFIRMED")
    event.add("location", location(circle, site.texts))
    library = circle.library
    if library and library.latitude is not None and library.longitude is not None:
        event.add("geo", (round(library.latitude, 6), round(library.longitude, 6)))
    if site.root:
        event.add("url", site.url(circle.url))
    return event


def location(circle: Circle, texts: Texts) -> str:
    """Room, library and postal address on one line; "Online" for a circle without a library."""
    library = circle.library
    if library is None:
        return texts.gettext("Online")
    return ", ".join(part for part in (circle.room, library.name, *library.address.lines) if part)


def description(circle: Circle, site: Site) -> str:
    """The schedule in words, the course, and the circle's page (where to sign up)."""
    course = circle.course
    texts = site.texts
    lines = [circle.schedule_text,
             texts.gettext("Course: %(title)s, by %(provider)s") % {"title": course.title, "provider": course.provider}
             if course.provider else texts.gettext("Course: %(title)s") % {"title": course.title}]
    about = site.url(course.url) if course.url else ""  # a course with a page: every circle taking it
    if about:
        lines.append(texts.gettext("The course and every circle taking it: %(url)s") % {"url": about})
    if circle.status == "cancelled":
        lines.insert(0, texts.gettext("This circle has been cancelled."))
    page = site.url(circle.url)
    if page:
        lines.append(page)
    return "\n".join(lines)


@dataclass(frozen=True)
class Entry:
    """One circle's events, serialized once: a circle is in up to four calendars, and
    writing events is most of the time calendars take."""

    circle: Circle
    data: bytes  # the VEVENTs, each a self-contained run of lines
    tzid: str | None  # the TZID the events use; None when they are in UTC

    @classmethod
    def of(cls, circle: Circle, site: Site) -> Entry:
        return cls(circle, *event_text(circle, site))


def calendar(name: str, entries: list[Entry], site: Site, path: str, page: str, zone=None) -> bytes:
    """A VCALENDAR named ``name`` with the entries' events, published at ``path``, about ``page``;
    ``zone`` makes each VTIMEZONE (:func:`_timezone`, or one that keeps them between builds)."""
    own = ics.calendar_lines(name, site.url(page), site.url(path)) if site.root else ics.calendar_lines(name)
    return b"".join([_head(), own.encode(), *_timezones(entries, zone or _timezone), *(entry.data for entry in entries), END])


@lru_cache(maxsize=1)
def _head() -> bytes:
    """The opening of every calendar: the properties they all share."""
    head = Calendar()
    head.add("prodid", PRODID)
    head.add("version", "2.0")
    head.add("calscale", "GREGORIAN")
    head.add("method", "PUBLISH")
    head.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    head.add("x-published-ttl", vDuration(REFRESH))
    return head.to_ical().removesuffix(END)


def _timezones(entries: list[Entry], zone) -> list[bytes]:
    """A VTIMEZONE for every TZID the events use, before them as RFC 5545 asks.

    Each covers the whole years from the first meeting to the last, so it depends only on the
    records, and a build makes one for each zone and span of years: icalendar finds a zone's changes
    by walking through its span, 13 ms a VTIMEZONE, and when each covered the months of its own
    calendar, a thousand circles needed 400 of them (5.5 s of the 5.9 s their calendars took under
    a profile; issue 24). A year adds at most the zone's other offset, a few lines.
    """
    zones = sorted({entry.tzid for entry in entries if entry.tzid})
    if not zones:
        return []
    first = min(entry.circle.first_meeting.start.year for entry in entries)
    last = max(entry.circle.last_meeting.end.year for entry in entries)
    return [zone(tzid, first, last) for tzid in zones]


@lru_cache(maxsize=4096)
def _timezone(tzid: str, first: int, last: int) -> bytes:
    zone = Timezone.from_tzinfo(ZoneInfo(tzid), tzid, dt.date(first, 1, 1), dt.date(last + 1, 1, 1))
    # icalendar notes the span it covered in a COMMENT, for people: calendars do not read it.
    return b"".join(line for line in zone.to_ical().splitlines(keepends=True) if not line.startswith(b"COMMENT:"))


def circle_calendar(circle: Circle, settings: dict[str, Any], build_date: dt.date) -> bytes:
    """The .ics of one circle."""
    site = Site.from_settings(settings, build_date)
    return calendar(circle.title, [Entry.of(circle, site)], site, circle_path(circle), circle.url)


def circle_path(circle: Circle) -> str:
    return f"{circle.url}circle.ics"


def list_path(owner_url: str) -> str:
    """Where the calendar of the circles listed on a page (``libraries/x/``, ``upcoming/``) is."""
    return f"{owner_url}circles.ics"


def soonest(circles: list[Circle], most: int = CALENDAR_CIRCLES) -> list[Circle]:
    """The ``most`` circles of ``circles`` to meet soonest, in their order: current circles by their next
    meeting, then the others, over or cancelled (they stay in calendars a while: Circle.in_calendars),
    by their last meeting, the latest first."""
    if len(circles) <= most:
        return circles
    kept = {id(c) for c in heapq.nsmallest(most, circles, key=_next_first)}
    return [c for c in circles if id(c) in kept]


def _next_first(circle: Circle) -> tuple:
    if circle.is_current:
        return (0, *circle.sort_key)
    return (1, -circle.last_meeting.start.timestamp(), circle.id)


def calendar_files(directory: Directory, settings: dict[str, Any], events: Memo, followed: Iterable[Followed]) -> Files:
    """Every circle's calendar, each followed page's (exports/follow.py) and the upcoming circles' one, each
    made from its name and circles (a list's, its next CALENDAR_CIRCLES: :func:`soonest`). ``events``
    holds each circle's events by what they are made from: a circle's change makes a dozen calendars
    again, each of up to a hundred circles, and a calendar more costs only the joining of events made."""
    site = Site.from_settings(settings, directory.build_date)
    today = directory.build_date
    included = [circle for circle in directory.circles if circle.in_calendars(today)]
    calendars = {circle_path(circle): (circle.title, [circle], circle.url) for circle in included}
    included_ids = {id(circle) for circle in included}  # a circle is on eight followed pages, on average
    for page in followed:
        calendars[list_path(page.url)] = (page.title, soonest([c for c in page.circles if id(c) in included_ids]), page.url)
    calendars[list_path("upcoming/")] = (site.texts.gettext("Upcoming learning circles"), soonest(directory.upcoming), "upcoming/")
    keys = {circle.id: events.key(circle) for circle in directory.circles}
    known = {cid: kept for cid, key in keys.items() if (kept := events.get(key)) is not None}

    def make(names: list[str]):
        needed = {circle.id: circle for name in names for circle in calendars[name][1]}
        todo = [circle for cid, circle in needed.items() if cid not in known]
        # Events are most of the time calendars take: a large directory's are made on all cores.
        for circle, made in zip(todo, in_shares(lambda share: [event_text(c, site) for c in share], todo), strict=True):
            known[circle.id] = made
            events.put(keys[circle.id], made)

        def zone(tzid: str, first: int, last: int) -> bytes:
            # Kept with the events: a rebuild's few calendars then make no VTIMEZONE, 13 ms each
            # (0.37 s of a profiled rebuild of 10,000 circles; issue 24).
            key = events.key("VTIMEZONE", tzid, first, last)
            text = events.get(key)
            if text is None:
                text = _timezone(tzid, first, last)
                events.put(key, text)
            return text

        for name in names:
            title, circles, page = calendars[name]
            yield name, calendar(title, [Entry(circle, *known[circle.id]) for circle in circles], site, name, page, zone)
        events.save()

    return Files("calendars", {name: (title, circles) for name, (title, circles, _page) in calendars.items()}, make)


