"""The search index in bundles (pagefind.py, bundles.js): planned by month, rebuilt one bundle
at a time, and searched in the browser as one index would be."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from circles.directory.assemble import assemble_directory
from circles.exports.pagefind import Bundle, plan_bundles, run_pagefind, stage_bundle, stage_records
from circles.exports.search import record_path, search_data, search_record
from circles.i18n import Texts, site_languages
from circles.pages.site import circle_pages
from circles.pages.templating import schedule_in
from tests.browser import serve
from tests.conftest import BUILD_DATE, ROOT, build
from tests.incremental.test_rebuild import NO_PDFS, edit
from tests.pages.test_map import serve_tiles
from tests.pages.test_search import results, wait_for_results
from tests.site.test_determinism import tree

SMALL = {**NO_PDFS, "search_bundle_size": 12}


def starts(*months: tuple[str, int]) -> list[tuple[str, str]]:
    """``n`` circle pages starting in each month: (page, ISO start)."""
    return [(f"circles/{month}-{i}/index.html", f"{month}-{i + 1:02d}T10:00:00+00:00")
            for month, n in months for i in range(n)]


def test_bundles_hold_whole_months_in_date_order_up_to_the_size():
    plan = plan_bundles(starts(("2026-05", 3), ("2026-03", 2), ("2026-04", 4), ("2026-07", 5), ("2026-06", 1)), 6)
    assert [(b.name, len(b.pages)) for b in plan] == [("2026-03", 6), ("2026-05", 4), ("2026-07", 5)]
    assert plan[0].pages[:2] == ("circles/2026-03-0/index.html", "circles/2026-03-1/index.html")


def test_a_month_larger_than_the_size_is_one_bundle_and_a_small_directory_one():
    assert [(b.name, len(b.pages)) for b in plan_bundles(starts(("2026-01", 2), ("2026-02", 9), ("2026-03", 1)), 5)] == [
        ("2026-01", 2), ("2026-02", 9), ("2026-03", 1)]
    assert plan_bundles(starts(("2026-01", 3), ("2027-06", 3)), 2500) == [
        Bundle("2026-01", tuple(page for page, _ in starts(("2026-01", 3), ("2027-06", 3))))]
    assert plan_bundles([], 10) == []


def test_from_the_current_month_on_bundles_are_two_thirds_as_large():
    months = starts(("2026-01", 4), ("2026-02", 4), ("2026-03", 3), ("2026-04", 2), ("2026-05", 2), ("2026-06", 3))
    assert [(b.name, len(b.pages)) for b in plan_bundles(months, 8, "2026-03")] == [
        ("2026-01", 8), ("2026-03", 5), ("2026-05", 5)]
    assert [(b.name, len(b.pages)) for b in plan_bundles(months, 8)] == [
        ("2026-01", 8), ("2026-03", 7), ("2026-06", 3)]
    assert [(b.name, len(b.pages)) for b in plan_bundles(months, 18, "2026-03")] == [("2026-01", 18)]  # fits in one


def test_a_new_upcoming_circle_changes_only_the_last_bundle():
    before = plan_bundles(starts(("2026-01", 4), ("2026-02", 4), ("2026-03", 4), ("2026-04", 2)), 8)
    after = plan_bundles(starts(("2026-01", 4), ("2026-02", 4), ("2026-03", 4), ("2026-04", 3)), 8)
    assert before[:-1] == after[:-1] and before[-1] != after[-1]


def bundle_folders(site: Path) -> dict[str, int]:
    """Each bundle's entry file and its modification time."""
    return {p.parent.name: p.stat().st_mtime_ns for p in (site / "pagefind").glob("*/pagefind-entry.json")}


def test_a_rebuild_indexes_again_only_the_bundle_of_the_changed_circle(tmp_path):
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    site, cache = tmp_path / "site", tmp_path / "cache"
    settings = {"CACHE_PATH": str(cache), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "DIRECTORY": SMALL}
    build(content, site, **settings)
    before = bundle_folders(site)
    assert len(before) >= 3
    names = json.loads((site / "pagefind" / sorted(before)[-1] / "pagefind-entry.json").read_text())
    assert names["languages"]["en"]["page_count"] <= 12 or len(before) == 1

    edit(content / "circles/bpl-central-python-essentials-2027-03.yml", "title", "Python, from the start")
    build(content, site, **settings)
    after = bundle_folders(site)
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == ["2027-03"], changed  # the bundle holding March 2027

    fresh = build(content, tmp_path / "fresh", DIRECTORY=SMALL)
    assert tree(site / "pagefind") == tree(fresh / "pagefind")


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    """The sample directory with its index in one bundle, and in bundles of at most 12 circles."""
    folder = tmp_path_factory.mktemp("bundles")
    one = build(ROOT / "content", folder / "one", DIRECTORY=NO_PDFS)
    many = build(ROOT / "content", folder / "many", DIRECTORY=SMALL)
    assert len(list((one / "pagefind").iterdir())) == 1 and len(list((many / "pagefind").iterdir())) >= 3
    with serve(folder) as url:
        yield url


