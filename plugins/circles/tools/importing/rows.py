"""One row of a list into the values of a library record, or the reason it is skipped.

Values are text by YAML path (``address.city``), as a record file holds them. A row is skipped
with its line and a reason a coordinator can act on: the mapping's own rules (a bookmobile is not
a place open to the public), no name, no address, or no coordinates and a town the offline
gazetteer does not know, so that it could not be shown on the map.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from slugify import slugify

from circles.directory.geography import find_town
from circles.tools.importing.mapping import FIELDS, Mapping
from circles.tools.importing.sources import Row, number
from circles.tools.yamledit import number as six_decimals

ID_LENGTH = 80  # the schema's maxLength of an id


@dataclass(frozen=True)
class Note:
    """Something the report says about a row (``line``) or a record (``path``)."""

    line: int
    code: str
    message: str
    name: str = ""
    path: str = ""


class Skipped(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def source_key(row: Row, mapping: Mapping) -> str:
    """The row's id in its source: the key columns joined by hyphens; without ``id.key``, a slug of its
    name and postal code (or town), which finds the record again only if neither changes."""
    if mapping.key:
        parts = [" ".join(row.cells.get(column, "").split()) for column in mapping.key]
        return "-".join(parts) if all(parts) else ""
    value = {name: rule.apply(row.cells) for name, rule in mapping.fields.items()
             if name in ("name", "postal_code", "city")}
    return slug(f"{value['name']} {value.get('postal_code') or value.get('city', '')}", 200) if value.get("name") else ""


def row_values(row: Row, mapping: Mapping, today: dt.date) -> tuple[dict[str, str], list[Note]]:
    """The record's values, and notes on what was left out; raises Skipped when it cannot be listed."""
    for rule in mapping.skip:
        cell = " ".join(row.cells.get(rule.column, "").split())
        if cell in rule.values:
            raise Skipped("skipped", f"{rule.reason} ({rule.column} is {cell})")
    values = {FIELDS[name]: rule.apply(row.cells) for name, rule in mapping.fields.items()}
    values["address.country"] = values.get("address.country", "").upper()
    if not values.get("name"):
        raise Skipped("no-name", "no name")
    from_row = [values.get(FIELDS[f]) for f in ("street", "city", "postal_code")
                if f in mapping.fields and mapping.fields[f].column]
    if not any(from_row) or not values.get("address.city"):
        raise Skipped("no-address", "no address" if not any(from_row) else "no address: the town is missing")
    notes: list[Note] = []
    point = _point(row, mapping, values, notes)
    values.pop("latitude", None), values.pop("longitude", None)
    date = mapping.source.date or today.isoformat()
    if point:
        values.update({"latitude": six_decimals(point[0]), "longitude": six_decimals(point[1]),
                       "coordinates.source": mapping.source.coordinates or mapping.source.name,
                       "coordinates.precision": "address", "coordinates.date": date})
    elif not find_town(values["address.city"], values["address.country"], values.get("address.region", "")):
        raise Skipped("no-place", f"no coordinates and no known town ('{values['address.city']}' is not in the "
                      f"offline gazetteer for {values['address.country'] or 'its country'})")
    else:
        notes.append(Note(row.line, "approximate", f"no coordinates: shown at the centre of {values['address.city']} "
                          "until `circles geocode --write` finds the building", values["name"]))
    values.update({"provenance.source": mapping.source.name, "provenance.url": mapping.source.url,
                   "provenance.licence": mapping.source.licence, "provenance.date": date})
    return {k: v for k, v in values.items() if v}, notes


def _point(row: Row, mapping: Mapping, values: dict[str, str], notes: list[Note]) -> tuple[float, float] | None:
    """(latitude, longitude) from the mapped columns, else a GeoJSON Point; None when there are none
    or they cannot be a library's (a note says which)."""
    if "latitude" in mapping.fields:
        written = (values.get("latitude", ""), values.get("longitude", ""))
        lat, lon = number(written[0]), number(written[1])
        if lat is None or lon is None:
            if any(written):
                notes.append(Note(row.line, "bad-coordinates", f"coordinates '{written[0]}', '{written[1]}' are not "
                                  "numbers: left out", values.get("name", "")))
            return None
    elif row.point:
        lat, lon = row.point
        written = (str(lat), str(lon))
    else:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat.is_integer() and lon.is_integer()):
        notes.append(Note(row.line, "bad-coordinates", f"coordinates {written[0]}, {written[1]} cannot be a "
                          "library's (out of range, or whole degrees): left out", values.get("name", "")))
        return None
    return lat, lon


def slug(text: str, length: int = ID_LENGTH) -> str:
    """Lowercase ASCII words joined by hyphens: accents folded, other scripts transliterated.

    text-unidecode (python-slugify's own dependency) is named rather than left to slugify's choice,
    which prefers Unidecode when it happens to be installed: the same name gives the same id on
    every machine. Its tables are frozen, which suits ids that must not change.
    """
    return slugify(text, max_length=length, word_boundary=True, backend="text-unidecode")


def mint_id(values: dict[str, str], mapping: Mapping, taken: set[str]) -> str:
    """A new id from the mapping's ``id.from`` (``{name}`` by default) and ``id.prefix``, not in ``taken``:
    the town is added when the name is taken, then -2, -3, in the order of the rows."""
    fields = {name: values.get(path, "") for name, path in FIELDS.items()}
    base = slug(f"{mapping.prefix} {mapping.template.format_map(fields)}") or slug(f"{mapping.prefix} library")
    city = slug(fields["city"], 30)
    tries = [base] + ([_joined(base, city)] if city and not base.endswith(city) else [])
    for candidate in tries:
        if candidate not in taken:
            return candidate
    n = 2
    while _joined(tries[-1], str(n)) in taken:
        n += 1
    return _joined(tries[-1], str(n))


def _joined(head: str, suffix: str) -> str:
    """``head-suffix``, ``head`` shortened so that the id stays within ID_LENGTH."""
    return f"{head[:ID_LENGTH - len(suffix) - 1].rstrip('-')}-{suffix}"
