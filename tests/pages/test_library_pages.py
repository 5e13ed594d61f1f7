"""Libraries without circles (issue 20): by default no page, embed or calendar of their own, and
nothing links to one; DIRECTORY ``library_pages: "all"`` gives every library its pages again."""

from __future__ import annotations

import csv
import io
import json

import pytest
from bs4 import BeautifulSoup

from tests.conftest import LIBRARY, build
from tests.site.test_links import LOCAL, check, references

#: A second library of the same town and network, with no circle.
ANNEX = LIBRARY.replace("Central Branch", "Yorkville Annex").replace("/central", "/annex").replace(
    "789 Yonge Street", "22 Yorkville Avenue").replace("43.671737", "43.671").replace("-79.386763", "-79.3905")
#: A library whose only circle ended long ago: it keeps its pages, as its circle keeps its own.
ARCHIVED = LIBRARY.replace("Central Branch", "Old Branch").replace("/central", "/old").replace(
    "789 Yonge Street", "1 Old Road").replace("43.671737", "43.67").replace("-79.386763", "-79.39")
OLD_CIRCLE = """\
title: Spreadsheets at work
library: old
course:
  title: Spreadsheets
language: en
schedule:
  start_date: 2024-01-09
  weeks: 6
  weekdays: [tuesday]
  start_time: 18:00
  duration: 90
signup: drop-in
"""


@pytest.fixture(scope="module", params=["with_circles", "all"])
def site(request, tmp_path_factory):
    from tests.conftest import CIRCLE, NETWORK, write_tree

    root = tmp_path_factory.mktemp(request.param)
    content = write_tree(root / "content", {
        "networks/net.yml": NETWORK, "libraries/central.yml": LIBRARY, "libraries/annex.yml": ANNEX,
        "libraries/old.yml": ARCHIVED, "circles/python.yml": CIRCLE, "circles/old-sheets.yml": OLD_CIRCLE})
    options = {"flyer_pdfs": False, "toolkit_pdfs": False}
    if request.param == "all":
        options["library_pages"] = "all"
    return request.param, build(content, root / "output", DIRECTORY=options)


def soup(output, path: str) -> BeautifulSoup:
    return BeautifulSoup((output / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_a_library_without_circles_has_pages_only_when_every_library_does(site):
    setting, output = site
    own = ["libraries/annex/index.html", "libraries/annex/circles.ics", "embed/libraries/annex/index.html"]
    assert [path for path in own if (output / path).is_file()] == ([] if setting == "with_circles" else own)
    for library in ("central", "old"):  # one with a current circle, one whose only circle is archived
        assert (output / "libraries" / library / "index.html").is_file()
        assert (output / "embed" / "libraries" / library / "index.html").is_file()
        assert (output / "libraries" / library / "circles.ics").is_file()


def test_its_town_and_network_list_it_with_a_link_only_to_a_page_that_exists(site):
    setting, output = site
    city = soup(output, "browse/ca/toronto")
    heading = city.find("h2", id="library-annex")
    assert heading.get_text(strip=True) == "Yorkville Annex"
    section = heading.parent
    assert "22 Yorkville Avenue" in section.select_one(".address").get_text()
    if setting == "with_circles":
        assert heading.a is None
        assert [a["href"] for a in section.select("a")] == ["https://www.lib.example.net/annex"]
    else:
        assert heading.a["href"] == "../../../libraries/annex/"
    item = next(li for li in soup(output, "networks/net").select("#network-libraries li") if "Yorkville" in li.get_text())
    assert item.get_text(strip=True) == "Yorkville Annex, Toronto" and item.has_attr("data-lat")  # still on the map
    assert (item.a is None) == (setting == "with_circles")


def test_the_libraries_index_lists_every_library_with_a_page_by_country_and_name(site):
    setting, output = site
    page = soup(output, "libraries")
    assert page.h1.get_text(strip=True) == "Libraries"
    country = page.find("h2", id="country-ca")
    assert country.a["href"] == "../browse/ca/" and country.get_text(strip=True) == "Canada"
    rows = [" ".join(li.get_text().split()) for li in country.find_next("ul").select("li")]
    links = [a["href"] for a in country.find_next("ul").select("a")]
    # By name; the annex has no page unless every library has one; each with its town and current circles.
    expected = ["Central Branch, Toronto · 1 circle", "Old Branch, Toronto · 0 circles"]
    if setting == "all":
        expected.append("Yorkville Annex, Toronto · 0 circles")
    assert rows == expected
    assert links == [f"../libraries/{id}/" for id in ("central", "old", "annex") if setting == "all" or id != "annex"]
    # The browse page leads to it.
    assert soup(output, "browse").find("a", string="Every library, by country")["href"] == "../libraries/"


def test_search_and_open_data_know_only_the_pages_that_exist(site):
    setting, output = site
    # Search places only libraries where a circle it lists meets: neither the annex nor the archived one.
    assert sorted(json.loads((output / "search/libraries.json").read_text(encoding="utf-8"))) == ["central"]
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO((output / "data/libraries.csv").read_text(encoding="utf-8")))}
    assert rows["annex"]["derived_url"] == ("" if setting == "with_circles" else "libraries/annex/")
    assert rows["old"]["derived_url"] == "libraries/old/"


def test_every_internal_link_resolves(site):
    _, output = site
    broken = [f"{source.relative_to(output)}: {problem}" for source, where, reference in references(output)
              if (problem := check(output, LOCAL, source, where, reference))]
    assert broken == []


def test_an_unknown_value_is_refused_by_name():
    from circles.settings import SettingsError, directory_settings

    with pytest.raises(SettingsError, match="library_pages must be one of with_circles, all, not 'some'"):
        directory_settings({"DIRECTORY": {"library_pages": "some"}})


def test_a_rebuild_follows_a_library_that_gains_its_first_circle_and_loses_it(tmp_path):
    from tests.conftest import CIRCLE, NETWORK, write_tree

    content = write_tree(tmp_path / "content", {"networks/net.yml": NETWORK, "libraries/central.yml": LIBRARY,
                                                 "libraries/annex.yml": ANNEX, "circles/python.yml": CIRCLE})
    output, cache = tmp_path / "output", tmp_path / "cache"

    def rebuild():
        build(content, output, CACHE_PATH=str(cache), CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True,
              DIRECTORY={"flyer_pdfs": False, "toolkit_pdfs": False})
        return [path for path in ("libraries/annex/index.html", "libraries/annex/circles.ics",
                                  "embed/libraries/annex/index.html") if (output / path).is_file()]

    def linked() -> bool:
        return soup(output, "browse/ca/toronto").find("h2", id="library-annex").a is not None

    assert rebuild() == [] and not linked()
    (content / "circles" / "annex-python.yml").write_text(CIRCLE.replace("library: central", "library: annex"),
                                                         encoding="utf-8")
    assert len(rebuild()) == 3 and linked()
    (content / "circles" / "annex-python.yml").unlink()
    assert rebuild() == [] and not linked()
