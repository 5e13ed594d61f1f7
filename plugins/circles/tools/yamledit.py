"""Write coordinates into a library's YAML file, changing no other byte.

A round-trip YAML writer would re-quote and re-indent what contributors wrote;
here only the ``latitude``, ``longitude`` and ``coordinates:`` lines are
replaced, or added after the ``address:`` block, and the result is re-read to
make sure it still parses to the same record plus the new values.
"""

from __future__ import annotations

from circles.directory.geocoding import Location
from circles.records.load import parse
from circles.records.yamlwriter import field

COORDINATE_KEYS = ("latitude", "longitude", "coordinates")


def number(value: float) -> str:
    """Six decimals (about 10 cm), trailing zeros dropped: 43.768078, -79.4."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def coordinate_lines(location: Location) -> list[str]:
    """The ``latitude``, ``longitude`` and ``coordinates:`` lines of a location, written as records are."""
    lines = [*field("latitude", number(location.latitude), "number"), *field("longitude", number(location.longitude), "number"),
             "coordinates:", *field("source", location.source, indent="  "),
             *field("precision", location.precision, indent="  ")]
    if location.date:
        lines.extend(field("date", location.date, "date", indent="  "))
    return lines


def _block_end(lines: list[str], start: int) -> int:
    """Index after the top-level key at ``start`` and its indented lines."""
    end = start + 1
    while end < len(lines) and lines[end][:1] in (" ", "\t"):
        end += 1
    return end


def set_coordinates(text: str, location: Location) -> str:
    """The file's text with its coordinates replaced or added."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    _, keys = parse(text)
    top = {key: keys[key] - 1 for key in COORDINATE_KEYS if key in keys}
    new = coordinate_lines(location)
    if top:
        # Replace the existing block(s) where the first of them stood.
        spans = sorted((start, _block_end(lines, start)) for start in top.values())
        at = spans[0][0]
        for start, end in reversed(spans):
            del lines[start:end]
        lines[at:at] = new
    else:
        at = _block_end(lines, keys["address"] - 1) if "address" in keys else _content_end(lines)
        lines[at:at] = new
    result = newline.join(lines)
    _check(text, result, location)
    return result


def _content_end(lines: list[str]) -> int:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return end


def _check(before: str, after: str, location: Location) -> None:
    old, _ = parse(before)
    new, _ = parse(after)
    for key in COORDINATE_KEYS:
        old.pop(key, None)
    assert new.pop("latitude") == number(location.latitude) and new.pop("longitude") == number(location.longitude)
    new.pop("coordinates")
    if old != new:  # pragma: no cover - would be a bug in this module
        raise ValueError("writing coordinates would change other fields; file left unchanged")


def strip_coordinates(text: str) -> str:
    """The text without its coordinate lines (for tests and for re-geocoding)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    _, keys = parse(text)
    for start in sorted((keys[k] - 1 for k in COORDINATE_KEYS if k in keys), reverse=True):
        del lines[start:_block_end(lines, start)]
    return newline.join(lines)


