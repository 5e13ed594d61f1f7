"""The gazetteer's SQLite file answers as the gazetteer loaded in memory does (directory/townfile.py).

A build looks up its libraries' towns in the file, `circles validate` in memory: both must find the
same town for every name, real ones from the shared data included.
"""

import csv
from pathlib import Path

import pytest

from circles.directory import geography
from circles.directory.geography import find_town
from circles.directory.townfile import TownFile
from circles.exports.nearme import _town_rows

DATA = Path(__file__).parents[3] / "shared" / "data"

#: Names that take each path of find_town: accents, apostrophes, other names, overseas parts, regions,
#: non-Latin scripts, names the gazetteer lacks.
TRICKY = [
    ("Toronto", "CA", "ON"), ("Montréal", "CA", "QC"), ("Montreal", "CA", ""), ("St. John's", "CA", "NL"),
    ("Saint-Denis", "FR", "Réunion"), ("Saint-Denis", "FR", ""), ("Saint-Denis", "RE", ""),
    ("San Juan", "US", "PR"), ("Hagåtña", "US", "GU"), ("Portland", "US", "OR"), ("Portland", "US", "ME"),
    ("Köln", "DE", ""), ("Cologne", "DE", ""), ("Nairobi", "KE", ""), ("Kisumu", "KE", ""),
    ("Thành phố Hồ Chí Minh", "VN", ""), ("Ho Chi Minh City", "VN", ""), ("東京", "JP", ""),
    ("Москва", "RU", ""), ("Łódź", "PL", ""), ("Bierné", "FR", ""), ("Bierne", "FR", ""),
    ("Nowhere-sur-Rien", "FR", ""), ("", "US", ""), ("Springfield", "US", "IL"), ("Springfield", "US", ""),
    ("Gibraltar", "GB", ""), ("Douglas", "GB", "IM"), ("Nuuk", "DK", ""), ("Dar es Salaam", "TZ", ""),
]


def real_places() -> list[tuple[str, str, str]]:
    """Every town of the IMLS outlets (cp1252, capitals) and Toronto Public Library's branches."""
    places = set()
    with (DATA / "us_imls_pls_fy19_outlets.csv").open(encoding="cp1252", newline="") as source:
        places |= {(row["CITY"].title(), "US", row["STABR"]) for row in csv.DictReader(source)}
    with (DATA / "toronto_tpl_branches_2023.csv").open(encoding="utf-8", newline="") as source:
        places |= {(parts[-3].strip(), "CA", "ON") for row in csv.DictReader(source)
                   if len(parts := row["Address"].split(",")) >= 3}
    return sorted(places)


@pytest.mark.slow
def test_the_file_finds_the_same_towns(town_file):
    places = TRICKY + real_places()
    assert len(places) > 5000
    with TownFile(town_file) as gazetteer:
        from_file = [find_town(*place, named=gazetteer.named) for place in places]
    in_memory = [find_town(*place) for place in places]
    assert from_file == in_memory
    assert sum(town is None for town in in_memory) < len(places) / 3  # the names are mostly found
    assert {find_town("Cologne", "DE").name, find_town("Saint-Denis", "FR", "Réunion").country} == {"Köln", "RE"}


def test_towns_json_is_made_without_loading_the_gazetteer(town_file):
    placed = (("Toronto", "CA", "ON", 43.65, -79.38), ("Nowhere-sur-Rien", "FR", "", 45.0, 3.0),
              ("Bierne", "FR", "", 50.9, 2.4))
    expected = _town_rows(placed, geography._named)
    geography._towns.cache_clear()
    geography._other_names.cache_clear()
    with TownFile(town_file) as gazetteer:
        assert _town_rows(placed, gazetteer.named) == expected
    assert geography._towns.cache_info().currsize == 0
    assert b"Nowhere-sur-Rien" in expected and b"Toronto" not in expected
