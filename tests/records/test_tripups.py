"""What a librarian trips over (issue 23): a file that is silently not a record, and mistakes told one at a time."""

from __future__ import annotations

import pytest

from circles.records.load import load_file
from circles.records.validate import validate_tree
from circles.tools.cli import main
from tests.conftest import CIRCLE


def flat(content):
    return [(p.path.rsplit("content/", 1)[-1], p.line, p.field, p.code) for p in validate_tree(content).problems]


# A file in a record folder that is not a record


@pytest.mark.parametrize("name, code, stem", [
    ("python-class-march", "wrong-extension", "python-class-march"),  # saved without .yml in GitHub's editor
    ("Python Class March", "wrong-extension", "python-class-march"),  # and named as a title
    ("python-class-march.yaml.txt", "wrong-extension", "python-class-march"),
    ("python-class-march.YML", "wrong-extension", "python-class-march"),
    ("python-class-march.txt", "wrong-extension", "python-class-march"),
    ("notes.md", "wrong-extension", "notes"),
])
def test_a_file_in_a_record_folder_that_is_not_a_record_is_an_error(tree, name, code, stem):
    content = tree()
    (content / "circles" / name).write_text(CIRCLE)
    assert flat(content) == [(f"circles/{name}", 1, "", code)]
    assert f"{stem}.yml" in validate_tree(content).problems[0].hint


def test_hidden_files_and_a_readme_stay_silent(tree):
    content = tree()
    for name in (".gitkeep", ".DS_Store", "README.md", "readme.txt"):
        (content / "circles" / name).write_text("")
    (content / "circles" / ".drafts").mkdir()
    (content / "circles" / ".drafts" / "python").write_text(CIRCLE)
    (content / "notes.txt").write_text("not in a record folder: not our business")
    assert flat(content) == []


def test_a_file_in_a_subfolder_of_a_record_folder_is_reported(tree):
    content = tree()
    (content / "circles" / "2026").mkdir()
    (content / "circles" / "2026" / "python-class").write_text(CIRCLE)
    assert flat(content) == [("circles/2026/python-class", 1, "", "wrong-extension")]


def test_validate_fails_on_a_file_saved_without_yml(tree, capsys, monkeypatch):
    content = tree()
    (content / "circles" / "python-class-march").write_text(CIRCLE)
    monkeypatch.chdir(content.parent)
    assert main(["validate"]) == 1
    assert main(["validate", "content/circles/python-class-march"]) == 1
    out = capsys.readouterr().out
    assert "content/circles/python-class-march:1: " in out and "rename it to python-class-march.yml" in out


def test_a_path_that_does_not_exist_is_an_error(tree, capsys, monkeypatch):
    monkeypatch.chdir(tree().parent)
    assert main(["validate", "content/circles/does-not-exist.yml"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("content/circles/does-not-exist.yml:1: ")
    assert main(["validate", "content/circles/pyhton.yml", "--format", "json"]) == 1
    assert '"code": "no-such-file"' in capsys.readouterr().out


def test_a_misspelt_path_gets_a_suggestion(tree, capsys, monkeypatch):
    monkeypatch.chdir(tree().parent)
    assert main(["validate", "content/circles/pyhton.yml", "content/circles/python.yml"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "content/circles/pyhton.yml:1: there is no such file or folder — did you mean 'python.yml'?")


# Every tabbed line at once


def load(tmp_path, text: str):
    path = tmp_path / "rec.yml"
    path.write_text(text)
    return load_file(path, "rec.yml", "circles")


def test_every_tabbed_line_is_reported_at_once(tmp_path):
    text = "title: A\nschedule:\n\tstart_date: 2026-01-01\n\tweeks: 6\n  \tstart_time: 18:00\nsignup: drop-in\n"
    record, problems = load(tmp_path, text)
    assert record is None
    assert [(p.line, p.code) for p in problems] == [(3, "tab-indent"), (4, "tab-indent"), (5, "tab-indent")]


def test_every_tabbed_line_reaches_the_command_line(tree, capsys, monkeypatch):
    tabbed = CIRCLE.replace("\n  ", "\n\t")
    content = tree(circles__python=tabbed)
    monkeypatch.chdir(content.parent)
    assert main(["validate", "--format", "json"]) == 1
    assert capsys.readouterr().out.count('"tab-indent"') == tabbed.count("\n\t") > 1


# A syntax mistake told at its own line, and what it is

INDENT = "the file is not valid YAML: the line does not line up with the lines around it"
NBSP = "the file is not valid YAML: the line holds a non-breaking space (pasted from the web?)"
COLON = "the file is not valid YAML: there is no ':' after '{}'"


@pytest.mark.parametrize("text, expected", [
    # no colon: the parser stumbles on the next line and suggests quotes or indentation
    ("title: A\nlanguage en\nsignup: drop-in\n", [(2, COLON.format("language"))]),
    ("title: A\nlanguage:en\n", [(2, COLON.format("language"))]),
    ("title: A\nschedule:\n  weeks 6\n  start_time: 18:00\n", [(3, COLON.format("weeks"))]),
    ("title: A\nschedule:\n  skip:\n    - 2026-01-01\n  weeks 6\n", [(5, COLON.format("weeks"))]),
    ("title: A\nlinks:\n  -\n    url: x\n  - url: y\n    note: z\nweeks 6\n", [(7, COLON.format("weeks"))]),
    # three spaces, or one
    ("title: A\nschedule:\n  weeks: 6\n   start_time: 18:00\n", [(4, INDENT)]),
    ("title: A\nschedule:\n   weeks: 6\n  start_time: 18:00\n", [(3, INDENT)]),
    ("title: A\n language: en\n", [(2, INDENT)]),
    # non-breaking spaces pasted from a web page
    ("title: A\nschedule:\n\u00a0\u00a0weeks: 6\n  start_time: 18:00\n", [(3, NBSP)]),
    ("title: A\nlanguage:\u00a0en\nsignup: drop-in\n", [(2, NBSP)]),
    # every such line at once; text that goes on over lines is not one
    ("description: |\n  free text\n   no colon here\ntitle: A\nlanguage en\ntopics: [python,\n   data]\n"
     "signup drop-in\n",
     [(5, COLON.format("language")), (8, COLON.format("signup"))]),
])
def test_a_syntax_mistake_is_told_at_its_line(tmp_path, text, expected):
    record, problems = load(tmp_path, text)
    assert record is None
    assert [(p.line, p.message) for p in problems] == expected
    assert {p.code for p in problems} == {"yaml-syntax"}


def test_other_syntax_errors_keep_the_parsers_words(tmp_path):
    _, problems = load(tmp_path, "title: Python: the basics\nsignup: drop-in\n")
    assert [(p.line, p.hint) for p in problems] == [
        (1, "put quotes around a value that contains ': ', e.g. title: \"Python: the basics\"")]
