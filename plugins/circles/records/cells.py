"""Cell readers: frictionless's typing of one cell, without importing frictionless.

A reader takes a cell and returns ``(value, notes)`` exactly as frictionless's
``Field.create_cell_reader()`` does: ``notes`` is None, or a dict from the failed
check ("type", "required", "pattern", …) to frictionless's note, in frictionless's
order. The types the schema uses are read here, at a fraction of the cost; any other
type, format or option is handed to frictionless itself, imported on first use.
tests/records/test_cells.py holds each reader to frictionless's on the same cells.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

Reader = Callable[[Any], tuple[Any, dict | None]]

#: The constraints frictionless checks for each type, in its order (``supported_constraints``).
_BOUNDS = ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"]
CONSTRAINTS = {"string": ["required", "minLength", "maxLength", "pattern", "enum"],
               "date": _BOUNDS, "time": _BOUNDS, "integer": _BOUNDS, "number": _BOUNDS,
               "boolean": ["required", "enum"]}
#: Field options that change how frictionless reads a cell: such a field is read by frictionless.
_OPTIONS = {"missingValues", "bareNumber", "floatNumber", "groupChar", "decimalChar", "trueValues", "falseValues"}
#: frictionless's default true and false values (``settings.DEFAULT_TRUE_VALUES``, ``DEFAULT_FALSE_VALUES``).
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "1": True, "false": False, "False": False, "FALSE": False,
             "0": False}
# Plain ASCII dates and times, the common case: strptime accepts the same strings and more
# (one-digit months, other digits), so anything else goes to strptime.
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_HOUR_MINUTE = re.compile(r"([0-9]{2}):([0-9]{2})")


def cell_reader(field: dict, missing_values: Sequence[str] = ("",)) -> Reader:
    """A reader for the Table Schema ``field`` (a descriptor), as frictionless would make it."""
    type_, format_ = field.get("type", "any"), field.get("format", "default")
    value_reader = _value_reader(type_, format_)
    if value_reader is None or _OPTIONS & field.keys() or not all(isinstance(m, str) for m in missing_values):
        return _frictionless(field, missing_values)
    constraints, missing = field.get("constraints", {}), frozenset(missing_values)
    checks = [(name, _check(name, constraints[name], value_reader)) for name in CONSTRAINTS[type_]
              if constraints.get(name) is not None]
    read = _noting_reader(value_reader, checks, constraints, missing, f'type is "{type_}/{format_}"')
    # Most cells are text that reads and passes every check: that case first, with no notes to make.
    if type_ == "string":
        passes = _text_passes(constraints)
        return lambda cell: (cell, None) if cell.__class__ is str and cell not in missing and passes(cell) else read(cell)
    bounds = [check for name, check in checks if name != "required"]  # a cell that reads passes "required"

    def read_common(cell: Any) -> tuple[Any, dict | None]:
        if cell.__class__ is str and cell not in missing:
            value = value_reader(cell)
            if value is not None and (not bounds or all(check(value) for check in bounds)):
                return value, None
        return read(cell)

    return read_common


def _noting_reader(value_reader: Callable[[Any], Any], checks: list, constraints: dict, missing: frozenset,
                   type_note: str) -> Reader:
    """frictionless's cell reader, step by step: a missing value, the type, then each check, noting what fails."""

    def read(cell: Any) -> tuple[Any, dict | None]:
        notes = None
        if str(cell) in missing:
            cell = None
        if cell is not None:
            cell = value_reader(cell)
            if cell is None:
                notes = {"type": type_note}
        if not notes:
            for name, check in checks:
                if not check(cell):
                    notes = notes or {}
                    notes[name] = f'constraint "{name}" is "{constraints[name]}"'
        return cell, notes

    return read


def _text_passes(constraints: dict) -> Callable[[str], bool]:
    """The string checks in one expression: minLength, maxLength, pattern, enum."""
    low, high = constraints.get("minLength"), constraints.get("maxLength")
    pattern, options = constraints.get("pattern"), constraints.get("enum")
    match = re.compile(f"^{pattern}$").match if pattern is not None else None
    if match is None and options is None and low is None:
        return (lambda cell: len(cell) <= high) if high is not None else (lambda cell: True)
    return lambda cell: ((low is None or len(cell) >= low) and (high is None or len(cell) <= high)
                         and (match is None or match(cell) is not None) and (options is None or cell in options))


