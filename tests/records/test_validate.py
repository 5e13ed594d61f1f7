"""Every validator rule, each with a failing fixture, asserted as flattened problems."""

import json
import logging

import pytest

from circles.records.validate import validate_tree
from circles.tools.cli import main
from tests.conftest import CIRCLE, LIBRARY, NETWORK


def flat(content, errors_only=False):
    problems = validate_tree(content).problems
    return [(p.path.rsplit("content/", 1)[-1], p.line, p.field, p.code) for p in problems
            if p.is_error or not errors_only]


def test_the_minimal_tree_is_valid(tree):
    assert flat(tree()) == []


def circle_with(old: str, new: str) -> str:
    assert old in CIRCLE, old
    return CIRCLE.replace(old, new)


@pytest.mark.parametrize("old, new, expected", [
    ("title: Python for beginners\n", "", [(1, "title", "missing")]),
    ("  start_time: 18:00\n", "  start_time: 25:00\n", [(12, "schedule.start_time", "wrong-type")]),
    ("  start_date: 2026-12-01\n", "  start_date: 2026-02-30\n", [(9, "schedule.start_date", "wrong-type")]),
    ("  weeks: 6\n", "  weeks: six\n", [(10, "schedule.weeks", "wrong-type")]),
    ("  weeks: 6\n", "  weeks: 0\n", [(10, "schedule.weeks", "out-of-range")]),
    ("  weeks: 6\n", "", [(8, "schedule", "no-length")]),
    ("  weeks: 6\n", "  weeks: 6\n  end_date: 2027-01-05\n", [(11, "schedule.end_date", "many-lengths")]),
    ("  weeks: 6\n", "  end_date: 2026-11-03\n", [(10, "schedule.end_date", "end-before-start")]),
    ("  weeks: 6\n", "  end_date: 2028-12-01\n", [(10, "schedule.end_date", "too-long")]),
    ("  weekdays: [tuesday]\n", "  weekdays: [wednesday]\n", [(9, "schedule.start_date", "weekday-mismatch")]),
    ("  weekdays: [tuesday]\n", "  weekdays: [tusday]\n", [(11, "schedule.weekdays", "bad-weekday")]),
    ("  weeks: 6\n", "  weeks: 6\n  skip: [2026-12-02]\n", [(11, "schedule.skip", "skip-not-meeting")]),
    ("  weeks: 6\n", "  dates: [2026-12-08, 2026-12-22]\n", [(10, "schedule.dates", "dates-start")]),
    ("library: central\n", "library: centrl\n", [(2, "library", "unknown-reference")]),
    ("library: central\n", "", [(1, "library", "missing")]),
    ("signup: drop-in\n", "signup: TBD\n", [(14, "signup", "placeholder")]),
    ("signup: drop-in\n", "signup: call us\n", [(14, "signup", "bad-contact")]),
    ("signup: drop-in\n", "signup: javascript:alert(1)\n", [(14, "signup", "bad-contact")]),
    ("signup: drop-in\n", "signup: mailto:circles@lib.example.net\n", []),
    ("signup: drop-in\n", "signup:\n", [(14, "signup", "missing")]),
    ("  provider: Cisco Networking Academy\n",
     "  provider: Cisco Networking Academy\n  url: www.netacad.com\n", [(6, "course.url", "bad-url")]),
    ("topics: [python, programming]\n", "topics: [python, '  ']\n", []),
    ("signup: drop-in\n", "signup: https://example.com/join\n", [(14, "signup", "placeholder")]),
    ("language: en\n", "language: english\n", [(6, "language", "unknown-language")]),
    ("topics: [python, programming]\n", "topics: [Python Basics]\n", [(7, "topics", "bad-topic")]),
    ("signup: drop-in\n", "signup: drop-in\ncolour: red\n", [(15, "colour", "unknown-field")]),
    ("signup: drop-in\n", "signup: drop-in\nstatus: postponed\n", [(15, "status", "not-allowed")]),
    ("signup: drop-in\n", "signup: drop-in\nid: other\n", [(15, "id", "id-mismatch")]),
    ("language: en\n", "language:\n  - en\n", [(6, "language", "wrong-shape")]),
    # a course named by a word that is no id (its title, say), and its lines left under another key
    ("course:\n", "course: Python\nx:\n", [(3, "course", "bad-format"), (4, "x", "unknown-field")]),
    ("signup: drop-in\n", "signup: drop-in\ntimezone: Mars/Olympus\n", [(15, "timezone", "unknown-timezone")]),
])
def test_circle_rules(tree, old, new, expected):
    content = tree(circles__python=circle_with(old, new))
    found = [(line, field, code) for _, line, field, code in flat(content, errors_only=True)]
    assert found == expected


