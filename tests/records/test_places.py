"""`circles validate` knows where libraries are, offline."""

from __future__ import annotations

import pytest

from circles.records.validate import validate_tree
from circles.tools.cli import main
from tests.conftest import LIBRARY
from tests.tools.test_geocode import NO_COORDINATES


def problems(content):
    return [(p.line, p.field, p.code, p.severity) for p in validate_tree(content).problems]


def test_a_dropped_minus_sign_is_caught_and_the_sign_suggested(tree, capsys, monkeypatch):
    content = tree(libraries__central=LIBRARY.replace("longitude: -79.386763", "longitude: 79.386763"))
    monkeypatch.chdir(content.parent)
    assert main(["validate"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "content/libraries/central.yml:10: latitude: (43.671737, 79.386763) is not in Canada — did you drop or add "
        "a minus sign? (43.671737, -79.386763) is in Canada")


def test_a_point_in_another_country_says_which(tree):
    # Harold Washington Library Center's coordinates (IMLS FY2019), stated as Canadian.
    lib = LIBRARY.replace("latitude: 43.671737", "latitude: 41.876232").replace("longitude: -79.386763", "longitude: -87.628183")
    found = validate_tree(tree(libraries__central=lib)).problems
    assert [(p.code, p.hint) for p in found] == [
        ("outside-country", "check latitude and longitude on a map: the point is in United States")]


def test_a_point_at_sea(tree):
    lib = LIBRARY.replace("latitude: 43.671737", "latitude: 30.5").replace("longitude: -79.386763", "longitude: -40.25")
    assert problems(tree(libraries__central=lib)) == [(10, "latitude", "outside-country", "error")]


@pytest.mark.parametrize("lat, lon", [("0", "0"), ("45", "-1"), ("0.0", "0.0"), ("44", "-79")])
def test_placeholder_coordinates(tree, lat, lon):
    lib = LIBRARY.replace("latitude: 43.671737", f"latitude: {lat}").replace("longitude: -79.386763", f"longitude: {lon}")
    assert problems(tree(libraries__central=lib)) == [(10, "latitude", "placeholder-coordinates", "error")]


def test_two_addresses_at_one_point_are_flagged_on_both(tree):
    other = LIBRARY.replace("789 Yonge Street", "5120 Yonge Street").replace("M4W 2G8", "M2N 5N9")
    found = validate_tree(tree(libraries__other=other)).problems
    assert sorted((p.path.rsplit("/", 1)[-1], p.code, p.severity) for p in found) == [
        ("central.yml", "same-coordinates", "warning"), ("other.yml", "same-coordinates", "warning")]
    assert "other.yml" in next(p.message for p in found if p.path.endswith("central.yml"))


def test_the_same_address_twice_at_one_point_is_fine(tree):
    assert problems(tree(libraries__other=LIBRARY)) == []


def test_a_library_placed_only_by_its_town_is_a_warning(tree):
    assert problems(tree(libraries__central=NO_COORDINATES)) == [(4, "address", "approximate", "warning")]


def test_an_unplaceable_library_without_coordinates_is_an_error(tree, capsys, monkeypatch):
    content = tree(libraries__central=NO_COORDINATES.replace("city: Toronto", "city: Atlantis-under-the-Sea"))
    monkeypatch.chdir(content.parent)
    assert main(["validate"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "content/libraries/central.yml:4: address: the library has no coordinates, and the gazetteer has no town "
        "'Atlantis-under-the-Sea' in CA — run 'circles geocode --write central', or copy latitude and longitude from a map")


def test_a_cached_address_needs_no_warning(tree, tmp_path):
    from circles.directory.geocoding import GeoCache, Location
    from circles.records.load import parse

    content = tree(libraries__central=NO_COORDINATES)
    cache = GeoCache(content / "geocache.json")
    data, _ = parse(NO_COORDINATES)
    row = {f"address_{k}": v for k, v in data["address"].items()}
    cache.put(row, Location(43.671737, -79.386763, "address", "OpenStreetMap Nominatim", "2026-11-22"))
    cache.save()
    assert problems(content) == []


def test_a_timezone_of_another_country(tree):
    lib = LIBRARY.replace("timezone: America/Toronto", "timezone: America/Chicago")
    found = validate_tree(tree(libraries__central=lib)).problems
    assert [(p.line, p.code, p.hint) for p in found] == [
        (12, "timezone-country", "use America/Toronto, the timezone at the library")]

