"""`circles import calendar`: a library's iCalendar feed (Google Calendar, Outlook, LibCal) into draft
circles whose meetings are the calendar's own, that validate with what is left to fill in, that the
site leaves out, and that find themselves again at the next import."""

from __future__ import annotations

import csv
import datetime as dt
import io
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import yaml

from circles.directory.schedule import meeting_dates, meetings
from circles.i18n import WEEKDAY_NAMES
from circles.problems import format_text
from circles.records.validate import validate_tree
from circles.tools.cli import main
from circles.tools.importing.drafts import import_calendar, schedule_values
from circles.tools.importing.icalfeed import FeedError, read_feed
from circles.tools.importing.recurrence import zone_name
from circles.tools.importing.report import calendar_lines
from tests.browser import serve
from tests.conftest import BUILD_DATE, ROOT, build

CALENDARS = ROOT / "tests" / "fixtures" / "calendars"
EPOCH = str(int(dt.datetime(2026, 11, 22, tzinfo=dt.UTC).timestamp()))
UIDS = {"python": "5k2v8hq1l0c3m9n7p4r6t8s2a1@google.com", "spanish": "7d1f3e9a0b2c4d6e8f1a3b5c7d@google.com",
        "basics": "040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5A6B7C8D9E0F1A2B3C4D5",
        "writing": "LibCal-4521-11223344", "teens": "LibCal-4521-11223399"}


def run(content: Path, file: str = "google.ics", **options):
    return import_calendar(str(CALENDARS / file), content, "central", today=BUILD_DATE, **options)