def test_http_is_a_warning_not_an_error(tree):
    content = tree(networks__net=NETWORK.replace("https://www.lib", "http://www.lib"))
    problems = validate_tree(content).problems
    assert [(p.field, p.code, p.severity) for p in problems] == [("website", "insecure-url", "warning")]


def test_did_you_mean_for_unknown_fields(tree):
    content = tree(circles__python=CIRCLE.replace("language: en", "langauge: en"))
    problems = {p.code: p for p in validate_tree(content).problems}
    assert "did you mean 'language'" in problems["unknown-field"].hint


@pytest.mark.parametrize("old, new, expected", [
    ("latitude: 43.671737\nlongitude: -79.386763\n", "latitude: 0\nlongitude: 0\n", [(10, "latitude", "placeholder-coordinates")]),
    ("latitude: 43.671737\n", "latitude: 95\n", [(10, "latitude", "out-of-range")]),
    ("latitude: 43.671737\n", "", [(10, "latitude", "half-coordinates")]),
    ("  country: CA\n", "  country: XX\n", [(9, "address.country", "unknown-country")]),
    ("  country: CA\n", "  country: ca\n", [(9, "address.country", "bad-format")]),
    ("network: net\n", "network: nett\n", [(2, "network", "unknown-reference")]),
])
def test_library_rules(tree, old, new, expected):
    content = tree(libraries__central=LIBRARY.replace(old, new))
    found = [(line, field, code) for _, line, field, code in flat(content, errors_only=True)]
    assert found == expected


def test_country_no_is_norway(tree):
    lib = LIBRARY.replace("country: CA", "country: NO").replace("region: ON", "region: Oslo")
    problems = validate_tree(tree(libraries__central=lib)).problems
    # Read as Norway, not as False: so Toronto's coordinates are "not in Norway".
    assert [(p.code, p.message) for p in problems] == [
        ("outside-country", "(43.671737, -79.386763) is not in Norway")]


def test_file_name_must_be_an_id(tree):
    content = tree(**{"circles__Python Circle": CIRCLE})
    assert ("circles/Python Circle.yml", 1, "id", "bad-format") in flat(content)


def test_misplaced_and_misnamed_files(tree):
    content = tree(python=CIRCLE)
    (content / "circles" / "other.yaml").write_text(CIRCLE)
    found = flat(content)
    assert ("python.yml", 1, "", "wrong-folder") in found
    assert ("circles/other.yaml", 1, "", "wrong-extension") in found


def test_an_online_circle_needs_network_and_timezone(tree):
    online = CIRCLE.replace("library: central\n", "format: online\n")
    found = [(f, c) for _, _, f, c in flat(tree(circles__python=online))]
    assert found == [("network", "missing"), ("timezone", "missing")]


def test_every_problem_at_once_sorted(tree):
    bad = circle_with("  start_time: 18:00\n", "  start_time: 25:00\n").replace("language: en", "language: xx-invalid-")
    # Two weeks apart, so that the two are not the same circle listed twice.
    content = tree(circles__python=bad, circles__second=bad.replace("start_date: 2026-12-01", "start_date: 2026-12-15"))
    found = flat(content)
    assert found == sorted(found) and len(found) == 4


# The command line


THREE_MISTAKES = CIRCLE.replace("library: central", "library: centrl").replace(
    "start_time: 18:00", "start_time: 6pm").replace("signup: drop-in", "signup: TBD")


