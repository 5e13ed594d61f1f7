"""The record schemas, read from ``schema/datapackage.json`` (a frictionless Data Package).

The descriptor is the single source of truth: field names, types, constraints,
titles, descriptions and examples all come from it. Nested YAML mappings
(``address:``, ``schedule:``) are columns named ``<mapping>_<key>``, listed per
resource in ``x-nested``; this module flattens a record into a row and types
each cell as frictionless's cell readers do (:mod:`circles.records.cells`).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from babel import Locale
from slugify import slugify

from circles.i18n import TRANSLATIONS_DIR, name_order
from circles.problems import Problem, problem
from circles.records.cells import cell_reader
from circles.records.load import Record

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "schema" / "datapackage.json"

# Each type has its own wording: the hint says how to write that type, and whole sentences translate.
_WRONG_TYPE = {
    "date": "wrong-type:date",
    "time": "wrong-type:time",
    "integer": "wrong-type:integer",
    "number": "wrong-type:number",
    "string": "wrong-type:string",
}


@dataclass(frozen=True)
class Column:
    """One field of a resource and how a contributor writes it in YAML."""

    name: str  # column name, e.g. schedule_start_date
    yaml: str  # YAML path, e.g. schedule.start_date
    type: str
    format: str
    title: str
    description: str
    example: str
    required: bool
    item_type: str | None
    read: Callable[[Any], tuple[Any, dict | None]]
    read_item: Callable[[Any], tuple[Any, dict | None]] | None
    constraints: dict

    @cached_property  # asked for every cell of every record
    def is_list(self) -> bool:
        return self.type == "list"


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    description: str
    nested: tuple[str, ...]
    columns: dict[str, Column]  # by YAML path, in descriptor order
    primary_key: str
    foreign_keys: tuple[tuple[str, str], ...]  # (column, referenced resource)

    @cached_property
    def by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns.values()}

    # What reading a record asks of every column, worked out once: read_record runs for every file.

    @cached_property
    def places(self) -> dict[str, tuple[str, bool]]:
        """``(name, is_list)`` of the column each YAML path is written to; the id is the file's name."""
        return {path: (c.name, c.is_list) for path, c in self.columns.items() if c.name != "id"}

    @cached_property
    def plan(self) -> tuple[tuple[str, str, Column, bool, bool], ...]:
        """``(path, name, column, optional, is_list)`` per column; an absent optional value reads as None
        (a list as []) without a problem, so it need not be read."""
        return tuple((path, c.name, c, c.is_list or c.read(None) == (None, None), c.is_list)
                     for path, c in self.columns.items())


@cache
def load_schema(path: Path = SCHEMA_PATH) -> dict[str, Resource]:
    """Every resource of the data package, by name (= content folder)."""
    package = json.loads(path.read_text(encoding="utf-8"))
    return {r["name"]: _resource(r) for r in package["resources"]}


def _resource(resource: dict) -> Resource:
    nested = tuple(resource.get("x-nested", ()))
    schema = resource["schema"]
    missing = schema.get("missingValues", [""])
    columns = {}
    for f in schema["fields"]:
        f = {**f, "format": f.get("format", "default").removeprefix("fmt:")}  # as frictionless reads it
        prefix, _, rest = f["name"].partition("_")
        yaml_path = f"{prefix}.{rest}" if prefix in nested and rest else f["name"]
        item_type = f.get("itemType", "string") if f["type"] == "list" else None
        constraints = f.get("constraints", {})
        columns[yaml_path] = Column(
            name=f["name"], yaml=yaml_path, type=f["type"], format=f["format"], title=f.get("title") or f["name"],
            description=f.get("description") or "", example=str(f.get("example") or ""),
            required=bool(constraints.get("required")), item_type=item_type,
            read=_reader(f, missing), read_item=cell_reader({"type": item_type}) if item_type else None,
            constraints=dict(constraints),
        )
    keys = tuple((fk["fields"][0], fk["reference"]["resource"]) for fk in schema.get("foreignKeys", ()))
    return Resource(resource["name"], resource.get("title") or resource["name"], resource.get("description") or "",
                    nested, columns, schema["primaryKey"][0], keys)


