"""`circles import libraries`: lists in any encoding and shape into records that validate, re-imports
that keep hand edits, and a report that gives every skipped row its line and reason."""

from __future__ import annotations

import codecs
import json
import re
import shutil
import textwrap
import time
from pathlib import Path

import pytest

from circles.records.load import parse
from circles.records.validate import validate_tree
from circles.tools.cli import main
from circles.tools.importing.libraries import import_libraries
from circles.tools.importing.mapping import MappingError, read_mapping
from circles.tools.importing.report import report_lines
from circles.tools.importing.sources import decode, detect_delimiter
from circles.tools.importing.titles import title_case
from tests.conftest import ROOT

DATA = ROOT.parent / "shared" / "data"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"the public data files are not in {DATA}")

MAPPING = """\
# A branch list of the example network.
source:
  name: Example branch list
  url: https://data.lib.example.net/branches
  licence: CC0-1.0
  date: 2026-11-01
id:
  key: code
  prefix: ex
skip:
  - column: type
    values: [bookmobile, books-by-mail]
    reason: not a place open to the public
fields:
  name: name
  street: street
  city: city
  region: region
  postal_code: postal
  country: {value: CA}
  latitude: lat
  longitude: lon
  phone: phone
  network: {value: net}
"""

HEADER = ["code", "name", "street", "city", "region", "postal", "lat", "lon", "phone", "type"]
ROWS = [
    # Parkdale: address and coordinates from City of Toronto Open Data (2023).
    ["PK", "Parkdale", "1303 Queen Street West", "Toronto", "ON", "M6K 1L6", "43.639236", "-79.444588", "416-393-7686", "branch"],
    ["BK", "Bookmobile One", "", "", "", "", "", "", "", "bookmobile"],
    ["AL", "Answerline", "", "", "", "", "", "", "416-397-5981", "service"],
    # 6 m from Parkdale: the same building under another name.
    ["PA", "Parkdale Annex", "1303 Queen Street West", "Toronto", "ON", "M6K 1L6", "43.63929", "-79.44456", "", "branch"],
    # The same name and postal code as libraries/central.yml (conftest), without coordinates.
    ["CB", "Central Branch", "789 Yonge Street", "Toronto", "ON", "M4W 2G8", "", "", "", "branch"],
    ["NW", "Lakeview Reading Room", "1 Shore Road", "Nowhereville", "ON", "", "", "", "", "branch"],
    ["ND", "Northern District", "40 Orchard View Boulevard", "Toronto", "ON", "M4R 1B9", "", "", "", "branch"],
    ["SJ", "Bibliothèque Saint-Jean", "12 Rue Principale", "Montréal", "QC", "H2X 1Y4", "45.5101", "-73.5702", "", "branch"],
    ["RU", "Библиотека", "100 Bloor Street West", "Toronto", "ON", "M5S 1L2", "43.6689", "-79.3936", "", "branch"],
]


def csv_text(rows=ROWS, delimiter=",", decimal="."):
    def cell(value):
        value = value.replace(".", decimal) if decimal != "." and value[:1] in "-4" and value.replace("-", "").replace(".", "").isdigit() else value
        return f'"{value}"' if delimiter in value or "\n" in value else value
    return "".join(delimiter.join(cell(v) for v in row) + "\r\n" for row in [HEADER, *rows])


@pytest.fixture
def content(tree):
    return tree()


