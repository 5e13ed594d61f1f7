"""Atom feeds of newly listed circles: they parse, hold the right entries in the right order, and never use the clock."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from bs4 import BeautifulSoup

from circles.exports.feeds import _text, first_committed
from tests.conftest import CIRCLE, LIBRARY, NETWORK, ROOT, build

CONTENT = ROOT / "content"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEURL = "https://example.github.io/directory"
HOSTILE = '<script>alert("x")</script> ]]> & <b>bold</b>'


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(CONTENT, tmp_path_factory.mktemp("feeds") / "output")


def records(kind: str) -> dict[str, dict]:
    return {p.stem: yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
            for p in sorted((CONTENT / kind).glob("*.yml"))}


def parse(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    return root


def entries(feed: ET.Element) -> list[dict[str, str]]:
    return [{"id": e.findtext(f"{ATOM}id"), "title": e.findtext(f"{ATOM}title"),
             "updated": e.findtext(f"{ATOM}updated"), "published": e.findtext(f"{ATOM}published"),
             "link": e.find(f"{ATOM}link").get("href"), "content": e.findtext(f"{ATOM}content")}
            for e in feed.findall(f"{ATOM}entry")]


def newest_first(circle_ids: list[str], circles: dict[str, dict]) -> list[str]:
    """Expected order, from the records' own listed dates: newest first, then by id."""
    by_id = sorted(circle_ids)
    return sorted(by_id, key=lambda i: circles[i]["listed"], reverse=True)


def test_the_feed_parses_and_lists_the_newest_circles_first(site):
    circles = records("circles")
    feed = parse(site / "feeds" / "circles.atom")
    found = entries(feed)
    assert [e["link"].split("/")[-2] for e in found] == newest_first(list(circles), circles)
    for entry in found:
        record = circles[entry["link"].split("/")[-2]]
        assert entry["title"] == record["title"].strip()
        assert entry["updated"] == entry["published"] == f"{record['listed']}T00:00:00+00:00"
    assert feed.findtext(f"{ATOM}updated") == found[0]["updated"], "the feed is as new as its newest entry"
    assert feed.find(f"{ATOM}author/{ATOM}name").text


def test_entry_ids_are_stable_tag_uris(site):
    found = entries(parse(site / "feeds" / "circles.atom"))
    assert [e["id"] for e in found] == [f"tag:localhost,2026:/circles/{e['link'].split('/')[-2]}/" for e in found]
    assert len({e["id"] for e in found}) == len(found)


def test_entry_links_lead_to_circle_pages(site):
    feed_url = "https://host/feeds/circles.atom"
    for entry in entries(parse(site / "feeds" / "circles.atom")):
        path = urljoin(feed_url, entry["link"]).removeprefix("https://host/")
        assert (site / path / "index.html").is_file()


def test_each_network_has_a_feed_of_its_circles(site):
    circles, libraries = records("circles"), records("libraries")
    for network in records("networks"):
        mine = [i for i, c in circles.items()
                if (c.get("network") or libraries.get(c.get("library", ""), {}).get("network")) == network]
        feed = parse(site / "feeds" / "networks" / f"{network}.atom")
        assert [e["link"].split("/")[-2] for e in entries(feed)] == newest_first(mine, circles)
        assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"../../feeds/networks/{network}.atom"
        page = BeautifulSoup((site / "networks" / network / "index.html").read_text(encoding="utf-8"), "lxml")
        assert page.select_one(f'a[type="application/atom+xml"][href="../../feeds/networks/{network}.atom"]')


def feed_links(site, path: str) -> list[Path]:
    soup = BeautifulSoup((site / path).read_text(encoding="utf-8"), "lxml")
    return [(site / path).parent.joinpath(link["href"]).resolve()
            for link in soup.select('head link[rel="alternate"][type="application/atom+xml"]')]


def test_the_pages_of_feeds_announce_them_and_other_pages_do_not_repeat_it(site):
    newly = (site / "feeds" / "circles.atom").resolve()
    for path in ("index.html", "upcoming/index.html", "data/index.html"):
        assert feed_links(site, path) == [newly], path
    assert feed_links(site, "networks/p2pu/index.html") == [(site / "feeds" / "networks" / "p2pu.atom").resolve()]
    # A hundred thousand circle pages need not each point to the directory's feed (issue 20).
    circle = next(site.glob("circles/*/index.html")).relative_to(site).as_posix()
    assert feed_links(site, circle) == []


