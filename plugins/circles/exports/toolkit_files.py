"""The toolkit's downloads: a PDF of each guide and form, one PDF of the whole toolkit, and a
ZIP holding those PDFs, the Markdown sources (the language's own where a guide is translated)
and the forms as printable HTML; the PDFs and the ZIP for A4 and for US Letter paper.

Names: A4 keeps the toolkit's first addresses (``05-promotion.pdf``,
``learning-circle-toolkit-1.0.zip``), Letter adds ``-letter`` to them; the two ZIPs hold the same
file names under the same folder, each with its paper's PDFs, and say which in their README.

Everything is made in memory first, so that the downloads page can list exactly what the ZIPs
hold, with sizes. The bytes depend only on the toolkit and the theme: PDFs carry no dates
(WeasyPrint writes none unless asked), and ZIP entries carry the toolkit's own date.
"""

from __future__ import annotations

import io
import logging
import posixpath
import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from circles.exports.flyers import pdf_problem
from circles.exports.toolkit_print import Printer
from circles.i18n import _, site_languages
from circles.incremental.values import KeptFiles
from circles.pages.toolkit import LICENCE_URL, convert, document_sections
from circles.pages.toolkit_model import LETTER_TERRITORIES, PAPERS, Guide, Paper, Toolkit, papers_for
from circles.settings import directory_settings, site_root, site_url

log = logging.getLogger(__name__)

#: Renders a theme template to a string: ``render(template, **context)``.
Render = Callable[..., str]
#: A Markdown link to a file of the toolkit: ``](templates/flyer.md`` followed by ``)`` or ``#anchor)``.
MARKDOWN_LINK = re.compile(r"(\]\()([^()#\s:]+\.md)(?=[#)\s])")


@dataclass
class Download:
    """One file of a ZIP, and where the site also serves it (PDFs only)."""

    path: str  # inside the ZIP, under its top folder
    what: str  # shown on the downloads page
    data: bytes
    url: str = ""  # site path, when served on its own too

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Downloads:
    """The toolkit's downloads in one language: a ZIP for each paper size, holding the same files,
    its PDFs printed on that paper."""

    papers: tuple[Paper, ...]  # as the pages offer them: the paper likeliest in the language first
    files: dict[str, list[Download]]  # paper name → the ZIP's files, in ZIP order
    zips: dict[str, bytes]  # paper name → the ZIP

    @property
    def by_url(self) -> dict[str, Download]:
        """Every PDF the site serves, of every paper, by its address."""
        return {item.url: item for items in self.files.values() for item in items if item.url}

    @property
    def rows(self) -> list[SimpleNamespace]:
        """The ZIPs' files, one row each: ``path``, ``what`` and ``copies``, [(paper, Download)] in
        the papers' order (a PDF's size differs with its paper)."""
        listed = [self.files[paper.name] for paper in self.papers]
        return [SimpleNamespace(path=same[0].path, what=same[0].what, pdf=bool(same[0].url),
                                copies=list(zip(self.papers, same, strict=True)))
                for same in zip(*listed, strict=True)]

    @property
    def letter_regions(self) -> tuple[str, ...]:
        """Where Letter is the usual paper, for the page's script to put the visitor's own first."""
        return LETTER_TERRITORIES

    def zip_size(self, paper: Paper) -> int:
        return len(self.zips[paper.name])


def make_downloads(toolkit: Toolkit, settings: dict[str, Any], output: Path, render: Render,
                   kept: KeptFiles, prefix: str = "") -> Downloads:
    """Each paper's ZIP and its files (in ZIP order), of the toolkit in the language whose pages are in
    the folder ``prefix``; PDFs printed from the same page and stylesheets before are found in ``kept``."""
    started = time.perf_counter()
    problem = pdf_problem(settings, "toolkit_pdfs")
    if problem and directory_settings(settings)["toolkit_pdfs"]:
        log.warning("Toolkit PDFs skipped: %s. The ZIP holds the Markdown and HTML forms only.", problem)
    # Each page's HTML as it reads on its own, for its PDF; without PDFs, only the forms need it (the 12
    # guides converted too took a tenth of a second of every build, issue 24).
    own = {guide.name: convert(guide, toolkit, standalone_link(guide, settings, prefix))[0]
           for guide in (toolkit.templates if problem else toolkit.pages)}
    pdfs: dict[tuple[str, str], bytes] = {}
    if not problem:  # every page on every paper, printed in one batch (toolkit_print.Printer.pdfs)
        sections, pages = document_sections(toolkit), {}
        for paper in PAPERS:  # paper after paper, so that Printer.pdfs shares them out evenly
            pages[paper.name, ""] = render("toolkit_print", toolkit=toolkit, sections=sections, whole=True, paper=paper)
            for guide in toolkit.pages:
                pages[paper.name, guide.name] = render("toolkit_print", toolkit=toolkit, whole=False, paper=paper,
                                                       sections=[(guide, guide.file_stem, own[guide.name])])
        pdfs = dict(zip(pages, Printer(settings, output, kept).pdfs(list(pages.values())), strict=True))
    forms = {guide.name: render("toolkit_form", toolkit=toolkit, guide=guide, html=own[guide.name],
                                css=printer_css(settings)).encode() for guide in toolkit.templates}
    files = {paper.name: zip_files(toolkit, paper, pdfs, forms, render(
        "toolkit_readme", toolkit=toolkit, paper=paper, online=online(settings, prefix, toolkit, paper))) for paper in PAPERS}
    zips = {name: zip_bytes(toolkit, items) for name, items in files.items()}
    log.info("Toolkit downloads: %d files in %.1f s", sum(len(items) + 1 for items in files.values()),
             time.perf_counter() - started)
    return Downloads(papers_for(language_at(settings, prefix)), files, zips)