def closest(word: str, choices: list[str]) -> str:
    """The choice closest to ``word``, or empty when none is close: a problem's ``suggestion``."""
    close = difflib.get_close_matches(word.lower(), choices, n=1, cutoff=0.6)
    return close[0] if close else ""


#: Quotes a word processor puts around a value, opening and closing.
CURLY_QUOTES = ("“”", "‘’", "«»", "„“", "‚‘")


def unquoted(value: Any) -> str | None:
    """The value without the curly quotes around it, or None when it has none."""
    if isinstance(value, str) and len(value) > 2 and value[0] + value[-1] in CURLY_QUOTES:
        return value[1:-1].strip()
    return None


def _folded(text: str) -> str:
    return name_order(text).strip()


@cache
def _country_names() -> dict[str, str]:
    """Country codes by name, in English and the site's other languages, case and accents folded."""
    names: dict[str, str] = {}
    for language in ("en", *sorted(p.name for p in TRANSLATIONS_DIR.iterdir() if p.is_dir())):
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(_folded(name), code)
    return names


def country_code(name: str) -> str:
    """The code of the country called ``name`` (``Canada`` → ``CA``), or empty: a problem's suggestion."""
    return _country_names().get(_folded(name), "")


def _reader(field: dict, missing: list) -> Callable[[Any], tuple[Any, dict | None]]:
    """The field's cell reader; web addresses are read as text, so the link rule can say what is wrong."""
    if field["type"] == "string" and field["format"] == "uri":
        return cell_reader({"name": field["name"], "type": "string", "constraints": field.get("constraints", {})})
    return cell_reader(field, missing)


def suggest(word: str, choices: list[str]) -> str:
    """``did you mean 'x'?``, or empty; for messages outside the problem catalogue."""
    close = closest(word, choices)
    return f"did you mean '{close}'?" if close else ""


def read_record(record: Record, resource: Resource) -> tuple[dict[str, Any], list[Problem]]:
    """Flatten and type one record: a row by column name, and the problems found."""
    problems: list[Problem] = []
    raw: dict[str, Any] = {"id": record.id}
    places = resource.places
    for path, value in _entries(record, resource, problems):
        place = places.get(path)
        if place is None or isinstance(value, dict) or (isinstance(value, list) and not place[1]):
            problems.append(_misfit(path, value, resource.columns.get(path), resource, record))
        else:
            raw[place[0]] = value

    row: dict[str, Any] = {}
    found: list[Problem] = []
    for path, name, column, optional, listed in resource.plan:
        value = raw.get(name)
        if value is None and optional:
            row[name] = [] if listed else None
        elif listed:
            row[name] = _cast_list(path, column, value, record, found)
        else:
            typed, notes = column.read(value)
            if notes:
                found.append(_note_problem(path, column, value, notes, record, record.line(path)))
            row[name] = None if notes else typed
    if found:
        # a value of the wrong shape was reported already; "missing" would say it twice
        reported = {p.field for p in problems}
        problems.extend(p for p in found if not (p.code == "missing" and _within(p.field, reported)))
    return row, problems


def _entries(record: Record, resource: Resource, problems: list[Problem]) -> Iterator[tuple[str, Any]]:
    """``(YAML path, value)`` of each field written, nested ones flattened; problems with the id or a nesting
    are added to ``problems`` as they are met, so that they stay in the file's order."""
    for key, value in record.data.items():
        if key == "id":
            if value != record.id:
                problems.append(problem("id-mismatch", record.path, record.line("id"), "id", value=value, id=record.id))
        elif key in resource.nested and not (key in resource.columns and not isinstance(value, dict)):
            # a mapping; or, for a key that is also a column of its own (a circle's course: its id or
            # the course written out), the value that is not one is that column's
            if not isinstance(value, dict):
                subkeys = ", ".join(p.split(".", 1)[1] for p in resource.columns if p.startswith(key + "."))
                problems.append(problem("not-a-mapping:field", record.path, record.line(key), key, subkeys=subkeys))
                continue
            for sub, subvalue in value.items():
                yield f"{key}.{sub}", subvalue
        else:
            yield key, value