@pytest.fixture
def files(tmp_path):
    def write(name: str, data: str | bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path
    return write


def run(files, content, data, mapping=MAPPING, name="branches.csv", **options):
    return import_libraries(files(name, data), files("mapping.yml", mapping), content, **options)


def libraries(content):
    return sorted(p.stem for p in (content / "libraries").glob("*.yml"))


def record(content, library_id):
    return parse((content / "libraries" / f"{library_id}.yml").read_text(encoding="utf-8"))[0]


def errors_in(content):
    return [p.flat() for p in validate_tree(content).problems if p.is_error]


# Reading lists


def test_a_utf8_file_with_a_byte_order_mark(files, content):
    report = run(files, content, codecs.BOM_UTF8 + csv_text().encode("utf-8"))
    assert "utf-8 with BOM" in report.read
    assert record(content, "ex-bibliotheque-saint-jean")["address"]["city"] == "Montréal"
    assert record(content, "ex-parkdale")["provenance"]["id"] == "PK"  # the first column is 'code', not '\ufeffcode'
    assert errors_in(content) == []


def test_a_windows_1252_file_is_detected(files, content):
    rows = [row for row in ROWS if row[0] != "RU"]  # Cyrillic has no place in cp1252
    report = run(files, content, csv_text(rows).encode("cp1252"))
    assert "cp1252" in report.read
    assert record(content, "ex-bibliotheque-saint-jean")["name"] == "Bibliothèque Saint-Jean"
    assert errors_in(content) == []


def test_semicolons_and_decimal_commas(files, content):
    report = run(files, content, csv_text(delimiter=";", decimal=","))
    assert "semicolon-separated" in report.read
    assert (record(content, "ex-parkdale")["latitude"], record(content, "ex-parkdale")["longitude"]) == ("43.639236", "-79.444588")


def test_geojson_with_coordinates_written_as_text(files, content):
    features = [{"type": "Feature", "properties": {h: v for h, v in zip(HEADER, row) if h not in ("lat", "lon")},
                 "geometry": {"type": "Point", "coordinates": [row[7], row[6]]} if row[6] else None} for row in ROWS]
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1)
    mapping = MAPPING.replace("  latitude: lat\n  longitude: lon\n", "")
    report = run(files, content, text, mapping, name="branches.geojson")
    assert report.read.startswith("GeoJSON")
    assert (record(content, "ex-parkdale")["latitude"], record(content, "ex-parkdale")["longitude"]) == ("43.639236", "-79.444588")
    bookmobile = next(n for n in report.skipped if n.name == "Bookmobile One")
    assert text.splitlines()[bookmobile.line - 1].strip() == '"type": "Feature",'  # the line of its feature
    assert errors_in(content) == []


def test_a_quoted_cell_over_two_lines_keeps_the_lines_of_later_rows(files, content):
    rows = [[*ROWS[0][:2], "1303 Queen Street West\nGround floor", *ROWS[0][3:]], *ROWS[1:3]]
    report = run(files, content, csv_text(rows))
    assert record(content, "ex-parkdale")["address"]["street"] == "1303 Queen Street West Ground floor"
    assert [(n.line, n.name) for n in report.skipped] == [(4, "Bookmobile One"), (5, "Answerline")]


def test_the_delimiter_and_the_encoding_rules():
    assert detect_delimiter('name;"street, number";city\n') == ";"
    assert detect_delimiter("name\tcity\n") == "\t"
    assert detect_delimiter("name\n") == ","
    assert decode("Café".encode("cp1252"), "", Path("x")) == ("Café", "cp1252")
    assert decode(b"Caf\x81", "", Path("x")) == ("Caf\x81", "latin-1")  # 0x81 is no character in cp1252
    assert decode(codecs.BOM_UTF16_LE + "Café".encode("utf-16-le"), "", Path("x"))[0] == "Café"


# What is written, what is skipped, and why


def test_every_skipped_row_is_reported_with_its_line_and_reason(files, content):
    report = run(files, content, csv_text())
    assert [(n.line, n.code) for n in report.skipped] == [(3, "skipped"), (4, "no-address"), (7, "no-place")]
    assert report.skipped[0].message == "not a place open to the public (type is bookmobile)"
    assert "no coordinates and no known town" in report.skipped[2].message
    assert [(n.line, n.code) for n in report.duplicates] == [(5, "duplicate"), (6, "duplicate")]
    assert report.duplicates[0].message.startswith("6 m from ")
    assert report.duplicates[1].message.startswith("the same name and postal code as ")
    assert report.duplicates[1].message.endswith("libraries/central.yml, probably the same library (id CB)")
    assert libraries(content) == ["central", "ex-biblioteka", "ex-bibliotheque-saint-jean", "ex-northern-district", "ex-parkdale"]
    assert [(n.line, n.code) for n in report.notes] == [(8, "approximate")]
    assert errors_in(content) == []
    lines = report_lines(report)
    assert lines[-1].startswith("Summary: 4 added, 0 updated, 0 unchanged, 3 skipped (1 no address, 1 no coordinates and "
                                "no known town, 1 not a place open to the public), 2 near-duplicates")


