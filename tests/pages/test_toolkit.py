"""The open toolkit: its pages, links, PDFs and ZIP, built for real from content/toolkit/."""

from __future__ import annotations

import posixpath
import re
import shutil
import socket
import zipfile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pypdf
import pytest
from bs4 import BeautifulSoup

from circles.pages.toolkit import ToolkitError, document_sections, load_toolkit
from circles.pages.toolkit_model import PAPERS
from tests.conftest import ROOT, build

TOOLKIT = ROOT / "content" / "toolkit"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


@pytest.fixture(scope="module")
def site(tmp_path_factory, request):
    """The small test tree with the project's toolkit, built once with every PDF, offline."""
    from tests.conftest import CIRCLE, LIBRARY, NETWORK, write_tree

    root = tmp_path_factory.mktemp("toolkit")
    content = write_tree(root / "content", {"networks/net.yml": NETWORK, "libraries/central.yml": LIBRARY,
                                            "circles/python.yml": CIRCLE})
    shutil.copytree(TOOLKIT, content / "toolkit")
    with no_network():
        output = build(content, root / "output", DIRECTORY={"toolkit_pdfs": True, "flyer_pdfs": False})
    return output, load_toolkit(content / "toolkit")


class no_network:  # noqa: N801 - used like a function
    """Any connection that leaves the machine fails the test."""

    def __enter__(self):
        self.original = socket.socket.connect

        def connect(sock, address):
            host = address[0] if isinstance(address, tuple) else address
            if isinstance(host, str) and not host.startswith(("127.", "::1", "/")) and host != "localhost":
                raise AssertionError(f"the build tried to reach {address}")
            return self.original(sock, address)

        socket.socket.connect = connect
        return self

    def __exit__(self, *exc):
        socket.socket.connect = self.original


def test_every_guide_and_form_has_its_page_in_reading_order(site):
    output, toolkit = site
    assert len(toolkit.guides) == 12 and len(toolkit.templates) == 4
    overview = soup(output / "toolkit" / "index.html")
    listed = [a["href"] for a in overview.select(".toolkit-list a")]
    assert len(listed) == len(toolkit.pages)
    for guide in toolkit.pages:
        page = soup(output / guide.url / "index.html")
        assert page.h1.get_text(strip=True) == guide.title
        body = page.select_one(".toolkit-body")
        assert len(body.get_text(strip=True)) > 300, guide.name
        current = page.select(".toolkit-nav a[aria-current=page]")
        assert [a.get_text(strip=True).split(". ", 1)[-1] for a in current] == [guide.title]
        previous, following = page.select_one("a[rel=prev]"), page.select_one("a[rel=next]")
        assert (previous is None) == (guide.previous is None) and (following is None) == (guide.next is None)
        if following:
            assert urljoin(f"/{guide.url}", following["href"]) == f"/{guide.next.url}"
        assert page.select_one(f"a[href$='{Path(guide.pdf).name}']"), f"{guide.name} does not link its PDF"
        assert page.select_one("a[href$='.zip']") and "CC BY-SA 4.0" in page.select_one(".toolkit-licence").get_text()


def test_checklists_and_write_on_lines_are_drawn_for_paper(site):
    output, _ = site
    checklist = soup(output / "toolkit" / "planning-checklist" / "index.html")
    items = checklist.select(".toolkit-body li.check")
    assert len(items) > 20 and all(item.select_one(".check__box") for item in items)
    assert "[ ]" not in checklist.select_one(".toolkit-body").get_text()
    survey = soup(output / "toolkit" / "templates" / "participant-survey" / "index.html")
    assert survey.select(".write-on") and not survey.select(".toolkit-body hr")


def test_a_checklist_item_keeps_its_words_in_one_element(site):
    """Issue 23: the item is a flex row, so bare text beside a link made columns ("Book" alone on its line)."""
    output, _ = site
    checklist = soup(output / "toolkit" / "planning-checklist" / "index.html")
    for item in checklist.select(".toolkit-body li.check"):
        assert [child.get("class") for child in item.find_all(recursive=False)] == [["check__box"], ["check__text"]]
        assert not "".join(item.find_all(string=True, recursive=False)).strip(), item
    book = next(item for item in checklist.select("li.check") if "Book the room" in item.get_text())
    assert book.select_one(".check__text a") and book.select_one(".check__text").get_text().endswith("finding a space.")