def zip_files(toolkit: Toolkit, paper: Paper, pdfs: dict[tuple[str, str], bytes], forms: dict[str, bytes],
              readme: str) -> list[Download]:
    """The files of ``paper``'s ZIP, in order: its PDFs (when printed), the Markdown sources and the forms."""
    files = [Download("README.txt", _("What is in this file"), readme.encode()),
             Download("LICENCE.txt", _("The licence"), licence(toolkit).encode())]
    if (paper.name, "") in pdfs:
        files.append(Download(f"{toolkit.stem}.pdf", _("The whole toolkit, with a table of contents"),
                              pdfs[paper.name, ""], toolkit.pdf_on(paper)))
    for guide in toolkit.pages:
        folder = zip_folder(guide)
        if (paper.name, guide.name) in pdfs:
            files.append(Download(f"{folder}/{guide.file_stem}.pdf", guide.title, pdfs[paper.name, guide.name],
                                  guide.pdf_on(paper)))
        files.append(Download(f"{folder}/{Path(guide.name).name}", guide.title, zip_markdown(guide, toolkit)))
        if guide.name in forms:
            files.append(Download(f"{folder}/{guide.file_stem}.html", guide.title, forms[guide.name]))
    return files


def language_at(settings: dict[str, Any], prefix: str) -> str:
    """The locale of the site's language whose pages are in the folder ``prefix``."""
    return next(language.locale for language in site_languages(directory_settings(settings)["languages"])
                if language.prefix == prefix)


def online(settings: dict[str, Any], prefix: str, toolkit: Toolkit, paper: Paper) -> SimpleNamespace | None:
    """Where the toolkit is read online, and the ZIP of each other paper, for the README; None without SITEURL."""
    if not site_root(settings):
        return None
    return SimpleNamespace(toolkit=site_url(settings, prefix + "toolkit/"),
                           others=[(other, site_url(settings, prefix + toolkit.zip_on(other)))
                                   for other in PAPERS if other != paper])


def standalone_link(guide: Guide, settings: dict[str, Any], prefix: str = ""):
    """Links in a file read on its own: within it by anchor, to other guides on the public site."""
    def link(target: Guide, anchor: str) -> str | None:
        if target is guide:
            return f"#{anchor}" if anchor else "#"
        if not site_root(settings):
            return None  # no public address to point at: the words stay, without a link
        return site_url(settings, prefix + target.url) + (f"#{anchor}" if anchor else "")

    return link


def zip_folder(guide: Guide) -> str:
    return "guides" if guide.kind == "guide" else "forms"


def zip_markdown(guide: Guide, toolkit: Toolkit) -> bytes:
    """A guide's Markdown source, its links to other toolkit files pointed at where the ZIP holds them
    (``templates/flyer.md`` from a guide is ``../forms/flyer.md`` there)."""
    def relink(match: re.Match) -> str:
        target = toolkit.by_name(posixpath.normpath(posixpath.join(posixpath.dirname(guide.name), match[2])))
        if target is None:
            return match[0]
        return match[1] + posixpath.relpath(f"{zip_folder(target)}/{Path(target.name).name}", zip_folder(guide))

    return MARKDOWN_LINK.sub(relink, (guide.path or toolkit.folder / guide.name).read_bytes().decode("utf-8")).encode("utf-8")


def zip_bytes(toolkit: Toolkit, files: list[Download]) -> bytes:
    """The files under one top folder, in the given order, dated with the toolkit's date."""
    buffer = io.BytesIO()
    stamp = (toolkit.date.year, toolkit.date.month, toolkit.date.day, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in files:
            info = zipfile.ZipInfo(f"{toolkit.stem}/{item.path}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, item.data)
    return buffer.getvalue()


def write_downloads(downloads: Downloads, toolkit: Toolkit, output: Path) -> None:
    """The PDFs the site serves on their own, and each paper's ZIP."""
    for item in downloads.by_url.values():
        target = output / item.url
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.data)
    for paper in PAPERS:
        (output / toolkit.zip_on(paper)).parent.mkdir(parents=True, exist_ok=True)
        (output / toolkit.zip_on(paper)).write_bytes(downloads.zips[paper.name])


def licence(toolkit: Toolkit) -> str:
    return (f"{toolkit.title}, version {toolkit.version} ({toolkit.date.isoformat()}).\n\n"
            f"This work is licensed under the Creative Commons Attribution-ShareAlike 4.0\n"
            f"International licence ({toolkit.licence}). To view a copy of the licence, visit\n{LICENCE_URL}\n\n"
            "You may copy, adapt and share it, also commercially, if you credit the Learning\n"
            "Circles Directory, link to the licence, say what you changed, and share your\n"
            "version under the same licence.\n")


def printer_css(settings: dict[str, Any]) -> str:
    """The print stylesheet, for the standalone HTML forms (they are opened from disk)."""
    path = Path(settings.get("THEME") or "theme") / "static" / "css" / "toolkit-print.css"
    return path.read_text(encoding="utf-8") if path.is_file() else ""
