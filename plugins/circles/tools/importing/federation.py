"""``circles import directory``: another directory's networks, libraries and circles, as records here.

Federation (issue 20). Each row of the other directory's package (package.py) becomes the record
it was written as (``derived_`` columns left out) under an id of this directory (``<prefix>-<its
id>``, or the next free one), references mapped alike, with its provenance: the directory's name,
the id and page there, the licence, the date. Circles come only while current or upcoming. Each
record is checked alone, then with every record here (staging.py), before anything is written.

A record is found again by its provenance, never by its id here. ``provenance.digest`` fingerprints
the file as the import wrote it: such a file follows the source; a file edited here is kept, and
the report says what the source changed. A record gone from the source is reported, not deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from circles.directory.geocoding import GeoCache
from circles.directory.models import CURRENT
from circles.directory.schedule import meeting_dates, status
from circles.i18n import WEEKDAY_NAMES
from circles.problems import CirclesError, errors
from circles.records.load import LoadError, Record, parse
from circles.records.rules import PLACEHOLDER_HOSTS
from circles.records.schema import load_schema
from circles.records.validate import check_record, display_path
from circles.tools.importing.fetch import Limits
from circles.tools.importing.package import KINDS, Package, read_package
from circles.tools.importing.rows import ID_LENGTH, slug
from circles.tools.importing.staging import Local, Staged, check_staged, read_local, write_staged
from circles.tools.importing.yamltext import flat, new_text

#: Written by each import, not compared: when it last changed the record, and the file's fingerprint.
STAMPS = ("provenance.date", "provenance.digest")
#: The header of every file an import writes: whoever opens it learns how imports treat it.
HEADER = ("Imported by `circles import directory` from {source}.",
          "Edit it freely: an import updates this file only while it is exactly as the import wrote it.")


@dataclass(frozen=True)
class Entry:
    """Something the report says about one record of the source (``kind``, ``id`` there)."""

    kind: str
    id: str
    message: str = ""
    name: str = ""
    path: str = ""


@dataclass
class Report:
    location: str
    source: str  # the directory's name, as provenance.source says it
    licence: str
    prefix: str
    dry_run: bool
    read: dict[str, int] = field(default_factory=dict)  # rows by kind
    added: list[Entry] = field(default_factory=list)
    updated: list[Entry] = field(default_factory=list)
    unchanged: int = 0
    kept: int = 0  # edited here, and the source has not changed them since
    edited: list[Entry] = field(default_factory=list)  # edited here and changed there: not updated
    past: int = 0  # circles that have ended (or were cancelled) there, not imported
    skipped: list[Entry] = field(default_factory=list)
    withdrawn: list[Entry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def import_directory(location: str, content: Path, *, prefix: str = "", name: str = "", dry_run: bool = False,
                     today: dt.date | None = None, limits: Limits | None = None, cache: GeoCache | None = None) -> Report:
    """Import the package at ``location`` (an address or a path) into the content folder ``content``."""
    package = read_package(location, limits or Limits())
    source = _line(name) or package.name
    prefix = prefix or default_prefix(package)
    if slug(prefix, 30) != prefix:
        raise CirclesError(f"--prefix {prefix!r}: lowercase letters, digits and hyphens only, at most 30 characters "
                          f"(e.g. {slug(prefix, 30) or 'other'})")
    report = Report(package.location, source, package.licence, prefix, dry_run,
                    {kind: len(package.tables[kind]) for kind in KINDS})
    run = _Run(package, source, prefix, content, today or dt.date.today(), read_local(content), report)
    for kind in KINDS:
        for row in package.tables[kind]:
            run.row(kind, row)
    for path, why in check_staged(run.local, run.staged, run.today, cache or GeoCache(content / "geocache.json")):
        entry = run.entries.pop(path)
        report.skipped.append(Entry(entry.kind, entry.id, why, entry.name))
    report.added = [run.entries[path] for path, item in run.staged.items() if item.new]
    report.updated = [run.entries[path] for path, item in run.staged.items() if not item.new]
    report.withdrawn = run.withdrawn()
    report.notes += [f"{path}: cannot be read, so it was not compared — run `circles validate {path}`"
                     for path in run.local.unreadable]
    if run.unknown:
        report.notes.append(f"left out, as records here have no such field: {', '.join(sorted(run.unknown))}")
    if not dry_run:
        write_staged(run.staged)
    return report


def default_prefix(package: Package) -> str:
    """The first word of the source's host name (``riverside`` for https://riverside.example.org/), or
    of its name when it has no host name (a local path, an address by number)."""
    host = urlsplit(package.location).hostname or ""
    labels = [label for label in host.split(".") if label and label != "www"]
    if labels and not host.replace(".", "").isdigit() and ":" not in host and host != "localhost":
        return slug(labels[0], 30) or "imported"
    return slug(package.name, 24) or "imported"


def digest(text: str) -> str:
    """The fingerprint of a record file as an import wrote it: its text without its digest line."""
    lines = text.replace("\r\n", "\n").split("\n")
    try:
        at = parse(text)[1].get("provenance.digest")
    except LoadError:
        at = None
    if at:
        del lines[at - 1]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def _line(text: str) -> str:
    """Untrusted text for one line (a comment, a name): printable, single spaces, not too long."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())[:200]


