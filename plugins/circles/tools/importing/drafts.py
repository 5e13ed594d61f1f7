"""``circles import calendar``: a library's weekly series, as draft circles for a librarian to finish.

Each series of the feed (icalfeed.py) becomes a circle at the library given, marked
``provenance.draft: true``: the site leaves it out, and `circles validate` lists what is still to fill
in (its course, topics, facilitators…) until a librarian has checked it and deleted the mark. The
schedule is written as the project's schedule code reads it back (directory/schedule.py): ``weeks``
when that gives the calendar's dates, else ``end_date``, with the skipped dates.

A draft is found again by its event's UID (``provenance.id``) and the calendar's name
(``provenance.source``), as federation.py finds records: while the file is as the import wrote it
(``provenance.digest``) the next import updates it; once it is edited here it is kept, and the report
says what the calendar changed. A UID is never imported twice, and a series gone from the feed is
reported, not deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from circles.directory.geocoding import GeoCache
from circles.directory.geography import country_timezone, timezone_at
from circles.directory.schedule import meeting_dates, week_count
from circles.i18n import WEEKDAY_NAMES
from circles.problems import CirclesError, errors
from circles.records.codes import is_language_tag
from circles.records.load import LoadError, Record, parse
from circles.records.rules import PLACEHOLDER_HOSTS
from circles.records.schema import closest, load_schema
from circles.records.validate import check_record, display_path
from circles.tools.importing.federation import Entry, changed_fields, digest
from circles.tools.importing.fetch import Limits, fetch
from circles.tools.importing.icalfeed import TITLE, LeftOut, Series, one_line, read_feed
from circles.tools.importing.rows import ID_LENGTH, slug
from circles.tools.importing.staging import Local, Staged, check_staged, read_local, write_staged
from circles.tools.importing.yamltext import new_text

#: The header of every draft: whoever opens it learns what is left to do, and how imports treat it.
HEADER = ("A draft imported by `circles import calendar` from {source}: the site does not show it yet.",
          "`circles validate` lists what is still to fill in. Check the rest, then delete the line `draft: true`.",
          "An import updates this file only while it is exactly as the import wrote it.")


@dataclass
class Report:
    location: str
    source: str  # the calendar's name, as provenance.source says it
    library: str
    dry_run: bool
    events: int = 0
    added: list[Entry] = field(default_factory=list)
    updated: list[Entry] = field(default_factory=list)
    unchanged: int = 0
    kept: int = 0  # edited here, and the calendar has not changed them since
    edited: list[Entry] = field(default_factory=list)  # edited here and changed there: not updated
    left_out: list[LeftOut] = field(default_factory=list)  # events that are not weekly series
    past: int = 0  # series that have ended, not imported
    skipped: list[Entry] = field(default_factory=list)
    gone: list[Entry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def import_calendar(location: str, content: Path, library: str, *, name: str = "", language: str = "",
                    dry_run: bool = False, today: dt.date | None = None, limits: Limits | None = None,
                    cache: GeoCache | None = None) -> Report:
    """Import the weekly series of the feed at ``location`` (an address or a path) as draft circles at
    ``library``, into the content folder ``content``."""
    local = read_local(content)
    place = local.data.rows["libraries"].get(library)
    if place is None:
        near = closest(library, sorted(local.data.rows["libraries"]))
        raise CirclesError(f"--library {library}: there is no library '{library}' in {display_path(content / 'libraries')}"
                           + (f" — did you mean '{near}'?" if near else " — give the name of one of its files, without .yml"))
    if language and not is_language_tag(language):
        raise CirclesError(f"--language {language}: not a known language tag — use a BCP 47 tag such as en, fr or pt-BR")
    feed = read_feed(fetch(location, limits or Limits()), location, _library_zone(place))
    source = one_line(name, TITLE) or feed.name
    if not source:
        raise CirclesError(f"{location}: the calendar has no name (X-WR-CALNAME): give it one with --name, "
                           "the same at every import, so that the next import finds its drafts")
    report = Report(location, source, library, dry_run, feed.events, left_out=feed.left_out)
    run = _Run(local, content, library, language or _network_language(local, place), source,
               today or dt.date.today(), report)
    if not language and not run.language:
        report.notes.append("the library's network lists no language: each draft asks for one (--language sets it)")
    for series in feed.series:
        run.series(series)
    for path, why in check_staged(local, run.staged, run.today, cache or GeoCache(content / "geocache.json")):
        entry = run.entries.pop(path)
        report.skipped.append(replace(entry, message=why, path=""))
    report.added = [run.entries[path] for path, item in run.staged.items() if item.new]
    report.updated = [run.entries[path] for path, item in run.staged.items() if not item.new]
    report.gone = [Entry("circles", uid, name=local.name_of(content / "circles" / f"{record_id}.yml"),
                         path=display_path(content / "circles" / f"{record_id}.yml"))
                   for uid, record_id in sorted(run.ours.items()) if uid not in feed.uids]
    report.notes += [f"{path}: cannot be read, so it was not compared — run `circles validate {path}`"
                     for path in local.unreadable]
    if not dry_run:
        write_staged(run.staged)
    return report


def schedule_values(series: Series) -> dict[str, str | list[str]]:
    """The schedule of a series as a record writes it, read back by the schedule code to the same dates:
    ``weeks`` when that holds them, else ``end_date``; ``dates`` only when neither does."""
    dates, skip = list(series.dates), list(series.skipped)
    values: dict[str, str | list[str]] = {"schedule.start_date": dates[0].isoformat()}
    weeks = week_count(dates)
    if meeting_dates(dates[0], list(series.weekdays), weeks=weeks, skip=skip) == dates:
        values["schedule.weeks"] = str(weeks)
    elif meeting_dates(dates[0], list(series.weekdays), end=dates[-1], skip=skip) == dates:
        values["schedule.end_date"] = dates[-1].isoformat()
    else:  # not met by a weekly series; kept so that the draft says the calendar's dates all the same
        return {**values, "schedule.dates": [d.isoformat() for d in dates],
                "schedule.start_time": f"{series.start_time:%H:%M}", "schedule.duration": str(series.duration or "")}
    return {**values, "schedule.weekdays": [WEEKDAY_NAMES[d] for d in series.weekdays],
            "schedule.start_time": f"{series.start_time:%H:%M}", "schedule.duration": str(series.duration or ""),
            "schedule.skip": [d.isoformat() for d in skip]}


def _link(url: str) -> str:
    """The event's page, when a record may link to it: an https:// address of a real host (rules.py); else
    the sign-up is left to fill in."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # such as an unclosed [ of an IPv6 address
        return ""
    return url if url.startswith("https://") and host and not PLACEHOLDER_HOSTS.search(host) and " " not in url else ""


