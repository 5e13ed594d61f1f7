"""Validate stage: every record against the schema, the rules, and each other.

Problems are collected, never raised: a contributor sees every mistake at once.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .geocode import GeoCache
from .georules import check_places
from .listings import check_listings
from .load import KINDS, Record, load_file
from .parallel import in_shares
from .problems import Problem, errors, problem
from .rules import Checker
from .schema import Resource, closest, load_schema
from .settings import GEOCODING_DEFAULTS


@dataclass
class Dataset:
    """Typed rows of every readable record, by kind and id, and every problem found.

    A cell that failed to type is None in its row; the build refuses a dataset
    with errors, so only validated rows ever reach enrich.
    """

    rows: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {k: {} for k in KINDS})
    records: dict[str, dict[str, Record]] = field(default_factory=lambda: {k: {} for k in KINDS})
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not errors(self.problems)


def display_path(path: Path) -> str:
    """The path as a contributor sees it: relative to the working directory when inside it."""
    try:
        return Path(os.path.relpath(path)).as_posix() if path.is_absolute() else path.as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


#: A file meant as a record: .yml, also as .yaml, in capitals or with the .txt some editors add.
RECORD_NAME = re.compile(r"(?P<stem>.+?)\.ya?ml(\.txt)?", re.IGNORECASE)


def discover(root: Path) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Record files under a content folder, with their kind; misplaced files are problems."""
    found, problems = [], []
    inside = root.resolve()
    for path in sorted(p for p in root.rglob("*") if RECORD_NAME.fullmatch(p.name) and p.is_file()):
        parts = path.relative_to(root).parts
        shown = display_path(path)
        # A symbolic link can point anywhere on the machine: read only files that are in a record folder.
        real = path.resolve()
        if len(parts) != 2 or parts[0] not in KINDS or not real.is_relative_to(inside / parts[0]):
            problems.append(problem("wrong-folder", shown, 1, folders=", ".join(f"{root.name}/{k}/" for k in KINDS)))
        elif not path.name.endswith(".yml"):
            problems.append(problem("wrong-extension", shown, 1, stem=RECORD_NAME.fullmatch(path.name)["stem"]))
        else:
            found.append((path, parts[0]))
    return found, problems


def validate_tree(root: Path, only: set[Path] | None = None, cache: GeoCache | None = None,
                  today: dt.date | None = None) -> Dataset:
    """Load and check every record under ``root``; report only files under ``only`` when given.

    ``cache`` holds geocoded addresses; by default the one in the content folder. ``today``
    (by default the date in UTC) is what "checked more than a year ago" counts from.
    """
    schema = load_schema()
    data = Dataset()
    if not root.is_dir():
        data.problems.append(problem("no-content", display_path(root), 1))
        return data
    files, data.problems = discover(root)
    for kind, record, row, found in check_files(files):
        data.problems.extend(found)
        if record is not None:
            data.rows[kind][record.id] = row
            data.records[kind][record.id] = record
    data.problems.extend(check_references(data, schema))
    if cache is None:
        cache = GeoCache(root / GEOCODING_DEFAULTS["cache"][0])
    data.problems.extend(check_places(data.records["libraries"], data.rows["libraries"], cache))
    data.problems.extend(check_listings(data.records["circles"], data.rows["circles"],
                                        today or dt.datetime.now(dt.UTC).date()))
    if only is not None:
        data.problems = [p for p in data.problems if selected(Path(p.path), only)]
    data.problems.sort()
    return data


def check_files(files: list[tuple[Path, str]]) -> list[tuple[str, Record | None, dict, list[Problem]]]:
    """Load and check each file on its own: ``(kind, record, row, problems)`` in the order given.

    Each file is independent of the others here, so a large directory is split between the
    machine's cores.
    """
    return in_shares(_check_chunk, files)


def _check_chunk(files: list[tuple[Path, str]]) -> list[tuple[str, Record | None, dict, list[Problem]]]:
    schema = load_schema()
    results = []
    for path, kind in files:
        record, problems = load_file(path, display_path(path), kind)
        row: dict = {}
        if record is not None:
            row, found = check_record(record, schema[kind])
            problems = problems + found
        results.append((kind, record, row, problems))
    return results


def selected(path: Path, only: set[Path]) -> bool:
    """True when ``path`` is one of ``only`` or lies in one of them."""
    # A symbolic link is selected by where it is as well as by where it points.
    places = {path.resolve(), path.parent.resolve() / path.name}
    return any(place == o or o in place.parents for place in places for o in only)


def check_record(record: Record, resource: Resource) -> tuple[dict[str, Any], list[Problem]]:
    from .schema import read_record

    row, problems = read_record(record, resource)
    problems.extend(Checker(record, resource, row).run())
    return row, problems


# A whole sentence for each kind of record referred to: sentences built from pieces do not translate.
_REFERENCE = {"networks": "unknown-reference:network", "libraries": "unknown-reference:library"}


def check_references(data: Dataset, schema: dict[str, Resource]) -> list[Problem]:
    """Foreign keys, with a suggestion when an id is close to an existing one."""
    problems = []
    for kind, resource in schema.items():
        for record_id, record in data.records[kind].items():
            row = data.rows[kind].get(record_id)
            if row is None:
                continue
            for column, target in resource.foreign_keys:
                value = row.get(column)
                if value and value not in data.records[target]:
                    path = resource.by_name[column].yaml
                    problems.append(problem(_REFERENCE.get(target, "unknown-reference"), record.path, record.line(path),
                                            path, value=value, target=target[:-1], folder=target,
                                            suggestion=closest(value, sorted(data.records[target]))))
    return problems


def counts(data: Dataset) -> dict[str, int]:
    per_kind: dict[str, int] = defaultdict(int)
    for kind, rows in data.records.items():
        per_kind[kind] = len(rows)
    return dict(per_kind)


def root_of(path: Path) -> Path:
    """The content folder a path lies in: the parent of its networks/libraries/circles folder."""
    resolved = path.resolve()
    for candidate in (resolved, *resolved.parents):
        if candidate.name in KINDS:
            return candidate.parent
        if any((candidate / kind).is_dir() for kind in KINDS):
            return candidate
    return resolved if resolved.is_dir() else resolved.parent


def validate_paths(paths: list[Path], settings: dict[str, Any]) -> list[Dataset]:
    """Each content folder that ``paths`` lie in (by default the project's), validated whole,
    with problems kept only for ``paths``: what `circles validate PATH…` and `circles linkcheck
    PATH…` both read."""
    from .settings import build_date, content_root, geocoding_settings

    roots = {root_of(p) for p in paths} if paths else {content_root(settings)}
    only = {p.resolve() for p in paths} if paths else None
    # an absolute cache setting wins over the root
    return [validate_tree(root, only, GeoCache(root / geocoding_settings(settings)["cache"]), build_date(settings))
            for root in sorted(roots)]
