"""Export stage: the files of ``data/``, written a record at a time (what they hold: opendata.py).

Each record's part of the files (its CSV line; a circle's GeoJSON feature and JSON object) is
made from the record alone, so the incremental layer can keep it between builds (a ``Memo``, by
the record's fingerprint, which changes with its row, the rows it shows and the build's stamp). A
build after one record changed makes that record's parts only, and joins them with the others':
the bytes are the same as a build's from nothing.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from circles.directory.models import Directory
from circles.exports.opendata import (
    FOLDER,
    circle_json,
    circle_values,
    feature,
    library_values,
    published_descriptor,
)
from circles.incremental.values import Memo
from circles.problems import CirclesError
from circles.settings import site_url

#: A record's parts: its CSV line, and for a circle its feature (None when it has no place) and its JSON.
Parts = tuple[str | None, ...]


def write_opendata(directory: Directory, settings: dict[str, Any], output: Path, parts_kept: Memo) -> None:
    """Write ``data/``: the package's CSVs and descriptor, ``circles.geojson`` and ``circles.json``,
    from each record's parts (those in ``parts_kept`` are not made again)."""
    for _ in opendata_steps(directory, settings, output, parts_kept):
        pass


#: Records a step of :func:`opendata_steps`: about 40 ms at 50,000 circles.
STEP = 250


