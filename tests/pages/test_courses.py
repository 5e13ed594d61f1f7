"""Course pages (issue 22): every course of the sample has a page listing every circle that takes it,
in every network; a visitor goes from a circle to its course to another city's circle by links alone."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import ROOT, build

CONTENT = ROOT / "content"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(CONTENT, tmp_path_factory.mktemp("courses") / "output")


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def page_of(site: Path, href: str, here: str) -> str:
    """The file a relative link on the page at ``here`` leads to."""
    target = (site / here).parent.joinpath(href).resolve()
    return str((target / "index.html" if target.is_dir() else target).relative_to(site.resolve()))


def test_every_course_has_a_page_with_its_facts(site):
    for path in sorted((CONTENT / "courses").glob("*.yml")):
        page = soup(site, f"courses/{path.stem}/index.html")
        assert page.h1.get_text(strip=True) and page.h1["lang"]
        facts = {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True) for dt in page.select("dl.facts dt")}
        assert {"What it is", "Language", "Cost", "Licence"} <= facts.keys(), path.stem
    page = soup(site, "courses/python-for-everybody/index.html")
    licence = page.find("a", href="https://spdx.org/licenses/CC-BY-3.0.html")
    assert licence and licence.get_text() == "Creative Commons Attribution 3.0 Unported"
    assert page.find("a", string="Go to the course")["href"] == "https://www.py4e.com/"


def test_a_visitor_goes_from_a_circle_to_its_course_to_another_citys_circle(site):
    here = "circles/tpl-north-york-python-essentials-2027-01/index.html"
    course_link = soup(site, here).select_one("#course ~ p a[href*='courses/']")
    course = page_of(site, course_link["href"], here)
    assert course == "courses/python-essentials-1/index.html"
    cards = soup(site, course).select("[data-nearest] .cards li")
    towns = {card.get_text(" ", strip=True) for card in cards}
    assert any("Nairobi" in town for town in towns) and any("Toronto" in town for town in towns)
    nairobi = next(card for card in cards if "Nairobi" in card.get_text())
    other = page_of(site, nairobi.find("a")["href"], course)
    assert other == "circles/knls-nairobi-python-essentials-2026-11/index.html"
    assert (site / other).is_file()
    # past circles of the course are listed apart, with where they met
    past = soup(site, course).select_one("#past ~ ul.past-list")
    assert past and "North York Central Library" in past.get_text()


def test_the_courses_index_is_linked_from_home_with_counts(site):
    home = soup(site, "index.html")
    assert home.find("a", href=lambda h: h and h.rstrip("/").endswith("courses"))
    index = soup(site, "courses/index.html")
    entries = {li.h2.get_text(strip=True): li.p.get_text(" ", strip=True) for li in index.select("ul.entry-list > li")}
    assert len(entries) == len(list((CONTENT / "courses").glob("*.yml")))
    assert "6 circles now" in entries["Python Essentials 1"] and "1 past" in entries["Python Essentials 1"]
    assert "2 circles now" in entries["Python for Everybody"]


def test_search_has_a_course_facet_labelled_with_course_titles(site):
    page = soup(site, "search/index.html")
    facets = dict(json.loads(page.select_one("[data-facets]")["data-facets"]))
    assert facets["course"] == "Course"
    labels = json.loads(page.select_one("[data-labels]")["data-labels"]) if page.select_one("[data-labels]") else None
    text = str(page)
    assert "python-for-everybody" in text and "Python for Everybody" in text
    assert labels is None or labels["course"]["python-for-everybody"] == "Python for Everybody"


def test_open_data_has_courses_and_circles_name_them(site):
    rows = list(csv.DictReader(io.StringIO((site / "data" / "courses.csv").read_text(encoding="utf-8"))))
    by_id = {row["id"]: row for row in rows}
    assert by_id["python-essentials-1"]["derived_circle_count"] == "7"
    assert by_id["python-essentials-1"]["derived_url"].endswith("courses/python-essentials-1/")
    circles = list(csv.DictReader(io.StringIO((site / "data" / "circles.csv").read_text(encoding="utf-8"))))
    assert {row["course"] for row in circles} <= set(by_id)
    data = json.loads((site / "data" / "circles.json").read_text(encoding="utf-8"))
    one = next(c for c in data["circles"] if c["id"] == "tpl-north-york-python-essentials-2027-01")
    assert one["course"]["id"] == "python-essentials-1" and one["course"]["url"].startswith("https://www.netacad.com/")


def test_a_circles_calendar_names_its_course_page(site):
    text = (site / "circles/tpl-north-york-python-essentials-2027-01/circle.ics").read_text(encoding="utf-8")
    unfolded = text.replace("\r\n ", "")
    assert "Course: Python Essentials 1\\, by Cisco Networking Academy" in unfolded
