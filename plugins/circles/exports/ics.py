"""A circle's VEVENTs: which events its schedule becomes (:func:`event_plan`: a weekly rule with
its exceptions, which pages/structured.py gives in JSON-LD too, or one event per meeting), and each
calendar's own name and addresses (:func:`calendar_lines`), written as iCalendar text directly:
byte for byte what icalendar writes for the same events
(:func:`calendars.circle_events`; tests/exports/test_ics.py compares them for every circle of the
sample, of the adversarial corpus, of crafted schedules and zones, and of a synthetic directory).

Why (issue 24): icalendar builds an object per property and parameter, sorts them and folds each
line a character at a time; at 10,000 circles that was 43 s of a 238 s single-process profile
(25 s in ``to_ical``, 7.6 s in folding). Written here, the events of the 1,000 circles of
``benchmarks.synth --circles 1000 --libraries 200`` take 0.062 s against icalendar's 0.35 s (one
process, three runs alike); with whole years of time zone (calendars._timezones), the calendars
stage of 10,000 circles went from 8.4 s to 2.1 s (output on tmpfs, side by side, two runs each).

The text is icalendar's: its property order (SUMMARY, DTSTART, DTEND, DTSTAMP, UID, RRULE, EXDATE,
then the others alphabetically), TEXT escaping, "Z" for UTC and GMT, and lines folded before the
75th octet, between characters, without splitting a backslash escape from what it escapes.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote_plus, urlencode

from icalendar import vDDDTypes

from circles.directory.models import Circle
from circles.directory.schedule import weekly_exdates

#: iCalendar's weekday codes, Monday first like ``date.weekday()``.
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: Parameter values written without quotes or RFC 6868 escapes: language tags and IANA zone names.
PLAIN_PARAMETER = re.compile(r"[A-Za-z0-9/_+-]+")
LIMIT = 75  # icalendar folds a line before its length in octets would reach this
ESCAPES = b"\\^"  # the octets icalendar keeps with the next part, as they start an escape


def escape(text: str) -> str:
    """TEXT escaping in icalendar's order (parser._escape_char)."""
    return (text.replace(r"\N", "\n").replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,")
            .replace("\r\n", r"\n").replace("\n", r"\n").replace("\r", r"\n"))


def fold(line: str) -> str:
    """A content line folded as icalendar folds it (parser._foldline), working on its UTF-8 bytes:
    each part is at most 74 octets, ends between two characters, and does not end with a backslash
    or caret, which goes on to the next part with what it escapes."""
    data = line.encode()
    if len(data) < LIMIT:
        return line
    parts = []
    while len(data) >= LIMIT:
        cut = LIMIT - 1
        while data[cut] & 0xC0 == 0x80:  # inside a character: it starts the next part
            cut -= 1
        if data[cut - 1] in ESCAPES:
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
    parts.append(data)
    return b"\r\n ".join(parts).decode()


#: One VEVENT to write: its UID, first start and end, and for a weekly series the rule's count,
#: weekdays and the meetings it must leave out.
Planned = tuple[str, dt.datetime, dt.datetime, tuple[int, list[int], list[dt.datetime]] | None]


def event_plan(circle: Circle, host: str) -> list[Planned]:
    """The VEVENTs of one circle: a weekly series, or one event per meeting."""
    exdates = weekly_exdates(circle)
    first = circle.first_meeting
    if exdates is not None:
        excepted = [dt.datetime.combine(day, first.start.timetz()) for day in exdates]
        weekly = (len(circle.meetings) + len(exdates), list(circle.weekdays), excepted)
        return [(f"{circle.id}@{host}", first.start, first.end, weekly)]
    if len(circle.meetings) == 1:
        return [(f"{circle.id}@{host}", first.start, first.end, None)]
    return [(f"{circle.id}-{m.start:%Y%m%d}@{host}", m.start, m.end, None) for m in circle.meetings]


class Times:
    """DTSTART, DTEND and EXDATE of one circle's events: in its zone with a TZID, or in UTC with "Z"."""

    def __init__(self, first: dt.datetime):
        self.tzid = vDDDTypes(first).params.get("TZID")
        self.suffix = "" if self.tzid else "Z"
        self.parameter = f";TZID={self.tzid}" if self.tzid else ""

    def value(self, moment: dt.datetime) -> str:
        return f"{moment:%Y%m%dT%H%M%S}{self.suffix}"


