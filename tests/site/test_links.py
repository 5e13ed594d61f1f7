"""Every internal link of the built sample site leads somewhere: files exist, #fragments are ids there.

Pages and stylesheets (their url()s) are read as built; nothing is fetched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import lxml.etree
import lxml.html
import pytest

from tests.conftest import ROOT, build
from tests.site.test_html_validity import NO_FLYER_PDFS

#: Published under a sub-path, as a GitHub Pages project site is.
PUBLISHED = "https://example.github.io/directory"
#: Where the pages of a build with relative links are taken to be, to resolve their links.
LOCAL = "http://site.invalid"
#: Attributes whose value is one URL.
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "data", "cite")
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""")


@pytest.fixture(scope="module", params=["relative", "published", "absolute"])
def site(request, tmp_path_factory) -> tuple[Path, str]:
    """The sample directory as `make html` builds it (relative links, flyer PDFs included), as
    `make publish` does (a public address under a sub-path, relative links between pages; the flyers'
    PDFs are left out), and with every link absolute (``RELATIVE_URLS`` off)."""
    output = tmp_path_factory.mktemp(request.param) / "output"
    if request.param == "relative":
        return build(ROOT / "content", output), LOCAL
    relative = request.param == "published"
    return build(ROOT / "content", output, SITEURL=PUBLISHED, RELATIVE_URLS=relative, DIRECTORY=NO_FLYER_PDFS), PUBLISHED


def css_urls(text: str) -> Iterator[str]:
    for match in CSS_URL.finditer(text):
        yield match.group(2) or match.group(4)


def html_urls(document) -> Iterator[tuple[str, str]]:
    """(where, URL) of every reference in a page: URL attributes, srcset candidates, CSS inside the page."""
    for element in document.iter(lxml.etree.Element):
        for name in URL_ATTRIBUTES:
            if (value := element.get(name)) is not None:
                yield f"<{element.tag} {name}>", value.strip()
        for candidate in (element.get("srcset") or "").split(","):
            if candidate.strip():
                yield f"<{element.tag} srcset>", candidate.split()[0]
        styles = [element.get("style") or ""] + ([element.text or ""] if element.tag == "style" else [])
        for text in styles:
            for url in css_urls(text):
                yield f"<{element.tag}> url()", url


@cache
def parsed(path: Path):
    return lxml.html.fromstring(path.read_bytes())


@cache
def anchors(path: Path) -> frozenset[str]:
    """The fragments a page answers to: its ids, and the names of its <a> elements."""
    return frozenset(parsed(path).xpath("//@id | //a/@name"))


def target_file(site: Path, base: str, url: str) -> Path | None:
    """The file of ``site`` an absolute URL leads to; None when it is not under ``base``."""
    if not (url == base or url.startswith(base + "/")):
        return None
    path = unquote(urlsplit(url).path).removeprefix(urlsplit(base).path).lstrip("/")
    target = site / path
    return target / "index.html" if not path or path.endswith("/") or target.is_dir() else target


def check(site: Path, base: str, source: Path, where: str, reference: str) -> str | None:
    """What is wrong with one reference of ``source``, or None."""
    own = f"{base}/{source.relative_to(site).as_posix()}"
    url, fragment = urldefrag(urljoin(own, reference))
    if urlsplit(url).scheme not in ("http", "https"):  # mailto:, tel:, data:
        return None
    target = target_file(site, base, url)
    if target is None:
        if urlsplit(url).netloc == urlsplit(base).netloc:
            return f"{where} {reference}: outside the site's path {base}/"
        return None  # another site's: not fetched
    if not target.is_file():
        return f"{where} {reference}: no file {target.relative_to(site)}"
    if fragment and target.suffix == ".html" and fragment not in anchors(target):
        return f"{where} {reference}: no id “{fragment}” in {target.relative_to(site)}"
    return None


def references(site: Path) -> Iterator[tuple[Path, str, str]]:
    for path in sorted(site.rglob("*")):
        if path.suffix == ".html":
            found = html_urls(parsed(path))
        elif path.suffix == ".css":
            found = (("url()", url) for url in css_urls(path.read_text(encoding="utf-8")))
        else:
            continue
        for where, reference in found:
            yield path, where, reference


def test_every_internal_link_and_fragment_resolves(site):
    output, base = site
    broken, checked = [], 0
    for source, where, reference in references(output):
        checked += 1
        if problem := check(output, base, source, where, reference):
            broken.append(f"{source.relative_to(output)}: {problem}")
    assert checked > 1000
    assert broken == [], f"{len(broken)} broken:\n" + "\n".join(broken)


def test_the_checker_sees_a_missing_file_and_a_missing_fragment(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<p id="here">x</p>', encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text('<a href="a/#here">fine</a> <a href="a/#gone">no id</a> <img src="b.png" srcset="a/ 1x, c.png 2x">'
                    '<a href="#self">self</a> <a href="https://elsewhere.example/">other site</a>', encoding="utf-8")
    (tmp_path / "site.css").write_text("a { background: url('missing.png') } b { background: url(page.html) }")
    problems = [check(tmp_path, LOCAL, source, where, ref) for source, where, ref in references(tmp_path)]
    assert [p for p in problems if p] == [
        "<a href> a/#gone: no id “gone” in a/index.html",
        "<img src> b.png: no file b.png",
        "<img srcset> c.png: no file c.png",
        "<a href> #self: no id “self” in page.html",
        "url() missing.png: no file missing.png",
    ]