def _within(path: str, paths: set[str]) -> bool:
    return path in paths or path.split(".")[0] in paths


def _misfit(path: str, value: Any, column: Column | None, resource: Resource, record: Record) -> Problem:
    """Why a YAML value has no place in the row: no such field, or a value of the wrong shape."""
    if column is None or column.name == "id":
        return problem("unknown-field", record.path, record.line(path), path, resource=resource.name,
                       suggestion=closest(path, [p for p in resource.columns if p != "id"]))
    return problem("wrong-shape" if isinstance(value, dict) else "wrong-shape:list", record.path,
                   record.line(path), path, name=path.rsplit(".", 1)[-1], example=column.example)


def _cast_list(path: str, column: Column, value: Any, record: Record, problems: list[Problem]) -> list:
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else [v.strip() for v in str(value).split(",") if v.strip()]
    typed = []
    for i, item in enumerate(items):
        if isinstance(item, str) and not item.strip():  # a blank item, as in [a, '', b], says nothing
            continue
        if isinstance(item, (dict, list)) or item is None:
            problems.append(problem("wrong-shape:item", record.path, record.line(f"{path}[{i}]"), path,
                                    number=i + 1, name=path.rsplit(".", 1)[-1], example=column.example))
            continue
        cell, notes = column.read_item(item)
        if cell is None and not notes:  # an empty item, as in "a, , b"
            continue
        if notes:
            problems.append(_note_problem(path, column, item, notes, record, record.line(f"{path}[{i}]"), column.item_type))
        else:
            typed.append(cell)
    return typed


def _note_problem(path, column, value, notes, record, line, type_=None) -> Problem:
    """Turn a frictionless cell note into a message a contributor can act on."""
    c = column.constraints
    example = column.example.strip("[]").split(",")[0].strip() if type_ else column.example
    shown = repr(value) if not isinstance(value, str) else f"'{value}'"
    name = path.rsplit(".", 1)[-1]
    bare = unquoted(value)
    if "required" in notes:
        if path in record.lines:  # written, but with nothing after the colon
            return problem("missing:empty", record.path, record.line(path), path, name=name, example=column.example)
        if "." in path:
            return problem("missing:nested", record.path, record.line(path), path,
                           name=name, example=column.example, parent=path.split(".")[0])
        return problem("missing", record.path, record.line(path), path, name=name, example=column.example)
    if bare is not None:
        return problem("curly-quotes", record.path, line, path, value=value, name=name, bare=bare)
    if "type" in notes:
        kind = type_ or column.type
        return problem(_WRONG_TYPE.get(kind, "wrong-type"), record.path, line, path, value=shown, type=kind, example=example)
    if "enum" in notes:
        return problem("not-allowed", record.path, line, path, value=shown, options=", ".join(c["enum"]),
                       suggestion=closest(str(value), c["enum"]))
    if "pattern" in notes and path == "id" and (stem := slugify(str(value), max_length=c.get("maxLength", 0),
                                                                 word_boundary=True, backend="text-unidecode")):
        return problem("bad-format:file-name", record.path, line, path, stem=stem)
    if "pattern" in notes:
        return problem("bad-format", record.path, line, path, value=shown, description=column.description,
                       example=column.example, suggestion=country_code(str(value)) if "country" in name else "")
    if "minimum" in notes or "maximum" in notes:
        return problem("out-of-range", record.path, line, path, value=shown, minimum=c.get("minimum", "…"),
                       maximum=c.get("maximum", "…"), example=example)
    if "minLength" in notes or "maxLength" in notes:
        return problem("bad-length:long" if "maxLength" in notes else "bad-length", record.path, line, path,
                       minimum=c.get("minLength", 1), maximum=c.get("maxLength", "…"))
    return problem("invalid", record.path, line, path, value=shown, notes=", ".join(notes), description=column.description)
