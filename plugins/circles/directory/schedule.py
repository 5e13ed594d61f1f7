"""Meeting dates, status and the schedule in words: pure functions of a row and a build date (or moment)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from circles.directory.models import Circle, Meeting
from circles.i18n import Texts

WEEK = dt.timedelta(days=7)


def meeting_dates(start: dt.date, weekdays: list[int], *, weeks: int | None = None, end: dt.date | None = None,
                  dates: list[dt.date] | None = None, skip: list[dt.date] | None = None) -> list[dt.date]:
    """Every meeting date, skipped dates removed.

    With ``weeks``, a week whose meetings are all skipped does not count, so a
    holiday moves the last meeting a week later.
    """
    skipped = set(skip or ())
    if dates:
        return sorted(set(dates) - skipped)
    offsets = [dt.timedelta(days=d) for d in sorted(set(weekdays) or {start.weekday()})]
    monday = start - dt.timedelta(days=start.weekday())
    last = dt.date.max if end is None else end
    found: list[dt.date] = []
    counted = 0
    while monday <= last:
        kept = [day for offset in offsets if start <= (day := monday + offset) <= last and day not in skipped]
        found += kept
        counted += bool(kept)
        monday += WEEK
        if weeks is not None and counted >= weeks:
            break
        if weeks is None and end is None:  # validation requires one of them; be safe anyway
            break
    return found


def meetings(dates: list[dt.date], start_time: dt.time, duration: int, timezone: str) -> list[Meeting]:
    """Timezone-aware meetings; wall-clock times stay put across daylight-saving changes."""
    zone = ZoneInfo(timezone)
    length = dt.timedelta(minutes=duration)
    result = []
    for day in dates:
        begin = dt.datetime.combine(day, start_time, tzinfo=zone)
        result.append(Meeting(begin, begin + length))
    return result


def status(dates: list[dt.date], override: str | None, today: dt.date) -> str:
    """open/full before the first meeting (and on its day), in_progress until the last, then completed."""
    return _state(override, bool(dates) and dates[0] < today, not dates or dates[-1] < today)


def status_at(all_meetings: list[Meeting], override: str | None, now: dt.date | dt.datetime) -> str:
    """:func:`status` by the hour: open/full until the first meeting has ended, in_progress until the
    last has, then completed; on a date alone, the day's rule of :func:`has_ended`."""
    ended = not all_meetings or has_ended(all_meetings[-1], now)
    return _state(override, bool(all_meetings) and has_ended(all_meetings[0], now), ended)


def _state(override: str | None, first_past: bool, last_past: bool) -> str:
    if override == "cancelled":
        return "cancelled"
    if last_past:
        return "completed"
    if first_past:
        return "in_progress"
    return "full" if override == "full" else "open"


def has_ended(meeting: Meeting, now: dt.date | dt.datetime) -> bool:
    """Whether a meeting is past at ``now``: an aware moment once the meeting's end has come; a date
    alone (BUILD_DATE without a time) from the day after it, so a meeting on that day has not ended."""
    if isinstance(now, dt.datetime):
        return meeting.end <= now
    return meeting.start.date() < now


def next_meeting(all_meetings: list[Meeting], state: str, now: dt.date | dt.datetime) -> Meeting | None:
    if state in ("completed", "cancelled"):
        return None
    return next((m for m in all_meetings if not has_ended(m, now)), None)


def schedule_text(texts: Texts, dates: list[dt.date], weekdays: list[int], weekly: bool,
                  first: Meeting, weeks: int) -> str:
    """``Tuesdays, 6:00 – 7:30 PM, 6 weeks from March 3, 2026``."""
    times = texts.time_range(first.start, first.end)
    start = texts.date(dates[0])
    if weekly:
        days = texts.weekdays(weekdays or [dates[0].weekday()])
        length = texts.ngettext("%(num)d week", "%(num)d weeks", weeks) % {"num": weeks}
        return texts.gettext("%(days)s, %(times)s, %(length)s from %(start)s") % {
            "days": days, "times": times, "length": length, "start": start}
    count = texts.ngettext("%(num)d meeting", "%(num)d meetings", len(dates)) % {"num": len(dates)}
    return texts.gettext("%(count)s from %(start)s to %(end)s, %(times)s") % {
        "count": count, "start": start, "end": texts.date(dates[-1]), "times": times}


def week_count(dates: list[dt.date]) -> int:
    """How many calendar weeks hold a meeting."""
    return len({d.isocalendar()[:2] for d in dates})


def rule_exdates(meetings: list[Meeting], weekdays: list[int], skipped: list[dt.date]) -> list[dt.date] | None:
    """The dates a weekly rule from the first to the last meeting must leave out to give exactly these
    meetings; None when no such rule does (a list of dates, one meeting).

    The rule may leave out only skipped dates, so a list of dates that happens to fall every other
    week stays a list rather than becoming a rule with many exceptions.
    """
    first = meetings[0]
    if len(meetings) < 2 or any(m.start.time() != first.start.time() or m.end - m.start != first.end - first.start
                                for m in meetings):
        return None
    start, end = first.start.date(), meetings[-1].start.date()
    slots = meeting_dates(start, weekdays, end=end)  # every date of its weekdays, first to last
    held = {m.start.date() for m in meetings}
    missing = [day for day in slots if day not in held]
    if not held <= set(slots) or not set(missing) <= set(skipped):
        return None
    return missing


def weekly_exdates(circle: Circle) -> list[dt.date] | None:
    """:func:`rule_exdates` of a circle, worked out once and kept on it (``Circle.exdates``): its calendar,
    its Google Calendar link and its schema.org data say the rule in each language, three times a page
    (issue 24: 4 % of a circle page's time)."""
    if circle.exdates is ...:
        circle.exdates = rule_exdates(circle.meetings, circle.weekdays, circle.skipped)
    return circle.exdates
