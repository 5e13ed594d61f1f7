"""Flyers: the printable page of each circle, its QR code and its PDFs (A4 and Letter), read back as a reader would."""

from __future__ import annotations

import io
import logging
import os
import re
import struct
import sys
import zlib
from pathlib import Path

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from PIL import Image

from circles.exports.flyers import PAPER, document_root, site_file
from circles.settings import site_url
from tests.conftest import CIRCLE, LIBRARY, NETWORK, ROOT, build, write_tree

SITEURL = "https://circles.example.org/dir"
EVIL = '<script>alert("x")</script> & friends'
# A4 and Letter in PostScript points.
SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
EMAIL = CIRCLE.replace("title: Python for beginners", f"title: '{EVIL}'").replace(
    "signup: drop-in", "signup: circles@lib.example.net").replace("start_time: 18:00", "start_time: 10:00")
WEB = CIRCLE.replace("title: Python for beginners", "title: Spreadsheets").replace(
    "signup: drop-in", "signup: https://www.lib.example.net/signup?circle=7&lang=en").replace(
    "  title: Python Essentials 1", "  title: Excel basics")
ONLINE = """\
title: Writing online
network: net
format: online
timezone: America/Toronto
course:
  title: Start Writing Fiction
language: en
schedule:
  start_date: 2026-12-02
  weeks: 4
  weekdays: [wednesday]
  start_time: 19:00
  duration: 60
signup: circles@lib.example.net
"""
# Far more than a page holds at the flyer's size: the flyer must shrink onto one page anyway.
LONG = CIRCLE.replace("title: Python for beginners", "title: " + " ".join(["Understanding"] * 14)).replace(
    "start_time: 18:00", "start_time: '14:00'").replace(
    "signup: drop-in", "signup: https://www.lib.example.net/" + "very-long-path/" * 12) + "room: " + "Room " * 39 + "\n"
CONTENT = {"networks/net.yml": NETWORK, "libraries/central.yml": LIBRARY, "circles/python.yml": CIRCLE,
           "circles/email.yml": EMAIL, "circles/web.yml": WEB, "circles/online.yml": ONLINE, "circles/long.yml": LONG}
IDS = sorted(name.split("/")[1].removesuffix(".yml") for name in CONTENT if name.startswith("circles/"))


def build_site(root: Path, **overrides) -> Path:
    content = write_tree(root / "content", CONTENT)
    return build(content, root / "output", SITEURL=SITEURL, RELATIVE_URLS=False, **overrides)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("published")
    # Fills a PDF cache (without reading it) for test_the_cache_reprints_only_what_changed.
    return build_site(root, CACHE_PATH=str(root / "cache"), CACHE_CONTENT=True, LOAD_CONTENT_CACHE=False)


@pytest.fixture(scope="module")
def local(tmp_path_factory) -> Path:
    """Built as `make html` does: no public address, relative links."""
    content = write_tree(tmp_path_factory.mktemp("content"), CONTENT)
    return build(content, tmp_path_factory.mktemp("local") / "output")


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "lxml")


# Reading a PDF without a PDF library: WeasyPrint (through pydyf) writes plain objects, object
# streams and Flate streams, and embeds a PNG's compressed rows unchanged as an image stream.

STREAM = re.compile(rb"<<(.*?)>>\s*stream\r?\n", re.S)


def pdf_parts(data: bytes) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The PDF's object text (with object streams opened) and its streams as (dictionary, raw bytes)."""
    text, streams, position = [], [], 0
    for match in STREAM.finditer(data):
        if match.start() < position:
            continue
        length = int(re.search(rb"/Length (\d+)", match.group(1)).group(1))
        raw = data[match.end(): match.end() + length]
        streams.append((match.group(1), raw))
        text.append(data[position: match.end()])
        if b"/Type /ObjStm" in match.group(1):
            text.append(zlib.decompress(raw))
        position = match.end() + length
    text.append(data[position:])
    return b"".join(text), streams


