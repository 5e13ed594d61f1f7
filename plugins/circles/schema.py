"""The record schemas, read from ``schema/datapackage.json`` (frictionless).

The descriptor is the single source of truth: field names, types, constraints,
titles, descriptions and examples all come from it. Nested YAML mappings
(``address:``, ``schedule:``) are columns named ``<mapping>_<key>``, listed per
resource in ``x-nested``; this module flattens a record into a row and types
each cell with frictionless's own cell readers.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from frictionless import Package, fields

from .load import Record
from .problems import Problem

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schema" / "datapackage.json"

_TYPE_HINTS = {
    "date": "write the date as YYYY-MM-DD, e.g. {example}",
    "time": "write the time as HH:MM on a 24-hour clock, e.g. {example}",
    "integer": "write a whole number, e.g. {example}",
    "number": "write a decimal number, e.g. {example}",
    "string": "write plain text, e.g. {example}",
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

    @property
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

    @property
    def by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns.values()}


@cache
def load_schema(path: Path = SCHEMA_PATH) -> dict[str, Resource]:
    """Every resource of the data package, by name (= content folder)."""
    package = Package(str(path))
    return {r.name: _resource(r) for r in package.resources}


def _resource(resource) -> Resource:
    nested = tuple(resource.custom.get("x-nested", ()))
    columns = {}
    for f in resource.schema.fields:
        prefix, _, rest = f.name.partition("_")
        yaml_path = f"{prefix}.{rest}" if prefix in nested and rest else f.name
        item_reader = None
        item_type = getattr(f, "item_type", None)
        if f.type == "list":
            item_reader = fields.__dict__[f"{item_type.capitalize()}Field"](name=f.name).create_cell_reader()
        columns[yaml_path] = Column(
            name=f.name, yaml=yaml_path, type=f.type, format=f.format or "default", title=f.title or f.name,
            description=f.description or "", example=str(f.example or ""),
            required=bool(f.constraints.get("required")), item_type=item_type,
            read=f.create_cell_reader(), read_item=item_reader, constraints=dict(f.constraints),
        )
    keys = tuple((fk["fields"][0], fk["reference"]["resource"]) for fk in resource.schema.foreign_keys)
    return Resource(resource.name, resource.title or resource.name, resource.description or "", nested,
                    columns, resource.schema.primary_key[0], keys)


def suggest(word: str, choices: list[str]) -> str:
    """`` — did you mean 'x'?`` style suggestion, or empty."""
    close = difflib.get_close_matches(word.lower(), choices, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def read_record(record: Record, resource: Resource) -> tuple[dict[str, Any], list[Problem]]:
    """Flatten and type one record: a row by column name, and the problems found."""
    problems: list[Problem] = []
    raw: dict[str, Any] = {"id": record.id}

    def problem(path: str, code: str, message: str, hint: str = "") -> None:
        problems.append(Problem(record.path, record.line(path), path, code, message, hint))

    for key, value in record.data.items():
        if key == "id":
            if value != record.id:
                problem("id", "id-mismatch", f"the id '{value}' differs from the file name '{record.id}'",
                        "delete the id line: the file name is the id")
        elif key in resource.nested:
            if not isinstance(value, dict):
                subkeys = ", ".join(p.split(".", 1)[1] for p in resource.columns if p.startswith(key + "."))
                problem(key, "not-a-mapping", f"'{key}' must hold indented fields ({subkeys})",
                        f"write '{key}:' on its own line and its fields below it, indented by two spaces")
                continue
            for sub, subvalue in value.items():
                _take(f"{key}.{sub}", subvalue, resource, raw, problem)
        else:
            _take(key, value, resource, raw, problem)

    row: dict[str, Any] = {}
    reported = {p.field for p in problems}
    for path, column in resource.columns.items():
        value = raw.get(column.name)
        row[column.name], found = _cast(path, column, value, record)
        # a value of the wrong shape was reported already; "missing" would say it twice
        problems.extend(p for p in found if not (p.code == "missing" and _within(path, reported)))
    return row, problems


def _within(path: str, paths: set[str]) -> bool:
    return path in paths or path.split(".")[0] in paths


def _take(path: str, value: Any, resource: Resource, raw: dict, problem) -> None:
    column = resource.columns.get(path)
    if column is None or column.name == "id":
        hint = suggest(path, [p for p in resource.columns if p != "id"]) or (
            f"see docs/records.md for the fields of {resource.name}")
        problem(path, "unknown-field", f"'{path}' is not a field of {resource.name}", hint)
        return
    if isinstance(value, dict) or (isinstance(value, list) and not column.is_list):
        shape = "indented fields" if isinstance(value, dict) else "a list"
        problem(path, "wrong-shape", f"expected a single value, found {shape}",
                f"write it on one line, e.g. {path.rsplit('.', 1)[-1]}: {column.example}")
        return
    raw[column.name] = value


def _cast(path: str, column: Column, value: Any, record: Record) -> tuple[Any, list[Problem]]:
    if column.is_list:
        return _cast_list(path, column, value, record)
    typed, notes = column.read(value)
    if not notes:
        return typed, []
    return None, [_note_problem(path, column, value, notes, record, record.line(path))]


def _cast_list(path: str, column: Column, value: Any, record: Record) -> tuple[list, list[Problem]]:
    if value is None or value == "":
        return [], []
    items = value if isinstance(value, list) else [v.strip() for v in str(value).split(",") if v.strip()]
    typed, problems = [], []
    for i, item in enumerate(items):
        if isinstance(item, (dict, list)) or item is None:
            problems.append(Problem(record.path, record.line(f"{path}[{i}]"), path, "wrong-shape",
                                    f"item {i + 1} of the list is empty or not a single value",
                                    f"write each item as plain text, e.g. {path.rsplit('.', 1)[-1]}: {column.example}"))
            continue
        cell, notes = column.read_item(item)
        if cell is None and not notes:  # an empty item, as in "a, , b"
            continue
        if notes:
            problems.append(_note_problem(path, column, item, notes, record, record.line(f"{path}[{i}]"), column.item_type))
        else:
            typed.append(cell)
    return typed, problems


def _note_problem(path, column, value, notes, record, line, type_=None) -> Problem:
    """Turn a frictionless cell note into a message a contributor can act on."""
    c = column.constraints
    example = column.example.strip("[]").split(",")[0].strip() if type_ else column.example
    shown = repr(value) if not isinstance(value, str) else f"'{value}'"
    if "required" in notes:
        return Problem(record.path, record.line(path), path, "missing",
                       f"'{path}' is required", f"add a line '{path.rsplit('.', 1)[-1]}: {column.example}'"
                       + (f" under '{path.split('.')[0]}:'" if "." in path else ""))
    if "type" in notes:
        kind = type_ or column.type
        return Problem(record.path, line, path, "wrong-type", f"{shown} is not a valid {kind}",
                       _TYPE_HINTS.get(kind, "see docs/records.md").format(example=example))
    if "enum" in notes:
        options = ", ".join(c["enum"])
        close = suggest(str(value), c["enum"])
        return Problem(record.path, line, path, "not-allowed", f"{shown} is not one of: {options}",
                       close or f"use one of: {options}")
    if "pattern" in notes:
        return Problem(record.path, line, path, "bad-format", f"{shown} is not in the expected form",
                       f"{column.description} For example: {column.example}")
    if "minimum" in notes or "maximum" in notes:
        return Problem(record.path, line, path, "out-of-range",
                       f"{shown} is outside {c.get('minimum', '…')} to {c.get('maximum', '…')}",
                       column.description)
    if "minLength" in notes or "maxLength" in notes:
        return Problem(record.path, line, path, "bad-length",
                       f"the text must be {c.get('minLength', 1)} to {c.get('maxLength', '…')} characters long",
                       "shorten it" if "maxLength" in notes else "write it out in full")
    return Problem(record.path, line, path, "invalid", f"{shown} is not valid ({', '.join(notes)})", column.description)
