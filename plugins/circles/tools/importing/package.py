"""Another directory's open data: its ``data/datapackage.json`` and the CSVs it lists, fetched within
limits (fetch.py), checked by frictionless, and read as rows of text.

frictionless never reaches the network here: it checks a copy in a temporary folder, made of the
files fetched and of the descriptor's own keys that say what they hold. A resource or schema
given by address, a profile to fetch, a path that climbs out of the folder: all are left out of
the copy or refused, so that checking the package cannot fetch or read anything else.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from circles.problems import CirclesError
from circles.tools.importing.fetch import Limits, beside, check_location, fetch, is_url

#: The resources an import reads, in the order their records are written: a record's references first.
KINDS = ("networks", "libraries", "circles")
#: Read when the package has them: a directory from before courses were records (issue 22) has none.
OPTIONAL = ("courses",)
#: What of a descriptor the copy keeps: the keys that say what the files hold. A ``$schema`` or
#: ``profile`` (which frictionless would fetch), and anything else, is left out.
PACKAGE_KEYS = ("name", "title", "version", "created", "homepage", "licenses")
RESOURCE_KEYS = ("name", "title", "format", "mediatype", "encoding", "bytes", "hash")
SCHEMA_KEYS = ("fields", "primaryKey", "foreignKeys", "missingValues")
#: The suffix exports/opendata.py puts after the directory's name in the package's title.
TITLE_SUFFIX = ": open data"
#: Errors of frictionless shown in the message when a package is refused; the rest are counted.
SHOWN_ERRORS = 10


class PackageError(CirclesError):
    """A descriptor or data file that is not another directory's open data, or that frictionless rejects."""


@dataclass
class Package:
    location: str  # where the descriptor was read: an address or a path
    name: str  # the directory's name, from the package's title
    licence: str
    site: str  # the directory's own address, for the links to its pages; "" when it has none
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # kind → rows, every cell text
    delimiters: dict[str, dict[str, str]] = field(default_factory=dict)  # kind → list column → its delimiter
    courses: dict[str, dict[str, str]] | None = None  # its courses by id, once asked for

    def course(self, course_id: str) -> dict[str, str]:
        """Its course ``course_id`` as a circle writes a course out (``course.title``…); {} when it has none."""
        if self.courses is None:
            self.courses = {(r.get("id") or "").strip(): r for r in self.tables.get("courses", ())}
        row = self.courses.get(course_id, {})
        return {f"course.{name}": row[name] for name in ("title", "provider", "url", "language", "licence")
                if (row.get(name) or "").strip()} if (row.get("title") or "").strip() else {}

    def page(self, url: str) -> str:
        """A record's page there (its ``derived_url``) as an address, or "" when it has none."""
        if is_url(url):
            return url
        return urljoin(self.site, url) if url and self.site else ""


def descriptor_location(location: str) -> str:
    """The descriptor of ``location``: a site's or a data folder's address leads to its
    ``data/datapackage.json``, as a local folder does."""
    check_location(location)
    if is_url(location):
        path = urlsplit(location).path
        if path.endswith(".json"):
            return location
        base = location if location.endswith("/") else location + "/"
        return urljoin(base, "datapackage.json" if path.rstrip("/").endswith("/data") else "data/datapackage.json")
    folder = Path(location)
    if folder.is_dir():
        for candidate in (folder / "datapackage.json", folder / "data" / "datapackage.json"):
            if candidate.is_file():
                return str(candidate)
        raise PackageError(f"{location}: no datapackage.json in this folder or in its data/ folder")
    return location


def read_package(location: str, limits: Limits) -> Package:
    """The package at ``location`` (see descriptor_location), fetched, checked and read."""
    location = descriptor_location(location)
    descriptor = _descriptor(fetch(location, limits), location)
    resources = _resources(descriptor, location)
    title = " ".join(str(descriptor.get("title") or descriptor.get("name") or "").split())
    package = Package(location, title.removesuffix(TITLE_SUFFIX)[:200] or _host(location), _licence(descriptor),
                      _site(location, descriptor))
    with tempfile.TemporaryDirectory(prefix="circles-import-") as folder:
        copy = {key: descriptor[key] for key in PACKAGE_KEYS if key in descriptor}
        copy["resources"] = []
        for kind, resource in resources.items():
            data = fetch(beside(location, resource["path"]), limits)
            (Path(folder) / f"{kind}.csv").write_bytes(data)
            copy["resources"].append(_resource_copy(kind, resource))
            package.tables[kind] = _rows(data, resource, beside(location, resource["path"]))
            package.delimiters[kind] = {f["name"]: f.get("delimiter", ",") for f in resource["schema"]["fields"]
                                        if isinstance(f, dict) and f.get("type") == "list"}
        (Path(folder) / "datapackage.json").write_text(json.dumps(copy), encoding="utf-8")
        _validate(Path(folder) / "datapackage.json", location)
    return package