def event(uid: str, start: dt.datetime, end: dt.datetime, times: Times, fields: dict[str, str],
          weekly: tuple[int, list[int], list[dt.datetime]] | None = None) -> str:
    """One VEVENT. ``fields``: stamp, summary, language, description, status, location, geo and url
    (geo and url may be ""); ``weekly``: the rule's count, weekdays and excepted meetings."""
    lines = [f"SUMMARY;LANGUAGE={fields['language']}:{escape(fields['summary'])}",
             f"DTSTART{times.parameter}:{times.value(start)}",
             f"DTEND{times.parameter}:{times.value(end)}",
             f"DTSTAMP:{fields['stamp']}",
             f"UID:{escape(uid)}"]
    if weekly:
        lines += rule_lines(weekly, times.parameter, times.value)
    lines.append(f"DESCRIPTION:{escape(fields['description'])}")
    if fields["geo"]:
        lines.append(f"GEO:{fields['geo']}")
    lines += [f"LOCATION:{escape(fields['location'])}", f"STATUS:{fields['status']}"]
    if fields["url"]:
        lines.append(f"URL:{fields['url']}")
    return "BEGIN:VEVENT\r\n" + "".join(fold(line) + "\r\n" for line in lines) + "END:VEVENT\r\n"


def calendar_lines(name: str, page_url: str = "", source: str = "") -> str:
    """A calendar's own properties, in icalendar's order: its name as NAME and as X-WR-CALNAME (many
    apps read only the older one), both TEXT; with a public address, its own (SOURCE) and its page's
    (URL). What icalendar writes for them (tests/exports/test_ics.py), 145 µs less a calendar: a
    build of 10,000 circles has 11,000 of them (issue 24)."""
    lines = [f"NAME:{escape(name)}", f"X-WR-CALNAME:{escape(name)}"]
    if source:
        lines.append(f"SOURCE;VALUE=URI:{source}")
    if page_url:
        lines.append(f"URL:{page_url}")
    return "".join(fold(line) + "\r\n" for line in lines)


def rule_lines(weekly: tuple[int, list[int], list[dt.datetime]], parameter: str, value) -> list[str]:
    """The RRULE of a weekly series, and its EXDATE when meetings are left out: ``parameter`` is the
    EXDATE's ``;TZID=…`` (or ""), ``value`` writes each excepted meeting."""
    count, weekdays, excepted = weekly
    lines = [f"RRULE:FREQ=WEEKLY;COUNT={count};BYDAY={','.join(BYDAY[day] for day in weekdays)}"]
    if excepted:
        lines.append(f"EXDATE{parameter}:{','.join(value(moment) for moment in excepted)}")
    return lines


def writable(circle: Circle, times: Times) -> bool:
    """Whether the circle's parameters need none of the quoting this module leaves to icalendar."""
    return bool(PLAIN_PARAMETER.fullmatch(circle.language)) and (times.tzid is None or bool(PLAIN_PARAMETER.fullmatch(times.tzid)))


def google_calendar(circle: Circle, page: str, where: str) -> str:
    """Google Calendar's "new event" page for a circle, filled in: the first meeting in UTC, and the
    weekly rule of :func:`event_plan` (what its .ics holds) with the skipped dates in the circle's
    zone; the first meeting only when its meetings are no weekly series. ``page`` is the address of
    the circle's page the link is on (in its language), ``where`` the place in words.

    Why here (issue 24): the template worked the rule out day by day in Jinja, about 1 ms a circle
    page (1.6 s of a 31 s single-process profile of 2,000 circles) and a second copy of the rule."""
    first = circle.first_meeting
    params = {"action": "TEMPLATE", "text": circle.title,
              "dates": f"{_utc(first.start)}/{_utc(first.end)}", "details": page,
              "location": where, "ctz": circle.timezone}
    weekly = event_plan(circle, "")[0][3]
    if weekly:  # the skipped meetings in the circle's zone, even UTC, as Google reads them
        params["recur"] = "\n".join(rule_lines(weekly, f";TZID={circle.timezone}", lambda day: f"{day:%Y%m%dT%H%M%S}"))
    return f"https://calendar.google.com/calendar/render?{urlencode(params, quote_via=quote_plus)}"


def _utc(moment: dt.datetime) -> str:
    return (moment - moment.utcoffset()).strftime("%Y%m%dT%H%M%SZ")
