"""robots.txt everywhere; sitemap.xml with absolute addresses when the site has a public one."""

from __future__ import annotations

from lxml import etree

from tests.conftest import build

SITEURL = "https://example.github.io/directory"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_a_published_site_has_a_sitemap_of_its_pages(tree, tmp_path):
    output = build(tree(), tmp_path / "out", SITEURL=SITEURL, RELATIVE_URLS=False)
    locations = etree.parse(str(output / "sitemap.xml")).xpath("//s:loc/text()", namespaces=NS)
    assert f"{SITEURL}/" in locations and f"{SITEURL}/circles/python/" in locations
    assert f"{SITEURL}/search/" in locations and locations == sorted(locations)
    assert not [url for url in locations if "/embed/" in url or "/flyer/" in url or url.endswith("404.html")]
    for url in locations:
        page = url.removeprefix(f"{SITEURL}/")
        assert (output / page / "index.html").is_file() or (output / page).is_file(), url
    assert (output / "robots.txt").read_text() == f"User-agent: *\nAllow: /\nSitemap: {SITEURL}/sitemap.xml\n"


def test_a_local_build_has_robots_but_no_sitemap(tree, tmp_path):
    output = build(tree(), tmp_path / "out")
    assert not (output / "sitemap.xml").exists()
    assert (output / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"
