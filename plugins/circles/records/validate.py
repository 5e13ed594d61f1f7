"""Validate stage: every record against the schema, the rules, and each other.

Problems are collected, never raised: a contributor sees every mistake at once.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slugify import slugify

from circles.collector import collector_paused
from circles.directory.geocoding import GeoCache
from circles.incremental.recordcache import RecordCache, Result, Signature, digest, signature, version
from circles.problems import Problem, errors, problem
from circles.processes import in_shares, one_step
from circles.records.crosschecks import check_courses, check_listings, same_address
from circles.records.load import KINDS, Record, load_file
from circles.records.placement import checked_later
from circles.records.placement import prepare as prepare_places
from circles.records.rules import Checker, as_draft
from circles.records.schema import Resource, closest, load_schema
from circles.settings import GEOCODING_DEFAULTS


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
NOT_RECORDS = re.compile(r"\.|readme(\.|$)", re.IGNORECASE)  # silent in a record folder: .gitkeep, .DS_Store, READMEs


def discover(root: Path) -> tuple[list[tuple[Path, str, str]], list[Problem]]:
    """Record files under a content folder: ``(path, kind, path as shown)``; misplaced or misnamed files are problems."""
    found, problems = [], []
    inside = root.resolve()
    for parts, path, shown, link in sorted(_files(root)):
        if not RECORD_NAME.fullmatch(parts[-1]):  # in a record folder: saved without .yml, or not a record at all
            if parts[0] in KINDS and len(parts) > 1 and not any(NOT_RECORDS.match(part) for part in parts[1:]):
                problems.append(problem("wrong-extension", shown, 1,  # named as an id: python-class-march
                                        stem=slugify(name := parts[-1].rpartition(".")[0] or parts[-1], max_length=80) or name))
        # A symbolic link can point anywhere on the machine: read only files that are in a record folder.
        elif len(parts) != 2 or parts[0] not in KINDS or (link and not path.resolve().is_relative_to(inside / parts[0])):
            problems.append(problem("wrong-folder", shown, 1, folders=", ".join(f"{root.name}/{k}/" for k in KINDS)))
        elif not parts[1].endswith(".yml"):
            problems.append(problem("wrong-extension", shown, 1, stem=RECORD_NAME.fullmatch(parts[1])["stem"]))
        else:
            found.append((path, parts[0], shown))
    return found, problems


def _files(root: Path) -> Iterator[tuple[tuple[str, ...], Path, str, bool]]:
    """Files under ``root``, as ``root.rglob("*")`` finds them (it does not enter linked folders): their parts
    under root, path, path as shown, and whether the file is a link."""
    folders = [((), root)]
    while folders:
        parts, folder = folders.pop()
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except PermissionError:
            continue
        shown = display_path(folder)  # once per folder: relpath for every file costs more than reading it
        for entry in entries:
            name = entry.name
            if _is(entry.is_dir, follow_symlinks=False):
                folders.append(((*parts, name), folder / name))
            elif _is(entry.is_file):
                yield (*parts, name), folder / name, name if shown == "." else f"{shown}/{name}", _is(entry.is_symlink)


def _is(test: Callable[..., bool], **options: bool) -> bool:
    try:
        return test(**options)
    except OSError:  # as pathlib: a file that cannot be looked at is not one
        return False


def validate_tree(root: Path, only: set[Path] | None = None, cache: GeoCache | None = None,
                  today: dt.date | None = None, file_cache: Path | None = None) -> Dataset:
    """Load and check every record under ``root``; report only files under ``only`` when given.

    ``cache`` holds geocoded addresses; by default the one in the content folder. ``today``
    (by default the date in UTC) is what "checked more than a year ago" counts from. With
    ``file_cache``, a folder, each file's own results are kept there for the next run, which
    reads and checks only the files that changed (:mod:`circles.incremental.recordcache`).
    """
    schema = load_schema()
    data = Dataset()
    if not root.is_dir():
        data.problems.append(problem("no-content", display_path(root), 1))
        return data
    with collector_paused():
        files, data.problems = discover(root)
        for kind, record, row, found in check_files(files, file_cache):
            data.problems.extend(found)
            if record is not None:
                data.rows[kind][record.id] = row
                data.records[kind][record.id] = record
        if cache is None:
            cache = GeoCache(root / GEOCODING_DEFAULTS["cache"][0])
        places = checked_later(data.records["libraries"], data.rows["libraries"], cache,
                               file_cache and file_cache / "zones.pickle")
        data.problems.extend(check_references(data, schema))
        data.problems.extend(check_listings(data.records["circles"], data.rows["circles"],
                                            today or dt.datetime.now(dt.UTC).date()))
        data.problems.extend(check_courses(data.records["courses"], data.rows["courses"], data.records["circles"],
                                           data.rows["circles"]))
        data.problems.extend(same_address(data.records["libraries"], data.rows["libraries"]))
        data.problems.extend(places())
    if only is not None:
        data.problems = [p for p in data.problems if selected(Path(p.path), only)]
    data.problems.sort()
    return data


def records_cache(settings: dict[str, Any]) -> Path | None:
    """Where a build keeps each file's own results for the next build: ``records/`` in Pelican's
    CACHE_PATH, with Pelican's content cache on (``CACHE_CONTENT``), as the incremental layer does (incremental/layer.py)."""
    folder = settings.get("CACHE_PATH")
    return Path(folder) / "records" if folder and settings.get("CACHE_CONTENT") else None


