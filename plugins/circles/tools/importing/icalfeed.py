"""A library's iCalendar feed, read: each event a weekly series a circle's schedule can hold, or why not.

Libraries publish their events as iCalendar (LibCal, Communico, Google Calendar, Outlook). An event
is a circle's meetings when it repeats every week a number of times or until a date
(recurrence.py reads its rule). Any other event (a single one, a monthly series, an all-day event)
is listed with the reason it was left out. A time without a zone is in the calendar's
(``X-WR-TIMEZONE``), else the library's. Every text is untrusted: one line for a title, control
characters taken out of a description.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import warnings
from dataclasses import dataclass, field

import icalendar

from circles.problems import CirclesError
from circles.tools.importing.recurrence import weekly, zone_name

#: The schema's maxLength of a circle's title, room and description.
TITLE, ROOM, DESCRIPTION = 200, 300, 5000


class FeedError(CirclesError):
    """A file that is not an iCalendar feed."""


@dataclass(frozen=True)
class Series:
    """One weekly series, in its time zone's wall clock."""

    uid: str
    title: str
    description: str
    url: str
    location: str
    timezone: str  # IANA
    dates: tuple[dt.date, ...]  # every meeting, after the skipped ones
    skipped: tuple[dt.date, ...]  # meetings of the rule that the calendar leaves out
    weekdays: tuple[int, ...]  # Monday is 0
    start_time: dt.time
    duration: int | None  # minutes; None when the event gives no end
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeftOut:
    uid: str
    title: str
    when: str  # its first start, as written in its zone
    reason: str


@dataclass
class Feed:
    name: str  # X-WR-CALNAME, or empty
    events: int
    series: list[Series] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def uids(self) -> set[str]:
        return {s.uid for s in self.series} | {e.uid for e in self.left_out}


def read_feed(data: bytes, shown: str, default_zone: str | None) -> Feed:
    """The series of the feed ``data`` (from ``shown``), and every other event with why it was left out.
    ``default_zone`` is the library's, for times written without a zone."""
    try:
        with warnings.catch_warnings():  # about guessed time zones: zone_name judges each TZID itself
            warnings.simplefilter("ignore")
            calendars = icalendar.Calendar.from_ical(data.decode("utf-8-sig"), multiple=True)
    except UnicodeDecodeError:
        raise FeedError(f"{shown}: not UTF-8 text, so not an iCalendar feed") from None
    except (ValueError, KeyError, IndexError, TypeError) as exc:  # what icalendar raises on a malformed file
        raise FeedError(f"{shown}: not an iCalendar feed ({exc})") from None
    if not calendars or any(c.name != "VCALENDAR" for c in calendars):
        raise FeedError(f"{shown}: not an iCalendar feed (no BEGIN:VCALENDAR)")
    first = calendars[0]
    zone = zone_name(_text(first.get("X-WR-TIMEZONE"))) or default_zone
    events = [event for calendar in calendars for event in calendar.walk("VEVENT")]
    feed = Feed(one_line(_text(first.get("X-WR-CALNAME")), TITLE), len(events))
    masters: dict[str, icalendar.Event] = {}
    changes: dict[str, list[icalendar.Event]] = {}
    for event in events:
        uid = _text(event.get("UID")).strip()
        if not uid:
            feed.left_out.append(_left_out(event, "", "it has no UID, so a later import could not find it again"))
        elif "RECURRENCE-ID" in event:
            changes.setdefault(uid, []).append(event)
        elif uid not in masters or _sequence(event) >= _sequence(masters[uid]):
            masters[uid] = event  # the same event twice: its latest version
    for uid, event in masters.items():
        try:
            found = _series(uid, event, changes.get(uid, []), zone)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:  # a property icalendar could not read
            found = f"it cannot be read ({exc})"
        if isinstance(found, Series):
            feed.series.append(found)
        else:
            feed.left_out.append(_left_out(event, uid, found))
    for uid in changes.keys() - masters.keys():
        feed.left_out.append(_left_out(changes[uid][0], uid, "a changed meeting of a series the feed does not hold"))
    return feed


def _series(uid: str, event: icalendar.Event, changes: list[icalendar.Event], default_zone: str | None) -> Series | str:
    """The series of ``event`` with its ``changes`` (RECURRENCE-ID), or why it is not one."""
    repeats = weekly(event, changes, default_zone)
    if isinstance(repeats, str):
        return repeats
    kept = repeats.kept
    return Series(uid, one_line(_text(event.get("SUMMARY")), TITLE), _prose(_text(event.get("DESCRIPTION"))),
                  one_line(_text(event.get("URL")), 500), one_line(_text(event.get("LOCATION")), ROOM), repeats.zone,
                  tuple(m.date() for m in kept), tuple(repeats.skipped),
                  tuple(sorted({m.weekday() for m in repeats.meetings})), kept[0].time(), repeats.duration, repeats.notes)


def _left_out(event: icalendar.Event, uid: str, reason: str) -> LeftOut:
    try:
        value = event["DTSTART"].dt
    except (KeyError, ValueError):
        value = None
    when = (f"{value:%Y-%m-%d %H:%M}" if isinstance(value, dt.datetime) else
            value.isoformat() if isinstance(value, dt.date) else "no start")
    return LeftOut(uid, one_line(_text(event.get("SUMMARY")), TITLE) or "(no title)", when, reason)


def _sequence(event: icalendar.Event) -> int:
    try:
        return int(event.get("SEQUENCE") or 0)
    except (TypeError, ValueError):
        return 0


def _text(value: object) -> str:
    """A property's text; the first, when it is given more than once."""
    if isinstance(value, list):
        value = value[0] if value else None
    return "" if value is None else str(value)


def one_line(text: str, limit: int) -> str:
    """Untrusted text on one line: printable, single spaces, at most ``limit`` characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())[:limit].rstrip()


_BLANK_LINES = re.compile(r"\n{3,}")


def _prose(text: str) -> str:
    """A description: lines kept, control characters (Unicode's Cc, but the line break) taken out, at most
    DESCRIPTION characters, cut at a space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c for c in text if c == "\n" or unicodedata.category(c) != "Cc")
    text = _BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in text.split("\n"))).strip()
    if len(text) > DESCRIPTION:
        text = text[:DESCRIPTION - 1].rsplit(" ", 1)[0].rstrip() + "…"
    return text
