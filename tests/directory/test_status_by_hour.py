"""Status and next meeting by the hour (issue 23): a meeting that has ended by the build's moment is
past; a BUILD_DATE without a time keeps the day's rule, so a meeting on that day has not ended."""

import datetime as dt

import pytest

from circles.directory.assemble import assemble_directory
from circles.directory.schedule import meetings, next_meeting, status, status_at
from circles.settings import build_date, build_moment

D = dt.date
UTC = dt.UTC


def _as_of(tree, when):
    """The sample circle (Tuesdays from 2026-12-01, 18:00 – 19:30 in Toronto, 6 weeks) at ``when``."""
    circle = assemble_directory({"PATH": str(tree()), "BUILD_DATE": when}).circles[0]
    return circle.status, circle.next_meeting and circle.next_meeting.start.date()


@pytest.mark.parametrize("when, expected", [
    ("2026-12-01", ("open", D(2026, 12, 1))),  # a date alone: the first meeting's day is still before it
    ("2026-12-01T23:00:00Z", ("open", D(2026, 12, 1))),  # 18:00 in Toronto: under way
    ("2026-12-02T00:00:00Z", ("open", D(2026, 12, 1))),  # already the 2nd in UTC, 19:00 in Toronto
    ("2026-12-02T00:30:00Z", ("in_progress", D(2026, 12, 8))),  # 19:30 in Toronto: ended
    ("2026-12-01T19:30:00-05:00", ("in_progress", D(2026, 12, 8))),
    ("2027-01-05", ("in_progress", D(2027, 1, 5))),
    ("2027-01-06T00:29:00Z", ("in_progress", D(2027, 1, 5))),  # the last meeting, not yet over
    ("2027-01-06T00:30:00Z", ("completed", None)),  # ...and over
])
def test_a_meeting_that_has_ended_is_past(tree, when, expected):
    assert _as_of(tree, when) == expected


def test_a_date_alone_keeps_the_days_rule():
    dates = [D(2026, 3, 3), D(2026, 3, 10), D(2026, 3, 17)]
    every = meetings(dates, dt.time(10), 120, "Europe/Paris")
    for day in (D(2026, 3, 2) + dt.timedelta(days=n) for n in range(18)):
        for override in (None, "full", "cancelled"):
            state = status_at(every, override, day)
            assert state == status(dates, override, day)
            assert next_meeting(every, state, day) == next(
                (m for m in every if m.start.date() >= day and state not in ("completed", "cancelled")), None)


def test_an_afternoon_build_on_a_morning_meeting_day():
    every = meetings([D(2026, 3, 3), D(2026, 3, 10)], dt.time(10), 120, "Europe/Paris")  # ends at noon
    afternoon = dt.datetime(2026, 3, 3, 15, tzinfo=UTC)
    assert status_at(every, None, afternoon) == "in_progress"
    assert next_meeting(every, "in_progress", afternoon) == every[1]
    last_afternoon = dt.datetime(2026, 3, 10, 15, tzinfo=UTC)
    assert status_at(every, None, last_afternoon) == "completed"
    assert status_at(every, None, dt.datetime(2026, 3, 10, 10, 59, tzinfo=UTC)) == "in_progress"  # 11:59 in Paris


@pytest.mark.parametrize("value, moment, day", [
    ("2026-11-22", None, D(2026, 11, 22)),
    (D(2026, 11, 22), None, D(2026, 11, 22)),
    ("2026-11-22T15:00:00+00:00", dt.datetime(2026, 11, 22, 15, tzinfo=UTC), D(2026, 11, 22)),
    ("2026-11-22T15:00:00Z", dt.datetime(2026, 11, 22, 15, tzinfo=UTC), D(2026, 11, 22)),
    ("2026-11-23T01:00:00+03:00", dt.datetime(2026, 11, 22, 22, tzinfo=UTC), D(2026, 11, 22)),
    (dt.datetime(2026, 11, 22, 15), dt.datetime(2026, 11, 22, 15, tzinfo=UTC), D(2026, 11, 22)),  # naive: UTC
])
def test_build_date_setting_with_a_time(value, moment, day, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert build_moment({"BUILD_DATE": value}) == moment
    assert build_date({"BUILD_DATE": value}) == day


def test_without_build_date_the_build_is_as_of_now(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = dt.datetime.now(UTC)
    moment = build_moment({})
    assert moment.tzinfo is not None and before <= moment <= dt.datetime.now(UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1772542800")  # 2026-03-03T13:00:00Z
    assert build_moment({}) == dt.datetime(2026, 3, 3, 13, tzinfo=UTC)