def opendata_steps(directory: Directory, settings: dict[str, Any], output: Path, parts_kept: Memo) -> Iterator[None]:
    """:func:`write_opendata` in steps of :data:`STEP` records, for the build to write the open data
    between handing out pages to other processes (processes.in_shares): in a process of its own it
    held a copy of every record it read (issue 24).

    One pass over the records, each record's parts written to every file they go in as soon as they are
    made, and kept for the next build at once (``Memo.kept_as_made``): at 50,000 circles, held until
    the end, they were 160 MB more in the process writing them (issue 24)."""
    folder = output / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    package = published_descriptor(settings, directory.build_date)
    parts = RecordParts(directory, settings, package, parts_kept)
    head = {"title": package["title"], "created": package["created"], "licenses": package["licenses"]}
    with parts_kept.kept_as_made():
        for resource in package["resources"]:
            name = resource["name"]
            with contextlib.ExitStack() as files:
                table = files.enter_context(HashedFile(folder / resource["path"]))
                table.add(csv_line([f["name"] for f in resource["schema"]["fields"]]))
                if name == "circles":  # the same records, in the same order, in two files more
                    places = files.enter_context(JsonList(folder / "circles.geojson", {"type": "FeatureCollection"},
                                                          "features"))
                    listing = files.enter_context(JsonList(folder / "circles.json", head, "circles"))
                for count, record_id in enumerate(sorted(directory.rows.get(name, {})), 1):
                    line, *more = parts.of(name, record_id)
                    table.add(line)
                    if name == "circles" and more:
                        feature, data = more
                        if feature:
                            places.add(feature)
                        listing.add(data)
                    if count % STEP == 0:
                        yield
            resource.update(bytes=table.size, hash=f"sha256:{table.digest.hexdigest()}")
    _write_json(folder / "datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))


class HashedFile:
    """A file written a piece of text at a time, as UTF-8, with its size in bytes and its SHA-256. A piece
    at a time: joined, the files of 50,000 circles were 300 MB more at once in the process writing them
    (issue 24)."""

    def __init__(self, path: Path):
        self.path, self.size, self.digest = path, 0, hashlib.sha256()

    def __enter__(self) -> HashedFile:
        self.out = self.path.open("wb")
        return self

    def __exit__(self, *_) -> None:
        self.out.close()

    def add(self, text: str) -> None:
        data = text.encode()
        self.out.write(data)
        self.digest.update(data)
        self.size += len(data)


class JsonList(HashedFile):
    """``head`` with a list ``name`` added last, as compact JSON, a line break after: the list's items
    (compact JSON texts) added one at a time."""

    def __init__(self, path: Path, head: dict[str, Any], name: str):
        super().__init__(path)
        self.opening, self.items = f"{compact({**head, name: []})[:-3]}[", 0

    def __enter__(self) -> JsonList:
        super().__enter__()
        super().add(self.opening)
        return self

    def __exit__(self, *exc) -> None:
        super().add("]}\n")
        super().__exit__(*exc)

    def add(self, text: str) -> None:
        super().add(f",{text}" if self.items else text)
        self.items += 1


def _write_json(path: Path, text: str) -> None:
    path.write_text(text + "\n", encoding="utf-8", newline="\n")


def compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


class RecordParts:
    """The parts of each record, made here or found in ``kept``."""

    def __init__(self, directory: Directory, settings: dict[str, Any], package: dict[str, Any], kept: Memo):
        self.directory, self.settings, self.kept = directory, settings, kept
        self.fields = {resource["name"]: resource["schema"]["fields"] for resource in package["resources"]}
        self.records = {"networks": {n.id: n for n in directory.networks},
                        "libraries": {lib.id: lib for lib in directory.libraries},
                        "courses": {course.id: course for course in directory.courses},
                        "circles": {c.id: c for c in directory.circles}}
        self.writers: dict[str, list[tuple[str, Callable[[Any], str]]]] = {}

    def of(self, kind: str, record_id: str) -> Parts:
        """The record's parts, each asked for once a build (they are then written to the memo at once)."""
        record = self.records[kind].get(record_id)
        key = self.kept.key(kind, record) if record is not None else None
        parts = self.kept.get(key)
        if parts is None:
            parts = self._make(kind, record_id, record)
            self.kept.put(key, parts)
        return parts

    def _make(self, kind: str, record_id: str, record: Any) -> Parts:
        row = self.directory.rows[kind][record_id]
        settings = self.settings
        if record is None:
            return (self._line(kind, row),)
        if kind == "networks":
            return (self._line(kind, row | {"derived_url": site_url(settings, record.url)}),)
        if kind == "libraries":
            return (self._line(kind, row | library_values(record, settings)),)
        if kind == "courses":
            return (self._line(kind, row | {"derived_circle_count": len(record.circles),
                                             "derived_url": site_url(settings, record.url)}),)
        place = feature(record, settings)
        return (self._line(kind, row | circle_values(record, settings)), place and compact(place),
                compact(circle_json(record, row, settings)))

    def _line(self, kind: str, row: dict[str, Any]) -> str:
        if kind not in self.writers:
            self.writers[kind] = writers(self.fields[kind])
        return csv_line(["" if row.get(name) in (None, []) else write(row[name]) for name, write in self.writers[kind]])


def csv_line(cells: list[str]) -> str:
    """One RFC 4180 line, ending in CRLF; a cell holding a comma, quote or line break is quoted."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def writers(fields: list[dict[str, Any]]) -> list[tuple[str, Callable[[Any], str]]]:
    """Each field's name and the function that writes its cells as frictionless does, so they read back as typed.

    This is the only CSV writer: it knows the types, formats and options the package uses, each
    held to frictionless's own writer by tests/exports/test_opendata.py. A field of any other is
    an error here, never a quiet turn to frictionless (a third of a second to import).
    """
    found = []
    for field in fields:
        write = _cell_writer(field)
        if write is None:
            raise CirclesError(f"the data package's field {field['name']!r} is of type {field.get('type', 'any')!r} "
                               f"(format {field.get('format', 'default')!r}), which the CSV writer does not know: "
                               "teach exports/datafiles.py's _cell_writer to write it")
        found.append((field["name"], write))
    return found


def _cell_writer(field: dict[str, Any]) -> Callable[[Any], str] | None:
    """What frictionless's writer does for the field (a descriptor), for the types and options the
    package uses, without its checks on every cell; None for any other."""
    kind, form = field.get("type", "any"), field.get("format", "default")
    if kind == "datetime" and form == "default":
        # RFC 3339 (a colon in the offset), which frictionless's default datetime reader parses back.
        return _isoformat
    if kind in ("string", "integer") or (kind == "number" and not {"groupChar", "decimalChar"} & field.keys()):
        return str
    if kind == "boolean":
        true, false = field.get("trueValues", ["true"])[0], field.get("falseValues", ["false"])[0]
        return lambda cell: true if cell else false
    if kind == "date" and (form == "default" or "%" in form):
        day = form if form != "default" else "%Y-%m-%d"
        return lambda cell: cell.strftime(day)
    if kind == "time" and (form == "default" or "%" in form):
        clock = form if form != "default" else "%H:%M:%S%z"
        return lambda cell: cell.strftime(clock).replace("+0000", "Z")
    if kind == "list":
        item, delimiter = _cell_writer({"type": field.get("itemType", "string")}), field.get("delimiter", ",")
        return (lambda cell: delimiter.join(map(item, cell))) if item else None
    return None


def _isoformat(value: dt.datetime) -> str:
    return value.isoformat()
