"""The toolkit on A4 and on US Letter paper, and each language's ZIP with its own Markdown: built for real."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pypdf
import pytest
from bs4 import BeautifulSoup

from circles.pages.toolkit_model import A4, LETTER, PAPERS, papers_for
from tests.conftest import CIRCLE, LIBRARY, NETWORK, ROOT, build, write_tree
from tests.pages.test_toolkit import TOOLKIT, no_network, site  # noqa: F401 - the built site, a fixture

#: Width and height in PostScript points.
SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def sizes(path: Path) -> set[tuple[float, float]]:
    return {(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in pypdf.PdfReader(path).pages}


def test_every_pdf_comes_on_a4_and_on_letter(site):  # noqa: F811 - the fixture
    output, toolkit = site
    for paper in PAPERS:
        for path in [toolkit.pdf_on(paper), *(guide.pdf_on(paper) for guide in toolkit.pages)]:
            assert sizes(output / path) == {SIZES[paper.name]}, path
        first = pypdf.PdfReader(output / toolkit.pdf_on(paper)).pages[0].extract_text()
        assert toolkit.title in first and "CC BY-SA 4.0" in first, f"the title page does not fit on {paper.name}"
    assert toolkit.pdf_on(A4) == toolkit.pdf and toolkit.pdf_on(LETTER).endswith("-1.0-letter.pdf")


def test_each_papers_zip_holds_the_same_files_with_its_own_pdfs(site):  # noqa: F811
    output, toolkit = site
    archives = {paper.name: zipfile.ZipFile(output / toolkit.zip_on(paper)) for paper in PAPERS}
    assert archives["a4"].namelist() == archives["letter"].namelist()
    for paper in PAPERS:
        archive = archives[paper.name]
        assert archive.read(f"{toolkit.stem}/{toolkit.stem}.pdf") == (output / toolkit.pdf_on(paper)).read_bytes()
        for guide in toolkit.pages:
            folder = "guides" if guide.kind == "guide" else "forms"
            assert archive.read(f"{toolkit.stem}/{folder}/{guide.file_stem}.pdf") == (output / guide.pdf_on(paper)).read_bytes()
        readme = archive.read(f"{toolkit.stem}/README.txt").decode()
        assert f"for {paper.label} paper" in readme and "only in English" not in readme


def test_the_downloads_page_offers_both_papers_the_likeliest_first(site):  # noqa: F811
    output, toolkit = site
    page = soup(output / "toolkit" / "downloads" / "index.html")
    offered = page.select_one("[data-papers]")
    assert [item["data-paper"] for item in offered.select("[data-paper]")] == ["letter", "a4"]  # English: the US
    assert "US" in offered["data-letter-regions"].split() and "GB" not in offered["data-letter-regions"].split()
    for paper, item in zip(["letter", "a4"], offered.select("[data-paper]"), strict=True):
        paper = LETTER if paper == "letter" else A4
        hrefs = {Path(a["href"]).name for a in item.select("a[href]")}
        assert hrefs == {Path(toolkit.zip_on(paper)).name, Path(toolkit.pdf_on(paper)).name}
    table = page.select_one("[data-zip-contents]")
    for guide in toolkit.pages:
        assert table.select_one(f"a[href$='/{Path(guide.pdf).name}']") and table.select_one(
            f"a[href$='/{Path(guide.pdf_on(LETTER)).name}']"), guide.name
    script = page.select_one("script[src$='toolkit-paper.js']")
    assert script and (ROOT / "theme" / "static" / "js" / "toolkit-paper.js").is_file()
    guide_page = soup(output / toolkit.guides[0].url / "index.html")
    assert guide_page.select_one(f".toolkit-downloads a[href$='/{Path(toolkit.guides[0].pdf_on(LETTER)).name}']")


@pytest.mark.parametrize(("locale", "first"), [("en", "letter"), ("en_GB", "a4"), ("fr", "a4"), ("fr_CA", "letter"),
                                               ("es", "a4"), ("es_MX", "letter"), ("sw", "a4"), ("en_PH", "letter")])
def test_the_likeliest_paper_comes_from_the_locales_territory(locale, first):
    assert papers_for(locale)[0].name == first


@pytest.fixture(scope="module")
def languages(tmp_path_factory):
    """The toolkit in English, French and Spanish, without PDFs (the ZIPs' Markdown is what is tested)."""
    root = tmp_path_factory.mktemp("toolkit-languages")
    content = write_tree(root / "content", {"networks/net.yml": NETWORK, "libraries/central.yml": LIBRARY,
                                            "circles/python.yml": CIRCLE})
    shutil.copytree(TOOLKIT, content / "toolkit")
    with no_network():
        return build(content, root / "output", DIRECTORY={"languages": ["en", "fr", "es"], "toolkit_pdfs": False,
                                                          "flyer_pdfs": False})


LINKS = re.compile(rb"\]\([^)]*\)")  # pointed at where the files are in the ZIP


@pytest.mark.parametrize("language", ["fr", "es"])
def test_each_languages_zip_holds_its_own_markdown_and_names_the_rest(languages, language):
    stem = "learning-circle-toolkit-1.0"
    translated = {path.relative_to(TOOLKIT / language).as_posix() for path in (TOOLKIT / language).rglob("*.md")}
    translated.discard("README.md")
    english = {path.relative_to(TOOLKIT).as_posix() for path in TOOLKIT.glob("[0-9]*.md")} | {
        path.relative_to(TOOLKIT).as_posix() for path in (TOOLKIT / "templates").glob("*.md")}
    assert translated and english - translated, "the test expects some pages translated and some not"
    for paper in PAPERS:
        archive = zipfile.ZipFile(languages / language / "toolkit" / "downloads" / f"{stem}{paper.suffix}.zip")
        for name in sorted(english):
            in_zip = f"{stem}/{'forms' if name.startswith('templates/') else 'guides'}/{Path(name).name}"
            source = TOOLKIT / language / name if name in translated else TOOLKIT / name
            assert LINKS.sub(b"]()", archive.read(in_zip)) == LINKS.sub(b"]()", source.read_bytes()), in_zip
        readme = archive.read(f"{stem}/README.txt").decode()
        listed = set(re.findall(r"^- ((?:guides|forms)/\S+\.md): ", readme, re.M))
        expected = {f"{'forms' if n.startswith('templates/') else 'guides'}/{Path(n).name}" for n in english - translated}
        assert listed == expected
        form = BeautifulSoup(archive.read(f"{stem}/forms/flyer.html").decode(), "lxml")
        assert form.html["lang"] == language and form.h1.get_text() in (TOOLKIT / language / "templates/flyer.md").read_text()
    english_zip = zipfile.ZipFile(languages / "toolkit" / "downloads" / f"{stem}.zip")
    assert "only in English" not in english_zip.read(f"{stem}/README.txt").decode()
