"""Cells are typed as frictionless types them: the schema's readers against frictionless's own.

circles.records.cells reads the types the schema uses without importing frictionless; for every column
of schema/datapackage.json (and every list's items) it must give the same value and the same
notes as frictionless's cell reader for that field, on text of every shape a record holds.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from frictionless import Package, fields

from circles.records.cells import cell_reader
from circles.records.schema import SCHEMA_PATH, load_schema

CELLS = [
    None, "", " ", "2027-01-04", "2027-1-4", "2027-02-30", "0000-01-01", "0999-01-01", "2027-13-01", "2027-01-32",
    " 2027-01-04", "2027-01-04 ", "２０２７-01-04", "2027-01-04\n", "18:00", "8:00", "24:00", "23:59", "18:60", "18:5",
    "18:00:00", " 18:00", "١٨:٠٠", "6", " 6 ", "+6", "-6", "1_000", "1e3", "1.5", "0", "52", "53", "15", "14", "480", "481",
    "43.768238", "-79.41", "NaN", "Infinity", "-inf", "90.0000001", "-180.5", "in_person", "online", "Online", "cancelled",
    "x", "xy", "abc", "a" * 80, "a" * 81, "a" * 201, "a" * 5001, "tpl-north", "Tpl", "a--b", "ab\n", "CA", "ca", "CAN",
    "https://x.example/", "http://x", "library_system", "address", "city", "True", "None", "٣", "0x10", "1,5", "one",
    "true", "false", "FALSE", "yes", "no", "on", "t", " true",
    5, 5.0, 5.5, True, False, 1, 0, Decimal("5"), dt.date(2027, 1, 4), dt.datetime(2027, 1, 4), dt.datetime(2027, 1, 4, 1),
    dt.time(18, 0), [], ["a"], {},
]


def frictionless_readers():
    """Each column's frictionless reader as the validator used it: web addresses read as plain text."""
    for resource in Package(str(SCHEMA_PATH)).resources:
        for field in resource.schema.fields:
            if field.type == "string" and field.format == "uri":
                reader = fields.StringField(name=field.name, constraints=field.constraints).create_cell_reader()
            else:
                reader = field.create_cell_reader()
            item = getattr(field, "item_type", None)
            item_reader = fields.__dict__[f"{item.capitalize()}Field"](name=field.name).create_cell_reader() if item else None
            yield resource.name, field.name, reader, item_reader


def outcome(read, cell):
    try:
        return repr(read(cell))  # repr: Decimal('NaN') is not equal to itself
    except Exception as exc:  # the same exception, if any
        return type(exc).__name__


def cells():
    rnd = random.Random(11)
    shapes = "0123456789-:. aZ_+e\n"
    return CELLS + ["".join(rnd.choice(shapes) for _ in range(rnd.randint(0, 12))) for _ in range(1500)]


@pytest.mark.parametrize("kind, name, theirs, their_items", list(frictionless_readers()),
                         ids=lambda value: value if isinstance(value, str) else "")
def test_each_column_reads_cells_as_frictionless_does(kind, name, theirs, their_items):
    column = load_schema()[kind].by_name[name]
    for cell in cells():
        assert outcome(column.read, cell) == outcome(theirs, cell), (name, cell)
        if their_items:
            assert outcome(column.read_item, cell) == outcome(their_items, cell), (name, cell)


@pytest.mark.parametrize("field", [
    {"name": "x", "type": "string", "format": "email"},
    {"name": "x", "type": "boolean"},
    {"name": "x", "type": "integer", "bareNumber": False},
    {"name": "x", "type": "time"},
    {"name": "x", "type": "number", "constraints": {"minimum": 0, "maximum": 3, "enum": [1, 2.5]}},
    {"name": "x", "type": "string", "constraints": {"minLength": 2, "pattern": "[a-c]+", "enum": ["ab", "cc", "d"]}},
    {"name": "x", "type": "date", "constraints": {"minimum": "2020-01-01", "required": True}},
])
def test_other_types_and_options_read_as_frictionless_does(field):
    from frictionless import Schema

    theirs = Schema.from_descriptor({"fields": [field]}).fields[0].create_cell_reader()
    ours = cell_reader(field)
    for cell in cells()[:200] + ["a@b.example", "true", "no", "$5", "10:00:00", "2.5", "ab", "cc", "d"]:
        assert outcome(ours, cell) == outcome(theirs, cell), cell