def _library_zone(row: dict[str, Any]) -> str | None:
    """The library's time zone, as the build finds it (directory/enrich.py), for times written without one."""
    if row.get("timezone"):
        return row["timezone"]
    if row.get("latitude") is not None and row.get("longitude") is not None:
        found = timezone_at(float(row["latitude"]), float(row["longitude"]))
        if found:
            return found
    return country_timezone(row.get("address_country") or "", row.get("address_region") or "") or None


def _network_language(local: Local, library: dict[str, Any]) -> str:
    network = local.data.rows["networks"].get(library.get("network") or "") or {}
    return next(iter(network.get("languages") or []), "")


class _Run:
    def __init__(self, local: Local, content: Path, library: str, language: str, source: str, today: dt.date,
                 report: Report):
        self.local, self.content, self.library, self.language = local, content, library, language
        self.source, self.today, self.report, self.resource = source, today, report, load_schema()["circles"]
        self.ours = {uid: record_id for (kind, uid), record_id in local.provenance(source).items() if kind == "circles"}
        self.elsewhere = {record.data["provenance"]["id"]: record for record in local.data.records["circles"].values()
                          if isinstance(record.data.get("provenance"), dict)
                          and isinstance(record.data["provenance"].get("id"), str)}
        self.staged: dict[Path, Staged] = {}
        self.entries: dict[Path, Entry] = {}

    def series(self, series: Series) -> None:
        """Stage the draft of ``series``, or count or report why not."""
        entry = Entry("circles", series.uid, name=series.title)
        self.report.notes += [f"{series.title} ({series.uid}): {note}" for note in series.notes]
        values = self.values(series)
        if series.uid in self.ours:
            path = self.content / "circles" / f"{self.ours[series.uid]}.yml"
            self.follow(values, path, replace(entry, path=display_path(path)))
        elif series.uid in self.elsewhere:
            other = self.elsewhere[series.uid]
            self.report.skipped.append(replace(entry, message=f"imported already as {other.path} from "
                                               f"'{other.data['provenance'].get('source')}': give that name with --name"))
        elif series.dates[-1] < self.today:
            self.report.past += 1
        else:
            record_id = self.new_id(series)
            path = self.content / "circles" / f"{record_id}.yml"
            item = self.checked(record_id, path, values, self.today.isoformat(), replace(entry, path=display_path(path)))
            if item is not None:
                self.local.taken["circles"].add(record_id)
                self.stage(item, replace(entry, path=display_path(path)))

    def values(self, series: Series) -> dict[str, str | list[str]]:
        """The draft's values by YAML path: what the calendar says, and where it comes from."""
        link = _link(series.url)
        return {"title": series.title, "library": self.library, "format": "in_person", "language": self.language,
                **schedule_values(series), "timezone": series.timezone, "room": series.location, "signup": link,
                "description": series.description, "provenance.source": self.source, "provenance.id": series.uid,
                "provenance.url": link, "provenance.draft": "true"}

    def follow(self, values: dict[str, str | list[str]], path: Path, entry: Entry) -> None:
        """A draft of an earlier import: unchanged, kept as edited here, or updated when the calendar changed it
        and nobody here did."""
        old, stored = self.local.text(path) or "", self.local.stamp(path, "digest")
        text = self.compose(values, self.local.stamp(path, "date") or self.today.isoformat())
        changes = ", ".join(changed_fields(old, text))
        if text == old.replace("\r\n", "\n"):
            self.report.unchanged += 1
        elif stored == digest(text) or (stored != digest(old) and not changes):
            self.report.kept += 1
        elif stored != digest(old):
            self.report.edited.append(replace(entry, message=changes))
        else:
            item = self.checked(path.stem, path, values, self.today.isoformat(), entry)
            if item is not None:
                item.new = False
                self.stage(item, replace(entry, message=changes or "the file's layout"))

    def stage(self, item: Staged, entry: Entry) -> None:
        self.staged[item.path] = item
        self.entries[item.path] = entry

    def new_id(self, series: Series) -> str:
        """``<library>-<title>-<yyyy>-<mm>`` of the first meeting, as the sample's circles are named; -2, -3…
        when a file of that name exists."""
        month = f"{series.dates[0]:%Y-%m}"
        base = f"{slug(f'{self.library} {series.title}', ID_LENGTH - len(month) - 3) or self.library}-{month}"
        candidate, n = base, 2
        while candidate in self.local.taken["circles"]:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def compose(self, values: dict[str, str | list[str]], date: str) -> str:
        """The draft's text, its digest the fingerprint of the rest."""
        header = [line.format(source=self.source) for line in HEADER]
        dated = {**values, "provenance.date": date}
        return new_text({**dated, "provenance.digest": digest(new_text(dated, self.resource, header))},
                        self.resource, header)

    def checked(self, record_id: str, path: Path, values: dict[str, str | list[str]], date: str,
                entry: Entry) -> Staged | None:
        """The draft, when it validates alone (a draft's missing fields are warnings); else None, said why."""
        text = self.compose(values, date)
        try:
            data, lines = parse(text)
        except LoadError as exc:
            self.report.skipped.append(replace(entry, message=f"cannot be written as YAML ({exc.code})", path=""))
            return None
        record = Record("circles", record_id, display_path(path), data, lines)
        row, problems = check_record(record, self.resource)
        found = errors(problems)
        if found:
            self.report.skipped.append(replace(entry, path="", message="not a valid record: " + "; ".join(
                f"{p.field or 'file'}: {p.message}" for p in found)))
            return None
        return Staged("circles", record_id, path, text, record, row, True)