@pytest.fixture
def tab(page):
    serve_tiles(page)
    return page


def what_search_shows(page, url: str) -> tuple[str, list[str], str]:
    page.goto(url)
    wait_for_results(page)
    if page.locator("[data-more]").is_visible():
        page.locator("[data-more]").click()
        page.wait_for_function("() => document.querySelectorAll('[data-results] .card').length > 20")
    return page.locator("[data-status]").inner_text(), results(page), page.locator("[data-facet-list]").inner_text()


@pytest.mark.parametrize("query", ["status=past&status=open", "topic=python&topic=health",
                                   "language=es", "q=python", "q=library&format=online", "format=in_person"])
def test_bundles_search_as_one_index_does(two_sites, tab, query):
    """The same results and counts; in date order (no words typed), in the same order too.

    Ranked by relevance, each bundle weighs a word by how rare it is among its own pages, so the
    order may differ a little between one index and bundles (of 12 here; of 2,500 by default).
    """
    one = what_search_shows(tab, f"{two_sites}one/search/?{query}")
    many = what_search_shows(tab, f"{two_sites}many/search/?{query}")
    assert one[1], f"{query} finds nothing: the test would prove nothing"
    if "q=" in query:
        one, many = ((status, sorted(titles), facets) for status, titles, facets in (one, many))
    assert many == one
    tab.goto("about:blank")


ENGLISH, FRENCH = site_languages(["en", "fr"])


def sample_directory():
    return assemble_directory({"PATH": str(ROOT / "content"), "BUILD_DATE": BUILD_DATE})


def test_search_reads_records_made_for_it_and_the_published_pages_carry_none_of_them(tmp_path):
    site = build(ROOT / "content", tmp_path / "site", DIRECTORY=NO_PDFS)
    pages = sorted(site.glob("circles/*/index.html"))
    assert pages and not any(b"data-pagefind" in page.read_bytes() for page in pages)
    texts, schedules = [Texts("en"), Texts("fr")], {ENGLISH: schedule_in(Texts("en"), own=True),
                                                    FRENCH: schedule_in(Texts("fr"))}
    circle = next(c for c in sample_directory().circles if c.id == "tpl-toronto-reference-library-javascript-2027-02")
    record = search_record(circle, search_data(circle, schedules), texts)
    for read in (b"data-pagefind-body", b'data-pagefind-meta="title">Programmer avec JavaScript<',
                 b'data-pagefind-filter="topic">javascript<', b'data-pagefind-sort="start">2027-02-06T13:30:00-05:00<'):
        assert read in record, read
    assert b"Toronto Reference Library" in record and b"Saturdays" in record and b'<h1 lang="fr">' in record
    # One record serves every language: facets are codes, schedules and labels are in each language.
    assert b'data-pagefind-filter="weekday">saturday<' in record and b'data-pagefind-filter="status">open<' in record
    assert re.search(rb'data-pagefind-meta="when_fr">[Ll]es samedis', record)
    # The labels every circle page has are not in it, so that they do not find every circle.
    assert b"Download the dates" not in record and b"Facilitators" not in record and len(record) < 4000
    # Pagefind indexes the records into a bundle that a search of one of their words finds.
    directory = sample_directory()
    by_path = {f"{c.url}index.html": c for c in directory.circles}
    bundle = Bundle("all", tuple(sorted(by_path)))
    job = stage_bundle(lambda path: search_record(by_path[path], search_data(by_path[path], schedules), texts),
                       bundle, tmp_path / "index", "en")
    assert run_pagefind([job]) == ["index"] and (tmp_path / "index" / "pagefind-entry.json").is_file()
    assert not (tmp_path / ".all.pages").exists()  # the records' folder was for this run only


def test_a_record_escapes_what_contributors_wrote(tmp_path):
    circle = sample_directory().circles[0]
    circle.title, circle.room = '<img src=x onerror="alert(1)">', "Room </p><script>x()</script>"
    record = search_record(circle, search_data(circle, {ENGLISH: schedule_in(Texts("en"), own=True)}), [Texts("en")])
    assert b"<img" not in record and b"<script" not in record
    assert b"&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in record


def test_records_are_written_again_only_when_they_change(tmp_path):
    folder = tmp_path / "staged"
    records = {name: f"<html><main data-pagefind-body>{name}</main></html>".encode() for name in ("a", "b", "c")}
    paths = [f"{name}/index.html" for name in records]
    stage_records(lambda path: records[path.split("/")[0]], paths, folder)
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html")) == paths
    copy = folder / "a/index.html"
    os.utime(copy, ns=(1, 1))
    records["b"] = b"<html><main data-pagefind-body>b, again</main></html>"
    stage_records(lambda path: records[path.split("/")[0]], paths[:2], folder)  # c left the bundle
    now = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*.html")}
    assert sorted(now) == ["a/index.html", "b/index.html"]
    assert now["a/index.html"].stat().st_mtime_ns == 1  # the same record: not written again
    assert b"b, again" in now["b/index.html"].read_bytes()