def check_files(files: list[tuple[Path, str, str]], cache: Path | None = None) -> list[Result]:
    """Load and check each file on its own: ``(kind, record, row, problems)`` in the order given.

    Each file is independent of the others here, so a large directory is split between the
    machine's cores. With ``cache`` (a folder), a file whose bytes were checked before is not
    checked again; what the others give is kept there for the next time.
    """
    # The places of libraries are checked next: their geography loads while the other processes finish.
    meanwhile = one_step(prepare_places) if any(kind == "libraries" for _, kind, _ in files) else None
    stamp = version() if cache is not None else None
    if stamp is None:
        return in_shares(_check_chunk, [(path, kind, shown, None) for path, kind, shown in files], meanwhile)
    return _check_changed(files, RecordCache(cache, stamp), meanwhile)


def _check_changed(files: list[tuple[Path, str, str]], kept: RecordCache, meanwhile: Iterator[object] | None
                   ) -> list[Result]:
    """What ``kept`` holds for files that are unchanged (by their signature, or else by their bytes);
    the others checked, and kept for next time."""
    results: list[Result | None] = []
    todo: list[tuple[Path, str, str, bytes | None]] = []  # checked from the very bytes hashed
    keys: list[tuple[int, bytes | None, Signature | None]] = []  # where each result of todo goes; digest, signature
    for path, kind, shown in files:
        seen = signature(path)
        results.append(kept.unchanged(kind, shown, path.stem, seen))
        if results[-1] is not None:
            continue
        try:
            raw: bytes | None = path.read_bytes()
        except OSError:  # load_file says why
            raw = None
        key = None if raw is None else digest(raw)
        results[-1] = None if key is None else kept.get(kind, shown, path.stem, key, seen)
        if results[-1] is None:
            todo.append((path, kind, shown, raw))
            keys.append((len(results) - 1, key, seen))
    for (i, key, seen), result in zip(keys, in_shares(_check_chunk, todo, meanwhile)):
        results[i] = result
        if key is not None:
            kept.put(files[i][2], key, result, seen)
    kept.save({(kind, shown) for _, kind, shown in files})
    return results  # type: ignore[return-value]  # every None was replaced


def _check_chunk(files: list[tuple[Path, str, str, bytes | None]]) -> list[Result]:
    schema = load_schema()
    results = []
    for path, kind, shown, raw in files:
        record, problems = load_file(path, shown, kind, raw)
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
    from circles.records.schema import read_record

    row, problems = read_record(record, resource)
    problems.extend(Checker(record, resource, row).run())
    if row.get("provenance_draft"):
        problems = as_draft(record, resource, row, problems)
    return row, problems


# A whole sentence for each kind of record referred to: sentences built from pieces do not translate.
_REFERENCE = {"networks": "unknown-reference:network", "libraries": "unknown-reference:library",
              "courses": "unknown-reference:course"}


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


def root_of(path: Path) -> Path:
    """The content folder a path lies in: the parent of its record folders (networks/, circles/…)."""
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
    from circles.settings import build_date, content_root, geocoding_settings

    roots = {root_of(p) for p in paths} if paths else {content_root(settings)}
    only = {p.resolve() for p in paths} if paths else None
    # an absolute cache setting wins over the root
    return [validate_tree(root, only, GeoCache(root / geocoding_settings(settings)["cache"]), build_date(settings))
            for root in sorted(roots)]