class _Run:
    def __init__(self, package: Package, source: str, prefix: str, content: Path, today: dt.date, local: Local,
                 report: Report):
        self.package, self.source, self.prefix, self.content, self.today = package, source, prefix, content, today
        self.local, self.report, self.schema = local, report, load_schema()
        self.ids: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}  # id there → id here, once imported
        self.ours = local.provenance(source)  # (kind, id there) → id here, of earlier imports
        self.staged: dict[Path, Staged] = {}
        self.entries: dict[Path, Entry] = {}
        self.unknown: set[str] = set()

    def row(self, kind: str, row: dict[str, str]) -> None:
        """Stage the record of ``row``, or count or report why not."""
        source_id = (row.get("id") or "").strip()
        entry = Entry(kind, source_id or "?", name=_line(row.get("title") or row.get("name") or ""))
        values, missing = self.values(kind, row) if source_id else ({}, "no id")
        if missing:
            self.report.skipped.append(replace(entry, message=missing))
            return
        record_id = self.ours.get((kind, source_id)) or self.new_id(kind, source_id)
        path = self.content / kind / f"{record_id}.yml"
        entry = replace(entry, path=display_path(path))
        if (kind, source_id) in self.ours:
            self.ids[kind][source_id] = record_id  # whatever happens to the file, references to it stay right
            self.follow(source_id, values, path, entry)
            return
        item = self.checked(kind, record_id, path, values, self.today.isoformat(), entry)
        if item is None:
            return
        if kind == "circles" and not _current(item.row, self.today):
            self.report.past += 1
            return
        self.local.taken[kind].add(record_id)
        self.stage(source_id, item, entry)

    def follow(self, source_id: str, values: dict[str, str | list[str]], path: Path, entry: Entry) -> None:
        """A record of an earlier import: unchanged, kept as edited here, or updated when the source
        changed it and nobody here did."""
        old, stored = self.local.text(path) or "", self.local.stamp(path, "digest")
        text = self.compose(entry.kind, values, self.local.stamp(path, "date") or self.today.isoformat())
        changes = ", ".join(changed_fields(old, text))
        if text == old.replace("\r\n", "\n"):  # written with \n; a checkout may turn them into \r\n
            self.report.unchanged += 1
        elif stored == digest(text) or (stored != digest(old) and not changes):
            self.report.kept += 1  # edited here; the source has not changed it since, or changed it the same way
        elif stored != digest(old):
            self.report.edited.append(replace(entry, message=changes))
        else:
            item = self.checked(entry.kind, path.stem, path, values, self.today.isoformat(), entry)
            if item is not None:
                item.new = False
                self.stage(source_id, item, replace(entry, message=changes or "the file's layout"))

    def stage(self, source_id: str, item: Staged, entry: Entry) -> None:
        self.ids[item.kind][source_id] = item.id
        self.staged[item.path] = item
        self.entries[item.path] = entry

    def values(self, kind: str, row: dict[str, str]) -> tuple[dict[str, str | list[str]], str]:
        """The record's values by YAML path, references mapped; or why it cannot be imported."""
        resource = self.schema[kind]
        lists = self.package.delimiters[kind]
        values: dict[str, str | list[str]] = {}
        for name, cell in row.items():
            if not isinstance(name, str) or name == "id" or name.startswith(("derived_", "provenance_")):
                continue
            column = resource.by_name.get(name)
            if column is None:
                self.unknown.add(f"{kind}.{name}")
            elif cell and cell.strip():
                values[column.yaml] = ([item.strip() for item in cell.split(lists.get(name, ",")) if item.strip()]
                                       if column.is_list else cell)
        for column, target in resource.foreign_keys:
            path = resource.by_name[column].yaml
            if target == "courses" and path in values:
                # Its courses are not imported: the circle writes its course out, as before courses had files.
                written = self.package.course(str(values.pop(path)))
                if not written:
                    return {}, f"its course '{_line(str(row.get(column)))}' is not in its data"
                values.update(written)
            elif path in values:
                mapped = self.ids[target].get(str(values[path]))
                if mapped is None:
                    return {}, f"its {path} '{_line(str(values[path]))}' was not imported"
                values[path] = mapped
        if kind == "libraries":
            self.locate(values, row)
        values.update({"provenance.source": self.source, "provenance.id": row["id"].strip(),
                       "provenance.url": self.page(row.get("derived_url") or ""), "provenance.licence": self.package.licence})
        return values, ""

    def page(self, url: str) -> str:
        """The address of a record's page there; none when it is a placeholder's, which no record here may link to."""
        host = urlsplit(self.package.page(url)).hostname or ""
        if host and PLACEHOLDER_HOSTS.search(host):
            note = f"no links to the records' pages there: {host} is not a public address"
            self.report.notes += [note] if note not in self.report.notes else []
            return ""
        return self.package.page(url)

    def locate(self, values: dict[str, str | list[str]], row: dict[str, str]) -> None:
        """A library without coordinates takes those the source used, when they are the building's (not a
        town's centre), with where they come from."""
        if "latitude" in values or row.get("derived_coordinates_approximate") != "false":
            return
        if row.get("derived_latitude") and row.get("derived_longitude"):
            values.update({"latitude": row["derived_latitude"], "longitude": row["derived_longitude"],
                           "coordinates.source": _line(row.get("derived_coordinates_source") or self.source),
                           "coordinates.precision": "address"})

    def new_id(self, kind: str, source_id: str) -> str:
        """``<prefix>-<id there>``; with -2, -3… when a file here has that name already."""
        base = slug(f"{self.prefix} {source_id}")
        candidate, n = base, 2
        while candidate in self.local.taken[kind]:
            candidate = f"{base[:ID_LENGTH - len(str(n)) - 1].rstrip('-')}-{n}"
            n += 1
        return candidate

    def compose(self, kind: str, values: dict[str, str | list[str]], date: str) -> str:
        """The record's text, its digest the fingerprint of the rest."""
        resource = self.schema[kind]
        header = [line.format(source=_line(self.source)) for line in HEADER]
        dated = {**values, "provenance.date": date}
        return new_text({**dated, "provenance.digest": digest(new_text(dated, resource, header))}, resource, header)

    def checked(self, kind: str, record_id: str, path: Path, values: dict[str, str | list[str]], date: str,
                entry: Entry) -> Staged | None:
        """The record, when it validates alone; else None, and the report says why."""
        text = self.compose(kind, values, date)
        try:
            data, lines = parse(text)
        except LoadError as exc:
            self.report.skipped.append(replace(entry, message=f"cannot be written as YAML ({exc.code})", path=""))
            return None
        record = Record(kind, record_id, display_path(path), data, lines)
        row, problems = check_record(record, self.schema[kind])
        found = errors(problems)
        if found:
            self.report.skipped.append(replace(entry, path="", message="not a valid record: " + "; ".join(
                f"{p.field or 'file'}: {p.message}" for p in found)))
            return None
        return Staged(kind, record_id, path, text, record, row, True)

    def withdrawn(self) -> list[Entry]:
        """The records of earlier imports that the source no longer lists."""
        present = {(kind, (row.get("id") or "").strip()) for kind in KINDS for row in self.package.tables[kind]}
        gone = []
        for (kind, source_id), record_id in sorted(self.ours.items()):
            if (kind, source_id) not in present:
                path = self.content / kind / f"{record_id}.yml"
                gone.append(Entry(kind, source_id, name=_line(self.local.name_of(path)), path=display_path(path)))
        return gone


def _current(row: dict, today: dt.date) -> bool:
    """Whether a circle (a typed row) has not ended on ``today``, nor been cancelled."""
    weekdays = [WEEKDAY_NAMES.index(d.strip().lower()) for d in row["schedule_weekdays"]]
    dates = meeting_dates(row["schedule_start_date"], weekdays, weeks=row["schedule_weeks"],
                          end=row["schedule_end_date"], dates=row["schedule_dates"], skip=row["schedule_skip"])
    return status(dates, row["status"], today) in CURRENT


def changed_fields(old: str, new: str) -> list[str]:
    """The fields whose values differ between two texts of a record, by YAML path."""
    try:
        before, after = flat(parse(old)[0]), flat(parse(new)[0])
    except LoadError:
        return []
    return sorted(p for p in before.keys() | after.keys() if p not in STAMPS and before.get(p) != after.get(p))
