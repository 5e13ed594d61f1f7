"""Checks across records: the same circle listed twice, listings nobody has checked lately, a course
listed twice or written out where a file lists it, and two towns whose pages would share an address.

A duplicate is reported on both files, each naming the other, so whoever opened the pull
request sees both. Rows are the schema's flattened columns (``course_title``,
``schedule_start_date`` …), already typed by the validator.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from difflib import SequenceMatcher, get_close_matches
from itertools import combinations
from typing import Any

from circles.directory.places import town_addresses
from circles.i18n import name_order
from circles.problems import Problem, problem
from circles.records.load import Record

#: Titles at least this alike (0–1, difflib's ratio) at one library are probably one circle.
SIMILAR = 0.88
#: …when their first meetings are at most this many days apart (a course run again next month
#: is not a duplicate).
SIMILAR_WITHIN_DAYS = 7
#: A listing last verified longer ago than this gets a warning.
STALE_AFTER = dt.timedelta(days=365)


def check_listings(records: dict[str, Record], rows: dict[str, dict[str, Any]], today: dt.date) -> list[Problem]:
    """Duplicates, near-duplicates and stale listings among the circles."""
    courses = {circle_id: _course(row) for circle_id, row in rows.items()}
    return [*duplicates(records, rows, courses), *similar_titles(records, rows, courses), *stale(records, rows, today)]


def _course(row: dict[str, Any]) -> str:
    """What identifies the course: its record, or its address when given, else its title, loosely written."""
    if row.get("course"):
        return "courses/" + row["course"]
    return link_key(row.get("course_url")) or _words(row.get("course_title") or "")


def link_key(url: str | None) -> str:
    """A web address as two ways of writing it compare: no scheme, ``www.`` or last slash, any case."""
    return re.sub(r"^https?://(www\.)?", "", (url or "").strip().lower().rstrip("/"))


def check_courses(courses: dict[str, Record], course_rows: dict[str, dict[str, Any]],
                  circles: dict[str, Record], circle_rows: dict[str, dict[str, Any]]) -> Iterator[Problem]:
    """Two course files with one link; and a circle that writes out a course a file lists (by its link,
    or a title very like the file's), which is told the id to write instead."""
    by_link: dict[str, list[str]] = defaultdict(list)
    by_title: dict[str, str] = {}
    for course_id, row in sorted(course_rows.items()):
        if row.get("url"):
            by_link[link_key(row["url"])].append(course_id)
        if row.get("title"):
            by_title.setdefault(_words(row["title"]), course_id)
    for same in by_link.values():
        for one, other in combinations(same, 2):
            yield _about(courses[one], "duplicate-course", "url", other=courses[other].path)
            yield _about(courses[other], "duplicate-course", "url", other=courses[one].path)
    titles = list(by_title)
    near: dict[str, str | None] = {}  # each title written in circles, looked up once: circles repeat a few titles
    for circle_id, row in sorted(circle_rows.items()):
        if row.get("course") or not row.get("course_title"):
            continue
        listed = by_link.get(link_key(row.get("course_url")), [None])[0] if row.get("course_url") else None
        if listed is None:
            title = _words(row["course_title"])
            if title not in near:
                close = get_close_matches(title, titles, n=1, cutoff=SIMILAR)
                near[title] = by_title[close[0]] if close else None
            listed = near[title]
        if listed:
            yield _about(circles[circle_id], "course-listed", "course", file=courses[listed].path, id=listed)


def _words(text: str) -> str:
    return " ".join(_WORD.findall(name_order(text)))  # accents and case set aside, as lists sort names


_WORD = re.compile(r"\w+")


def duplicates(records: dict[str, Record], rows: dict[str, dict[str, Any]],
               courses: dict[str, str] | None = None) -> Iterator[Problem]:
    """The same course at the same library, day and time; ``courses`` (by id) as :func:`_course` finds them."""
    courses = courses if courses is not None else {circle_id: _course(row) for circle_id, row in rows.items()}
    groups: dict[tuple, list[str]] = defaultdict(list)
    for circle_id, row in sorted(rows.items()):
        library, start = row.get("library"), row.get("schedule_start_date")
        if library and start and courses[circle_id]:
            groups[(library, courses[circle_id], start, row.get("schedule_start_time"))].append(circle_id)
    for ids in groups.values():
        for one, other in combinations(ids, 2):
            yield _about(records[one], "duplicate", "title", other=records[other].path)
            yield _about(records[other], "duplicate", "title", other=records[one].path)


def similar_titles(records: dict[str, Record], rows: dict[str, dict[str, Any]],
                   courses: dict[str, str] | None = None) -> Iterator[Problem]:
    """Titles nearly alike at one library and time, a few days apart."""
    courses = courses if courses is not None else {circle_id: _course(row) for circle_id, row in rows.items()}
    by_library: dict[str, list[str]] = defaultdict(list)
    for circle_id, row in sorted(rows.items()):
        if row.get("library") and row.get("title") and row.get("schedule_start_date"):
            by_library[row["library"]].append(circle_id)
    for ids in by_library.values():
        for one, other in combinations(ids, 2):
            a, b = rows[one], rows[other]
            if a.get("schedule_start_time") != b.get("schedule_start_time"):
                continue  # another session, at another time of day
            if courses[one] == courses[other] and a["schedule_start_date"] == b["schedule_start_date"]:
                continue  # reported as a duplicate already
            days = abs((a["schedule_start_date"] - b["schedule_start_date"]).days)
            if days <= SIMILAR_WITHIN_DAYS and SequenceMatcher(None, _words(a["title"]), _words(b["title"])).ratio() >= SIMILAR:
                yield _about(records[one], "similar-title", "title", title=b["title"], other=records[other].path,
                             days=SIMILAR_WITHIN_DAYS)
                yield _about(records[other], "similar-title", "title", title=a["title"], other=records[one].path,
                             days=SIMILAR_WITHIN_DAYS)


def stale(records: dict[str, Record], rows: dict[str, dict[str, Any]], today: dt.date) -> Iterator[Problem]:
    for circle_id, row in sorted(rows.items()):
        checked = row.get("last_verified")
        if isinstance(checked, dt.date) and today - checked > STALE_AFTER and not _ended(row, today):
            yield _about(records[circle_id], "stale", "last_verified", date=checked.isoformat())


def _ended(row: dict[str, Any], today: dt.date) -> bool:
    """A circle whose dates are all past: nobody needs to check it again."""
    start, weeks = row.get("schedule_start_date"), row.get("schedule_weeks")
    last = row.get("schedule_end_date") or (start + dt.timedelta(weeks=weeks - 1) if start and weeks else start)
    dates = row.get("schedule_dates") or []
    return isinstance(last, dt.date) and max([last, *dates]) < today


def _about(record: Record, code: str, field: str, **params: Any) -> Problem:
    return problem(code, record.path, record.line(field) or 1, field, **params)


def same_address(records: dict[str, Record], rows: dict[str, dict[str, Any]]) -> Iterator[Problem]:
    """Libraries in towns whose browse pages would share an address, which directory/places.py's rules
    should never leave: reported on each library, naming the other towns, rather than met by the build."""
    towns: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for library_id, row in sorted(rows.items()):
        if row.get("address_country") and row.get("address_city"):
            towns[(row["address_country"], row.get("address_region") or "", row["address_city"])].append(library_id)
    slugs, clashes = town_addresses(towns)
    for clash in clashes:
        for town in clash:
            others = [other for other in clash if other != town]
            files = ", ".join(records[i].path for other in others for i in towns[other])
            for library_id in towns[town]:
                yield _about(records[library_id], "same-address", "address.city", city=town[2],
                             url=f"browse/{town[0].lower()}/{slugs[town]}/", other=others[0][2], files=files)
