"""The toolkit's downloads: a PDF of each guide and form, one PDF of the whole toolkit, and a
ZIP holding those PDFs, the Markdown sources and the forms as printable HTML.

Everything is made in memory first, so that the downloads page can list exactly what the ZIP
holds, with sizes. The bytes depend only on the toolkit and the theme: PDFs carry no dates
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
from typing import Any

from circles.exports.flyers import document_root, local_fetcher, pdf_problem
from circles.i18n import _
from circles.incremental.values import WEASYPRINT, KeptFiles
from circles.pages.toolkit import LICENCE_URL, Guide, Toolkit, convert, document_sections
from circles.settings import directory_settings, site_root, site_url

log = logging.getLogger(__name__)

#: Renders a theme template to a string: ``render(template, **context)``.
Render = Callable[..., str]
#: A Markdown link to a file of the toolkit: ``](templates/flyer.md`` followed by ``)`` or ``#anchor)``.
MARKDOWN_LINK = re.compile(r"(\]\()([^()#\s:]+\.md)(?=[#)\s])")


@dataclass
class Download:
    """One file of the ZIP, and where the site also serves it (PDFs only)."""

    path: str  # inside the ZIP, under its top folder
    what: str  # shown on the downloads page
    data: bytes
    url: str = ""  # site path, when served on its own too

    @property
    def size(self) -> int:
        return len(self.data)


def make_downloads(toolkit: Toolkit, settings: dict[str, Any], output: Path, render: Render,
                   kept: KeptFiles, prefix: str = "") -> tuple[list[Download], bytes]:
    """Every file of the ZIP (in ZIP order), and the ZIP itself, of the toolkit in the language whose
    pages are in the folder ``prefix``; PDFs printed from the same page and stylesheets before are found
    in ``kept``."""
    started = time.perf_counter()
    problem = pdf_problem(settings, "toolkit_pdfs")
    if problem and directory_settings(settings)["toolkit_pdfs"]:
        log.warning("Toolkit PDFs skipped: %s. The ZIP holds the Markdown and HTML forms only.", problem)
    printer = None if problem else Printer(settings, output, kept)
    files = [Download("README.txt", _("What is in this file"), readme(toolkit, settings, prefix).encode()),
             Download("LICENCE.txt", _("The licence"), licence(toolkit).encode())]
    if printer:
        whole = render("toolkit_print", toolkit=toolkit, sections=document_sections(toolkit), whole=True)
        files.append(Download(f"{toolkit.stem}.pdf", _("The whole toolkit, with a table of contents"),
                              printer.pdf(whole), toolkit.pdf))
    for guide in toolkit.pages:
        folder = zip_folder(guide)
        if printer:
            html, _headings = convert(guide, toolkit, standalone_link(guide, settings, prefix))
            page = render("toolkit_print", toolkit=toolkit, sections=[(guide, guide.file_stem, html)], whole=False)
            files.append(Download(f"{folder}/{guide.file_stem}.pdf", guide.title, printer.pdf(page), guide.pdf))
        files.append(Download(f"{folder}/{Path(guide.name).name}", guide.title, zip_markdown(guide, toolkit)))
        if guide.kind == "template":
            html, _headings = convert(guide, toolkit, standalone_link(guide, settings, prefix))
            form = render("toolkit_form", toolkit=toolkit, guide=guide, html=html, css=printer_css(settings))
            files.append(Download(f"{folder}/{guide.file_stem}.html", guide.title, form.encode()))
    archive = zip_bytes(toolkit, files)
    log.info("Toolkit downloads: %d files in %.1f s", len(files) + 1, time.perf_counter() - started)
    return files, archive


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

    return MARKDOWN_LINK.sub(relink, (toolkit.folder / guide.name).read_bytes().decode("utf-8")).encode("utf-8")


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


def write_downloads(files: list[Download], archive: bytes, toolkit: Toolkit, output: Path) -> None:
    for item in files:
        if item.url:
            target = output / item.url
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(item.data)
    (output / toolkit.zip).parent.mkdir(parents=True, exist_ok=True)
    (output / toolkit.zip).write_bytes(archive)


def readme(toolkit: Toolkit, settings: dict[str, Any], prefix: str = "") -> str:
    online = f"\nRead it online: {site_url(settings, prefix + 'toolkit/')}\n" if site_root(settings) else ""
    guides = "\n".join(f"  {g.number:>2}. {g.title}" for g in toolkit.guides)
    forms = "\n".join(f"  - {g.title}" for g in toolkit.templates)
    return (f"{toolkit.title}\nVersion {toolkit.version}, {toolkit.date.isoformat()}\n{online}\n"
            f"Guides (PDF and Markdown in guides/):\n{guides}\n\n"
            f"Forms to fill in (PDF, Markdown and printable HTML in forms/):\n{forms}\n\n"
            f"{toolkit.stem}.pdf is the whole toolkit in one file, with a table of contents.\n"
            f"The Markdown files are the sources: edit them for your own library, and share them\n"
            f"under the same licence (LICENCE.txt).\n")


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


class Printer:
    """WeasyPrint with the site's own files only, and one font configuration for all PDFs."""

    #: Tagged PDF for screen readers; its language and title are the print page's <html lang> and <title>.
    VARIANT = "pdf/ua-1"

    def __init__(self, settings: dict[str, Any], output: Path, kept: KeptFiles):
        from weasyprint.text.fonts import FontConfiguration

        self.fetcher = local_fetcher(output, settings)
        # Every language's PDFs are printed as if at the first's address: only the stylesheets are
        # fetched, and links to guides are absolute (standalone_link).
        self.base = f"{document_root(settings)}/toolkit/downloads/"
        self.fonts = FontConfiguration()
        self.kept = kept
        # What a page's PDF depends on besides its HTML: the stylesheets it may fetch, and WeasyPrint.
        styles = sorted((Path(settings.get("THEME") or "theme") / "static" / "css").glob("*.css"))
        self.style = b"".join(path.read_bytes() for path in styles)

    def pdf(self, html: str) -> bytes:
        key = self.kept.key(WEASYPRINT, self.VARIANT, self.base, self.style, html)
        return self.kept.get(key) or self.kept.put(key, self._print(html))

    def _print(self, html: str) -> bytes:
        from weasyprint import HTML

        try:
            document = HTML(string=html, base_url=self.base, url_fetcher=self.fetcher).render(font_config=self.fonts)
            return document.write_pdf(pdf_variant=self.VARIANT)
        except Exception as error:
            raise ToolkitPrintError(f"a toolkit PDF could not be made: {error}") from None


class ToolkitPrintError(RuntimeError):
    pass