def test_every_internal_link_and_anchor_resolves(site):
    output, toolkit = site
    checked = 0
    for html in sorted((output / "toolkit").rglob("*.html")):
        page = soup(html)
        page_url = "/" + html.relative_to(output).as_posix()
        for link in page.select("a[href]"):
            href = link["href"]
            if re.match(r"^[a-z]+:", href):
                continue
            target = urlsplit(urljoin(page_url, href))
            path = output / unquote(target.path).lstrip("/")
            if target.path.endswith("/"):
                path = path / "index.html"
            assert path.is_file(), f"{html.relative_to(output)}: {href} leads nowhere"
            if target.fragment:
                ids = {tag["id"] for tag in soup(path).select("[id]")}
                assert target.fragment in ids, f"{html.relative_to(output)}: no #{target.fragment} in {path.relative_to(output)}"
            checked += 1
    assert checked > 300


def test_links_inside_the_whole_toolkit_point_at_its_own_sections(site):
    _, toolkit = site
    sections = document_sections(toolkit)
    document = BeautifulSoup("".join(f'<section id="{id}">{html}</section>' for _, id, html in sections), "lxml")
    ids = {tag["id"] for tag in document.select("[id]")}
    assert len(ids) == sum(1 for _ in document.select("[id]")), "ids repeat across guides"
    internal = [a["href"] for a in document.select("a[href^='#']")]
    assert internal and all(href[1:] in ids for href in internal)
    assert not document.select("a[href$='.md']"), "a link to a Markdown file was left as it is"


def pdf_text(path: Path) -> tuple[int, str]:
    reader = pypdf.PdfReader(path)
    return len(reader.pages), " ".join(page.extract_text() for page in reader.pages)


def test_each_pdf_opens_with_pages_and_text(site):
    output, toolkit = site
    for guide in toolkit.pages:
        pages, text = pdf_text(output / guide.pdf)
        assert pages > 0 and guide.title.split()[0] in text, guide.pdf
    pages, text = pdf_text(output / toolkit.pdf)
    first = pypdf.PdfReader(output / toolkit.pdf).pages[0].extract_text()
    assert toolkit.title in first and "Version 1.0" in first and "CC BY-SA 4.0" in first
    assert pages > len(toolkit.pages)
    contents = pypdf.PdfReader(output / toolkit.pdf).pages[1].extract_text()
    numbers = [int(n) for n in re.findall(r"\.{3,}\s*(\d+)", contents)]  # "Promotion ....... 14"
    assert "Contents" in contents and len(numbers) >= len(toolkit.pages) and numbers == sorted(numbers)
    assert all(guide.title in text for guide in toolkit.pages)


def test_every_toolkit_pdf_is_tagged_for_screen_readers(site):
    output, toolkit = site
    for path in [toolkit.pdf_on(paper) for paper in PAPERS] + [g.pdf_on(p) for g in toolkit.pages for p in PAPERS]:
        reader = pypdf.PdfReader(output / path)
        catalog = reader.trailer["/Root"]
        assert "/StructTreeRoot" in catalog and bool(catalog["/MarkInfo"]["/Marked"]), path
        assert catalog["/Lang"] == "en" and toolkit.title in reader.metadata.title, path
        assert b"pdfuaid:part=\"1\"" in catalog["/Metadata"].get_object().get_data(), path


def test_cross_references_in_the_whole_pdf_lead_inside_it(site):
    output, toolkit = site
    reader = pypdf.PdfReader(output / toolkit.pdf)
    names, targets = reader.named_destinations, []
    for page in reader.pages:
        for annotation in (a.get_object() for a in page.get("/Annots") or []):
            action = annotation.get("/A") or {}
            if action.get("/S") == "/URI":
                assert not re.search(r"site\.invalid|/toolkit/|\.md\b", action["/URI"]), action["/URI"]
                continue
            target = annotation.get("/Dest") or action.get("/D")
            assert isinstance(target, str) and target in names, f"link to {target!r} leads nowhere"
            targets.append(target)
    assert "11-feedback--participant-survey" in targets and "04-finding-a-space--room-setup-checklist" in targets
    survey = reader.pages[reader.get_destination_page_number(names["11-feedback--participant-survey"])]
    assert "participant survey" in survey.extract_text().lower()


def test_markdown_links_in_the_zip_lead_to_files_in_it(site):
    output, toolkit = site
    archive = zipfile.ZipFile(output / toolkit.zip)
    names, checked = set(archive.namelist()), 0
    for name in (name for name in names if name.endswith(".md")):
        for href in re.findall(r"\]\(([^)\s]+)\)", archive.read(name).decode()):
            if not re.match(r"^[a-z]+:|#", href):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(name), href.partition("#")[0]))
                assert target in names, f"{name}: {href} is not in the ZIP"
                checked += 1
    assert checked > 50