def _descriptor(raw: bytes, location: str) -> dict[str, Any]:
    try:
        descriptor = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # RecursionError: nested past any reason
        raise PackageError(f"{location}: not a data package descriptor (JSON): {exc}") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise PackageError(f"{location}: not a data package descriptor: it lists no resources")
    return descriptor


def _resources(descriptor: dict[str, Any], location: str) -> dict[str, dict[str, Any]]:
    """The descriptor's networks, libraries and circles (and courses, when it has them): each a CSV beside
    it, with its schema written in."""
    found = {r.get("name"): r for r in descriptor["resources"] if isinstance(r, dict)}
    missing = [kind for kind in KINDS if kind not in found]
    if missing:
        raise PackageError(f"{location}: not the open data of a learning circles directory: no resource "
                           f"{', '.join(missing)} (it has {', '.join(sorted(map(str, found))) or 'none'})")
    kinds = [*KINDS, *(kind for kind in OPTIONAL if kind in found)]
    for kind in kinds:
        resource = found[kind]
        if not isinstance(resource.get("path"), str):
            raise PackageError(f"{location}: resource {kind}: its path must be one file")
        schema = resource.get("schema")
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            raise PackageError(f"{location}: resource {kind}: its schema must be written in the descriptor, with its fields")
        if "id" not in {f.get("name") for f in schema["fields"] if isinstance(f, dict)}:
            raise PackageError(f"{location}: resource {kind}: no id field")
    return {kind: found[kind] for kind in kinds}


def _resource_copy(kind: str, resource: dict[str, Any]) -> dict[str, Any]:
    copy = {key: resource[key] for key in RESOURCE_KEYS if key in resource}
    copy["path"] = f"{kind}.csv"
    copy["schema"] = {key: resource["schema"][key] for key in SCHEMA_KEYS if key in resource["schema"]}
    if isinstance(resource.get("dialect"), dict):  # a dialect by address is left out: the default is CSV's
        copy["dialect"] = resource["dialect"]
    return copy


def _validate(descriptor: Path, location: str) -> None:
    import frictionless  # a third of a second to import: only here

    report = frictionless.validate(str(descriptor))
    if report.valid:
        return
    found = [f"{location}: {error.message}" for error in report.errors]
    for task in report.tasks:
        found += [f"{task.name}.csv: row {error.row_number}: {error.message}" if getattr(error, "row_number", None)
                  else f"{task.name}.csv: {error.message}" for error in task.errors]
    more = f"\n… and {len(found) - SHOWN_ERRORS} more" if len(found) > SHOWN_ERRORS else ""
    raise PackageError(f"{location}: frictionless rejects this data package, so nothing was imported:\n"
                       + "\n".join(found[:SHOWN_ERRORS]) + more)


def _rows(data: bytes, resource: dict[str, Any], shown: str) -> list[dict[str, str]]:
    """The CSV's rows by column name; every cell text, as written."""
    encoding = resource.get("encoding") or "utf-8"
    try:
        codec = codecs.lookup(encoding).name
        text = data.decode("utf-8-sig" if codec == "utf-8" else codec)
    except (LookupError, UnicodeDecodeError) as exc:
        raise PackageError(f"{shown}: cannot be read as {encoding}: {exc}") from None
    dialect = resource.get("dialect") if isinstance(resource.get("dialect"), dict) else {}
    delimiter = dialect.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise PackageError(f"{shown}: its dialect's delimiter must be one character")
    try:
        return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise PackageError(f"{shown}: not a CSV file: {exc}") from None


def _licence(descriptor: dict[str, Any]) -> str:
    licences = descriptor.get("licenses")
    first = licences[0] if isinstance(licences, list) and licences and isinstance(licences[0], dict) else {}
    return " ".join(str(first.get("name") or first.get("title") or first.get("path") or "").split())[:200]


def _site(location: str, descriptor: dict[str, Any]) -> str:
    """The directory's own address: its data/ folder's parent, where its pages' relative addresses start."""
    if is_url(location) and urlsplit(location).path.endswith("/data/datapackage.json"):
        return urljoin(location, "../")
    homepage = descriptor.get("homepage")
    if isinstance(homepage, str) and is_url(homepage) and urlsplit(homepage).path.rstrip("/").endswith("/data"):
        return urljoin(homepage.rstrip("/") + "/", "../")
    return ""


def _host(location: str) -> str:
    return urlsplit(location).hostname or Path(location).resolve().parent.parent.name