def drafts(content: Path) -> dict[str, tuple[str, dict]]:
    """UID → (id, record as written) of every imported circle."""
    found = {}
    for path in sorted((content / "circles").glob("*.yml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        if "provenance" in data:
            found[data["provenance"]["id"]] = (path.stem, data)
    return found


def problems(content: Path) -> list[tuple[str, str, str, str]]:
    """``(file, field, code, severity)`` of every problem validation finds."""
    return sorted((Path(p.path).name, p.field, p.code, p.severity) for p in validate_tree(content, today=BUILD_DATE).problems)


# What a draft holds


def test_a_google_calendar_s_weekly_series_become_drafts_and_the_rest_is_listed(tree):
    content = tree()
    report = run(content)
    written = drafts(content)
    assert sorted(written) == [UIDS["python"], UIDS["spanish"]]
    circle_id, python = written[UIDS["python"]]
    assert circle_id == "central-python-for-beginners-2027-01"
    assert python == {
        "title": "Python for beginners", "library": "central", "format": "in_person", "language": "en",
        "schedule": {"start_date": "2027-01-12", "weeks": "5", "weekdays": ["tuesday"], "start_time": "18:00",
                     "duration": "90", "skip": ["2027-01-26"]},
        "timezone": "America/Chicago", "room": "Central Branch, Room 2",
        "description": "Learn to write your first programs in Python, together.\n"
                       "Bring a laptop if you have one; the library lends a few.",
        "provenance": {"source": "Central Branch programs", "id": UIDS["python"], "date": "2026-11-22",
                       "digest": python["provenance"]["digest"], "draft": "true"},
    }
    spanish = written[UIDS["spanish"]][1]["schedule"]
    assert spanish["skip"] == ["2027-02-25"]  # the meeting cancelled in the calendar (STATUS:CANCELLED)
    assert [(e.title, e.reason) for e in report.left_out] == [
        ("Book club", "repeats monthly, not weekly"),
        ("Chess club", "repeats every 2 weeks, not weekly"),
        ("Author visit: Ana Reyes", "a single event, not a weekly series"),
        ("Closed: Martin Luther King Jr. Day", "an all-day event, not meetings at a time"),
    ]
    [moved] = report.notes
    assert "2027-03-04 10:00 is moved to 2027-03-05 14:00" in moved and "keeps 2027-03-04" in moved
    lines = calendar_lines(report)
    assert lines[-1].startswith("The site does not show a draft")
    assert lines[-2].startswith("Summary: 2 drafts added, 0 updated, 0 unchanged, 0 edited here and not updated, "
                                "4 events left out, 0 series ended")


def test_outlook_s_windows_zone_is_its_iana_name_and_until_in_utc_ends_on_the_local_day(tree):
    content = tree()
    report = run(content, "outlook.ics")
    _, basics = drafts(content)[UIDS["basics"]]
    assert basics["timezone"] == "America/New_York"
    # UNTIL=20270203T003000Z is 19:30 on Tuesday 2 February in New York: that Tuesday is the last meeting, and
    # Wednesday 3 February (the date in UTC) is not one.
    assert basics["schedule"] == {"start_date": "2027-01-05", "end_date": "2027-02-02", "weekdays": ["tuesday", "wednesday"],
                                  "start_time": "19:30", "duration": "90",
                                  "skip": ["2027-01-12", "2027-01-13", "2027-01-26"]}  # two EXDATE lines, one with two dates
    [(title, reason)] = [(e.title, e.reason) for e in report.left_out]
    assert title == "Job search circle" and "'Customized Time Zone' is neither an IANA name nor a Windows one" in reason


def test_libcal_s_event_page_is_the_sign_up_and_its_text_loses_control_characters(tree):
    content = tree()
    report = run(content, "libcal.ics")
    written = drafts(content)
    writing, teens = written[UIDS["writing"]][1], written[UIDS["teens"]][1]
    assert writing["signup"] == writing["provenance"]["url"] == "https://riverside.libcal.com/event/11223344"
    assert writing["description"] == "Six weeks of writing for the web, with a group.\nNo experience needed."
    assert writing["schedule"]["weeks"] == "6" and writing["room"] == "Main Library - Meeting Room A"
    assert "signup" not in teens and "url" not in teens["provenance"]  # its page is http://: left to fill in
    assert teens["timezone"] == "America/New_York"  # written without a zone: the calendar's X-WR-TIMEZONE
    assert report.past == 1 and len(written) == 2  # the series of October 2026 has ended


# The same meetings as the calendar's


def source_meetings(ics: Path, uid: str, zone: str) -> list[tuple[dt.date, dt.time, dt.timedelta]]:
    """The meetings of the event ``uid`` as recurring-ical-events expands it: local date, time and length. A
    cancelled meeting is not one; a moved one is where its series puts it, as the draft keeps it."""
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    found = []
    for event in recurring_ical_events.of(calendar).between(dt.date(2026, 1, 1), dt.date(2028, 1, 1)):
        if str(event["UID"]) != uid or str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        start = (event["RECURRENCE-ID"] if "RECURRENCE-ID" in event else event["DTSTART"]).dt.astimezone(ZoneInfo(zone))
        length = event["DTEND"].dt - event["DTSTART"].dt
        found.append((start.date(), start.time(), length))
    return sorted(found)


def draft_meetings(row: dict) -> list[tuple[dt.date, dt.time, dt.timedelta]]:
    """The meetings of a draft as the build works them out (directory/schedule.py), from its typed row."""
    weekdays = [WEEKDAY_NAMES.index(d) for d in row["schedule_weekdays"]]
    dates = meeting_dates(row["schedule_start_date"], weekdays, weeks=row["schedule_weeks"],
                          end=row["schedule_end_date"], dates=row["schedule_dates"], skip=row["schedule_skip"])
    return [(m.start.date(), m.start.time(), m.end - m.start)
            for m in meetings(dates, row["schedule_start_time"], row["schedule_duration"], row["timezone"])]


@pytest.mark.parametrize("name, uids", [("google.ics", ["python", "spanish"]), ("outlook.ics", ["basics"]),
                                        ("libcal.ics", ["writing", "teens"])])
def test_each_draft_meets_when_recurring_ical_events_says_its_event_does(tree, name, uids):
    content = tree()
    run(content, name)
    rows = validate_tree(content, today=BUILD_DATE).rows["circles"]
    written = drafts(content)
    for key in uids:
        row = rows[written[UIDS[key]][0]]
        ours = draft_meetings(row)
        assert ours == source_meetings(CALENDARS / name, UIDS[key], row["timezone"]), key
        assert len(ours) >= 5


def test_a_date_until_ends_on_that_day_in_the_event_s_zone():
    """RFC 5545 bounds a series by UNTIL inclusively. A date (which LibCal-style feeds write for timed events)
    is taken as the whole of that day where the event is; recurring-ical-events reads it as midnight UTC,
    which would drop a Wednesday meeting of the same day, so the LibCal fixture ends on a Thursday."""
    [series] = read_feed(feed("DTSTART;TZID=America/New_York:20270203T140000\nDURATION:PT1H\n"
                              "RRULE:FREQ=WEEKLY;UNTIL=20270217;BYDAY=WE"), "test.ics", None).series
    assert series.dates == (dt.date(2027, 2, 3), dt.date(2027, 2, 10), dt.date(2027, 2, 17))


# Events of every shape


def feed(*events: str, head: str = "") -> bytes:
    """A feed of ``events`` (their lines after UID and SUMMARY), each with a UID of its own."""
    body = "".join(f"BEGIN:VEVENT\nUID:event-{i}@test\nSUMMARY:Circle {i}\n{textwrap.dedent(e).strip()}\nEND:VEVENT\n"
                   for i, e in enumerate(events))
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{head}{body}END:VCALENDAR\n"
    return text.replace("\n", "\r\n").encode()


TORONTO = "DTSTART;TZID=America/Toronto:20270105T180000\nDTEND;TZID=America/Toronto:20270105T193000\n"


@pytest.mark.parametrize("event, reason", [
    ("DTSTART:20270105T230000Z\nDTEND:20270106T003000Z\nRRULE:FREQ=WEEKLY;COUNT=12",
     "its meetings are set in UTC, so their time in America/Toronto changes with daylight saving time"),
    (TORONTO + "RRULE:FREQ=WEEKLY", "repeats with no end (no COUNT or UNTIL): a circle meets for a number of weeks"),
    (TORONTO + "RRULE:FREQ=WEEKLY;COUNT=4;BYDAY=1TU", "its repeat rule picks days (1TU) that are not every week's"),
    (TORONTO + "RRULE:FREQ=WEEKLY;COUNT=4;BYMONTH=1", "its repeat rule uses BYMONTH, which a circle's schedule cannot hold"),
    (TORONTO + "RRULE:FREQ=WEEKLY;COUNT=4\nRDATE;TZID=America/Toronto:20270301T180000",
     "it adds dates to its repeat rule (RDATE), which a circle's schedule cannot hold"),
    (TORONTO + "RRULE:FREQ=WEEKLY;COUNT=4;BYDAY=WE", "its first meeting (DTSTART) is not on one of the days it repeats on"),
    (TORONTO + "RRULE:FREQ=DAILY;COUNT=5", "repeats daily, not weekly"),
    (TORONTO + "RRULE:FREQ=WEEKLY;COUNT=60", "runs for more than a year: list each run of a circle as its own record"),
    (TORONTO + "RRULE:FREQ=WEEKLY;COUNT=4\nSTATUS:CANCELLED", "cancelled"),
    ("DTSTART:20270105T180000\nRRULE:FREQ=WEEKLY;COUNT=4",
     "its times have no time zone, and neither have the calendar and the library"),
])
def test_an_event_a_circle_s_schedule_cannot_hold_is_left_out_with_the_reason(event, reason):
    zone = "America/Toronto" if "UTC" in reason else None  # the library's, for times in UTC
    [left_out] = read_feed(feed(event), "test.ics", zone).left_out
    assert left_out.reason == reason


def test_times_in_utc_or_without_a_zone_are_read_in_the_calendar_s_or_the_library_s():
    before_dst = "DTSTART:20270105T230000Z\nDURATION:PT1H30M\nRRULE:FREQ=WEEKLY;COUNT=4"
    floating = "DTSTART:20270105T180000\nDTEND:20270105T190000\nRRULE:FREQ=WEEKLY;COUNT=4"
    utc, local = read_feed(feed(before_dst, floating), "test.ics", "America/Toronto").series
    assert (utc.timezone, utc.start_time, utc.duration, utc.weekdays) == ("America/Toronto", dt.time(18), 90, (1,))
    assert (local.timezone, local.start_time, local.duration) == ("America/Toronto", dt.time(18), 60)
    [named] = read_feed(feed(floating, head="X-WR-TIMEZONE:Europe/Berlin\n"), "test.ics", "America/Toronto").series
    assert named.timezone == "Europe/Berlin"


def test_exdates_in_any_zone_or_as_days_skip_meetings_and_others_are_said():
    event = TORONTO + textwrap.dedent("""\
        RRULE:FREQ=WEEKLY;COUNT=6
        EXDATE:20270112T230000Z
        EXDATE;VALUE=DATE:20270119
        EXDATE;TZID=America/Toronto:20270126T190000""")
    [series] = read_feed(feed(event), "test.ics", None).series
    assert series.skipped == (dt.date(2027, 1, 12), dt.date(2027, 1, 19))
    assert series.notes == ("EXDATE 2027-01-26 19:00 is not the time of one of its meetings: ignored",)


def test_a_series_without_an_end_time_asks_for_its_duration(tree):
    content = tree()
    (content.parent / "feed.ics").write_bytes(feed("DTSTART;TZID=America/Toronto:20270105T180000\nRRULE:FREQ=WEEKLY;COUNT=4",
                                                   head="X-WR-CALNAME:Branch events\n"))
    import_calendar(str(content.parent / "feed.ics"), content, "central", today=BUILD_DATE)
    [draft] = [p for p in validate_tree(content, today=BUILD_DATE).problems if p.code == "draft"]
    assert draft.message.endswith("still to fill in: course, topics, schedule.duration, facilitators, signup")


def test_two_days_a_week_are_written_with_an_end_date_when_weeks_would_give_another_meeting():
    """Tuesdays and Thursdays, five times from a Tuesday: three weeks would mean six meetings."""
    [series] = read_feed(feed(TORONTO + "RRULE:FREQ=WEEKLY;COUNT=5;BYDAY=TU,TH"), "test.ics", None).series
    values = schedule_values(series)
    assert values["schedule.end_date"] == "2027-01-19" and "schedule.weeks" not in values
    assert meeting_dates(series.dates[0], [1, 3], end=series.dates[-1]) == list(series.dates)


@pytest.mark.parametrize("tzid, name", [
    ("America/Chicago", "America/Chicago"), ('"America/Chicago"', "America/Chicago"),
    ("Eastern Standard Time", "America/New_York"), ("W. Europe Standard Time", "Europe/Berlin"),
    ("E. Africa Standard Time", "Africa/Nairobi"), ("/mozilla.org/20070129_1/America/New_York", "America/New_York"),
    ("Customized Time Zone", None), ("(UTC-05:00) Eastern Time (US & Canada)", None), ("", None),
])
def test_time_zone_names(tzid, name):
    assert zone_name(tzid) == name


def test_text_is_one_line_for_a_title_and_has_no_control_characters_anywhere():
    event = TORONTO + "RRULE:FREQ=WEEKLY;COUNT=4\nDESCRIPTION:Line one\x1b[31m\\nLine\x07 two\\n\\n\\n\\nEnd\\n\n"
    text = feed(event).replace(b"SUMMARY:Circle 0", b"SUMMARY:Coding\\nclub\ttogether")
    [series] = read_feed(text, "test.ics", None).series
    assert series.title == "Coding club together"
    assert series.description == "Line one[31m\nLine two\n\nEnd"


def test_a_file_that_is_not_a_calendar_is_refused():
    for data in (b"", b"hello", "BEGIN:VCALENDAR\r\n".encode("utf-16")):
        with pytest.raises(FeedError, match="test.ics: not"):
            read_feed(data, "test.ics", None)


# Validation and the site


def test_validate_says_what_each_draft_still_needs_and_the_librarian_publishes_it(tree):
    content = tree()
    run(content)
    circle_id, _ = drafts(content)[UIDS["python"]]
    path = content / "circles" / f"{circle_id}.yml"
    draft_warnings = [p for p in problems(content) if p[1] == "provenance.draft"]
    assert draft_warnings == [(f"{circle_id}.yml", "provenance.draft", "draft", "warning"),
                              ("central-spanish-conversation-circle-2027-02.yml", "provenance.draft", "draft", "warning")]
    assert not [p for p in problems(content) if p[3] == "error"]  # a draft lacks a course and a sign-up: no error
    [message] = [p.message for p in validate_tree(content, today=BUILD_DATE).problems if p.path.endswith(path.name)]
    assert message == ("a draft imported from 'Central Branch programs', not published until a librarian checks it; "
                       "still to fill in: course, topics, facilitators, signup")

    text = path.read_text(encoding="utf-8").replace("timezone:", "course:\n  title: Python Essentials 1\n"
                                                    "topics: [python]\nfacilitators: [Amina]\nsignup: drop-in\ntimezone:")
    path.write_text(text, encoding="utf-8")
    [checked] = [p for p in validate_tree(content, today=BUILD_DATE).problems if p.path.endswith(path.name)]
    assert (checked.code, checked.message) == ("draft", "a draft imported from 'Central Branch programs', "
                                                        "not published until a librarian checks it")
    assert "delete the line 'draft: true'" in checked.hint
    path.write_text(text.replace("  draft: true\n", ""), encoding="utf-8")
    assert [p for p in problems(content) if p[0] == path.name] == []


def test_a_required_field_missing_from_a_draft_is_to_fill_in_and_from_a_circle_an_error(tree):
    content = tree()
    run(content, "outlook.ics")
    path = next((content / "circles").glob("central-computer-basics*.yml"))
    path.write_text(path.read_text(encoding="utf-8").replace("language: en\n", ""), encoding="utf-8")
    [draft] = [p for p in validate_tree(content, today=BUILD_DATE).problems if p.path.endswith(path.name)]
    assert draft.message.endswith("still to fill in: course, topics, language, facilitators, signup")
    path.write_text(path.read_text(encoding="utf-8").replace("  draft: true\n", ""), encoding="utf-8")
    assert {(p[1], p[2]) for p in problems(content) if p[0] == path.name} == {
        ("course", "missing"), ("language", "missing"), ("signup", "missing")}


def test_every_draft_is_listed_however_many_there_are(tree):
    content = tree()
    events = [TORONTO.replace("0105", f"01{5 + 7 * i:02d}") + "RRULE:FREQ=WEEKLY;COUNT=4" for i in range(3)]
    (content.parent / "feed.ics").write_bytes(feed(*events, head="X-WR-CALNAME:Branch events\n"))
    import_calendar(str(content.parent / "feed.ics"), content, "central", today=BUILD_DATE)
    run(content)
    run(content, "outlook.ics")
    found = validate_tree(content, today=BUILD_DATE).problems
    assert len([p for p in found if p.code == "draft"]) == 6
    assert format_text(found, "summary").count("not published until a librarian checks it") == 6


@pytest.mark.slow
def test_the_site_leaves_drafts_out(tree, tmp_path):
    content = tree()
    run(content)
    written = {circle_id for circle_id, _ in drafts(content).values()}
    output = build(content, tmp_path / "output", DIRECTORY={"languages": ["en"], "sample": False, "flyer_pdfs": False})
    assert (output / "circles" / "python" / "index.html").is_file()
    for circle_id in written:
        assert not (output / "circles" / circle_id).exists()
    rows = csv.DictReader(io.StringIO((output / "data" / "circles.csv").read_text(encoding="utf-8"), newline=""))
    assert [row["id"] for row in rows] == ["python"]
    assert not any(circle_id in (output / "index.html").read_text(encoding="utf-8") for circle_id in written)


# Importing again


def test_importing_again_updates_an_unedited_draft_keeps_an_edited_one_and_reports_what_is_gone(tree, tmp_path):
    content = tree()
    run(content)
    before = {p.name: p.read_bytes() for p in (content / "circles").glob("*.yml")}
    again = run(content)
    assert (again.unchanged, again.added, again.updated) == (2, [], [])
    assert {p.name: p.read_bytes() for p in (content / "circles").glob("*.yml")} == before

    source = (CALENDARS / "google.ics").read_text(encoding="utf-8")
    changed = tmp_path / "changed.ics"
    changed.write_text(source.replace("BYDAY=TU;COUNT=6", "BYDAY=TU;COUNT=7"), encoding="utf-8", newline="")
    report = import_calendar(str(changed), content, "central", today=BUILD_DATE)
    [updated] = report.updated
    assert updated.message == "schedule.weeks" and drafts(content)[UIDS["python"]][1]["schedule"]["weeks"] == "6"
    assert report.unchanged == 1

    python = content / "circles" / f"{drafts(content)[UIDS['python']][0]}.yml"
    python.write_text(python.read_text(encoding="utf-8").replace("timezone:", "topics: [python]\ntimezone:"),
                      encoding="utf-8")
    edited = python.read_bytes()
    gone = source.split("BEGIN:VEVENT")
    changed.write_text("BEGIN:VEVENT".join(part for part in gone if "7d1f3e9a" not in part)
                       .replace("BYDAY=TU;COUNT=6", "BYDAY=TU;COUNT=8"), encoding="utf-8", newline="")
    report = import_calendar(str(changed), content, "central", today=BUILD_DATE, dry_run=True)
    assert [e.message for e in report.edited] == ["schedule.weeks, topics"]
    assert [(e.id, e.name) for e in report.gone] == [(UIDS["spanish"], "Spanish conversation circle")]
    lines = calendar_lines(report)
    assert any("no longer in Central Branch programs" in line for line in lines)
    assert python.read_bytes() == edited and len(list((content / "circles").glob("*.yml"))) == 3


def test_a_published_draft_is_kept_as_the_librarian_left_it(tree):
    content = tree()
    run(content)
    python = content / "circles" / f"{drafts(content)[UIDS['python']][0]}.yml"
    text = python.read_text(encoding="utf-8").replace("timezone:", "course:\n  title: Python Essentials 1\n"
                                                      "signup: drop-in\ntimezone:").replace("  draft: true\n", "")
    python.write_text(text, encoding="utf-8")
    report = run(content)
    assert (report.unchanged, report.kept, report.added, report.updated, report.edited) == (1, 1, [], [], [])
    assert python.read_text(encoding="utf-8") == text and len(drafts(content)) == 2
    assert "2 unchanged (1 of them edited here)" in calendar_lines(report)[-1]


def test_an_event_imported_under_another_name_is_not_imported_twice(tree):
    content = tree()
    run(content)
    report = run(content, name="Central Branch (Google)")
    assert report.added == [] and len(report.skipped) == 2
    assert "imported already as" in report.skipped[0].message and "--name" in report.skipped[0].message
    assert len(drafts(content)) == 2


def test_a_dry_run_writes_nothing(tree):
    content = tree()
    report = run(content, dry_run=True)
    assert len(report.added) == 2 and drafts(content) == {}
    assert calendar_lines(report)[-1].startswith("Dry run: nothing was written")


# The command


def test_the_command_imports_a_feed_from_a_local_http_server(tree, monkeypatch, capsys):
    content = tree()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    with serve(CALENDARS) as base:
        code = main(["import", "calendar", base + "outlook.ics", "--library", "central", "--content", str(content),
                     "--name", "Central Branch (Outlook)", "--language", "fr"])
    out = capsys.readouterr().out
    assert code == 0 and f"Read {base}outlook.ics: Central Branch (Outlook), 2 events." in out
    _, basics = drafts(content)[UIDS["basics"]]
    assert basics["language"] == "fr" and basics["provenance"]["source"] == "Central Branch (Outlook)"
    assert basics["provenance"]["date"] == "2026-11-22"


@pytest.mark.parametrize("args, message", [
    (["--library", "centrl"], "--library centrl: there is no library 'centrl' in "),
    (["--library", "central", "--language", "xx-yy-zz-1"], "--language xx-yy-zz-1: not a known language tag"),
])
def test_the_command_names_a_wrong_option(tree, capsys, args, message):
    content = tree()
    code = main(["import", "calendar", str(CALENDARS / "google.ics"), "--content", str(content), *args])
    err = capsys.readouterr().err
    assert code == 1 and message in err and "Traceback" not in err
    if "centrl" in args:
        assert "did you mean 'central'?" in err


def test_a_calendar_without_a_name_needs_one(tree, capsys):
    content = tree()
    (content.parent / "feed.ics").write_bytes(feed(TORONTO + "RRULE:FREQ=WEEKLY;COUNT=4"))
    assert main(["import", "calendar", str(content.parent / "feed.ics"), "--library", "central",
                 "--content", str(content)]) == 1
    assert "give it one with --name" in capsys.readouterr().err


def test_the_guide_names_every_option_of_the_command():
    from circles.tools.importing.scheduled import KEYS

    guide = (ROOT / "docs" / "importing.md").read_text(encoding="utf-8")
    section = guide.split("## Importing a library's calendar", 1)[1].split("## Scheduled imports", 1)[0]
    for option in ("--library", "--name", "--language", "--max-size", "--timeout", "--dry-run"):
        assert f"`{option}" in section, option
    scheduled = guide.split("## Scheduled imports", 1)[1]
    for kind, (required, optional) in KEYS.items():
        [row] = [line for line in scheduled.splitlines() if line.startswith(f"| `{kind}` |")]
        assert all(f"`{key}`" in row for key in required + optional), kind