def test_a_record_says_where_it_comes_from(files, content):
    run(files, content, csv_text())
    text = (content / "libraries" / "ex-parkdale.yml").read_text(encoding="utf-8")
    data = parse(text)[0]
    assert text.startswith("# Imported from Example branch list (PK) with ")
    assert data["provenance"] == {"source": "Example branch list", "id": "PK", "url": "https://data.lib.example.net/branches",
                                  "licence": "CC0-1.0", "date": "2026-11-01"}
    assert data["coordinates"] == {"source": "Example branch list", "precision": "address", "date": "2026-11-01"}
    assert data["network"] == "net" and data["address"]["postal_code"] == "M6K 1L6"
    assert "latitude" not in record(content, "ex-northern-district")  # placed at the town centre until geocoded


def test_a_value_the_validator_refuses_is_left_out_with_a_note(files, content):
    mapping = MAPPING.replace("  phone: phone\n", "  phone: phone\n  website: website\n")
    rows = [[*row, "www.tpl.ca/parkdale"] for row in ROWS[:1]]  # no https://
    header = [*HEADER, "website"]
    text = "".join(",".join(r) + "\n" for r in [header, *rows])
    report = run(files, content, text, mapping)
    assert "website" not in record(content, "ex-parkdale")
    [note] = report.notes
    assert note.code == "dropped" and note.message.startswith("website left out:")


def test_ids_are_unique(files, content):
    rows = [ROWS[0], ["P2", "Parkdale", "1 King Street West", "Hamilton", "ON", "L8P 1A1", "43.2566", "-79.8689", "", "branch"],
            ["P3", "Parkdale", "2 King Street West", "Hamilton", "ON", "L8P 1A2", "43.2575", "-79.8710", "", "branch"]]
    run(files, content, csv_text(rows))
    assert libraries(content) == ["central", "ex-parkdale", "ex-parkdale-hamilton", "ex-parkdale-hamilton-2"]


# Importing again


def test_a_reimport_updates_what_changed_and_keeps_hand_edits(files, content):
    run(files, content, csv_text())
    path = content / "libraries" / "ex-parkdale.yml"
    edited = path.read_text(encoding="utf-8").replace("name: Parkdale\n", "name: PARKDALE\n# Amina checked this in May.\n")
    path.write_text(edited + "accessibility: Step-free entrance on Queen Street.\n", encoding="utf-8")
    rows = [[*ROWS[0][:8], "416-393-7000", "branch"], *ROWS[1:6],
            ["ND", "Northern District Branch", *ROWS[6][2:]], *ROWS[8:]]  # Saint-Jean has gone
    report = run(files, content, csv_text(rows))
    text = path.read_text(encoding="utf-8")
    assert "name: PARKDALE\n# Amina checked this in May.\n" in text  # the same name, written otherwise: kept
    assert text.endswith("accessibility: Step-free entrance on Queen Street.\n")
    assert record(content, "ex-parkdale")["phone"] == "416-393-7000"
    assert [(n.path.rsplit("/", 1)[1], n.message) for n in report.updated] == [
        ("ex-parkdale.yml", "phone '416-393-7686' → '416-393-7000'"),
        ("ex-northern-district.yml", "name 'Northern District' → 'Northern District Branch'")]
    assert "ex-northern-district-branch" not in libraries(content)  # the same row keeps its id
    assert report.unchanged == 1 and report.added == []
    [gone] = report.vanished
    assert gone.code == "vanished" and gone.path.endswith("ex-bibliotheque-saint-jean.yml")
    assert (content / "libraries" / "ex-bibliotheque-saint-jean.yml").is_file()  # reported, not deleted
    assert errors_in(content) == []


