"""`circles import all`: the imports listed in imports.yml, each run and reported, the others run when one
fails; sources on a local HTTP server; every mistake in the list named by its line, before anything runs."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from circles.tools.cli import main
from circles.tools.importing.scheduled import Import, ImportsError, read_imports
from tests.browser import serve
from tests.conftest import ROOT

CALENDARS = ROOT / "tests" / "fixtures" / "calendars"
EPOCH = str(int(dt.datetime(2026, 11, 22, tzinfo=dt.UTC).timestamp()))

MAPPING = """\
source:
  name: Example branch list
  licence: CC0-1.0
id:
  key: code
  prefix: ex
fields:
  name: name
  street: street
  city: city
  region: region
  postal_code: postal
  country: {value: CA}
  latitude: lat
  longitude: lon
  network: {value: net}
"""
# Parkdale: address and coordinates from City of Toronto Open Data (2023).
BRANCHES = ("code,name,street,city,region,postal,lat,lon\r\n"
            "PK,Parkdale,1303 Queen Street West,Toronto,ON,M6K 1L6,43.639236,-79.444588\r\n")


def write(folder: Path, text: str) -> Path:
    path = folder / "imports.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def served(tmp_path):
    """The calendar fixtures and a branch list over HTTP: yields the base address."""
    folder = tmp_path / "served"
    folder.mkdir()
    for name in ("google.ics", "outlook.ics"):
        (folder / name).write_bytes((CALENDARS / name).read_bytes())
    (folder / "branches.csv").write_text(BRANCHES, encoding="utf-8", newline="")
    with serve(folder) as base:
        yield base


def test_each_import_runs_and_one_that_fails_does_not_stop_the_others(tree, tmp_path, served, monkeypatch, capsys):
    content = tree()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "branches.yml").write_text(MAPPING, encoding="utf-8")
    config = write(tmp_path, f"""\
        # The imports of the test directory.
        imports:
          - kind: calendar
            source: {served}google.ics
            library: central
          - kind: calendar
            source: {served}missing.ics
            library: central
          - kind: libraries
            source: {served}branches.csv
            mapping: mappings/branches.yml
          - kind: calendar
            source: {served}outlook.ics
            library: nowhere
          - kind: calendar
            source: {served}outlook.ics
            library: central
            name: Central Branch (Outlook)
            language: fr
            max_size: "1"
            timeout: "5"
        """)
    code = main(["import", "all", "--config", str(config), "--content", str(content)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    shown = config.as_posix()
    assert [line for line in out if not line.startswith("  ")] == [
        f"{shown}:3: circles import calendar {served}google.ics --library central",
        f"{shown}:6: circles import calendar {served}missing.ics --library central",
        f"{shown}:9: circles import libraries {served}branches.csv --mapping mappings/branches.yml",
        f"{shown}:12: circles import calendar {served}outlook.ics --library nowhere",
        f"{shown}:15: circles import calendar {served}outlook.ics --library central --name Central Branch (Outlook) "
        "--language fr --max-size 1 --timeout 5",
        f"Imports: 3 done, 2 failed ({shown}:6, {shown}:12).",
    ]
    assert f"  failed: {served}missing.ics: the server answered HTTP 404 File not found" in out
    assert any(line.startswith("  failed: --library nowhere: there is no library 'nowhere'") for line in out)
    assert f"  Read {served}branches.csv: CSV, utf-8, comma-separated, 8 columns, 1 rows." in out  # not a temporary file
    assert any(line.endswith("libraries/ex-parkdale.yml: added from line 2 — Parkdale") for line in out)
    circles = sorted(p.stem for p in (content / "circles").glob("*.yml"))
    assert circles == ["central-computer-basics-circle-2027-01", "central-python-for-beginners-2027-01",
                       "central-spanish-conversation-circle-2027-02", "python"]
    assert (content / "libraries" / "ex-parkdale.yml").is_file()
    assert "language: fr" in (content / "circles" / "central-computer-basics-circle-2027-01.yml").read_text(encoding="utf-8")


def test_a_dry_run_writes_nothing_and_all_succeeding_is_exit_status_0(tree, tmp_path, served, capsys):
    content = tree()
    config = write(tmp_path, f"""\
        imports:
          - kind: calendar
            source: {served}google.ics
            library: central
        """)
    before = sorted(p.name for p in content.rglob("*"))
    assert main(["import", "all", "--config", str(config), "--content", str(content), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "  Dry run: nothing was written." in out and out.rstrip().endswith("Imports: 1 done, 0 failed.")
    assert sorted(p.name for p in content.rglob("*")) == before


def test_paths_in_the_list_are_read_from_its_folder(tree, tmp_path, capsys):
    content = tree()
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "branch.ics").write_bytes((CALENDARS / "outlook.ics").read_bytes())
    config = write(tmp_path, "imports:\n  - kind: calendar\n    source: feeds/branch.ics\n    library: central\n")
    assert main(["import", "all", "--config", str(config), "--content", str(content)]) == 0
    assert (content / "circles" / "central-computer-basics-circle-2027-01.yml").is_file()


def test_every_mistake_in_the_list_is_named_by_its_line_and_nothing_runs(tree, tmp_path, capsys):
    content = tree()
    config = write(tmp_path, """\
        imports:
          - kind: calendars
            source: https://lib.example.net/events.ics
          - kind: calendar
            source: https://lib.example.net/events.ics
            libary: central
          - kind: directory
            source: https://circles.example.net/
            max_size: lots
          - kind: libraries
            source: branches.csv
          - just a line
        schedule: weekly
        """)
    with pytest.raises(ImportsError) as raised:
        read_imports(config)
    shown = config.as_posix()
    assert str(raised.value).splitlines()[1:] == [
        f"{shown}:13: schedule: not a key of the list of imports — the file holds one key, imports:, with the list under it",
        f"{shown}:2: imports[0].kind: 'calendars' is not a kind of import — use one of: libraries, directory, calendar",
        f"{shown}:6: imports[1].libary: not an option of a calendar import — did you mean 'library'?",
        f"{shown}:4: imports[1]: a calendar import needs 'library:'",
        f"{shown}:9: imports[2].max_size: 'lots' is not a positive number",
        f"{shown}:10: imports[3]: a libraries import needs 'mapping:'",
        f"{shown}:12: imports[4]: should be an import: kind, source and its options",
    ]
    assert main(["import", "all", "--config", str(config), "--content", str(content)]) == 1
    assert "nothing was imported" in capsys.readouterr().err


def test_the_shipped_list_is_valid_and_runs_nothing(tree, capsys):
    """imports.yml ships with its examples commented out: the weekly workflow has nothing to do until a
    maintainer lists a source."""
    assert read_imports(ROOT / "imports.yml") == []
    text = (ROOT / "imports.yml").read_text(encoding="utf-8")
    examples = "\n".join(line.replace("#   ", "  ", 1) for line in text.splitlines() if line.startswith(("imports:", "#   ")))
    path = tree().parent / "examples.yml"
    path.write_text(examples, encoding="utf-8")
    assert [item.kind for item in read_imports(path)] == ["libraries", "directory", "calendar"]
    assert main(["import", "all", "--config", str(ROOT / "imports.yml")]) == 0
    assert "lists no imports: nothing to do." in capsys.readouterr().out


def test_an_import_says_the_command_it_runs():
    item = Import("directory", 3, {"source": "https://x.example.org/", "prefix": "x", "max_size": "8"})
    assert item.describe() == "circles import directory https://x.example.org/ --prefix x --max-size 8"


def test_a_directory_import_gets_its_options(tree, tmp_path, served, capsys):
    content = tree()
    (tmp_path / "served" / "data").mkdir()
    (tmp_path / "served" / "data" / "datapackage.json").write_text('{"resources": []}' + " " * 5000, encoding="utf-8")
    config = write(tmp_path, f"""\
        imports:
          - kind: directory
            source: {served}data/datapackage.json
            prefix: rv
            max_size: "0.001"
            timeout: "5"
        """)
    assert main(["import", "all", "--config", str(config), "--content", str(content)]) == 1
    out = capsys.readouterr().out
    assert f"  failed: {served}data/datapackage.json: 5,017 bytes, larger than 1,000 bytes: not read" in out  # max_size
