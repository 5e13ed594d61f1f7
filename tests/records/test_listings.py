"""Duplicates, stale listings and the archive: checked across circles, and built for real."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest
from bs4 import BeautifulSoup

from circles.directory.enrich import archive_cutoff
from circles.records.validate import validate_tree
from circles.tools.cli import main
from tests.conftest import BUILD_DATE, CIRCLE, build


def flat(problems, code):
    return sorted((p.path.rsplit("/", 1)[-1], p.line, p.field, p.code, p.severity) for p in problems if p.code == code)


def test_the_same_circle_in_two_files_is_reported_on_both(tree):
    root = tree(circles__copy=CIRCLE)
    problems = validate_tree(root, today=BUILD_DATE).problems
    assert flat(problems, "duplicate") == [("copy.yml", 1, "title", "duplicate", "warning"),
                                           ("python.yml", 1, "title", "duplicate", "warning")]
    messages = {p.path.rsplit("/", 1)[-1]: p.message for p in problems if p.code == "duplicate"}
    assert messages["copy.yml"].endswith("circles/python.yml") and messages["python.yml"].endswith("circles/copy.yml")


def test_the_same_course_at_another_time_is_not_a_duplicate(tree):
    evening = CIRCLE.replace("start_time: 18:00", "start_time: '10:00'")
    assert not flat(validate_tree(tree(circles__morning=evening), today=BUILD_DATE).problems, "duplicate")


@pytest.mark.parametrize("title", ["Python for Beginners!", "Pýthon för Béginners"])  # accents set aside too
def test_very_similar_titles_at_one_library_are_a_warning_on_both(tree, title):
    other = (CIRCLE.replace("title: Python for beginners", f"title: {title}")
             .replace("title: Python Essentials 1", "title: Programming with Python")
             .replace("start_date: 2026-12-01", "start_date: 2026-12-03").replace("weekdays: [tuesday]", "weekdays: [thursday]"))
    problems = validate_tree(tree(circles__again=other), today=BUILD_DATE).problems
    assert flat(problems, "similar-title") == [("again.yml", 1, "title", "similar-title", "warning"),
                                               ("python.yml", 1, "title", "similar-title", "warning")]
    assert not flat(problems, "duplicate")


def test_a_listing_checked_over_a_year_ago_is_a_warning(tree):
    root = tree(circles__python=CIRCLE + "last_verified: 2025-10-01\n")
    problems = validate_tree(root, today=BUILD_DATE).problems
    assert flat(problems, "stale") == [("python.yml", 15, "last_verified", "stale", "warning")]
    assert not flat(validate_tree(root, today=dt.date(2026, 9, 1)).problems, "stale")


def test_a_circle_that_has_ended_is_not_asked_to_be_checked_again(tree):
    ended = CIRCLE.replace("start_date: 2026-12-01", "start_date: 2025-01-07") + "last_verified: 2024-12-01\n"
    assert not flat(validate_tree(tree(circles__python=ended), today=BUILD_DATE).problems, "stale")


def test_the_command_line_warns_of_a_duplicate_and_names_both_files(tree, monkeypatch, capsys):
    root = tree(circles__copy=CIRCLE)
    monkeypatch.chdir(root.parent)
    assert main(["validate", str(root)]) == 0
    out = capsys.readouterr().out
    assert "circles/copy.yml:1: title:" in out and "as content/circles/python.yml" in out


def test_the_archive_date_counts_back_whole_months():
    assert archive_cutoff(dt.date(2026, 11, 22), 12) == dt.date(2025, 11, 22)
    assert archive_cutoff(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert archive_cutoff(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)


def test_circles_ended_long_ago_move_to_the_archive(tree, tmp_path):
    old = CIRCLE.replace("start_date: 2026-12-01", "start_date: 2025-01-07").replace("Python for beginners", "Old Python")
    recent = CIRCLE.replace("start_date: 2026-12-01", "start_date: 2026-06-02").replace("Python for beginners", "Recent Python")
    output = build(tree(circles__old=old, circles__recent=recent), tmp_path / "out")

    def page(path):
        return BeautifulSoup((output / path / "index.html").read_text(encoding="utf-8"), "lxml")

    titles = lambda soup: [a.get_text(strip=True) for a in soup.select(".card__title a, .circle-rows a, .past-list a")]  # noqa: E731
    assert "Old Python" in titles(page("archive")) and "Recent Python" not in titles(page("archive"))
    assert "Old Python" not in titles(page("past")) and "Recent Python" in titles(page("past"))
    assert page("past").select_one("a[href$='archive/']")
    library = page("libraries/central").get_text()
    assert "Recent Python" in library and "Old Python" not in library
    archived = page("circles/old")
    assert "archive" in archived.select_one(".page-header .note").get_text()
    # Search indexes the recent circle, not the archived one (Pagefind's fragments are gzipped JSON).
    fragments = b"".join(gzip.decompress(p.read_bytes()) for p in (output / "pagefind").rglob("*.pf_fragment"))
    assert b"Recent Python" in fragments and b"Old Python" not in fragments
    kept = build(tree(circles__old=old), tmp_path / "kept", DIRECTORY={"archive_after_months": 36})
    assert "Old Python" in (kept / "past" / "index.html").read_text(encoding="utf-8")