def test_the_zip_holds_exactly_what_the_downloads_page_lists(site):
    output, toolkit = site
    page = soup(output / "toolkit" / "downloads" / "index.html")
    listed = [code.get_text() for code in page.select("[data-zip-contents] tbody td:first-child code")]
    archive = zipfile.ZipFile(output / toolkit.zip)
    names = archive.namelist()
    assert names == [f"{toolkit.stem}/{name}" for name in listed]
    for guide in toolkit.pages:
        folder = "guides" if guide.kind == "guide" else "forms"
        source = archive.read(f"{toolkit.stem}/{folder}/{Path(guide.name).name}")
        links = re.compile(rb"\]\([^)]*\)")  # pointed at where the files are in the ZIP
        assert links.sub(b"]()", source) == links.sub(b"]()", (TOOLKIT / guide.name).read_bytes())
        assert archive.read(f"{toolkit.stem}/{folder}/{guide.file_stem}.pdf") == (output / guide.pdf).read_bytes()
    for form in ("flyer", "sign-in-sheet", "participant-survey", "facilitator-reflection"):
        sheet = BeautifulSoup(archive.read(f"{toolkit.stem}/forms/{form}.html").decode(), "lxml")
        assert ".write-on" in sheet.style.get_text(), f"{form}: the print styles are not inside the file"
        assert sheet.h1.get_text() == toolkit.by_name(f"templates/{form}.md").title
        assert sheet.select(".write-on, .check__box, table"), f"{form}: nothing to fill in"
    assert "CC BY-SA 4.0" in archive.read(f"{toolkit.stem}/LICENCE.txt").decode()
    zips = {Path(a["href"]).name for a in page.select("a[data-zip]")}
    assert zips == {Path(toolkit.zip_on(paper)).name for paper in PAPERS}


def test_the_toolkit_is_reachable_from_every_page(site):
    output, _ = site
    home = soup(output / "index.html")
    assert home.select_one(".site-nav a[href$='toolkit/']")


def test_the_downloads_are_the_same_bytes_in_every_build(site, tmp_path):
    output, toolkit = site
    from tests.conftest import CIRCLE, LIBRARY, NETWORK, write_tree

    content = write_tree(tmp_path / "elsewhere", {"networks/net.yml": NETWORK, "libraries/central.yml": LIBRARY,
                                                  "circles/python.yml": CIRCLE})
    shutil.copytree(TOOLKIT, content / "toolkit")
    again = build(content, tmp_path / "out", DIRECTORY={"toolkit_pdfs": True, "flyer_pdfs": False})
    for path in sorted((output / "toolkit" / "downloads").iterdir()):
        assert (again / "toolkit" / "downloads" / path.name).read_bytes() == path.read_bytes(), path.name


def test_without_a_toolkit_folder_there_is_no_section(tree, tmp_path):
    output = build(tree(), tmp_path / "out")
    assert not (output / "toolkit").exists()
    assert not soup(output / "index.html").select_one(".site-nav a[href$='toolkit/']")


def write_guide(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


ABOUT = "---\ntitle: T\nversion: '2'\ndate: 2026-01-01\nlicence: CC BY-SA 4.0\n---\n"


def test_a_link_to_a_missing_guide_names_the_file(tmp_path):
    write_guide(tmp_path, "README.md", ABOUT)
    write_guide(tmp_path, "01-one.md", "---\ntitle: One\nsummary: S\n---\nSee [two](02-two.md#x).\n")
    with pytest.raises(ToolkitError, match=r"01-one\.md: links to 02-two\.md#x, which is not in the toolkit"):
        load_toolkit(tmp_path)


def test_a_guide_without_front_matter_is_named(tmp_path):
    write_guide(tmp_path, "README.md", ABOUT)
    write_guide(tmp_path, "01-one.md", "# One\n\nNo front matter.\n")
    with pytest.raises(ToolkitError, match=r"01-one\.md: starts with a front-matter block"):
        load_toolkit(tmp_path)


def test_the_toolkit_needs_its_version_and_date(tmp_path):
    write_guide(tmp_path, "README.md", "---\ntitle: T\n---\n")
    write_guide(tmp_path, "01-one.md", "---\ntitle: One\nsummary: S\n---\nText.\n")
    with pytest.raises(ToolkitError, match="README.md: its front matter needs title, version, date"):
        load_toolkit(tmp_path)