def test_published_feeds_use_absolute_links_and_the_sites_address(tmp_path):
    output = build(CONTENT, tmp_path / "output", SITEURL=SITEURL, RELATIVE_URLS=False, FEED_MAX_ITEMS=3)
    feed = parse(output / "feeds" / "circles.atom")
    found = entries(feed)
    assert len(found) == 3
    assert found[0]["link"].startswith(f"{SITEURL}/circles/")
    assert found[0]["id"].startswith("tag:example.github.io,2026:/directory/circles/")
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITEURL}/feeds/circles.atom"


def test_a_hostile_title_is_escaped(tree, tmp_path):
    description = "Hello <script>alert(1)</script> [link](javascript:alert(1))"
    circle = CIRCLE.replace("Python for beginners", f"'{HOSTILE}'").replace("Python Essentials 1", f"'{HOSTILE}'")
    content = tree(circles__python=circle + f"description: '{description}'\nlisted: 2026-11-01\n",
                   libraries__central=LIBRARY.replace("Central Branch", f"'{HOSTILE}'"))
    output = build(content, tmp_path / "output")
    raw = (output / "feeds" / "circles.atom").read_text(encoding="utf-8")
    assert "<script>" not in raw and "]]>" not in raw
    entry = entries(parse(output / "feeds" / "circles.atom"))[0]
    assert entry["title"] == HOSTILE
    html = BeautifulSoup(entry["content"], "lxml")  # the HTML a feed reader would show
    assert html.find("script") is None and html.find("b") is None
    assert HOSTILE in html.get_text() and "javascript:" not in entry["content"]
    summary = BeautifulSoup(ET.parse(output / "feeds" / "circles.atom").getroot().find(f"{ATOM}entry/{ATOM}summary").text,
                            "lxml")
    assert summary.find("script") is None and summary.find("b") is None and HOSTILE in summary.get_text()


def test_control_characters_cannot_break_the_xml():
    assert _text("a\x00b\x08c\x0bd\x1fe\tf\ng") == "abcde\tf\ng"


def git(folder: Path, *args: str, date: str = "2026-01-02T03:04:05+00:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
                   check=True, capture_output=True, env=env)


def test_without_listed_the_first_commit_dates_the_entry_following_renames(tree, tmp_path):
    unlisted = CIRCLE.replace("Python for beginners", "Python again")
    content = tree(circles__old=unlisted)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".", date="2026-03-04T05:06:07-05:00")
    git(tmp_path, "commit", "-q", "-m", "first", date="2026-03-04T05:06:07-05:00")
    git(tmp_path, "mv", "content/circles/old.yml", "content/circles/renamed.yml")
    git(tmp_path, "commit", "-q", "-m", "rename", date="2026-06-01T00:00:00+00:00")
    (content / "circles" / "old.yml").write_text(unlisted.replace("again", "anew"), encoding="utf-8")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "a new file under the old name", date="2026-07-01T00:00:00+00:00")
    first = dt.datetime(2026, 3, 4, 10, 6, 7, tzinfo=dt.UTC)
    assert first_committed(content / "circles") == {
        "python.yml": first, "renamed.yml": first, "old.yml": dt.datetime(2026, 7, 1, tzinfo=dt.UTC)}
    output = build(content, tmp_path / "output")
    found = [(e["title"], e["updated"]) for e in entries(parse(output / "feeds" / "circles.atom"))]
    assert found == [("Python anew", "2026-07-01T00:00:00+00:00"), ("Python for beginners", "2026-03-04T10:06:07+00:00"),
                     ("Python again", "2026-03-04T10:06:07+00:00")]


def test_without_listed_or_history_the_build_date_dates_the_entry(tree, tmp_path):
    output = build(tree(networks__quiet=NETWORK), tmp_path / "output")
    assert first_committed(tmp_path / "content" / "circles") == {}
    feed = parse(output / "feeds" / "circles.atom")
    assert [e["updated"] for e in entries(feed)] == ["2026-11-22T00:00:00+00:00"]
    empty = parse(output / "feeds" / "networks" / "quiet.atom")
    assert entries(empty) == [] and empty.findtext(f"{ATOM}updated") == "2026-11-22T00:00:00+00:00"


def test_two_builds_write_the_same_feeds(tree, tmp_path):
    content = tree()
    first, second = build(content, tmp_path / "one"), build(content, tmp_path / "two")
    for name in ("circles.atom", "networks/net.atom"):
        assert (first / "feeds" / name).read_bytes() == (second / "feeds" / name).read_bytes()
