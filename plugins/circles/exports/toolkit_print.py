"""The toolkit's PDFs: WeasyPrint with the site's own files only, tagged for screen readers.

Every page of the toolkit is printed on every paper size (``toolkit_model.PAPERS``); what was
printed from the same page before is taken from the build's kept files, the rest is printed on
all cores.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from circles.exports.flyers import document_root, fonts_dated, local_fetcher
from circles.incremental.values import PACKAGES, KeptFiles
from circles.processes import in_shares

#: Print on all cores from two pages up: a page takes 0.1 to 2 s, a forked process milliseconds.
#: Measured with `make html` into an empty output and cache (en, fr, es, sw: 17 pages each; 2 cores,
#: shared with two other builds, load average 3): the toolkit stage took 20.3 s for the 68 A4 PDFs
#: printed one after the other (0.3 s a PDF; one language, printed alone: 4.8 s for A4, 4.9 s for
#: Letter), and 27.4 s for the 136 A4 and Letter PDFs printed in two shares, one per paper. Letter
#: thus adds 7 s instead of the ~20 s it would printed here alone; rebuilds reprint neither (kept files).
PRINT_FROM = 2


class Printer:
    """WeasyPrint with the site's own files only, and one font configuration for all PDFs."""

    #: Tagged PDF for screen readers; its language and title are the print page's <html lang> and <title>.
    VARIANT = "pdf/ua-1"

    def __init__(self, settings: dict[str, Any], output: Path, kept: KeptFiles):
        from weasyprint.text.fonts import FontConfiguration

        self.settings, self.fetcher = settings, local_fetcher(output, settings)
        # Every language's PDFs are printed as if at the first's address: only the stylesheets are
        # fetched, and links to guides are absolute (toolkit_files.standalone_link).
        self.base = f"{document_root(settings)}/toolkit/downloads/"
        self.fonts = FontConfiguration()
        self.kept = kept
        # What a page's PDF depends on besides its HTML: the stylesheets it may fetch, and WeasyPrint.
        styles = sorted((Path(settings.get("THEME") or "theme") / "static" / "css").glob("*.css"))
        self.style = b"".join(path.read_bytes() for path in styles)

    def pdfs(self, pages: list[str]) -> list[bytes]:
        """Each page (its print HTML) as a PDF, in order. Given in paper-major order (every page on A4,
        then every page on Letter), two cores get equal shares: each paper's pages weigh the same."""
        keys = [self.kept.key(PACKAGES, self.VARIANT, self.base, self.style, html) for html in pages]
        found = [self.kept.get(key) for key in keys]
        missing = [index for index, pdf in enumerate(found) if pdf is None]
        with fonts_dated(self.settings):
            printed = in_shares(lambda share: [self._print(pages[index]) for index in share], missing,
                                parallel_from=PRINT_FROM)
        for index, pdf in zip(missing, printed, strict=True):
            found[index] = self.kept.put(keys[index], pdf)
        return found

    def _print(self, html: str) -> bytes:
        from weasyprint import HTML

        try:
            document = HTML(string=html, base_url=self.base, url_fetcher=self.fetcher).render(font_config=self.fonts)
            return document.write_pdf(pdf_variant=self.VARIANT)
        except Exception as error:
            raise ToolkitPrintError(f"a toolkit PDF could not be made: {error}") from None


class ToolkitPrintError(RuntimeError):
    pass
