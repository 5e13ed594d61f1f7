"""An event's repeat rule, read as a circle's weekly meetings: every meeting as an instant in its time zone,
those the calendar leaves out, or why the rule is not one a circle's schedule can hold.

Meetings are counted on the wall clock of the event's time zone, as RFC 5545 repeats a series with a
TZID: its IANA name as written, or a Windows name (Outlook's ``Eastern Standard Time``) mapped by the
Unicode CLDR table icalendar ships. A time without a zone is in the calendar's zone, else the
library's (icalfeed.py says which). ``UNTIL`` in UTC is compared as the instant it is; a date
``UNTIL`` includes that whole day where the event is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON  # CLDR's windowsZones.xml, pinned with icalendar

from circles.records.rules import timezones

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: The parts of a weekly rule read here; any other would change which days it gives.
READ = frozenset({"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "WKST"})
#: How far a series is followed: a circle's schedule runs for at most a year (rules.py, too-long).
MAX_DAYS = 366
UTC = dt.UTC


@dataclass(frozen=True)
class Repeats:
    """The meetings of a weekly series, as instants in ``zone``."""

    zone: str  # IANA
    meetings: tuple[dt.datetime, ...]  # every meeting the rule gives
    excluded: frozenset[dt.datetime]  # those the calendar leaves out: EXDATE, or cancelled
    duration: int | None  # minutes; None when the event gives no end
    notes: tuple[str, ...] = ()

    @property
    def kept(self) -> list[dt.datetime]:
        return [m for m in self.meetings if m not in self.excluded]

    @property
    def skipped(self) -> list[dt.date]:
        """The dates left out between the first meeting kept and the last."""
        kept = self.kept
        return [m.date() for m in self.meetings if m in self.excluded and kept and kept[0] < m < kept[-1]]


def zone_name(tzid: str) -> str | None:
    """The IANA name a TZID stands for: itself, a Windows name's, or a "globally unique" one's
    (``/mozilla.org/20070129_1/America/New_York``); None when none is known."""
    name = tzid.strip().strip('"')
    if name in timezones():
        return name
    if name in WINDOWS_TO_OLSON:
        return WINDOWS_TO_OLSON[name]
    parts = name.strip("/").split("/")
    return next(("/".join(parts[i:]) for i in range(1, len(parts)) if "/".join(parts[i:]) in timezones()), None)


def weekly(event: icalendar.Event, changes: list[icalendar.Event], default_zone: str | None) -> Repeats | str:
    """The meetings of ``event`` with its ``changes`` (RECURRENCE-ID), or why it is not a weekly series.
    ``default_zone`` is for times written without a zone."""
    start = event.get("DTSTART")
    if start is None:
        return "it has no start (DTSTART)"
    if not isinstance(start.dt, dt.datetime):
        return "an all-day event, not meetings at a time"
    if str(event.get("STATUS") or "").upper() == "CANCELLED":
        return "cancelled"
    rule = event.get("RRULE")
    if rule is None:
        return "a single event, not a weekly series"
    why = _not_weekly(rule if not isinstance(rule, list) else None, event)
    if why:
        return why
    tzid = start.params.get("TZID")
    zone = zone_name(str(tzid)) if tzid else default_zone
    if zone is None:
        return (f"its time zone '{tzid}' is neither an IANA name nor a Windows one" if tzid else
                "its times have no time zone, and neither have the calendar and the library")
    clock = _Clock(ZoneInfo(zone), in_utc=not tzid and start.dt.tzinfo is not None)
    first = clock.moment(start)
    meetings = _meetings(first, rule, clock)
    if isinstance(meetings, str):
        return meetings
    if len({m.time() for m in meetings}) > 1:
        return (f"its meetings are set in UTC, so their time in {zone} changes with daylight saving time"
                if clock.in_utc else f"its meetings do not all start at the same time in {zone}")
    notes: list[str] = []
    duration = _duration(event, clock, first)
    excluded = _excluded(event, meetings, clock, notes)
    for change in changes:
        excluded |= _changed(change, meetings, duration, clock, notes)
    if all(m in excluded for m in meetings):
        return "every meeting of the series is cancelled"
    return Repeats(zone, tuple(meetings), frozenset(excluded), duration, tuple(notes))


@dataclass(frozen=True)
class _Clock:
    """How an event's times are read: in ``zone`` (IANA), and whether its rule repeats in UTC."""

    zone: ZoneInfo
    in_utc: bool = False

    def moment(self, prop: icalendar.prop.vDDDTypes | None, value: dt.date | None = None) -> dt.datetime | None:
        """A DATE-TIME property (or one ``value`` of it) as an instant in the zone; None for an unknown TZID."""
        value = prop.dt if value is None else value
        tzid = prop.params.get("TZID") if prop is not None else None
        if tzid:
            name = zone_name(str(tzid))
            return value.replace(tzinfo=ZoneInfo(name)).astimezone(self.zone) if name else None
        if value.tzinfo is not None:  # written in UTC
            return value.astimezone(self.zone)
        return value.replace(tzinfo=self.zone)  # floating: the calendar's or the library's zone


_EVERY = {"DAILY": "daily", "MONTHLY": "monthly", "YEARLY": "yearly", "HOURLY": "hourly", "MINUTELY": "every minute",
          "SECONDLY": "every second"}


