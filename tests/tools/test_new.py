"""`circles new`: records written from scripted answers, checked as they are given, valid when written."""

from __future__ import annotations

import datetime as dt
import io
import sys

import pytest
import yaml

from circles.records.load import parse
from circles.records.schema import load_schema
from circles.records.validate import validate_tree
from circles.tools.cli import main
from circles.tools.draft import render
from circles.tools.new import new_command, new_record
from tests.conftest import LIBRARY

# One answer per question, in order; "" takes the default or skips an optional field.
CIRCLE_ANSWERS = [
    "Python at the branch",  # title
    "",  # format: in_person
    "central",  # library
    "",  # course: not listed yet, so written out next
    "Python Essentials 1", "", "",  # course title, provider, link
    "python, programming",  # topics
    "",  # language: the network's first, en
    "2027-03-02",  # start date, a Tuesday
    "", "", "", "",  # weekdays, start time, duration, weeks: the defaults
    "",  # skipped dates: none
    "", "", "", "", "",  # room, sign-up (the library's website), capacity, facilitators, description
    "",  # id: the suggestion
]


@pytest.fixture
def circles_new(monkeypatch, capsys, tmp_path):
    """Run `circles new <kind>` on a content folder with answers on standard input."""
    monkeypatch.chdir(tmp_path)  # no pelicanconf.py here: --content alone says where records go

    def run(content, kind, answers, *options):
        monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{a}\n" for a in answers)))
        code = main(["new", kind, "--content", str(content), *options])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def errors_in(content):
    return [p.flat() for p in validate_tree(content).problems if p.is_error]


def data_of(path):
    return parse(path.read_text(encoding="utf-8"))[0]


def answers_with(index: int, *replacement: str) -> list[str]:
    return [*CIRCLE_ANSWERS[:index], *replacement, *CIRCLE_ANSWERS[index + 1:]]


def test_a_circle_is_written_where_it_belongs_and_is_valid(tree, circles_new):
    content = tree()
    code, out, _ = circles_new(content, "circle", CIRCLE_ANSWERS)
    path = content / "circles" / "central-python-at-the-branch-2027-03.yml"
    assert code == 0
    assert "Id [central-python-at-the-branch-2027-03]: " in out
    assert "Weekdays [tuesday]: " in out  # derived from the start date
    assert out.rstrip().endswith("Checked: no problems.")
    assert errors_in(content) == []
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# A learning circle") and "docs/records.md" in text.splitlines()[0]
    assert 'start_time: "18:00"' in text
    data = data_of(path)
    today = dt.date.today().isoformat()
    assert data["schedule"] == {"start_date": "2027-03-02", "weeks": "6", "weekdays": ["tuesday"],
                                "start_time": "18:00", "duration": "90"}
    assert (data["library"], data["language"], data["signup"]) == ("central", "en", "https://www.lib.example.net/central")
    assert (data["topics"], data["listed"], data["last_verified"]) == (["python", "programming"], today, today)


def test_a_bad_date_is_asked_again_with_what_is_wrong(tree, circles_new):
    content = tree()
    code, out, _ = circles_new(content, "circle", answers_with(9, "2027-02-30", "2027-03-04"))
    assert code == 0
    assert "  '2027-02-30' is not a valid date — write the date as YYYY-MM-DD, e.g. 2027-01-12" in out
    assert "Weekdays [thursday]: " in out
    assert data_of(content / "circles" / "central-python-at-the-branch-2027-03.yml")["schedule"]["weekdays"] == ["thursday"]


def test_a_weekday_that_contradicts_the_start_date_is_asked_again(tree, circles_new):
    content = tree()
    code, out, _ = circles_new(content, "circle", answers_with(10, "wednesday", ""))
    assert code == 0
    assert "2027-03-02 is a Tuesday, but the circle meets on Wednesday — correct the start date or the weekdays" in out


def test_an_id_whose_file_exists_is_refused(tree, circles_new):
    content = tree()
    code, out, _ = circles_new(content, "circle", answers_with(len(CIRCLE_ANSWERS) - 1, "python", "Not An Id", ""))
    assert code == 0
    assert "content/circles/python.yml already exists — choose another id, e.g. python-2" in out
    assert "'Not An Id' is not in the expected form" in out
    assert sorted(p.name for p in (content / "circles").iterdir()) == ["central-python-at-the-branch-2027-03.yml",
                                                                       "python.yml"]


def test_the_suggested_id_steers_clear_of_existing_files(tree, circles_new):
    content = tree()
    (content / "circles" / "central-python-at-the-branch-2027-03.yml").write_text("title: Taken\n", encoding="utf-8")
    code, out, _ = circles_new(content, "circle", CIRCLE_ANSWERS, "--dry-run")
    assert code == 0
    assert "Id [central-python-at-the-branch-2027-03-2]: " in out