def pdf_pages(data: bytes) -> list[tuple[float, float]]:
    """The width and height of every page, in points."""
    text, _ = pdf_parts(data)
    pages = re.findall(rb"/Type /Page(?![s\w])(.*?)>>", text, re.S)
    boxes = [re.search(rb"/MediaBox \[([^\]]*)\]", page).group(1).split() for page in pages]
    return [(round(float(box[2]) - float(box[0]), 2), round(float(box[3]) - float(box[1]), 2)) for box in boxes]


def pdf_images(data: bytes) -> list[Image.Image]:
    """Every image of the PDF, rebuilt as a PNG from its rows (Flate with PNG predictors)."""
    images = []
    for dictionary, raw in pdf_parts(data)[1]:
        if b"/Subtype /Image" not in dictionary:
            continue
        width, height = (int(re.search(rb"/%s (\d+)" % key, dictionary).group(1)) for key in (b"Width", b"Height"))
        colour = 2 if b"/DeviceRGB" in dictionary else 0

        def chunk(kind: bytes, body: bytes) -> bytes:
            return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

        png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0))
               + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
        images.append(Image.open(io.BytesIO(png)))
    return images


def decoded(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image) if result.format == zxingcpp.BarcodeFormat.QRCode]


# The flyer page


@pytest.mark.parametrize("circle_id", IDS)
def test_every_circle_has_a_flyer_its_qr_code_and_two_pdfs(site, circle_id):
    folder = site / "circles" / circle_id
    assert (folder / "flyer" / "index.html").is_file() and (folder / "flyer" / "qr.png").is_file()
    assert sorted(p.name for p in folder.glob("*.pdf")) == ["flyer-a4.pdf", "flyer-letter.pdf"]


def test_the_flyer_says_what_where_when_and_how_to_join(site):
    page = soup(site, "circles/python/flyer")
    facts = {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True) for dt in page.select("dt")}
    assert page.h1.get_text(strip=True) == "Python for beginners"
    # The words of the circle page, whose schedule tests/site/test_site.py checks against the record.
    assert facts["When"] == soup(site, "circles/python").select_one(".schedule__text").get_text(strip=True)
    assert facts["When"].startswith("Tuesdays, 6:00") and facts["When"].endswith("6 weeks from December 1, 2026")
    assert facts["Where"].startswith("Central Branch") and "789 Yonge Street" in facts["Where"]
    assert facts["How to join"] == "No need to sign up: just come to a meeting."
    assert "Python Essentials 1" in page.select_one(".flyer__course").get_text()
    assert page.select_one(".flyer__more .flyer__address").get_text() == f"{SITEURL}/circles/python/"


@pytest.mark.parametrize("circle_id, joining", [
    ("email", "Sign up by email: circles@lib.example.net"),
    ("web", "Sign up at https://www.lib.example.net/signup?circle=7&lang=en"),
])
def test_the_flyer_prints_the_sign_up_address(site, circle_id, joining):
    page = soup(site, f"circles/{circle_id}/flyer")
    assert page.find("dt", string="How to join").find_next_sibling("dd").get_text(" ", strip=True) == joining


def test_an_online_flyer_says_online_and_the_time_zone(site):
    where = soup(site, "circles/online/flyer").find("dt", string="Where").find_next_sibling("dd").get_text(" ", strip=True)
    assert where.startswith("Online")
    assert "Times are in Eastern Time." in soup(site, "circles/online/flyer").get_text()