def _not_weekly(rule: icalendar.vRecur | None, event: icalendar.Event) -> str:
    """Why a repeat rule is not one a circle's schedule holds; empty when it is."""
    if rule is None:
        return "it has more than one repeat rule"
    freq = str((rule.get("FREQ") or [""])[0]).upper()
    if freq != "WEEKLY":
        return f"repeats {_EVERY.get(freq, freq.lower() or 'with no frequency')}, not weekly"
    interval = (rule.get("INTERVAL") or [1])[0]
    if interval != 1:
        return f"repeats every {interval} weeks, not weekly"
    other = sorted(set(rule) - READ)
    if other:
        return f"its repeat rule uses {', '.join(other)}, which a circle's schedule cannot hold"
    if any(str(day).upper() not in DAYS for day in rule.get("BYDAY") or []):
        return f"its repeat rule picks days ({', '.join(map(str, rule['BYDAY']))}) that are not every week's"
    if "RDATE" in event:
        return "it adds dates to its repeat rule (RDATE), which a circle's schedule cannot hold"
    if not rule.get("COUNT") and not rule.get("UNTIL"):
        return "repeats with no end (no COUNT or UNTIL): a circle meets for a number of weeks"
    return ""


def _meetings(first: dt.datetime, rule: icalendar.vRecur, clock: _Clock) -> list[dt.datetime] | str:
    """Every meeting of a weekly rule from ``first``, as instants in the zone; or why they cannot be listed."""
    days = {DAYS.index(str(day).upper()) for day in rule.get("BYDAY") or []}
    base = first.astimezone(UTC) if clock.in_utc else first  # the clock the rule repeats on
    if days and base.weekday() not in days:
        return "its first meeting (DTSTART) is not on one of the days it repeats on"
    count = (rule.get("COUNT") or [None])[0]
    until = (rule.get("UNTIL") or [None])[0]
    found: list[dt.datetime] = []
    for offset in range(MAX_DAYS + 1):
        day = base.date() + dt.timedelta(days=offset)
        if offset and day.weekday() not in (days or {base.weekday()}):
            continue
        moment = dt.datetime.combine(day, base.time().replace(tzinfo=None))
        meeting = (moment.replace(tzinfo=UTC) if clock.in_utc else moment.replace(tzinfo=clock.zone)).astimezone(clock.zone)
        if until is not None and _after(meeting, moment, until):
            return found
        found.append(meeting)
        if count is not None and len(found) >= count:
            return found
    return "runs for more than a year: list each run of a circle as its own record"


def _after(meeting: dt.datetime, wall: dt.datetime, until: dt.date) -> bool:
    """Whether a meeting comes after UNTIL: a date is the last day in the zone, a UTC time an instant,
    a time without a zone one of the rule's own clock."""
    if not isinstance(until, dt.datetime):
        return meeting.date() > until
    return meeting > until if until.tzinfo is not None else wall > until


def _excluded(event: icalendar.Event, meetings: list[dt.datetime], clock: _Clock, notes: list[str]) -> set[dt.datetime]:
    """The meetings EXDATE leaves out: every value of every EXDATE line, each in its own TZID."""
    lines = event.get("EXDATE") or []
    out: set[dt.datetime] = set()
    for line in lines if isinstance(lines, list) else [lines]:
        for item in line.dts:
            if not isinstance(item.dt, dt.datetime):  # a whole day: its meeting
                day = [m for m in meetings if m.date() == item.dt]
                out.update(day)
                if not day:
                    notes.append(f"EXDATE {item.dt.isoformat()} is not a day it meets on: ignored")
                continue
            moment = clock.moment(line, item.dt)
            if moment in meetings:
                out.add(moment)
            elif moment is None:
                notes.append(f"EXDATE {item.dt:%Y-%m-%d %H:%M} has an unknown time zone: ignored")
            else:
                notes.append(f"EXDATE {moment:%Y-%m-%d %H:%M} is not the time of one of its meetings: ignored")
    return out


def _changed(change: icalendar.Event, meetings: list[dt.datetime], duration: int | None, clock: _Clock,
             notes: list[str]) -> set[dt.datetime]:
    """A changed meeting (RECURRENCE-ID): left out when cancelled; when moved, kept and said."""
    original = clock.moment(change["RECURRENCE-ID"]) if isinstance(change["RECURRENCE-ID"].dt, dt.datetime) else None
    if original not in meetings:
        notes.append(f"a change to a meeting on {change['RECURRENCE-ID'].dt} that the series does not have: ignored")
        return set()
    if str(change.get("STATUS") or "").upper() == "CANCELLED":
        return {original}
    start = change.get("DTSTART")
    moved = clock.moment(start) if start is not None and isinstance(start.dt, dt.datetime) else original
    length = (_duration(change, clock, moved) if moved is not None else None) or duration
    if moved != original or length != duration:
        shown = f"{moved:%Y-%m-%d %H:%M}" if moved is not None else "another time"
        notes.append(f"the meeting of {original:%Y-%m-%d %H:%M} is moved to {shown}"
                     + (f" ({length} minutes)" if length != duration else "")
                     + f" in the calendar; the draft keeps {original:%Y-%m-%d %H:%M}: correct it by hand")
    return set()


def _duration(event: icalendar.Event, clock: _Clock, start: dt.datetime | None) -> int | None:
    """Minutes from the start to DTEND (on the wall clock, as meetings are), or DURATION's; None without either."""
    end, length = event.get("DTEND"), event.get("DURATION")
    if end is not None and isinstance(end.dt, dt.datetime) and start is not None:
        finish = clock.moment(end)
        delta = finish.replace(tzinfo=None) - start.replace(tzinfo=None) if finish is not None else None
    elif length is not None and isinstance(length.dt, dt.timedelta):
        delta = length.dt
    else:
        return None
    minutes = int(delta.total_seconds() // 60) if delta is not None else 0
    return minutes if minutes > 0 else None