def test_three_mistakes_three_messages(tree, capsys, monkeypatch):
    content = tree(circles__python=THREE_MISTAKES)
    monkeypatch.chdir(content.parent)
    assert main(["validate", "content"]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[:3] == [
        "content/circles/python.yml:2: library: there is no library 'centrl' — did you mean 'central'?",
        "content/circles/python.yml:12: schedule.start_time: '6pm' is not a valid time — write the time as HH:MM on a 24-hour clock, e.g. 18:00",
        "content/circles/python.yml:14: signup: looks like a placeholder, not a real value — give the real value, or delete the line if it is not known yet",
    ]
    assert lines[3] == "3 errors in 1 file."


def test_github_annotations(tree, capsys, monkeypatch):
    content = tree(circles__python=THREE_MISTAKES)
    monkeypatch.chdir(content.parent)
    assert main(["validate", "--format", "github", "content/circles/python.yml"]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 3
    assert out[0].startswith("::error file=content/circles/python.yml,line=2,title=library%3A unknown-reference::")


def test_json_output(tree, capsys, monkeypatch):
    content = tree(circles__python=THREE_MISTAKES)
    monkeypatch.chdir(content.parent)
    assert main(["validate", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [(d["line"], d["field"], d["code"]) for d in data] == [
        (2, "library", "unknown-reference"), (12, "schedule.start_time", "wrong-type"), (14, "signup", "placeholder")]


def test_valid_tree_exits_zero(tree, capsys, monkeypatch):
    monkeypatch.chdir(tree().parent)
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.strip() == "No problems found."


def test_one_file_is_checked_against_the_others(tree, capsys, monkeypatch):
    content = tree(circles__other=CIRCLE.replace("central", "nowhere"))
    monkeypatch.chdir(content.parent)
    assert main(["validate", "content/circles/python.yml"]) == 0
    assert main(["validate", "content/circles/other.yml"]) == 1


def test_summary_lines():
    from circles.problems import Problem, summary

    error = Problem("a.yml", 1, "title", "missing", "m")
    warning = Problem("b.yml", 1, "website", "insecure-url", "m", severity="warning")
    assert summary([]) == "No problems found."
    assert summary([warning]) == "1 warning in 1 file."
    assert summary([error, error, warning]) == "2 errors and 1 warning in 2 files."


# Many warnings of one kind (issue 20: 618 "uses http://" hid the errors)


def many_http_links(tree, count: int = 7):
    http = LIBRARY.replace("https://www.lib", "http://www.lib")
    return tree(**{f"libraries__branch{i}": http for i in range(count)},
                circles__python=CIRCLE.replace("signup: drop-in", "signup: TBD"))


def test_repeated_warnings_are_one_line_and_errors_stay(tree, capsys, monkeypatch):
    monkeypatch.chdir(many_http_links(tree).parent)
    assert main(["validate"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "content/circles/python.yml:14: signup: looks like a placeholder, not a real value — give the real value, "
        "or delete the line if it is not known yet",
        "warning: 7 × insecure-url in 7 files ('circles validate --warnings all' lists each), the first: "
        "content/libraries/branch0.yml:3: website: the link uses http:// — use https://www.lib.example.net/central "
        "if the site supports it",
        "1 error and 7 warnings in 8 files."]


@pytest.mark.parametrize("warnings, lines", [("all", 9), ("none", 2)])
def test_every_warning_or_none(tree, capsys, monkeypatch, warnings, lines):
    monkeypatch.chdir(many_http_links(tree).parent)
    assert main(["validate", "--warnings", warnings]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == lines and out[-1] == "1 error and 7 warnings in 8 files."


def test_a_few_warnings_of_a_kind_are_each_listed(tree, capsys, monkeypatch):
    monkeypatch.chdir(many_http_links(tree, count=5).parent)
    main(["validate"])
    assert sum(": website: warning: the link uses http://" in line for line in capsys.readouterr().out.splitlines()) == 5


def test_github_summarises_and_json_lists_every_warning(tree, capsys, monkeypatch):
    monkeypatch.chdir(many_http_links(tree).parent)
    main(["validate", "--format", "github"])
    out = capsys.readouterr().out.splitlines()
    assert [line.split("::")[1] for line in out] == [
        "error file=content/circles/python.yml,line=14,title=signup%3A placeholder", "warning title=insecure-url"]
    assert out[1].startswith("::warning title=insecure-url::7 × insecure-url in 7 files")
    main(["validate", "--format", "json", "--warnings", "none"])
    data = json.loads(capsys.readouterr().out)
    assert [(d["path"].rsplit("/", 1)[-1], d["code"]) for d in data] == [
        ("python.yml", "placeholder"), *((f"branch{i}.yml", "insecure-url") for i in range(7))]


def test_a_build_logs_repeated_warnings_as_one_line(tree, tmp_path, caplog):
    from tests.conftest import build

    content = many_http_links(tree)
    (content / "circles/python.yml").write_text(CIRCLE, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="circles"):
        build(content, tmp_path / "output", DIRECTORY={"library_pages": "all"})
    logged = [r.getMessage() for r in caplog.records if r.name == "circles.directory.assemble"]
    assert len(logged) == 1 and logged[0].startswith("7 × insecure-url in 7 files")
    assert (tmp_path / "output/libraries/branch6/index.html").is_file()  # warned about, and built
