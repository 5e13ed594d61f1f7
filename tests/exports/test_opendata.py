"""The open data in data/: a Data Package that frictionless validates, GeoJSON, JSON and the Data page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import frictionless
import pytest
import yaml
from bs4 import BeautifulSoup

from circles.exports.datafiles import writers
from circles.exports.opendata import published_descriptor
from circles.problems import CirclesError
from tests.conftest import CIRCLE, ROOT, build

CONTENT = ROOT / "content"
KINDS = ("networks", "libraries", "courses", "circles")
SITEURL = "https://example.github.io/directory"
HOSTILE = '<script>alert("x")</script> ]]> & <b>bold</b>'
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(CONTENT, tmp_path_factory.mktemp("data") / "output")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    return build(CONTENT, tmp_path_factory.mktemp("public") / "output", SITEURL=SITEURL, RELATIVE_URLS=False)


def records(kind: str) -> dict[str, dict]:
    # BaseLoader keeps every scalar as text, as the project's loader does.
    return {p.stem: yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
            for p in sorted((CONTENT / kind).glob("*.yml"))}


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def descriptor(site: Path) -> dict:
    return json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))


def test_the_package_passes_frictionless_validate(site):
    report = frictionless.validate(str(site / "data" / "datapackage.json"))
    assert report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"]) == []
    assert report.valid
    assert [task.name for task in report.tasks] == list(KINDS)


def test_the_validation_checks_the_keys(site, tmp_path):
    """A circle pointing at a missing library fails: the published foreign keys are enforced."""
    copy = tmp_path / "data"
    copy.mkdir()
    for path in (site / "data").iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    package = descriptor(site)
    for resource in package["resources"]:  # the edit below changes the file's size and hash
        del resource["bytes"], resource["hash"]
    (copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    rows = read_csv(copy / "circles.csv")
    rows[0]["library"] = "no-such-library"
    rows.append(dict(rows[1]))
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    (copy / "circles.csv").write_text(buffer.getvalue(), encoding="utf-8", newline="")
    report = frictionless.validate(str(copy / "datapackage.json"))
    assert {error[1] for error in report.flatten(["rowNumber", "type"])} >= {"foreign-key", "primary-key"}


def test_the_descriptor_is_the_schema_plus_documented_derived_columns(site):
    source = json.loads((ROOT / "schema" / "datapackage.json").read_text(encoding="utf-8"))
    package = descriptor(site)
    assert package["licenses"] == [{"name": "CC0-1.0", "title": "CC0 1.0",
                                    "path": "https://creativecommons.org/publicdomain/zero/1.0/"}]
    assert package["created"] == "2026-11-22T00:00:00Z" and package["version"] == "2026.11.22"
    assert package["title"]
    assert [r["name"] for r in package["resources"]] == [r["name"] for r in source["resources"]]
    for original, resource in zip(source["resources"], package["resources"]):
        fields = resource["schema"]["fields"]
        count = len(original["schema"]["fields"])
        assert fields[:count] == original["schema"]["fields"], "schema/ fields are published unchanged"
        for field in fields[count:]:
            assert field["name"].startswith("derived_") and field["x-derived"] is True
            assert field["title"] and field["description"].startswith("Derived at build time")
        assert resource["schema"]["primaryKey"] == original["schema"]["primaryKey"]
        for key in original["schema"].get("foreignKeys", []):
            assert key in resource["schema"]["foreignKeys"]
        assert resource["path"] == original["path"] and resource["encoding"] == "utf-8"
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", resource["hash"])
        assert not [k for k in resource if k.startswith("x-")]


@pytest.mark.parametrize("kind", KINDS)
def test_every_record_is_a_row(site, kind):
    files = sorted(p.stem for p in (CONTENT / kind).glob("*.yml"))
    rows = read_csv(site / "data" / f"{kind}.csv")
    assert [row["id"] for row in rows] == files


def test_cells_read_back_as_the_records_say(site):
    package = frictionless.Package(str(site / "data" / "datapackage.json"))
    rows = {row["id"]: row for row in package.get_resource("circles").read_rows()}
    for record_id, data in records("circles").items():
        row = rows[record_id]
        assert row["title"] == data["title"].strip()
        assert row["topics"] == data.get("topics", [])
        assert row["schedule_start_date"].isoformat() == data["schedule"]["start_date"]
        assert row["schedule_start_time"].strftime("%H:%M") == data["schedule"]["start_time"].zfill(5)
        assert row["listed"].isoformat() == data["listed"]
        assert row["derived_meeting_count"] == len(row["derived_meeting_dates"])
        assert row["derived_first_meeting"].date() == row["derived_meeting_dates"][0]


def test_derived_coordinates_are_the_librarys(site):
    libraries = {row["id"]: row for row in read_csv(site / "data" / "libraries.csv")}
    for row in read_csv(site / "data" / "circles.csv"):
        library = libraries.get(row["library"])
        if row["format"] == "online" or library is None:
            assert row["derived_latitude"] == row["derived_longitude"] == ""
        else:
            assert (row["derived_latitude"], row["derived_longitude"]) == (library["derived_latitude"],
                                                                            library["derived_longitude"])
            assert library["derived_latitude"], "every library can be placed, at worst at its town's centre"


def test_the_geojson_is_rfc_7946(site):
    data = json.loads((site / "data" / "circles.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and "crs" not in data
    libraries = records("libraries")
    circles = records("circles")
    placed = sorted(i for i, c in circles.items() if c.get("format", "in_person") != "online")
    assert [f["id"] for f in data["features"]] == placed
    for feature in data["features"]:
        assert feature["type"] == "Feature" and set(feature) == {"type", "id", "geometry", "properties"}
        geometry = feature["geometry"]
        assert geometry["type"] == "Point" and len(geometry["coordinates"]) == 2
        lon, lat = geometry["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        library = libraries[circles[feature["id"]]["library"]]
        if "latitude" in library:  # longitude first, as RFC 7946 says
            assert (lon, lat) == pytest.approx((float(library["longitude"]), float(library["latitude"])), abs=1e-6)
        properties = feature["properties"]
        assert properties["id"] == feature["id"] and properties["title"] == circles[feature["id"]]["title"].strip()
        assert properties["url"] == f"circles/{feature['id']}/" and (site / properties["url"] / "index.html").is_file()
        assert properties["status"] in {"open", "full", "in_progress", "completed", "cancelled"}


def test_published_links_are_absolute(published):
    data = json.loads((published / "data" / "circles.geojson").read_text(encoding="utf-8"))
    assert data["features"][0]["properties"]["url"].startswith(f"{SITEURL}/circles/")
    assert descriptor(published)["homepage"] == f"{SITEURL}/data/"
    soup = BeautifulSoup((published / "data" / "index.html").read_text(encoding="utf-8"), "lxml")
    assert soup.find("a", string=f"{SITEURL}/data/datapackage.json")["href"] == f"{SITEURL}/data/datapackage.json"


def test_circles_json_has_every_circle_and_its_schedule(site):
    data = json.loads((site / "data" / "circles.json").read_text(encoding="utf-8"))
    rows = {row["id"]: row for row in read_csv(site / "data" / "circles.csv")}
    assert [c["id"] for c in data["circles"]] == sorted(records("circles"))
    assert data["licenses"][0]["name"] == "CC0-1.0"
    for circle in data["circles"]:
        meetings = circle["schedule"]["meetings"]
        assert len(meetings) == int(rows[circle["id"]]["derived_meeting_count"])
        assert meetings[0] == rows[circle["id"]]["derived_first_meeting"]
        assert circle["status"] == rows[circle["id"]]["derived_status"]


def test_the_data_page_lists_every_column_from_the_descriptor(site):
    soup = BeautifulSoup((site / "data" / "index.html").read_text(encoding="utf-8"), "lxml")
    shown = [code.get_text() for code in soup.select("#columns ~ dl dt code, section dl dt code")]
    for resource in descriptor(site)["resources"]:
        for field in resource["schema"]["fields"]:
            assert field["name"] in shown
            assert soup.find(string=re.compile(re.escape(field["description"][:40])))
    hrefs = [a["href"] for a in soup.select("main a[href]") if not a["href"].startswith("http")]
    for href in hrefs:
        target = (site / "data" / href).resolve()
        assert (target / "index.html" if href.endswith("/") else target).is_file(), href
    assert soup.select_one('a[rel~="license"]')["href"] == "https://creativecommons.org/publicdomain/zero/1.0/"


def test_the_data_page_is_linked_from_home_and_every_footer(site):
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "lxml")
    assert home.select_one('.ways-in a[href="./data/"]')
    assert home.select_one('footer a[href="./data/"]')
    network = BeautifulSoup((site / "networks" / "p2pu" / "index.html").read_text(encoding="utf-8"), "lxml")
    assert network.select_one('footer a[href="../../data/"]')


def test_two_builds_are_byte_identical(site, tmp_path):
    again = build(CONTENT, tmp_path / "again")
    for folder in ("data", "feeds"):
        first = {p.relative_to(site): p.read_bytes() for p in sorted((site / folder).rglob("*")) if p.is_file()}
        second = {p.relative_to(again): p.read_bytes() for p in sorted((again / folder).rglob("*")) if p.is_file()}
        assert first == second


def test_a_hostile_title_is_data_not_markup(tree, tmp_path):
    content = tree(circles__python=CIRCLE.replace("Python for beginners", f"'{HOSTILE}'"))
    output = build(content, tmp_path / "output")
    rows = read_csv(output / "data" / "circles.csv")
    assert rows[0]["title"] == HOSTILE
    geojson = json.loads((output / "data" / "circles.geojson").read_text(encoding="utf-8"))
    assert geojson["features"][0]["properties"]["title"] == HOSTILE
    page = (output / "data" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page


def test_the_data_page_has_no_accessibility_violations(site, browser, served_site):
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed: run `npm ci`")
        pytest.skip("axe-core is not installed (npm ci)")
    base = served_site(site)
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 900})
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())  # nothing leaves the machine
    page = context.new_page()
    page.goto(f"{base}data/")
    page.add_script_tag(path=str(AXE))
    report = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})""")
    # WCAG 1.4.10: nothing on the page scrolls sideways on a phone.
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    context.close()
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in report["violations"]] == []
    assert overflow <= 0