def test_end_of_input_stops_and_writes_nothing(tree, circles_new):
    content = tree()
    before = sorted(content.rglob("*"))
    code, out, err = circles_new(content, "circle", CIRCLE_ANSWERS[:5])
    assert code == 1
    assert "stopped; nothing was written" in err
    assert "Traceback" not in out + err
    assert sorted(content.rglob("*")) == before


def test_ctrl_c_stops_and_writes_nothing(tree, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    content = tree()

    def ask(prompt):
        if prompt.startswith("Title"):
            return "Python at the branch"
        raise KeyboardInterrupt  # at the second question

    assert new_command("circle", content, False, ask=ask) == 130
    assert "stopped; nothing was written" in capsys.readouterr().err
    assert sorted(p.name for p in (content / "circles").iterdir()) == ["python.yml"]


def test_dry_run_prints_the_record_and_writes_nothing(tree, circles_new):
    content = tree()
    code, out, _ = circles_new(content, "circle", CIRCLE_ANSWERS, "--dry-run")
    assert code == 0
    assert "\ntitle: Python at the branch\n" in out and "\nlibrary: central\n" in out
    assert not (content / "circles" / "central-python-at-the-branch-2027-03.yml").exists()


def test_a_library_is_chosen_by_search_word_then_number(tree, circles_new):
    content = tree(libraries__riverside=LIBRARY.replace("Central Branch", "Riverside Branch")
                   .replace("789 Yonge Street", "1 Riverside Drive").replace("43.671737", "43.66"))
    code, out, _ = circles_new(content, "circle", answers_with(2, "nowhere", "toronto", "2"))
    assert code == 0
    assert "no library matches 'nowhere'" in out
    assert "  1. central: Central Branch, Toronto\n  2. riverside: Riverside Branch, Toronto\n" in out
    assert data_of(content / "circles" / "riverside-python-at-the-branch-2027-03.yml")["library"] == "riverside"


def test_an_online_circle_without_a_library_needs_a_network_and_a_timezone(tree, circles_new):
    answers = ["Writing online", "2", "", "", "net", "Mars/Olympus", "America/Toronto", *CIRCLE_ANSWERS[3:]]
    content = tree()
    code, out, _ = circles_new(content, "circle", answers)
    assert code == 0
    assert "this one is needed" in out  # the network, asked again
    assert "'Mars/Olympus' is not an IANA timezone name" in out
    data = data_of(content / "circles" / "net-online-writing-2027-03.yml")  # "online" once
    assert "library" not in data
    assert (data["format"], data["network"], data["timezone"]) == ("online", "net", "America/Toronto")
    assert data["signup"] == "https://www.lib.example.net/"  # the network's website
    assert errors_in(content) == []


def test_a_library_keeps_its_postal_code_as_text(tree, circles_new):
    answers = ["Riverside Library", "1", "12 Main Street", "Toronto", "ON", "02134", "",  # name … country (the network's)
               "416-555-0100", "https://www.lib.example.net/riverside", "43.6532", "", "79.3832", "-79.3832", "", "", ""]
    content = tree()
    code, out, _ = circles_new(content, "library", answers)
    assert code == 0, out
    assert "Longitude: \n  this one is needed" in out  # once latitude is given
    assert "(43.6532, 79.3832) is not in Canada — did you drop or add a minus sign?" in out
    path = content / "libraries" / "net-riverside.yml"
    text = path.read_text(encoding="utf-8")
    assert 'postal_code: "02134"' in text and 'region: "ON"' in text
    data = data_of(path)
    assert data["address"] == {"street": "12 Main Street", "city": "Toronto", "region": "ON", "postal_code": "02134",
                               "country": "CA"}
    assert yaml.safe_load(text)["address"]["postal_code"] == "02134"  # a YAML 1.1 reader agrees
    assert errors_in(content) == []


def test_a_network_is_written_and_valid(tree, circles_new):
    answers = ["Ontario Library Service", "2", "https://www.olservice.ca/", "ca", "CA, NO", "en, fr",
               "info@olservice.ca", "Supports public libraries across Ontario: training, shared services and learning circles.", ""]
    content = tree()
    code, out, _ = circles_new(content, "network", answers)
    assert code == 0
    assert "'ca' is not an ISO 3166-1 country code" in out
    path = content / "networks" / "ontario-library-service.yml"
    text = path.read_text(encoding="utf-8")
    assert 'countries: [CA, "NO"]' in text and "description: >-\n  Supports" in text
    data = data_of(path)
    assert (data["type"], data["countries"], data["languages"]) == ("consortium", ["CA", "NO"], ["en", "fr"])
    assert data["description"] == answers[-2]
    assert errors_in(content) == []


def test_new_record_takes_any_way_of_asking(tree):
    content = tree()
    answers = iter(["Kisumu Reading Room", "", "", "Toronto", "", "", "CA", "", "", "", "", "", ""])
    said = []
    path, text = new_record("libraries", content, lambda prompt: next(answers), said.append, today=dt.date(2027, 1, 1))
    assert path == content / "libraries" / "kisumu-reading-room.yml"
    assert "# No coordinates yet: `circles geocode --write kisumu-reading-room` looks them up." in text
    assert not path.exists()  # writing is the command's part


@pytest.mark.parametrize("value", ["Python: the basics", "C# for all", "Course #2", "yes", "NO", "0123", "1e3",
                                   "null", "- dash", '"quoted"', "18:00", "a, b", "Ünïcode ✓", "@home", "back\\slash",
                                   "tab\there", "zero\u200bwidth", "x" * 90 + ": folded # prose"])
def test_values_read_back_as_written(value):
    resource = load_schema()["circles"]
    text = render(resource, {"title": value, "topics": [value]}, "x")
    assert parse(text)[0] == {"title": value, "topics": [value]}
    assert yaml.safe_load(text) == {"title": value, "topics": [value]}


COURSE = """title: Python Essentials 1
provider: Cisco Networking Academy
url: https://www.netacad.com/courses/python-essentials-1
language: en
licence: proprietary
"""


def test_a_circle_names_a_listed_course_by_words_of_its_title(tree, circles_new):
    content = tree(courses__python_essentials_1=COURSE)
    (content / "courses" / "python_essentials_1.yml").rename(content / "courses" / "python-essentials-1.yml")
    # "essentials" finds the one course; the course's own questions are then not asked
    answers = [*CIRCLE_ANSWERS[:3], "essentials", *CIRCLE_ANSWERS[7:]]
    code, out, _ = circles_new(content, "circle", answers)
    assert code == 0, out
    assert "→ python-essentials-1: Python Essentials 1, Cisco Networking Academy" in out
    assert "Course title" not in out
    assert data_of(content / "circles" / "central-python-at-the-branch-2027-03.yml")["course"] == "python-essentials-1"


def test_a_circle_without_any_course_is_asked_again(tree, circles_new):
    content = tree()
    code, out, _ = circles_new(content, "circle", [*CIRCLE_ANSWERS[:4], "", "Python Essentials 1", *CIRCLE_ANSWERS[5:]])
    assert code == 0
    assert "this one is needed" in out  # an empty course title, when no course was chosen


def test_a_course_is_written_and_valid(tree, circles_new):
    content = tree()
    answers = ["Python for Everybody", "Dr. Charles Severance", "https://www.py4e.com/", "", "cc by 3.0",
               "CC-BY-3.0", "", "python, programming", "", "", "", "", ""]
    code, out, _ = circles_new(content, "course", answers)
    assert code == 0, out
    assert "did you mean 'CC-BY-3.0'?" in out  # an SPDX identifier spelled loosely is not taken, but named
    data = data_of(content / "courses" / "python-for-everybody.yml")
    assert data == {"title": "Python for Everybody", "provider": "Dr. Charles Severance", "url": "https://www.py4e.com/",
                    "language": "en", "licence": "CC-BY-3.0", "format": "course", "topics": ["python", "programming"]}
    assert errors_in(content) == []


def test_a_circle_is_asked_for_its_weeks_off(tree, circles_new):
    content = tree()
    code, out, _ = circles_new(content, "circle", answers_with(14, "2027-03-16, 2027-04-06"))
    assert code == 0, out
    assert "Holidays and other weeks off" in out
    data = data_of(content / "circles" / "central-python-at-the-branch-2027-03.yml")
    assert data["schedule"]["skip"] == ["2027-03-16", "2027-04-06"]


def test_a_mistyped_library_is_asked_again_not_replaced(tree, circles_new):
    content = tree()
    code, out, _ = circles_new(content, "circle", answers_with(2, "centrl", "central"))
    assert code == 0
    assert "no library matches 'centrl' — did you mean 'central'?" in out


@pytest.mark.parametrize("typed", ["centra", "entral"])
def test_part_of_a_library_id_is_asked_about_not_taken(tree, circles_new, typed):
    """A word that is only part of one library's id or name may be a mistyped id: the library is offered, not chosen."""
    content = tree()
    code, out, _ = circles_new(content, "circle", answers_with(2, typed, "1"))
    assert code == 0, out
    assert f"no library is called '{typed}'; did you mean this one?\n  1. central: " in out
    assert data_of(content / "circles" / "central-python-at-the-branch-2027-03.yml")["library"] == "central"


def test_a_whole_word_of_one_librarys_name_chooses_it(tree, circles_new):
    content = tree()
    code, out, _ = circles_new(content, "circle", answers_with(2, "Central"))
    assert code == 0, out
    assert "→ central: " in out
