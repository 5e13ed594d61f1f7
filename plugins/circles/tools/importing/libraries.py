"""``circles import libraries``: a network's list of branches into content/libraries/.

Each row becomes a record, checked by the project's validator before anything is written. A row
an earlier import wrote (same ``provenance.source`` and ``provenance.id``) updates that record's
imported fields only, so hand edits to other fields stay. A row that is probably a library listed
already is reported and not written twice; a record whose row has gone is reported, not deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from circles.directory.geocoding import GeoCache
from circles.directory.geography import compact, fold
from circles.problems import errors
from circles.records.load import Record, parse
from circles.records.placement import check_places
from circles.records.schema import load_schema
from circles.records.validate import check_record, display_path
from circles.tools.importing.mapping import FIELDS, REQUIRED, Mapping, MappingError, read_mapping
from circles.tools.importing.matching import Listed, Nearby, read_listed
from circles.tools.importing.rows import Note, Skipped, mint_id, row_values, source_key
from circles.tools.importing.sources import Row, read_table
from circles.tools.importing.yamltext import EditError, new_text, update_text

#: Fields a row must keep: without them there is no record, or no way to find it again.
KEPT = frozenset({FIELDS[name] for name in REQUIRED} | {"provenance.source", "provenance.id"})
#: Values compared loosely (case, accents, spacing, punctuation), so that a hand edit such as
#: "McDonald" for the list's "Mcdonald", or a phone number written with dashes, is not undone.
LOOSE = frozenset({"name", "address.street", "address.city", "address.region", "address.postal_code", "phone"})
COORDINATES = ("latitude", "longitude", "coordinates.source", "coordinates.precision", "coordinates.date")


@dataclass
class Report:
    """What an import did (or, in a dry run, would do), row by row."""

    source: str
    read: str  # what was detected: format, encoding, delimiter, rows
    dry_run: bool
    added: list[Note] = field(default_factory=list)
    updated: list[Note] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Note] = field(default_factory=list)
    duplicates: list[Note] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    vanished: list[Note] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


def import_libraries(file: Path, mapping_path: Path, content: Path, *, dry_run: bool = False,
                     today: dt.date | None = None, cache: GeoCache | None = None, shown: str = "") -> Report:
    """Import the list in ``file`` with the mapping in ``mapping_path`` into the content folder ``content``;
    ``shown`` names the list in the report (default: its path)."""
    mapping = read_mapping(mapping_path, display_path(mapping_path))
    shown = shown or display_path(file)
    table = read_table(file, mapping.format, mapping.encoding, mapping.delimiter)
    mapping.check_columns(table.columns, shown)
    run = _Run(mapping, content, today or dt.date.today(), cache or GeoCache(content / "geocache.json"),
               "latitude" in mapping.fields or table.format == "geojson")
    report = Report(shown, table.describe(), dry_run)
    run.check_networks()
    listed, report.unreadable = read_listed(content / "libraries")
    run.start(listed)
    writes: list[tuple[Path, str, bool]] = []
    for row in table.rows:
        try:
            written = run.row(row, report)
        except Skipped as skipped:
            report.skipped.append(Note(row.line, skipped.code, skipped.message, run.name_of(row)))
            continue
        if written:
            writes.append(written)
    report.vanished = run.vanished(shown)
    if not dry_run and writes:
        (content / "libraries").mkdir(parents=True, exist_ok=True)
        for path, text, new in writes:
            with path.open("x" if new else "w", encoding="utf-8", newline="") as out:
                out.write(text)
    return report


class _Run:
    def __init__(self, mapping: Mapping, content: Path, today: dt.date, cache: GeoCache, located: bool):
        self.mapping, self.content, self.today, self.cache = mapping, content, today, cache
        self.located = located  # whether the list gives coordinates
        self.folder = content / "libraries"
        self.resource = load_schema()["libraries"]
        self.networks = {p.stem for p in (content / "networks").glob("*.yml")}
        self.nearby = Nearby()
        self.seen: dict[str, int] = {}  # source id → the line of its row
        self.now_skipped: dict[str, str] = {}

    def name_of(self, row: Row) -> str:
        rule = self.mapping.fields.get("name")
        return rule.apply(row.cells) if rule else ""

    def check_networks(self) -> None:
        """A network the mapping names (as one value, or in its lookup) must be listed already."""
        rule = self.mapping.fields.get("network")
        if rule is None:
            return
        named = [rule.value, rule.default, *(rule.values or {}).values()] if not rule.column or rule.values else []
        missing = sorted({n for n in named if n and n not in self.networks})
        if missing:
            raise MappingError([f"{self.mapping.path}:{rule.line}: fields.network: {', '.join(missing)} "
                                f"{'is' if len(missing) == 1 else 'are'} not in {display_path(self.content / 'networks')}/ "
                                "— add the network first (`circles new network`), or correct the id"])

    def start(self, listed: dict[str, Listed]) -> None:
        self.ours = {record.provenance[1]: record for record in listed.values()
                     if record.provenance[0] == self.mapping.source.name and record.provenance[1]}
        for record in listed.values():
            self.nearby.add(record.shown, record.values)
        self.taken = {p.stem for p in self.folder.glob("*.yml")} if self.folder.is_dir() else set()

    def row(self, row: Row, report: Report) -> tuple[Path, str, bool] | None:
        """The file to write for ``row``, if any; notes and counts go into ``report``."""
        key = source_key(row, self.mapping)
        if key in self.seen:
            what = "+".join(self.mapping.key) or "name and postal code"
            raise Skipped("same-key", f"the same {what} ({key}) as line {self.seen[key]}")
        if key:
            self.seen[key] = row.line
        try:
            values, notes = row_values(row, self.mapping, self.today)
        except Skipped as skipped:
            if key in self.ours:
                self.now_skipped[key] = skipped.message
            raise
        if not key:
            raise Skipped("no-key", f"no id: {', '.join(self.mapping.key)} empty")
        values["provenance.id"] = key
        if values.get("network") and values["network"] not in self.networks:
            notes.append(Note(row.line, "dropped", f"network '{values.pop('network')}' is not in content/networks/: "
                              "left out", values["name"]))
        record = self.ours.get(key)
        written = self.update(row.line, values, record, report) if record else self.add(row.line, values, report)
        if written:
            report.notes.extend(notes)
        return written

    def add(self, line: int, values: dict[str, str], report: Report) -> tuple[Path, str, bool] | None:
        near = self.nearby.find(values)
        if near:
            report.duplicates.append(Note(line, "duplicate", f"{near[1]} {near[0]}, probably the same library "
                                          f"(id {values['provenance.id']})", values["name"]))
            return None
        record_id = mint_id(values, self.mapping, self.taken)
        path = self.folder / f"{record_id}.yml"
        header = [f"Imported from {self.mapping.source.name} ({values['provenance.id']}) with {self.mapping.path}.",
                  f"Each import updates {self.owned()}; add other fields freely."]
        text = self.validated(record_id, path, line, values, lambda v: new_text(v, self.resource, header), report)
        self.taken.add(record_id)
        self.nearby.add(f"{display_path(path)} (line {line})", values)
        report.added.append(Note(line, "added", "", values["name"], display_path(path)))
        return path, text, True

    def update(self, line: int, values: dict[str, str], record: Listed, report: Report) -> tuple[Path, str, bool] | None:
        changes = changed(values, record.values)
        self.nearby.add(record.shown, values)
        if not changes:
            report.unchanged += 1
            return None
        try:
            text = self.validated(record.id, record.path, line, changes,
                                  lambda c: update_text(record.text, c, self.resource), report)
        except EditError as exc:
            raise Skipped("not-updated", f"{record.shown} not updated: {exc}") from None
        shown = ", ".join(f"{p} '{record.values.get(p) or ''}' → '{v}'" for p, v in changes.items()
                          if p not in ("provenance.date", "coordinates.date"))
        report.updated.append(Note(line, "updated", shown, values["name"], record.shown))
        return record.path, text, False

    def validated(self, record_id: str, path: Path, line: int, values: dict[str, str],
                  make: Callable[[dict[str, str]], str], report: Report) -> str:
        """The text ``make`` writes of ``values``, checked as `circles validate` checks a library; a value
        with a problem is left out (with a note) when the record can do without it, else Skipped."""
        shown = display_path(path)
        while True:
            text = make(values)
            data, lines = parse(text)
            record = Record("libraries", record_id, shown, data, lines)
            row, problems = check_record(record, self.resource)
            found = errors(problems) or errors(check_places({record_id: record}, {record_id: row}, self.cache))
            if not found:
                return text
            optional = {p.field for p in found if p.field in values and p.field not in KEPT}
            if len(optional) < len({p.field for p in found}):
                raise Skipped("invalid", "not a valid record: " + "; ".join(
                    f"{p.field or 'file'}: {p.message}" for p in found))
            for problem in found:
                dropped = COORDINATES if problem.field in COORDINATES else (problem.field,)
                for name in dropped:
                    values.pop(name, None)
                report.notes.append(Note(line, "dropped", f"{problem.field} left out: {problem.message}", values.get("name", "")))

    def owned(self) -> str:
        """The fields an import fills, in words: ``name, address, latitude, longitude, coordinates and provenance``."""
        keys = [key for key in dict.fromkeys(FIELDS[name].partition(".")[0] for name in self.mapping.fields)
                if key not in ("latitude", "longitude")]
        keys += ["latitude", "longitude", "coordinates", "provenance"] if self.located else ["provenance"]
        return ", ".join(keys[:-1]) + " and " + keys[-1]

    def vanished(self, shown: str) -> list[Note]:
        gone = []
        for key, record in sorted(self.ours.items(), key=lambda item: item[1].shown):
            name = record.values.get("name") or ""
            if key not in self.seen:
                gone.append(Note(0, "vanished", f"no longer in {shown} (id {key}): left as it is — delete the file "
                                 "if the library has closed", name, record.shown))
            elif key in self.now_skipped:
                gone.append(Note(self.seen[key], "now-skipped", f"its row is now skipped ({self.now_skipped[key]}): "
                                 "left as it is", name, record.shown))
        return gone


def changed(new: dict[str, str], old: dict[str, object]) -> dict[str, str]:
    """The imported fields whose value differs from the file's, with the dates that go with them.

    A field the list leaves blank is not in ``new``: what the file has stays (coordinates that
    `circles geocode` found, a website someone added).
    """
    changes = {path: value for path, value in new.items()
               if path not in ("provenance.date", "coordinates.date") and not same(path, old.get(path), value)}
    if {"latitude", "longitude"} & changes.keys() and "coordinates.date" in new:
        changes["coordinates.date"] = new["coordinates.date"]
    if changes and new.get("provenance.date") and old.get("provenance.date") != new["provenance.date"]:
        changes["provenance.date"] = new["provenance.date"]
    return changes


def same(path: str, old: object, new: str) -> bool:
    if not isinstance(old, str):
        return False
    if path in ("latitude", "longitude"):
        try:
            return abs(float(old) - float(new)) < 5e-7
        except ValueError:
            return False
    if path in LOOSE:
        return compact(fold(old)) == compact(fold(new))
    return old.strip() == new
