"""The records here, and the records an import would write checked with them before anything is written.

Each imported record is checked alone when it is made (federation.py); here it meets every other
record as `circles validate` would find them after the import: references, duplicate circles,
town pages that would share an address, where a library is. A record refused here is left out
with the reason, and the checks run again, so that a circle whose library was left out is left
out too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from circles.directory.geocoding import GeoCache
from circles.problems import Problem, errors
from circles.records.crosschecks import check_listings, same_address
from circles.records.load import KINDS, Record
from circles.records.placement import check_library, same_coordinates
from circles.records.schema import load_schema
from circles.records.validate import Dataset, check_files, check_references, discover


@dataclass
class Staged:
    """A record an import would write: new, or replacing the file at ``path``."""

    kind: str
    id: str
    path: Path
    text: str
    record: Record
    row: dict[str, Any]
    new: bool


@dataclass
class Local:
    """Every record of the content folder, as the validator reads it, and the ids its files take."""

    data: Dataset
    taken: dict[str, set[str]]
    unreadable: list[str] = field(default_factory=list)

    def provenance(self, source: str) -> dict[tuple[str, str], str]:
        """``(kind, id there) → id here`` of the records imported from ``source``."""
        found = {}
        for kind in KINDS:
            for record_id, record in self.data.records[kind].items():
                given = record.data.get("provenance")
                if isinstance(given, dict) and given.get("source") == source and isinstance(given.get("id"), str):
                    found[(kind, given["id"])] = record_id
        return found

    def record(self, path: Path) -> Record:
        return self.data.records[path.parent.name][path.stem]

    def text(self, path: Path) -> str | None:
        try:
            return path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None

    def stamp(self, path: Path, key: str) -> str:
        """``provenance.<key>`` of the record at ``path``, as written."""
        given = self.record(path).data.get("provenance") or {}
        value = given.get(key) if isinstance(given, dict) else None
        return value if isinstance(value, str) else ""

    def name_of(self, path: Path) -> str:
        data = self.record(path).data
        value = data.get("title") or data.get("name")
        return value if isinstance(value, str) else ""


def read_local(content: Path) -> Local:
    """The records in ``content``, read and checked one by one as `circles validate` does."""
    data = Dataset()
    files = discover(content)[0] if content.is_dir() else []
    unreadable = []
    for (_, _, shown), (kind, record, row, _) in zip(files, check_files(files)):
        if record is None:
            unreadable.append(shown)
            continue
        data.rows[kind][record.id] = row
        data.records[kind][record.id] = record
    taken = {kind: {p.name.partition(".")[0] for p in (content / kind).iterdir()} if (content / kind).is_dir()
             else set() for kind in KINDS}
    return Local(data, taken, unreadable)


def check_staged(local: Local, staged: dict[Path, Staged], today: dt.date, cache: GeoCache) -> list[tuple[Path, str]]:
    """The staged records the checks with every other record refuse, each with why; they are removed from
    ``staged``."""
    schema = load_schema()
    refused: list[tuple[Path, str]] = []
    while staged:
        data = Dataset()
        for kind in KINDS:
            data.rows[kind] = dict(local.data.rows[kind])
            data.records[kind] = dict(local.data.records[kind])
        shown = {}
        for item in staged.values():
            data.rows[item.kind][item.id] = item.row
            data.records[item.kind][item.id] = item.record
            shown[item.record.path] = item.path
        libraries = [item for item in staged.values() if item.kind == "libraries"]
        problems: list[Problem] = [
            *check_references(data, schema),
            *check_listings(data.records["circles"], data.rows["circles"], today),
            *same_address(data.records["libraries"], data.rows["libraries"]),
            *(p for item in libraries for p in check_library(item.record, item.row, cache)),
            *same_coordinates(data.records["libraries"], data.rows["libraries"]),
        ]
        found: dict[Path, list[Problem]] = {}
        for problem in errors(problems):
            if problem.path in shown:
                found.setdefault(shown[problem.path], []).append(problem)
        if not found:
            break
        for path, problems in found.items():
            del staged[path]
            refused.append((path, "; ".join(f"{p.field or 'file'}: {p.message}" for p in problems)))
    return refused


def write_staged(staged: dict[Path, Staged]) -> None:
    """Write the records that passed every check: a new one only where no file is (a file that
    appeared meanwhile is an error, not overwritten); line endings as staged."""
    for item in staged.values():
        item.path.parent.mkdir(parents=True, exist_ok=True)
        with item.path.open("x" if item.new else "w", encoding="utf-8", newline="") as out:
            out.write(item.text)