def test_a_value_the_list_gains_goes_where_the_schema_puts_it(files, content):
    rows = [[*ROWS[8][:4], "", *ROWS[8][5:]]]  # no region at first
    run(files, content, csv_text(rows))
    path = content / "libraries" / "ex-biblioteka.yml"
    path.write_text(path.read_text(encoding="utf-8") + "description: Books in Russian.  # a note\n", encoding="utf-8")
    run(files, content, csv_text([[*ROWS[8][:8], "416-393-7000", "branch"]]))
    text = path.read_text(encoding="utf-8")
    assert text.split("\n", 2)[2] == textwrap.dedent("""\
        name: Библиотека
        network: net
        phone: "416-393-7000"
        address:
          street: 100 Bloor Street West
          city: Toronto
          region: "ON"
          postal_code: M5S 1L2
          country: CA
        latitude: 43.6689
        longitude: -79.3936
        coordinates:
          source: Example branch list
          precision: address
          date: 2026-11-01
        provenance:
          source: Example branch list
          id: RU
          url: https://data.lib.example.net/branches
          licence: CC0-1.0
          date: 2026-11-01
        description: Books in Russian.  # a note
        """)


def test_a_reimport_of_the_same_list_changes_nothing(files, content):
    run(files, content, csv_text())
    before = {p.name: p.read_bytes() for p in (content / "libraries").iterdir()}
    report = run(files, content, csv_text())
    assert (report.added, report.updated, report.unchanged) == ([], [], 4)
    assert {p.name: p.read_bytes() for p in (content / "libraries").iterdir()} == before


# The command


