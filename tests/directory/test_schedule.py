"""Meeting dates and statuses: the calendar arithmetic behind every circle page."""

import datetime as dt

import pytest

from circles.directory.schedule import meeting_dates, meetings, schedule_text, status
from circles.i18n import Texts

D = dt.date


def test_weekly_with_a_skip_moves_the_last_meeting_a_week_later():
    dates = meeting_dates(D(2026, 3, 3), [1], weeks=6, skip=[D(2026, 3, 17)])
    assert dates == [D(2026, 3, 3), D(2026, 3, 10), D(2026, 3, 24), D(2026, 3, 31), D(2026, 4, 7), D(2026, 4, 14)]


def test_twice_a_week_until_an_end_date():
    dates = meeting_dates(D(2026, 3, 3), [1, 3], end=D(2026, 3, 12))
    assert dates == [D(2026, 3, 3), D(2026, 3, 5), D(2026, 3, 10), D(2026, 3, 12)]


def test_twice_a_week_starting_on_the_second_day_counts_that_week():
    dates = meeting_dates(D(2026, 3, 5), [1, 3], weeks=2)
    assert dates == [D(2026, 3, 5), D(2026, 3, 10), D(2026, 3, 12)]


def counted_by_hand(start, weekdays, weeks=None, end=None, skip=()):
    """The rule of meeting_dates, day by day: the days of the weekdays from ``start`` (to ``end``), skips
    left out, grouped by their week (Monday to Sunday); a week whose days are all skipped does not count
    towards ``weeks``; without ``weeks`` or ``end``, the first week alone."""
    days = set(weekdays) or {start.weekday()}
    horizon = end or start + dt.timedelta(weeks=(weeks or 1) + len(skip) + 1)
    by_week: dict[dt.date, list] = {}
    day = start
    while day <= horizon:
        if day.weekday() in days and day not in skip:
            by_week.setdefault(day - dt.timedelta(days=day.weekday()), []).append(day)
        day += dt.timedelta(days=1)
    first_monday = start - dt.timedelta(days=start.weekday())
    weeks_kept = [monday for monday in sorted(by_week) if weeks or end or monday == first_monday]
    return [day for monday in weeks_kept[:weeks] for day in by_week[monday]]


def test_meeting_dates_follow_the_rule_counted_day_by_day():
    """Weekdays, weeks, an end date and skipped days in many combinations (meeting_dates works week by week)."""
    import random

    chance = random.Random(24)
    for _ in range(3000):
        start = D(2026, 1, 1) + dt.timedelta(days=chance.randrange(800))
        weekdays = chance.sample(range(7), chance.randrange(0, 4))
        weeks = chance.choice([None, chance.randrange(1, 12)])
        end = start + dt.timedelta(days=chance.randrange(0, 90)) if weeks is None or chance.random() < 0.3 else None
        if chance.random() < 0.1:
            weeks = end = None
        skip = {start + dt.timedelta(days=chance.randrange(0, 60)) for _ in range(chance.randrange(0, 8))}
        assert meeting_dates(start, weekdays, weeks=weeks, end=end, skip=sorted(skip)) == counted_by_hand(
            start, weekdays, weeks, end, skip), (start, weekdays, weeks, end, sorted(skip))


def test_explicit_dates_are_sorted_and_skips_removed():
    dates = meeting_dates(D(2026, 3, 3), [], dates=[D(2026, 3, 17), D(2026, 3, 3), D(2026, 3, 31)], skip=[D(2026, 3, 31)])
    assert dates == [D(2026, 3, 3), D(2026, 3, 17)]


def test_wall_clock_time_holds_across_daylight_saving():
    # Toronto moves its clocks on 8 March 2026; the meeting stays at 18:00 local time.
    found = meetings([D(2026, 3, 3), D(2026, 3, 10)], dt.time(18), 90, "America/Toronto")
    assert [m.start.hour for m in found] == [18, 18]
    assert [m.start.utcoffset() for m in found] == [dt.timedelta(hours=-5), dt.timedelta(hours=-4)]
    assert found[0].end - found[0].start == dt.timedelta(minutes=90)


@pytest.mark.parametrize("today, override, expected", [
    (D(2026, 3, 1), None, "open"),
    (D(2026, 3, 3), None, "open"),  # sign-up stays open on the day of the first meeting
    (D(2026, 3, 4), None, "in_progress"),
    (D(2026, 3, 17), None, "in_progress"),
    (D(2026, 3, 18), None, "completed"),
    (D(2026, 3, 1), "full", "full"),
    (D(2026, 3, 10), "full", "in_progress"),
    (D(2026, 3, 1), "cancelled", "cancelled"),
    (D(2026, 4, 1), "cancelled", "cancelled"),
])
def test_status_relative_to_the_build_date(today, override, expected):
    assert status([D(2026, 3, 3), D(2026, 3, 10), D(2026, 3, 17)], override, today) == expected


def plain(text: str) -> str:
    """CLDR puts thin and narrow no-break spaces around times; compare them as spaces."""
    return text.replace("\u2009", " ").replace("\u202f", " ").replace("\xa0", " ")


def test_schedule_in_words():
    dates = [D(2026, 3, 3) + dt.timedelta(weeks=i) for i in range(6)]
    first = meetings(dates[:1], dt.time(18), 90, "America/Toronto")[0]
    assert plain(schedule_text(Texts("en"), dates, [1], True, first, 6)) == "Tuesdays, 6:00 – 7:30 PM, 6 weeks from March 3, 2026"
    assert plain(schedule_text(Texts("en"), dates, [1], False, first, 6)) == "6 meetings from March 3, 2026 to April 7, 2026, 6:00 – 7:30 PM"
    two = schedule_text(Texts("en"), dates, [1, 3], True, first, 6)
    assert two.startswith("Tuesdays and Thursdays, ")
