"""``circles geocode``: fill in missing coordinates from an online geocoder (geopy), the committed
cache and the offline gazetteer, written into the YAML files without touching any other byte."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from circles.directory.geocoding import AREA_TYPES, GeoCache, GeocodingError, Location, from_gazetteer, from_record
from circles.directory.geography import territories


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
    if provider == "nominatim":  # a structured query, limited to the stated country and its overseas parts
        country = row["address_country"]
        codes = [country, *sorted(territories(country) - {country})]
        return {k: v for k, v in parts.items() if v}, {"country_codes": [code.lower() for code in codes]}
    text = ", ".join(v for v in (*parts.values(), row.get("address_country")) if v)
    return text, {}


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


# The command


def geocode_command(settings: dict[str, Any], ids: list[str], write: bool, out: Callable[[str], None] = print) -> int:
    """Look up libraries without coordinates (or those named); with ``write``, save them and the cache."""
    from circles.records.schema import suggest
    from circles.records.validate import validate_tree
    from circles.settings import cache_path, content_root, geocoding_settings
    from circles.tools.yamledit import set_coordinates

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