def test_record_text_is_escaped_and_nothing_is_inline(site):
    html = (site / "circles/email/flyer/index.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "lxml")
    assert page.h1.get_text() == EVIL
    assert page.select("script, style, [style]") == [] and "<script>alert" not in html
    csp = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "unsafe-inline" not in csp and "style-src 'self'" in csp


def test_the_circle_page_links_to_the_flyer_and_its_pdfs(site):
    links = [a["href"] for a in soup(site, "circles/python").select(".circle-layout__aside a")]
    wanted = [f"{SITEURL}/circles/python/flyer/", f"{SITEURL}/circles/python/flyer-a4.pdf",
              f"{SITEURL}/circles/python/flyer-letter.pdf"]
    assert [link for link in links if "flyer" in link] == wanted
    for link in wanted:
        target = site / link.removeprefix(SITEURL + "/")
        assert (target / "index.html" if link.endswith("/") else target).is_file()


# The PDFs


@pytest.mark.parametrize("paper", PAPER)
@pytest.mark.parametrize("circle_id", IDS)
def test_each_pdf_is_one_page_of_its_paper_size(site, circle_id, paper):
    data = (site / "circles" / circle_id / f"flyer-{paper}.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert pdf_pages(data) == [SIZES[paper]]


@pytest.mark.parametrize("paper", PAPER)
@pytest.mark.parametrize("circle_id", IDS)
def test_the_qr_code_in_the_pdf_opens_the_circle_page(site, circle_id, paper):
    data = (site / "circles" / circle_id / f"flyer-{paper}.pdf").read_bytes()
    images = pdf_images(data)
    assert [decoded(image) for image in images] == [[f"{SITEURL}/circles/{circle_id}/"]]
    # Scaled without smoothing, so the modules print with sharp edges.
    assert b"/Interpolate false" in next(d for d, _ in pdf_parts(data)[1] if b"/Subtype /Image" in d)


def test_the_qr_png_beside_the_flyer_says_the_same(site):
    assert decoded(Image.open(site / "circles/web/flyer/qr.png")) == [f"{SITEURL}/circles/web/"]


def test_the_pdf_carries_no_date_and_no_random_id(site):
    text, _ = pdf_parts((site / "circles/python/flyer-a4.pdf").read_bytes())
    assert b"/CreationDate" not in text and b"/ModDate" not in text and b"/ID" not in text
    titles = [bytes.fromhex(t.decode()).decode("utf-16") for t in re.findall(rb"/Title <([0-9a-fA-F]+)>", text)]
    assert titles == ["Flyer: Python for beginners · Learning Circles Directory"]


def test_two_builds_give_the_same_bytes_and_no_warning(site, tmp_path, caplog):
    again = build_site(tmp_path)
    # Nothing to say about a good build: not from WeasyPrint (unknown CSS, a file it could not load), not from us.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    files = sorted(p.relative_to(site).as_posix() for p in (site / "circles").rglob("*") if p.is_file())
    assert [f for f in files if (site / f).read_bytes() != (again / f).read_bytes()] == []
    assert any(f.endswith(".pdf") for f in files)


# Built without a public address (`make html`)


def test_a_local_build_encodes_the_path_and_says_so(local):
    page = soup(local, "circles/python/flyer")
    assert page.select_one(".flyer__more .flyer__address").get_text() == "circles/python/"
    assert "built without its public address" in page.select_one(".flyer__more").get_text()
    assert decoded(pdf_images((local / "circles/python/flyer-a4.pdf").read_bytes())[0]) == ["circles/python/"]
    assert site_url({"SITEURL": ""}, "circles/python/") == "circles/python/"


# Without PDFs: by the setting, or because WeasyPrint cannot start


def pdf_links(site: Path) -> list[str]:
    return [a["href"] for a in soup(site, "circles/python").select("a") if a["href"].endswith(".pdf")]


def test_the_setting_skips_pdfs_quietly(tmp_path, caplog):
    out = build_site(tmp_path, DIRECTORY={"flyer_pdfs": False})
    assert list(out.rglob("*.pdf")) == [] and (out / "circles/python/flyer/qr.png").is_file()
    assert pdf_links(out) == []
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_without_weasyprint_the_build_finishes_with_a_warning(tmp_path, caplog, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` now fails, as without Pango
    out = build_site(tmp_path)
    assert list(out.rglob("*.pdf")) == [] and (out / "circles/python/flyer/index.html").is_file()
    assert pdf_links(out) == []
    assert "PDFs are not available" in soup(out, "circles/python/flyer").select_one(".flyer-tools").get_text()
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and warnings[0].startswith("Flyer PDFs skipped: WeasyPrint cannot start")
    assert "libpango-1.0-0" in warnings[0]


def test_the_cache_reprints_only_what_changed(site, tmp_path, caplog):
    cache = site.parent / "cache"
    assert len(list((cache / "circles" / "flyers").glob("*.pdf"))) == 2 * len(IDS)
    caplog.set_level(logging.INFO, logger="circles.exports.flyers")
    again = build_site(tmp_path, CACHE_PATH=str(cache), CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True,
                       DIRECTORY={"flyer_pdfs": True, "sample": False})
    # No page says "sample data" any more: nothing in the cache fits, each flyer is printed again.
    assert "(0 from the cache)" in caplog.text
    assert all(p.read_bytes() != (site / p.relative_to(again)).read_bytes() for p in again.rglob("*.pdf"))
    # ...and the PDFs of the first build, which no page asks for any more, are forgotten.
    assert len(list((cache / "circles" / "flyers").glob("*.pdf"))) == 2 * len(IDS)
    caplog.clear()
    build_site(tmp_path / "again", CACHE_PATH=str(cache), CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True,
               DIRECTORY={"flyer_pdfs": True, "sample": False})
    assert f"({2 * len(IDS)} from the cache)" in caplog.text


def test_a_flyer_that_cannot_fit_keeps_its_first_page_and_says_so(tmp_path, caplog):
    from circles.exports.flyers import local_fetcher, print_page

    settings = {"SITEURL": "", "THEME": str(ROOT / "theme")}
    page = write_tree(tmp_path, {"flyer/index.html": "<title>x</title>" + "<p>Too long.</p>" * 400}) / "flyer/index.html"
    pdf = print_page(page, "https://site.invalid/flyer/", "A4", local_fetcher(tmp_path, settings), "content/circles/x.yml")
    assert pdf_pages(pdf) == [SIZES["a4"]]
    assert "content/circles/x.yml: the flyer does not fit on one A4 page" in caplog.text


# WeasyPrint may read only the site's own files


@pytest.mark.parametrize("siteurl, root", [(SITEURL, SITEURL), ("", "https://site.invalid")])
def test_only_the_sites_own_files_are_served_to_weasyprint(tmp_path, siteurl, root):
    output, theme = tmp_path / "output", tmp_path / "theme"
    write_tree(tmp_path, {"output/circles/a/flyer/qr.png": "png", "theme/static/css/flyer.css": "css", "secret": "no"})
    settings = {"SITEURL": siteurl, "THEME": str(theme), "THEME_STATIC_DIR": "theme", "THEME_STATIC_PATHS": ["static"]}
    assert document_root(settings) == root
    assert site_file(f"{root}/circles/a/flyer/qr.png", output, settings) == (output / "circles/a/flyer/qr.png").resolve()
    # Not copied into output/ yet: found in the theme.
    assert site_file(f"{root}/theme/css/flyer.css", output, settings) == (theme / "static/css/flyer.css").resolve()
    for url in (f"{root}/../secret", f"{root}/theme/../../secret", f"{root}/%2e%2e/secret", (tmp_path / "secret").as_uri(),
                (output / "circles/a/flyer/qr.png").as_uri(), "https://example.org/x.css", "data:text/css,body{}",
                f"{root}/circles/a/missing.png", f"{root}.evil.org/circles/a/flyer/qr.png"):
        assert site_file(url, output, settings) is None, url


def test_no_accessibility_violations_on_the_flyer(local, browser, served_site):
    axe = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed: run `npm ci`")
        pytest.skip("axe-core is not installed (npm ci)")
    base = served_site(local)
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.goto(f"{base}circles/email/flyer/")
    tab.add_script_tag(path=str(axe))
    report = tab.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})""")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in report["violations"]] == []


def test_fonts_subset_while_printing_are_dated_by_the_build_not_the_moment(monkeypatch):
    """Without HarfBuzz's subsetter, WeasyPrint subsets fonts with fontTools, which stamps each with the
    time (its 'head' table's modified date): the same build a second later gave other PDF bytes."""
    import datetime as dt

    from fontTools.misc.timeTools import epoch_diff, timestampNow

    from circles.exports.flyers import fonts_dated

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with fonts_dated({"BUILD_DATE": "2026-11-22"}):
        stamp = timestampNow() + epoch_diff
    assert dt.datetime.fromtimestamp(stamp, dt.UTC) == dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    assert "SOURCE_DATE_EPOCH" not in os.environ  # as it was: the build's own date is read from it too
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    with fonts_dated({"BUILD_DATE": "2026-11-22"}):
        pass
    assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"
