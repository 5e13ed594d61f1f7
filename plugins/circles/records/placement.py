"""Checks of where libraries are, offline: coordinates inside the stated country (or one of its
overseas parts), libraries that cannot be placed, timezones that belong to the country, no two
addresses at one point."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from circles import processes
from circles.directory import geography
from circles.directory.geocoding import GeoCache, address_key, from_gazetteer, from_record
from circles.directory.geography import (
    country_at,
    country_timezone,
    country_zones,
    inside,
    likely_fix,
    territories,
    timezone_at,
    zone_countries,
)
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


def checked_later(records: dict[str, Record], rows: dict[str, dict[str, Any]], cache: GeoCache,
                  kept: Path | None = None) -> Callable[[], list[Problem]]:
    """Start :func:`check_places`; call the result for its problems.

    The check looks up the zone at each library's point; ``kept`` is where the zones found are kept for
    the next run (geography.kept_zones). When it has every point, the check is done here at once.
    Otherwise, for many libraries, it runs in a process of its own, which loads timezonefinder while this
    one goes on. Measured at 2,000 libraries (issue 24): a rebuild waited 0.25 s for that process before.
    """
    known = geography.kept_zones(kept)
    points = {(here.latitude, here.longitude) for row in rows.values() if (here := from_record(row))}

    def check() -> tuple[list[Problem], dict]:
        problems = list(check_places(records, rows, cache))
        return problems, {point: geography.ZONES[point] for point in points if point in geography.ZONES}

    many = len(rows) >= processes.PARALLEL_FROM
    worker = processes.Background(check) if many and not points <= geography.ZONES.keys() else None
    found = None if worker else check()

    def problems() -> list[Problem]:
        found_problems, zones = worker.wait() if worker else found
        if zones != known:
            geography.keep_zones(kept, zones)
        return found_problems

    return problems


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
        yield from _unplaced(record, row)
        return
    lat, lon = here.latitude, here.longitude
    if lat.is_integer() and lon.is_integer():
        return  # a placeholder, reported already
    if not inside(lat, lon, country):
        yield _outside(record, lat, lon, country)
        return
    timezone = row.get("timezone")
    if timezone and territories(country).isdisjoint(zone_countries().get(timezone, {country})):
        yield problem("timezone-country", record.path, record.line("timezone"), "timezone", value=timezone,
                      country_name=country_name, expected=timezone_at(lat, lon) or "")


def _unplaced(record: Record, row: dict[str, Any]) -> Iterator[Problem]:
    """A library without coordinates: at its town's centre, or else (a town the gazetteer lacks) on no
    map at all, which leaves it out of "near me" but not out of the directory."""
    if row.get("address_city") and from_gazetteer(row):
        yield problem("approximate", record.path, record.line("address"), "address", id=record.id,
                      city=row["address_city"])
        return
    country = row["address_country"]
    guess = "" if row.get("timezone") else country_timezone(country, row.get("address_region") or "")
    code = "cannot-place:timezone" if guess and len(country_zones(country)) > 1 else "cannot-place"
    yield problem(code, record.path, record.line("address"), "address", id=record.id,
                  city=row.get("address_city") or "", country=country, timezone=guess)


def _outside(record: Record, lat: float, lon: float, country: str) -> Problem:
    """The point is not in the country: a sign to flip, or the country it is in, or the sea."""
    where = record.path, record.line("latitude"), "latitude"
    country_name = _names.country_name(country)
    fix = likely_fix(lat, lon, country)
    if fix:
        return problem("outside-country:sign", *where, latitude=lat, longitude=lon, country_name=country_name,
                       fixed_latitude=fix[0], fixed_longitude=fix[1])
    found = country_at(lat, lon)
    if found is None:
        return problem("outside-country:sea", *where, latitude=lat, longitude=lon, country_name=country_name)
    return problem("outside-country", *where, latitude=lat, longitude=lon, country_name=country_name,
                   found=_names.country_name(found), country_code=found)


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