#: Cells of every type the package uses, as rows hold them.
SAMPLES = {
    "string": ["Toronto", "", "a, b", 'say "hi"', "line\nbreak", "Montréal 🎉", "https://example.org/a?b=c"],
    "integer": [0, 12, -3, 10**20], "number": [Decimal("43.65"), -79.4, Decimal("1E-7"), Decimal("-0.0"), 5, 0.1],
    "boolean": [True, False], "date": [dt.date(2026, 3, 7), dt.date(1, 1, 1), dt.date(9999, 12, 31)],
    "time": [dt.time(18, 30), dt.time(0, 0), dt.time(23, 59, 59), dt.time(9, 5, tzinfo=dt.UTC)],
    "datetime": [dt.datetime(2026, 3, 7, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
                 dt.datetime(2026, 11, 1, 1, 30, tzinfo=ZoneInfo("America/Toronto")), dt.datetime(2026, 3, 7, tzinfo=dt.UTC)],
}


def package_fields() -> list[list[dict]]:
    return [resource["schema"]["fields"] for resource in published_descriptor({"SITEURL": ""}, dt.date(2026, 11, 22))["resources"]]


def test_cells_are_written_as_frictionless_writes_them():
    """datafiles.writers, the one CSV writer, against frictionless's own, for every field of the
    published package (schema/datapackage.json and the derived columns) and a few other options."""
    extra = [{"name": "yes", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
             {"name": "day", "type": "date", "format": "%d/%m/%Y"}, {"name": "at", "type": "time"},
             {"name": "days", "type": "list", "itemType": "date", "delimiter": ";"},
             {"name": "uri", "type": "string", "format": "uri"}, {"name": "n", "type": "integer", "bareNumber": False}]
    seen = set()
    for fields in [*package_fields(), extra]:
        schema = frictionless.Schema.from_descriptor({"fields": fields})
        theirs = {field.name: field for field in schema.fields}
        for field, (name, ours) in zip(fields, writers(fields), strict=True):
            seen.add((field["type"], field.get("format", "default"), field.get("itemType")))
            item = field.get("itemType", "string")
            values = [[v, v] for v in SAMPLES[item]] + [[]] if field["type"] == "list" else SAMPLES[field["type"]]
            for value in values:
                if field["type"] == "datetime":
                    # Written as RFC 3339 (a colon in the offset), not frictionless's %z: its reader takes both.
                    read, notes = theirs[name].create_cell_reader()(ours(value))
                    assert (read.isoformat(), notes) == (value.isoformat(), None), (name, value)
                else:
                    assert ours(value) == theirs[name].create_value_writer()(value), (name, value)
    assert {kind for kind, _, _ in seen} >= {"string", "integer", "number", "boolean", "date", "time", "datetime", "list"}


@pytest.mark.parametrize("field", [
    {"name": "grouped", "type": "number", "groupChar": " "}, {"name": "comma", "type": "number", "decimalChar": ","},
    {"name": "year", "type": "year"}, {"name": "at", "type": "datetime", "format": "%d/%m/%Y %H:%M"},
    {"name": "any", "type": "any"}, {"name": "years", "type": "list", "itemType": "year"},
])
def test_a_field_the_writer_does_not_know_is_an_error(field):
    with pytest.raises(CirclesError, match=f"field '{field['name']}' is of type '{field['type']}'"):
        writers([{"name": "id", "type": "string"}, field])


def test_the_writers_do_not_import_frictionless():
    check = ("import datetime as dt, sys\nfrom circles.exports.datafiles import writers\nfrom circles.exports.opendata import published_descriptor\n"
             "for resource in published_descriptor({'SITEURL': ''}, dt.date(2026, 11, 22))['resources']:\n"
             "    writers(resource['schema']['fields'])\nassert 'frictionless' not in sys.modules")
    assert subprocess.run([sys.executable, "-c", check], cwd=ROOT).returncode == 0  # a third of a second saved per build
