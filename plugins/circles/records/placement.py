"""Checks of where libraries are, offline: coordinates inside the stated country, every
library placeable, timezones that belong to the country, no two addresses at one point."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from circles.directory.geocoding import GeoCache, address_key, from_gazetteer, from_record
from circles.directory.geography import countries_at, likely_fix, timezone_at, zone_countries
from circles.i18n import Texts, known_country
from circles.problems import Problem, problem
from circles.records.load import Record

_names = Texts("en")


def check_places(records: dict[str, Record], rows: dict[str, dict[str, Any]], cache: GeoCache) -> Iterator[Problem]:
    """Every library's place, then libraries sharing one point."""
    for library_id, row in sorted(rows.items()):
        if known_country(row.get("address_country") or ""):  # an unknown code is reported already
            yield from check_library(records[library_id], row, cache)
    yield from same_coordinates(records, rows)


def prepare() -> None:
    """Load the offline geography now (a tenth of a second), e.g. while other processes still read records."""
    timezone_at(0.0, 0.0)
    zone_countries()
    known_country("CA")


def check_library(record: Record, row: dict[str, Any], cache: GeoCache) -> Iterator[Problem]:
    country = row["address_country"]
    country_name = _names.country_name(country)
    here = from_record(row)
    if here is None:
        if "latitude" in record.lines or "longitude" in record.lines:
            return  # coordinates were written but are wrong: reported already
        if cache.get(row):
            return
        placed = from_gazetteer(row) if row.get("address_city") else None
        code = "approximate" if placed else "cannot-place"
        yield problem(code, record.path, record.line("address"), "address", id=record.id,
                      city=row.get("address_city") or "", country=country)
        return
    lat, lon = here.latitude, here.longitude
    if lat.is_integer() and lon.is_integer():
        return  # a placeholder, reported already
    found = countries_at(lat, lon)
    if country not in found:
        fix = likely_fix(lat, lon, country)
        if fix:
            yield problem("outside-country:sign", record.path, record.line("latitude"), "latitude", latitude=lat,
                          longitude=lon, country_name=country_name, fixed_latitude=fix[0], fixed_longitude=fix[1])
        else:
            code = "outside-country" if found else "outside-country:sea"
            yield problem(code, record.path, record.line("latitude"), "latitude", latitude=lat, longitude=lon,
                          country_name=country_name, found=_names.join(sorted(_names.country_name(c) for c in found)))
        return
    timezone = row.get("timezone")
    if timezone and country not in zone_countries().get(timezone, {country}):
        yield problem("timezone-country", record.path, record.line("timezone"), "timezone", value=timezone,
                      country_name=country_name, expected=timezone_at(lat, lon) or "")


def same_coordinates(records: dict[str, Record], rows: dict[str, dict[str, Any]]) -> Iterator[Problem]:
    """Warn on both files when two different addresses share the exact same point."""
    at: dict[tuple[float, float], list[str]] = defaultdict(list)
    for library_id, row in sorted(rows.items()):
        here = from_record(row)
        if here:
            at[(here.latitude, here.longitude)].append(library_id)
    for ids in at.values():
        if len(ids) < 2:  # alone at its point (most libraries): nothing to compare
            continue
        for library_id in ids:
            others = [o for o in ids if address_key(rows[o]) != address_key(rows[library_id])]
            if others:
                record = records[library_id]
                yield problem("same-coordinates", record.path, record.line("latitude"), "latitude",
                              other=", ".join(records[o].path for o in others))
