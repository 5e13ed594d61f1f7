"""Courses as records (issue 22): what `circles validate` says of them, and `circles courses`, which moves
the courses circles write out into files of content/courses/."""

from __future__ import annotations

from circles.records.load import parse
from circles.records.validate import validate_tree
from circles.tools.cli import main
from circles.tools.courses import courses_command
from tests.conftest import CIRCLE

COURSE = """\
title: Python Essentials 1
provider: Cisco Networking Academy
url: https://www.netacad.com/courses/python-essentials-1
language: en
licence: proprietary
"""


def flat(content):
    return sorted((p.path.rsplit("/", 2)[-2] + "/" + p.path.rsplit("/", 1)[-1], p.line, p.field, p.code)
                  for p in validate_tree(content).problems)


def named(circle: str, course: str) -> str:
    """CIRCLE with its written-out course replaced by ``course: <id>``."""
    lines = circle.splitlines()
    start = lines.index("course:")
    end = start + 1
    while lines[end].startswith("  "):
        end += 1
    return "\n".join([*lines[:start], f"course: {course}", *lines[end:]]) + "\n"


def test_a_circle_names_its_course_and_the_course_knows_its_circles(tree):
    content = tree(courses__pe1=COURSE, circles__python=named(CIRCLE, "pe1"))
    assert flat(content) == []


def test_mistakes_with_courses_are_reported_where_they_are(tree):
    content = tree(courses__pe1=COURSE, courses__copy=COURSE.replace("proprietary", "cc by 4.0").replace("Essentials 1", "Essentials One"),
                   courses__bad=COURSE.replace("url: https://www.netacad.com/courses/python-essentials-1\n", "")
                                      .replace("proprietary", "GPL").replace("Python", "Linux"),
                   circles__python=named(CIRCLE, "pe-1"),
                   circles__other=CIRCLE.replace("Python for beginners", "Python again"),
                   circles__nocourse=named(CIRCLE, "x").replace("course: x\n", ""))
    found = flat(content)
    assert ("circles/python.yml", 3, "course", "unknown-reference") in found
    assert ("circles/nocourse.yml", 1, "course", "missing") in found
    assert ("courses/copy.yml", 5, "licence", "unknown-licence") in found
    assert ("courses/bad.yml", 4, "licence", "unknown-licence") in found
    assert ("courses/copy.yml", 3, "url", "duplicate-course") in found and ("courses/pe1.yml", 3, "url", "duplicate-course") in found
    # a written-out course that a file lists: by its title here (it gives no link)
    assert ("circles/other.yml", 3, "course", "course-listed") in found
    problems = {p.path.rsplit("/", 1)[-1] + p.code: p for p in validate_tree(content).problems}
    assert problems["copy.ymlunknown-licence"].hint == "did you mean 'CC-BY-4.0'?"
    assert "course: pe1" in problems["other.ymlcourse-listed"].hint


def test_circles_courses_moves_written_out_courses_into_files(tree, monkeypatch, capsys):
    with_link = CIRCLE.replace("  provider: Cisco Networking Academy\n", "  provider: Cisco Networking Academy\n"
                               "  url: https://www.netacad.com/courses/python-essentials-1\n")
    content = tree(circles__python=with_link,
                   # the same link written another way, and another course
                   circles__saturday=with_link.replace("url: https://www.", "url: https://").replace(
                       "Python for beginners", "Python on Saturdays").replace("2026-12-01", "2027-02-16"),
                   circles__linux=CIRCLE.replace("Python Essentials 1", "Linux Essentials").replace(
                       "Python for beginners", "Linux for beginners"))
    names = ("python.yml", "saturday.yml", "linux.yml")
    before = {name: parse((content / "circles" / name).read_text())[0] for name in names}
    monkeypatch.chdir(content.parent)  # where the paths it reports start
    settings = {"PATH": str(content)}

    assert courses_command(settings, write=False) == 0
    assert not (content / "courses").exists()  # a dry run unless told to write
    assert courses_command(settings, write=True) == 0
    out = capsys.readouterr().out
    assert "courses/python-essentials-1.yml (new, 2 circles:" in out and "courses/linux-essentials.yml (new, 1 circle:" in out
    # the two circles with one link share one file; nothing else in a circle changes
    for name, course in zip(names, ("python-essentials-1", "python-essentials-1", "linux-essentials"), strict=True):
        assert parse((content / "circles" / name).read_text())[0] == {**before[name], "course": course}
    course = parse((content / "courses" / "python-essentials-1.yml").read_text())[0]
    assert (course["provider"], course["licence"], course["language"]) == ("Cisco Networking Academy", "unknown", "en")
    assert [p.flat() for p in validate_tree(content).problems if p.is_error] == []
    assert courses_command(settings, write=True) == 0
    assert "No circle writes out a course" in capsys.readouterr().out


def test_the_command_line_offers_it(tree, monkeypatch, capsys):
    content = tree(circles__python=CIRCLE.replace("  provider: Cisco Networking Academy\n",
                                                  "  provider: Cisco Networking Academy\n  url: https://www.netacad.com/\n"))
    monkeypatch.chdir(content.parent)  # no pelicanconf.py here: the content folder is content/
    assert main(["courses"]) == 0
    assert "courses/python-essentials-1.yml (new, 1 circle:" in capsys.readouterr().out
    assert main(["courses", "--write", "--content", str(content)]) == 0
    assert (content / "courses" / "python-essentials-1.yml").is_file()
