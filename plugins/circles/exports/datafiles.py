"""Export stage: the files of ``data/``, written a record at a time (what they hold: opendata.py).

Each record's part of the files (its CSV line; a circle's GeoJSON feature and JSON object) is
kept between builds with Pelican's content cache on, under the record's key from pagecache.py,
which changes with its row, the rows it shows and the build's stamp. A rebuild after one record
changed therefore makes that record's parts only, and joins them with the others' as before:
the bytes are the same as a build's from nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable
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
    site_url,
)
from circles.incremental.pagecache import Rebuild
from circles.incremental.store import read_kept, write_kept

#: A record's parts: its CSV line, and for a circle its feature (None when it has no place) and its JSON.
Parts = tuple[str | None, ...]


def write_opendata(directory: Directory, settings: dict[str, Any], output: Path, rebuild: Rebuild | None = None) -> None:
    """Write ``data/``: the package's CSVs and descriptor, ``circles.geojson`` and ``circles.json``;
    with ``rebuild``, making again only the parts of records that changed."""
    folder = output / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    package = published_descriptor(settings, directory.build_date)
    parts = RecordParts(directory, settings, package, rebuild)
    for resource in package["resources"]:
        name = resource["name"]
        lines = [parts.of(name, record_id)[0] for record_id in sorted(directory.rows.get(name, {}))]
        data = "".join([csv_line([field["name"] for field in resource["schema"]["fields"]]), *lines]).encode()
        (folder / resource["path"]).write_bytes(data)
        resource.update(bytes=len(data), hash=f"sha256:{hashlib.sha256(data).hexdigest()}")
    _write_json(folder / "datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
    circles = [parts.of("circles", circle.id) for circle in sorted(directory.circles, key=lambda c: c.id)]
    _write_json(folder / "circles.geojson", _with_list({"type": "FeatureCollection"}, "features",
                                                       [features for _, features, _ in circles if features]))
    head = {"title": package["title"], "created": package["created"], "licenses": package["licenses"]}
    _write_json(folder / "circles.json", _with_list(head, "circles", [data for _, _, data in circles]))
    parts.keep()


def _write_json(path: Path, text: str) -> None:
    path.write_text(text + "\n", encoding="utf-8", newline="\n")


def compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _with_list(head: dict[str, Any], name: str, items: list[str]) -> str:
    """``head`` with ``name``, a list of compact JSON texts, added last: as compact JSON of the whole."""
    return f"{compact({**head, name: []})[:-3]}[{','.join(items)}]}}"


class RecordParts:
    """The parts of each record, made here or kept from the last build."""

    def __init__(self, directory: Directory, settings: dict[str, Any], package: dict[str, Any], rebuild: Rebuild | None):
        self.directory, self.settings, self.rebuild = directory, settings, rebuild
        self.fields = {resource["name"]: resource["schema"]["fields"] for resource in package["resources"]}
        self.records = {"networks": {n.id: n for n in directory.networks},
                        "libraries": {lib.id: lib for lib in directory.libraries},
                        "circles": {c.id: c for c in directory.circles}}
        self.path = rebuild.folder / "opendata.pickle" if rebuild else None
        self.before = read_kept(self.path, rebuild.stamp) if rebuild and rebuild.load else {}
        self.now: dict[tuple[str, str], tuple[bytes, Parts]] = {}
        self.made: dict[tuple[str, str], Parts] = {}
        self.writers: dict[str, list[tuple[str, Callable[[Any], str]]]] = {}

    def of(self, kind: str, record_id: str) -> Parts:
        if (kind, record_id) in self.made:
            return self.made[kind, record_id]
        record = self.records[kind].get(record_id)
        key = self.rebuild.key(record) if self.rebuild and record is not None else None
        kept = self.before.pop((kind, record_id), None)
        parts = kept[1] if key and kept and kept[0] == key else self._make(kind, record_id, record)
        if key:
            self.now[kind, record_id] = (key, parts)
        self.made[kind, record_id] = parts
        return parts

    def keep(self) -> None:
        if self.rebuild and self.path:
            write_kept(self.path, self.rebuild.stamp, self.now)

    def _make(self, kind: str, record_id: str, record: Any) -> Parts:
        row = self.directory.rows[kind][record_id]
        settings = self.settings
        if record is None:
            return (self._line(kind, row),)
        if kind == "networks":
            return (self._line(kind, row | {"derived_url": site_url(settings, record.url)}),)
        if kind == "libraries":
            return (self._line(kind, row | library_values(record, settings)),)
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
    """Each field's name and the function that writes its cells as frictionless does, so they read back as typed."""
    plain = [(field["name"], _plain_writer(field)) for field in fields]
    if all(write for _, write in plain):
        return plain  # type: ignore[return-value]  # none is None
    from frictionless import Schema  # a third of a second to import: only for a field the plain writers do not know

    schema = Schema.from_descriptor({"fields": fields})
    return [(name, write or field.create_value_writer()) for (name, write), field in zip(plain, schema.fields, strict=True)]


def _plain_writer(field: dict[str, Any]) -> Callable[[Any], str] | None:
    """What frictionless's writer does for the field (a descriptor), for the types and options the
    package uses, without its checks on every cell; None for any other."""
    kind, form = field.get("type", "any"), field.get("format", "default")
    if kind == "datetime":
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
        clock = form if form != "default" else "%H:%M:%S"
        return lambda cell: cell.strftime(clock).replace("+0000", "Z")
    if kind == "list":
        item, delimiter = _plain_writer({"type": field.get("itemType", "string")}), field.get("delimiter", ",")
        return (lambda cell: delimiter.join(map(item, cell))) if item else None
    return None


def _isoformat(value: dt.datetime) -> str:
    return value.isoformat()
