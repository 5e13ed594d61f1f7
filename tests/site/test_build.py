"""Whole builds: sub-path links, reachability without JavaScript, determinism, refusal of bad data."""

from __future__ import annotations

import subprocess
import sys
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from bs4 import BeautifulSoup

from tests.conftest import ROOT, build
from tests.expected_site import EXPECTED, build_fixture, site_files

SITEURL = "https://example.github.io/directory"


@pytest.fixture(scope="module")
def subpath_site(tmp_path_factory) -> Path:
    return build(ROOT / "content", tmp_path_factory.mktemp("sub") / "output", SITEURL=SITEURL, RELATIVE_URLS=False)


def local_file(site: Path, url: str) -> Path | None:
    """The output file behind an absolute URL of the site, or None for another site."""
    if not url.startswith(SITEURL + "/"):
        return None
    path = urlparse(url).path.removeprefix(urlparse(SITEURL).path + "/")
    target = site / path
    return target / "index.html" if url.endswith("/") or target.is_dir() else target


def crawl(site: Path) -> tuple[set[Path], list[str]]:
    """Follow <a>, <link> and src links from the home page; return pages reached and broken links."""
    seen, broken = set(), []
    queue = deque([(site / "index.html", f"{SITEURL}/")])
    while queue:
        path, url = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        if path.suffix != ".html":
            continue
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        for tag in soup.select("a[href], link[href], img[src], script[src]"):
            href = urldefrag(urljoin(url, tag.get("href") or tag.get("src")))[0]
            if href.startswith(("http://", "https://")) and not href.startswith(SITEURL) and urlparse(href).netloc == "example.github.io":
                broken.append(f"{path.relative_to(site)} → {href} (outside the sub-path)")
            target = local_file(site, href)
            if target is None:
                continue
            if not target.is_file():
                broken.append(f"{path.relative_to(site)} → {href}")
            elif target not in seen and tag.name == "a" or target.suffix != ".html":
                queue.append((target, href))
    return seen, broken


def test_no_broken_internal_link_under_a_sub_path(subpath_site):
    _, broken = crawl(subpath_site)
    assert broken == []


def test_every_page_is_reachable_from_home_by_links(subpath_site):
    reached, _ = crawl(subpath_site)
    pages = {p for p in subpath_site.rglob("index.html")}
    assert pages - reached == set()
    circles = {p for p in pages if p.parent.parent.name == "circles"}
    assert len(circles) == len(list((ROOT / "content" / "circles").glob("*.yml")))


def test_two_builds_are_byte_identical(tmp_path):
    first = site_files(build(ROOT / "content", tmp_path / "a"))
    second = site_files(build(ROOT / "content", tmp_path / "b"))
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_the_small_site_matches_tests_expected(tmp_path):
    built = site_files(build_fixture(tmp_path / "output"))
    expected = site_files(EXPECTED)
    assert sorted(built) == sorted(expected), "pages differ: run `make expected` and review the diff"
    changed = [name for name in built if built[name] != expected[name]]
    assert changed == [], "output differs from tests/expected/: run `make expected` and review the diff"


def test_make_html_refuses_invalid_records_with_messages_not_a_traceback(tree, tmp_path):
    from tests.conftest import CIRCLE

    content = tree(circles__python=CIRCLE.replace("start_time: 18:00", "start_time: 6pm"))
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-s", str(ROOT / "pelicanconf.py"), "-o", str(tmp_path / "out"),
         "--cache-path", str(tmp_path / "cache"), "-e", f'PLUGIN_PATHS=["{ROOT / "plugins"}"]', f'THEME="{ROOT / "theme"}"'],
        capture_output=True, text=True, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "python.yml:12: schedule.start_time: '6pm' is not a valid time" in output
    assert "Traceback" not in output
    assert not (tmp_path / "out" / "circles").exists()
