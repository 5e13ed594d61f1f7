"""The committed geocoding cache: keyed by the address folded as town names are, and still read
when an older version of circles wrote its keys."""

from __future__ import annotations

import json
import random
import re
import unicodedata

import pytest

from circles.directory.geocoding import GeoCache, Location, address_key, locate
from circles.problems import CirclesError
from circles.records.validate import validate_tree
from tests.tools.test_geocode import NO_COORDINATES

KEYS = ("street", "city", "region", "postal_code", "country")
LOOKED_UP = {"latitude": 43.671737, "longitude": -79.386763, "precision": "address",
             "source": "OpenStreetMap Nominatim", "date": "2026-11-22"}


def previous_key(row: dict) -> str:
    """The key as circles made it before its folds were one (kept to hold old caches to)."""

    def fold(text: str) -> str:
        kept = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
        return " ".join(kept.replace("-", " ").replace(".", " ").replace("'", " ").split())

    return " | ".join(re.sub(r"[^\w ]", "", fold(str(row.get(f"address_{k}") or ""))) for k in KEYS)


def row(street: str, city: str = "Toronto", region: str = "ON", postal_code: str = "M4W 2G8", country: str = "CA"):
    return {"address_street": street, "address_city": city, "address_region": region,
            "address_postal_code": postal_code, "address_country": country}


ADDRESSES = [
    row("789 Yonge Street"), row("5/123 Main St.", "Sydney", "NSW", "2000", "AU"),
    row("12 Rue de l’Église", "Saint-Jean-sur-Richelieu", "QC", "J3B 1A1"), row("ul. Piotrkowska 102", "Łódź", "", "90-004", "PL"),
    row("Königstraße 3", "Stuttgart", "BW", "70173", "DE"), row("Unit #5, 10 King St. W"), row("O'Brien Rd & 3rd Ave"),
    row("Kapiʻolani Blvd", "Honolulu", "HI", "96814", "US"), row("Ｔｏｋｙｏ ２-１", "東京", "", "100-0001", "JP"),
    row("İstiklal Cd. No:1", "İstanbul", "", "34430", "TR"), row("snake_case_street"), row(""),
]


@pytest.mark.parametrize("address", ADDRESSES, ids=lambda a: a["address_street"] or "empty")
def test_a_key_written_by_an_older_version_finds_its_address(address, tmp_path):
    path = tmp_path / "geocache.json"
    path.write_text(json.dumps({previous_key(address): LOOKED_UP}), encoding="utf-8")
    assert GeoCache(path).get(address) == Location(**LOOKED_UP)


def test_old_keys_of_any_address_are_found(tmp_path):
    rnd = random.Random(5)
    pool = "aZé0 9-.'’,#/&()_:;ßłøæÆŁĐİıʻΣσςﬁＴ²½١\u0301\u00a0\t"
    addresses = {}  # one address of each key, by its position
    for n in range(3000):
        address = {f"address_{k}": "".join(rnd.choice(pool) for _ in range(rnd.randint(0, 8))) for k in KEYS}
        addresses.setdefault(address_key(address), (n, address))
    path = tmp_path / "geocache.json"
    path.write_text(json.dumps({previous_key(a): {**LOOKED_UP, "latitude": n} for n, a in addresses.values()}),
                    encoding="utf-8")
    cache = GeoCache(path)
    assert [cache.get(a).latitude for _, a in addresses.values()] == [n for n, _ in addresses.values()]


def test_the_key_is_folded_and_compact():
    assert address_key(row("789 Yonge Street")) == "789yongestreet | toronto | on | m4w2g8 | ca"
    assert address_key(row("789 YONGE ST.")) == address_key(row("789 Yonge St"))
    assert address_key(row("ul. Piotrkowska 102", "Łódź")) == address_key(row("ul Piotrkowska 102", "Lodz"))


def test_a_save_writes_every_key_anew(tmp_path):
    path = tmp_path / "geocache.json"
    old, new = ADDRESSES[0], ADDRESSES[1]
    path.write_text(json.dumps({previous_key(old): LOOKED_UP}), encoding="utf-8")
    cache = GeoCache(path)
    cache.put(new, Location(-33.87, 151.21, "address", "OpenStreetMap Nominatim", "2026-11-23"))
    cache.save()
    assert sorted(json.loads(path.read_text(encoding="utf-8"))) == sorted([address_key(old), address_key(new)])
    again = GeoCache(path)
    assert again.get(old) == Location(**LOOKED_UP) and again.get(new).latitude == -33.87


def test_a_library_without_coordinates_is_placed_from_an_old_cache(tree):
    content = tree(libraries__central=NO_COORDINATES)
    address = row("789 Yonge Street")
    (content / "geocache.json").write_text(json.dumps({previous_key(address): LOOKED_UP}), encoding="utf-8")
    assert locate(address, GeoCache(content / "geocache.json")).source == "OpenStreetMap Nominatim"
    assert [p.flat() for p in validate_tree(content).problems] == []  # no "approximate location" warning


def test_a_cache_that_is_not_an_object_is_reported(tmp_path):
    path = tmp_path / "geocache.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(CirclesError, match="not valid JSON"):
        GeoCache(path)