def test_a_circle_s_search_record_is_at_its_page_s_file():
    """Pagefind gives a result's address as the path of its record: a circle's record must be at its page's file."""
    directory = sample_directory()
    schedules = {ENGLISH: schedule_in(Texts("en"), own=True)}
    circles = circle_pages(directory, {"search_bundle_size": 12}, schedules, [Texts("en")])
    assert len(circles.pages) == len(directory.circles) > 0
    for page, circle in zip(circles.pages, directory.circles, strict=True):
        assert page.context["circle"] is circle and page.file == record_path(circle)
    bundled = {path for bundle in circles.bundles for path in bundle.pages}
    assert bundled and bundled <= {page.file for page in circles.pages}


def test_records_of_unchanged_pages_are_not_made_again_unless_their_copy_is_gone(tmp_path):
    folder = tmp_path / "staged"
    made = []

    def record(path: str) -> bytes:
        made.append(path)
        return f"<html><main data-pagefind-body>{path}, now</main></html>".encode()

    paths = ["a/index.html", "b/index.html", "c/index.html"]
    stage_records(lambda path: f"<html>{path}, before</html>".encode(), paths, folder)
    (folder / "b/index.html").unlink()  # gone: made again, unchanged or not
    stage_records(record, paths, folder, unchanged={"a/index.html", "b/index.html"})
    assert made == ["b/index.html", "c/index.html"]
    assert (folder / "a/index.html").read_bytes() == b"<html>a/index.html, before</html>"
    assert b"b/index.html, now" in (folder / "b/index.html").read_bytes()
    assert b"c/index.html, now" in (folder / "c/index.html").read_bytes()


def records_of(directory, retitled: str = ""):
    """Each circle's search record by its path; ``retitled``: the id of a circle given another title."""
    texts, schedules = [Texts("en")], {ENGLISH: schedule_in(Texts("en"), own=True)}
    by_path = {record_path(c): c for c in directory.circles}

    def record(path: str) -> bytes:
        circle = by_path[path]
        data = search_data(circle, schedules)
        if circle.id == retitled:
            data["meta"]["title"] = "Another title"
        return search_record(circle, data, texts)

    return record, Bundle("all", tuple(sorted(by_path)))


def index(records, bundle: Bundle, target: Path, staged: Path, again: bool) -> None:
    """Pagefind on the bundle into ``target``; ``again``: into what the last build of the same code left there."""
    assert run_pagefind([stage_bundle(records, bundle, target, "en", staged, same_code=again)]) == [target.name]


def test_a_bundle_indexed_again_in_its_last_folder_is_what_an_empty_folder_gives(tmp_path):
    """Pagefind skips a file whose name (a hash of what it holds) is there already, and never removes one: what
    the new index no longer names goes, and the rest is byte for byte what an empty folder would have."""
    directory = sample_directory()
    before, bundle = records_of(directory)
    index(before, bundle, tmp_path / "kept" / "all", tmp_path / "staged", again=False)
    fragments = set(os.listdir(tmp_path / "kept" / "all" / "fragment"))
    after, _ = records_of(directory, retitled=directory.circles[0].id)
    index(after, bundle, tmp_path / "kept" / "all", tmp_path / "staged", again=True)
    index(after, bundle, tmp_path / "fresh" / "all", tmp_path / "staged-fresh", again=False)
    assert tree(tmp_path / "kept") == tree(tmp_path / "fresh")
    now = set(os.listdir(tmp_path / "kept" / "all" / "fragment"))
    assert len(now - fragments) == 1 and len(fragments - now) == 1  # the retitled circle's fragment, replaced


def test_a_file_that_does_not_hold_what_its_name_says_is_made_again(tmp_path):
    """A file of the last run may have a name of the new index (seven hex digits of a hash) and hold something
    else, or be damaged: Pagefind would leave it, so the bundle is indexed again from an empty folder."""
    from circles.exports.pagefind_canonical import SIGNATURE

    directory = sample_directory()
    records, bundle = records_of(directory)
    target = tmp_path / "kept" / "all"
    index(records, bundle, target, tmp_path / "staged", again=False)
    fragment = sorted((target / "fragment").iterdir())[0]
    fragment.write_bytes(gzip.compress(SIGNATURE + b'{"url":"/somewhere/else/"}'))
    index(records, bundle, target, tmp_path / "staged", again=True)
    index(records, bundle, tmp_path / "fresh" / "all", tmp_path / "staged-fresh", again=False)
    assert tree(tmp_path / "kept") == tree(tmp_path / "fresh")
    assert b"somewhere" not in gzip.decompress(fragment.read_bytes())
