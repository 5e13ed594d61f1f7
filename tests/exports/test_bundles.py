"""The search index in bundles (pagefind.py, bundles.js): planned by month, rebuilt one bundle
at a time, and searched in the browser as one index would be."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from circles.exports.pagefind import Bundle, index_bundle, plan_bundles, searched_part, stage_pages
from circles.exports.pagefind_canonical import canonicalize
from tests.browser import serve
from tests.conftest import ROOT, build
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
    assert changed == ["2027-02"], changed  # the bundle holding March 2027

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


@pytest.mark.parametrize("query", ["status=Past&status=Sign-up+open", "topic=python&topic=health",
                                   "language=Spanish", "q=python", "q=library&format=Online", "format=In+person"])
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


def test_pagefind_is_given_the_main_part_of_each_page_and_indexes_it_as_the_whole_page(tmp_path):
    site = build(ROOT / "content", tmp_path / "site", DIRECTORY=NO_PDFS)
    pages = tuple(sorted(p.relative_to(site).as_posix() for p in site.glob("circles/*/index.html")))
    page = (site / pages[0]).read_bytes()
    part = searched_part(page)
    assert len(part) < len(page) * 0.6
    for read in (b"data-pagefind-body", b"data-pagefind-meta=", b"data-pagefind-filter=", b"data-pagefind-sort="):
        assert part.count(read) == page.count(read) > 0, read
    assert b'class="meetings"' in page and b'class="meetings"' not in part  # ignored, and holds nothing for it
    assert searched_part(b"<html><body><p>no main</p></body></html>") == b"<html><body><p>no main</p></body></html>"
    kept = b'<main data-pagefind-body><pre>  a\n  b</pre>\n  <div data-pagefind-ignore><br data-pagefind-ignore><span data-pagefind-filter="x">y</span></div></main>'
    assert searched_part(kept).endswith(kept + b"</body></html>")  # spaces in <pre>; a filter; no end to <br>

    whole = tmp_path / "whole"
    for name in pages:  # the pages as they are, indexed by Pagefind itself
        (whole / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(site / name, whole / name)
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(whole), "--output-path", str(tmp_path / "from-whole"),
                    "--force-language", "en", "--silent"], check=True)
    canonicalize(tmp_path / "from-whole")
    index_bundle(site, Bundle("all", pages), tmp_path / "from-parts", "en")
    assert tree(tmp_path / "from-parts") == tree(tmp_path / "from-whole")


def test_kept_copies_for_pagefind_are_made_again_only_for_pages_written_since(tmp_path):
    site, folder = tmp_path / "site", tmp_path / "staged"
    for name in ("a", "b", "c"):
        (site / name).mkdir(parents=True)
        (site / name / "index.html").write_text(f"<html><main data-pagefind-body>{name}</main></html>")
    stage_pages(site, ["a/index.html", "b/index.html", "c/index.html"], folder)
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html")) == [
        "a/index.html", "b/index.html", "c/index.html"]
    copy = folder / "a/index.html"
    when = copy.stat().st_mtime_ns
    copy.write_bytes(copy.read_bytes() + b"<!-- kept -->")  # marked, with its page's time still
    os.utime(copy, ns=(when, when))

    (site / "b/index.html").write_text("<html><main data-pagefind-body>b, again</main></html>")
    os.utime(site / "b/index.html", ns=(1, 1))  # written again, whatever the clock's resolution
    stage_pages(site, ["a/index.html", "b/index.html"], folder)  # c left the bundle
    now = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*.html")}
    assert sorted(now) == ["a/index.html", "b/index.html"]
    assert now["a/index.html"].read_bytes().endswith(b"<!-- kept -->")  # not copied again
    assert b"b, again" in now["b/index.html"].read_bytes()
