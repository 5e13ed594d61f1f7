"""The browse tree: countries, their towns, and the address of each town's page.

Libraries are one town when their country, region and town name are the same once case, spacing
and punctuation are set aside ("Leigh on Sea" and "Leigh-on-Sea"); accents and letters count
("Bierne" and "Bierné" are two towns). A town's address is made from its own name, never from the
order of the records, so it is the same in every build:

1. ``browse/<country>/<slug>/``, the slug being the name in plain ASCII (python-slugify), followed
   by the region when one name is a town in several regions of the country (``portland-or``).
2. When towns of a country get the same slug (Bierne and Bierné, Moutiers and Moûtiers), the one
   whose name is already plain ASCII keeps it, and every other one adds six hex digits of a digest
   of its own name and region: ``bierne/`` and ``bierne-0cbe09/``. Adding a town never moves an
   ASCII-named town's page; an accented one moves only when its twin is added or removed.
3. A digest that still meets another address is made longer (12, then 64 digits). What would share
   an address all the same is reported by ``circles validate`` (``same-address``,
   records/crosschecks.py), so no build meets it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable

from slugify import slugify

from circles.directory.models import Library, Place
from circles.i18n import name_order

#: A town: (country code, region, town name), as the records give it or as group_towns() keys it.
Town = tuple[str, str, str]
#: Lengths of the digest tried in turn when towns share a slug (rule 3).
DIGESTS = (6, 12, 64)


def town_key(text: str) -> str:
    """A name with case, spacing and punctuation set aside, accents kept: ``leigh on sea``, ``bierné``."""
    if text.isascii():
        return " ".join(_ASCII_WORD.findall(text.lower()))
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return " ".join("".join(char if unicodedata.category(char)[0] in "LMN" else " " for char in text).split())


_ASCII_WORD = re.compile(r"[a-z0-9]+")


def group_towns(towns: Iterable[Town]) -> dict[Town, Town]:
    """Each town as written, to the town it is: (country, region key, name key)."""
    return {town: (town[0], town_key(town[1]), town_key(town[2])) for town in towns}


def _regions(identities: Iterable[Town]) -> dict[tuple[str, str], set[str]]:
    """The regions each (country, name key) is a town in: more than one calls for the region (rule 1)."""
    regions: dict[tuple[str, str], set[str]] = defaultdict(set)
    for country, region, name in identities:
        regions[(country, name)].add(region)
    return regions


def town_addresses(towns: Iterable[Town]) -> tuple[dict[Town, str], list[list[Town]]]:
    """The slug of each town's page (each town as written → slug), and the towns that would still share
    an address despite the rules above (lists of two or more as written; normally none)."""
    written = group_towns(towns)
    identities = sorted(set(written.values()))
    regions = _regions(identities)
    base: dict[Town, str] = {}
    sharing: dict[tuple[str, str], list[Town]] = defaultdict(list)
    for town in identities:
        country, region, name = town
        ambiguous = len(regions[(country, name)]) > 1
        base[town] = _slug(f"{name} {region}" if ambiguous else name) or "city"
        sharing[(country, base[town])].append(town)
    digest: dict[Town, int] = {}  # the length of the digest each town adds (rules 2 and 3)
    for same in sharing.values():
        # Rule 2: a name whose key is ASCII is its slug with spaces, so at most one of `same` has one.
        plain = [t for t in same if t[2].isascii() and len(regions[(t[0], t[2])]) == 1]
        for town in same:
            if len(same) > 1 and plain != [town]:
                digest[town] = DIGESTS[0]

    def slug(town: Town) -> str:
        return f"{base[town]}-{_digest(town, digest[town])}" if town in digest else base[town]

    for longer in DIGESTS[1:]:  # rule 3
        for clash in _clashes({town: slug(town) for town in identities}):
            for town in clash:
                if town in digest:
                    digest[town] = longer
    slugs = {town: slug(town) for town in identities}
    left = [sorted(w for w, town in written.items() if town in clash) for clash in _clashes(slugs)]
    return {w: slugs[town] for w, town in written.items()}, sorted(left)


def _slug(key: str) -> str:
    """python-slugify's slug of a key. A key in ASCII (most are) is its own slug but for the hyphens:
    slugify() takes some 30 µs a name, and a country's list of libraries names tens of thousands."""
    return key.strip().replace(" ", "-") if key.isascii() else slugify(key)


def _digest(town: Town, size: int) -> str:
    """Hex digits of a digest of the town's name and region."""
    return hashlib.sha256(f"{town[2]}\n{town[1]}".encode()).hexdigest()[:size]


def _clashes(slugs: dict[Town, str]) -> list[list[Town]]:
    """Towns of one country that have one slug, in order."""
    seen: dict[tuple[str, str], list[Town]] = defaultdict(list)
    for town, slug in slugs.items():
        seen[(town[0], slug)].append(town)
    return sorted(sorted(towns) for towns in seen.values() if len(towns) > 1)


def browse_tree(libraries: list[Library]) -> list[Place]:
    """Countries, then their towns, each with its libraries; sorted by name. A town is named as most
    of its libraries write it, with its region when its name is a town in several regions."""
    towns = [(lib.address.country, lib.address.region, lib.address.city) for lib in libraries]
    slugs, _ = town_addresses(towns)  # any address left shared is an error of validation: no build gets here
    identity = group_towns(towns)
    regions = _regions(identity.values())
    spellings: dict[Town, Counter[Town]] = defaultdict(Counter)
    for town in towns:
        spellings[identity[town]][town] += 1
    countries: dict[str, Place] = {}
    places: dict[Town, Place] = {}
    for library, town in zip(libraries, towns):
        code, key = town[0], identity[town]
        country = countries.get(code)
        if country is None:
            country = countries[code] = Place(code.lower(), library.address.country_name, f"browse/{code.lower()}/",
                                                 country=code)
        if key not in places:
            _, region, city = min(spellings[key].items(), key=lambda item: (-item[1], item[0]))[0]
            name = f"{city}, {region}" if region and len(regions[(code, key[2])]) > 1 else city
            places[key] = Place(slugs[town], name, f"{country.url}{slugs[town]}/")
            country.children.append(places[key])
        places[key].libraries.append(library)
        current = library.current
        places[key].circle_count += current
        country.circle_count += current
    for country in countries.values():
        country.children.sort(key=lambda p: (name_order(p.name), p.slug))
        for city in country.children:
            city.libraries.sort(key=lambda lib: (name_order(lib.name), lib.id))
    return sorted(countries.values(), key=lambda p: (name_order(p.name), p.slug))