def _value_reader(type_: str, format_: str) -> Callable[[Any], Any] | None:
    if type_ == "string" and format_ == "default":
        return _string
    if type_ == "date" and format_ == "default":
        return _date
    if type_ == "time" and format_ not in ("default", "any"):
        return lambda cell: _time(cell, format_)
    if type_ == "integer" and format_ == "default":
        return _integer
    if type_ == "number" and format_ == "default":
        return _number
    if type_ == "boolean" and format_ == "default":
        return _boolean
    return None


def _string(cell: Any) -> str | None:
    return cell if isinstance(cell, str) else None


def _date(cell: Any) -> dt.date | None:
    if isinstance(cell, dt.datetime):
        return cell.date() if cell.hour == cell.minute == cell.second == 0 else None
    if isinstance(cell, dt.date):
        return cell
    return _date_text(cell) if isinstance(cell, str) else None


def _time(cell: Any, format_: str) -> dt.time | None:
    if isinstance(cell, dt.time):
        return cell
    return _time_text(cell, format_) if isinstance(cell, str) else None


# Records repeat a few hundred dates and times: each is read once, and the rows share the (immutable) value.
@lru_cache(maxsize=4096)
def _date_text(cell: str) -> dt.date | None:
    try:
        if match := _ISO_DATE.fullmatch(cell):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        return dt.datetime.strptime(cell, "%Y-%m-%d").date()
    except Exception:  # as frictionless: whatever strptime raises, the cell is not a date
        return None


@lru_cache(maxsize=1024)
def _time_text(cell: str, format_: str) -> dt.time | None:
    try:
        if format_ == "%H:%M" and (match := _HOUR_MINUTE.fullmatch(cell)):
            return dt.time(int(match[1]), int(match[2]))
        return dt.datetime.strptime(cell, format_).timetz()
    except Exception:  # as frictionless
        return None


def _integer(cell: Any) -> int | None:
    if isinstance(cell, str):
        try:
            return int(cell.strip())
        except ValueError:
            return None
    if cell is True or cell is False:
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, Decimal) and cell % 1 == 0:
        return int(cell)
    return None


def _boolean(cell: Any) -> bool | None:
    if cell is True or cell is False:
        return cell
    return _BOOLEANS.get(cell) if isinstance(cell, str) else None


def _number(cell: Any) -> Decimal | int | None:
    if isinstance(cell, str):
        try:
            return Decimal(cell.strip())
        except ArithmeticError:  # decimal.InvalidOperation
            return None
    if isinstance(cell, Decimal):
        return cell
    if cell is True or cell is False:
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        return Decimal(str(cell))
    return None


def _check(name: str, constraint: Any, value_reader: Callable[[Any], Any]) -> Callable[[Any], bool]:
    """frictionless's ``check_<name>``, its constraint read as frictionless reads it; True when the cell passes."""
    if name == "required":
        return lambda cell: not (constraint and cell is None)
    if name == "minLength":
        return lambda cell: cell is None or len(cell) >= constraint
    if name == "maxLength":
        return lambda cell: cell is None or len(cell) <= constraint
    if name == "pattern":
        match = re.compile(f"^{constraint}$").match
        return lambda cell: cell is None or bool(match(cell))
    if name == "enum":
        options = [value_reader(option) for option in constraint]
        return lambda cell: cell is None or cell in options
    compare = {"minimum": operator.ge, "maximum": operator.le,
               "exclusiveMinimum": operator.gt, "exclusiveMaximum": operator.lt}[name]
    bound = value_reader(constraint)
    # NaN is not equal to itself, and fails every bound
    return lambda cell: cell is None or (cell == cell and bool(compare(cell, bound)))


def _frictionless(field: dict, missing_values: Sequence[str]) -> Reader:
    """frictionless's own reader, for what this module does not read; built on first use."""
    made: list[Reader] = []

    def read(cell: Any) -> tuple[Any, dict | None]:
        if not made:
            from frictionless import Schema

            schema = Schema.from_descriptor({"fields": [field], "missingValues": list(missing_values)})
            made.append(schema.fields[0].create_cell_reader())
        return made[0](cell)

    return read
