"""Documentation generated from the schema and settings stays current."""

from pathlib import Path

from circles.records.schema import load_schema
from circles.settings import DIRECTORY_DEFAULTS, GEOCODING_DEFAULTS, MAP_DEFAULTS
from circles.tools.cli import main
from circles.tools.docs import error_reference, field_reference

ROOT = Path(__file__).resolve().parents[2]


def test_field_reference_is_up_to_date():
    assert (ROOT / "docs" / "records.md").read_text(encoding="utf-8") == field_reference(), (
        "docs/records.md is out of date: run `make docs` and commit it")


def test_error_reference_is_up_to_date():
    assert (ROOT / "docs" / "errors.md").read_text(encoding="utf-8") == error_reference(), (
        "docs/errors.md is out of date: run `make docs` and commit it")


def test_docs_command_writes_and_checks_both_references(tmp_path, capsys):
    assert main(["docs", "--check", "--dir", str(tmp_path)]) == 1
    assert "records.md is out of date" in capsys.readouterr().err
    assert main(["docs", "--dir", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["errors.md", "records.md"]
    assert main(["docs", "--check", "--dir", str(tmp_path)]) == 0
    (tmp_path / "errors.md").write_text("stale", encoding="utf-8")
    assert main(["docs", "--check", "--dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip().endswith("errors.md is out of date: run 'circles docs' and commit the result")


def test_every_field_has_a_title_a_description_and_an_example():
    for resource in load_schema().values():
        for column in resource.columns.values():
            assert column.title and column.description and column.example, f"{resource.name}.{column.name}"


def test_every_setting_is_documented():
    docs = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for name, defaults in (("DIRECTORY", DIRECTORY_DEFAULTS), ("GEOCODING", GEOCODING_DEFAULTS), ("MAP", MAP_DEFAULTS)):
        section = docs.split(f"## `{name}`", 1)[1].split("\n## ", 1)[0]
        for key, (_, description) in defaults.items():
            assert f"| `{key}` |" in section and description in section, f"{name}[{key!r}] is not in docs/settings.md"


def test_code_passes_ruff():
    import subprocess
    import sys

    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", "plugins", "tests", "pelicanconf.py", "publishconf.py"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