def circles(capsys, *args):
    code = main(["import", "libraries", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_dry_run_writes_nothing_and_says_what_would_change(files, content, capsys, monkeypatch):
    monkeypatch.chdir(content.parent)
    data, mapping = files("branches.csv", csv_text()), files("mapping.yml", MAPPING)
    code, out, err = circles(capsys, data, "--mapping", mapping, "--content", content, "--dry-run")
    assert code == 0 and err == ""
    assert libraries(content) == ["central"]
    assert "content/libraries/ex-parkdale.yml: would be added from line 2 — Parkdale" in out
    assert "branches.csv:3: skipped: not a place open to the public (type is bookmobile) — Bookmobile One" in out
    assert out.rstrip().endswith("Dry run: nothing was written. Run again without --dry-run to write these changes.")


BAD_MAPPING = """\
fields:
  name: name
  citty: city
  country: {column: country, value: CA}
  latitude: lat
  phone: {column: phone, pattern: '(', case: shouting}
id:
  prefix: Bad_Prefix
"""


def test_a_bad_mapping_is_reported_by_line_and_key_without_a_traceback(files, content, capsys, monkeypatch):
    monkeypatch.chdir(files("x", "").parent)
    data, mapping = files("branches.csv", csv_text()), files("mapping.yml", BAD_MAPPING)
    code, out, err = circles(capsys, data, "--mapping", mapping, "--content", content)
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.splitlines() == [
        "circles: the mapping needs fixing, nothing was imported:",
        "mapping.yml:1: source: is required: the data set's `name:`, and its `url:` and `licence:` when known",
        "mapping.yml:3: fields.citty: not a key of a mapping — did you mean 'city'?",
        "mapping.yml:4: fields.country: give either `column:` (the column that holds it) or `value:` (one value for every row)",
        "mapping.yml:6: fields.phone.case: 'shouting' is not one of title, upper, lower",
        "mapping.yml:6: fields.phone.pattern: not a regular expression (missing ), unterminated subpattern at position 0) — "
        "write it in single quotes",
        "mapping.yml:1: fields.city: is required: the column that holds it, or `value:` for one value for every row",
        "mapping.yml:5: fields.latitude: latitude and longitude go together: name both columns",
        "mapping.yml:8: id.prefix: 'Bad_Prefix' should be lowercase letters, digits and hyphens, e.g. tpl",
    ]
    assert libraries(content) == ["central"]


def test_a_column_the_file_lacks_is_named_with_the_closest_one(files, content):
    with pytest.raises(MappingError) as raised:
        run(files, content, csv_text(), MAPPING.replace("street: street", "street: stret"))
    [message] = raised.value.messages
    assert re.fullmatch(r".*mapping\.yml:16: fields\.street: .*branches\.csv has no column 'stret' — did you mean 'street'\?",
                        message)


def test_a_network_that_is_not_listed_stops_the_import(files, content):
    with pytest.raises(MappingError, match="fields.network: nowhere is not in .*networks/ — add the network first"):
        run(files, content, csv_text(), MAPPING.replace("{value: net}", "{value: nowhere}"))
    assert libraries(content) == ["central"]


def test_a_yaml_mistake_in_the_mapping_is_a_message(files, content):
    with pytest.raises(MappingError, match=r"mapping.yml:3: the file is not valid YAML"):
        run(files, content, csv_text(), "source:\n  name: x\n   url: y\n")


def test_titles_from_capitals():
    assert title_case("CHUGIAK-EAGLE RIVER LIBRARY") == "Chugiak-Eagle River Library"
    assert title_case("710 W CÉSAR CHÁVEZ ST") == "710 W César Chávez St"
    assert title_case("2ND AND MAIN STREET") == "2nd and Main Street"
    assert title_case("DR. MARTIN LUTHER KING, JR. LIBRARY") == "Dr. Martin Luther King, Jr. Library"
    assert title_case("O'NEILL P.O. BOX 12 NW") == "O'Neill P.O. Box 12 NW"
    assert title_case("Already Written Well") == "Already Written Well"


# The two lists the project ships mappings for


@needs_data
def test_the_toronto_public_library_list(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "networks", content / "networks")
    report = import_libraries(DATA / "toronto_tpl_branches_2023.csv", ROOT / "mappings" / "toronto-public-library.yml", content)
    assert (len(report.added), len(report.skipped), len(report.duplicates)) == (100, 12, 0)
    assert {n.message for n in report.skipped} == {"not a place open to the public (PhysicalBranch is 0)"}
    assert record(content, "tpl-fort-york")["address"] == {"street": "190 Fort York Boulevard", "city": "Toronto",
                                                          "region": "ON", "postal_code": "M5V 0E7", "country": "CA"}
    assert errors_in(content) == []


@needs_data
def test_the_toronto_list_beside_the_sample_libraries(tmp_path):
    content = tmp_path / "content"
    for kind in ("networks", "libraries"):
        shutil.copytree(ROOT / "content" / kind, content / kind)
    report = import_libraries(DATA / "toronto_tpl_branches_2023.csv", ROOT / "mappings" / "toronto-public-library.yml",
                              content, dry_run=True)
    assert sorted(re.search(r"libraries/([a-z-]+\.yml)", n.message)[1] for n in report.duplicates) == [
        "tpl-albion.yml", "tpl-fort-york.yml", "tpl-north-york-central.yml", "tpl-parkdale.yml",
        "tpl-scarborough-civic-centre.yml", "tpl-toronto-reference-library.yml"]


@needs_data
@pytest.mark.slow
def test_the_imls_list_of_every_us_public_library(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "networks", content / "networks")
    start = time.perf_counter()
    report = import_libraries(DATA / "us_imls_pls_fy19_outlets.csv", ROOT / "mappings" / "us-imls-pls-fy19-outlets.yml", content)
    assert time.perf_counter() - start < 120
    assert "cp1252" in report.read and "17496 rows" in report.read
    assert (len(report.added), len(report.skipped), len(report.duplicates)) == (16803, 630, 63)
    assert {n.message.rsplit(" (", 1)[0] for n in report.skipped} == {"not a place open to the public"}
    austin = record(content, "tx-austin-public-library")
    assert austin["address"]["street"] == "710 W César Chávez St" and austin["phone"] == "512-974-7400"
    assert record(content, "il-chicago-public-library")["network"] == "chicago-public-library"
    assert errors_in(content) == []
    again = import_libraries(DATA / "us_imls_pls_fy19_outlets.csv", ROOT / "mappings" / "us-imls-pls-fy19-outlets.yml",
                             content, dry_run=True)
    assert (len(again.added), len(again.updated), again.unchanged) == (0, 0, 16803)


def test_the_shipped_mappings_read_without_mistakes():
    for path in sorted((ROOT / "mappings").glob("*.yml")):
        assert read_mapping(path).source.licence, path


def test_the_guide_is_linked_from_contributing_and_its_example_mapping_reads(tmp_path):
    assert "(docs/importing.md)" in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "importing.md").read_text(encoding="utf-8")
    example = textwrap.dedent(re.search(r"```yaml\n(.*?)```", guide, re.S)[1])
    (tmp_path / "my-network.yml").write_text(example, encoding="utf-8")
    mapping = read_mapping(tmp_path / "my-network.yml")
    assert mapping.key == ("BranchID",) and mapping.fields["region"].value == "ON"
