"""Export stage: a printable flyer per circle, its QR code and its PDFs.

The flyer page, ``circles/<id>/flyer/`` (templates/flyer.html), is written with the other
pages; once it exists, :func:`write_flyers` adds beside it

- ``circles/<id>/flyer/qr.png``: a QR code of the circle's page (segno);
- ``circles/<id>/flyer-a4.pdf`` and ``flyer-letter.pdf``: that page printed by WeasyPrint,
  one PDF per paper size with exactly one page each, so that printing one never wastes a sheet;
  tagged (PDF/UA-1), so that a screen reader finds its headings, list and the QR code's text.

PDFs are optional: ``DIRECTORY["flyer_pdfs"] = False`` skips them, and a machine without
Pango gets a warning instead of a failed build. WeasyPrint may load nothing but the site's
own files (:func:`local_fetcher`), so a build never goes online.
"""

from __future__ import annotations

import calendar
import contextlib
import logging
import mimetypes
import os
import struct
import time
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from circles.directory.models import Circle, Directory
from circles.exports.qrcode import qr_matrix
from circles.i18n import Language, _
from circles.incremental.layer import Files
from circles.incremental.values import PACKAGES, KeptFiles
from circles.settings import build_date, directory_settings, site_root, site_url

log = logging.getLogger(__name__)

#: File name suffix → CSS page size; the page body is laid out to fit the smaller of the two.
PAPER = {"a4": "A4", "letter": "letter"}
#: File name suffix → the paper's name, translated where it is shown.
PAPER_NAMES = {"a4": _("A4"), "letter": _("Letter")}
#: A QR module (1: dark) as the byte of eight 1-bit pixels that draws it: eight pixels a module,
#: whole pixels, so with ``image-rendering: pixelated`` the code prints sharp at any size and
#: stays small (under 1 kB for a typical address).
_MODULE_BYTES = bytes([0xFF, 0x00]) + bytes(254)
#: Every mask pattern makes a valid code; choosing one instead of scoring all eight (ISO/IEC
#: 18004's penalty rules) is nine tenths of the time segno takes, for codes that scan the same.
QR_MASK = 2
#: Root font sizes to try, in order, until a flyer fits on one page (flyer.css sizes in rem).
#: Given as a user stylesheet, so only !important beats flyer.css's own 12pt.
FIT_SIZES = ("", *(f"html {{ font-size: {size} !important }}" for size in ("10pt", "8.5pt", "7pt")))
#: Tagged PDF for screen readers, as the toolkit's: its language and title are flyer.html's <html lang> and <title>.
PDF_VARIANT = "pdf/ua-1"


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as a black-and-white PNG, with the standard quiet zone.

    segno's code (made faster by exports/qrcode.py); the PNG is written here, a row of modules at a
    time (segno's own writer works pixel by pixel, three quarters of the time for ten thousand
    flyers). zlib's level 5: on these long runs of equal bytes, 6 takes two or three times as long
    (0.10 to 0.14 ms a code against 0.05 ms) and 9 thirty times, for files no smaller (issue 24: 495
    bytes on average over 300 codes at 5 and at 6).
    """
    matrix = qr_matrix(text, QR_MASK)  # segno's code, module for module (exports/qrcode.py)
    # 1-bit greyscale, eight pixels a module: one module is one byte, dark 0x00, light 0xff.
    quiet = b"\xff" * 4  # four light modules each side: the quiet zone the standard asks for
    light = [b"\x00" + quiet * 2 + b"\xff" * len(matrix[0])] * (4 * 8)  # b"\x00": PNG filter "none"
    rows = list(light)
    for modules in matrix:
        rows += [b"\x00" + quiet + bytes(modules).translate(_MODULE_BYTES) + quiet] * 8
    rows += light
    side = (len(matrix) + 8) * 8
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"".join((b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header),
                     _chunk(b"IDAT", zlib.compress(b"".join(rows), 5)), _chunk(b"IEND", b"")))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def flyer_context(circle: Circle, settings: dict[str, Any], pdfs: bool, prefix: str = "") -> dict[str, Any]:
    """What templates/flyer.html needs besides the circle: the QR's text (the circle's page in the
    flyer's language, whose folder is ``prefix``) and the PDFs to offer (their paths within it)."""
    address = site_url(settings, prefix + circle.url)
    return {
        "address": address,
        "absolute": address != prefix + circle.url,
        "pdfs": [(PAPER_NAMES[name], f"{circle.url}flyer-{name}.pdf") for name in PAPER] if pdfs else [],
    }


def pdf_problem(settings: dict[str, Any], setting: str = "flyer_pdfs") -> str | None:
    """Why this build prints no PDFs of this kind (``setting``: flyer_pdfs, toolkit_pdfs), or None when it does."""
    if not directory_settings(settings)[setting]:
        return f"DIRECTORY['{setting}'] is False"
    try:
        import weasyprint  # noqa: F401
    except Exception as error:  # OSError when Pango is missing, ImportError when WeasyPrint is
        return f"WeasyPrint cannot start ({error})"
    return None


def pdfs_possible(settings: dict[str, Any]) -> bool:
    """True when this build writes flyer PDFs; warns once, at the render stage, when it cannot."""
    problem = pdf_problem(settings)
    if problem and directory_settings(settings)["flyer_pdfs"]:
        log.warning("Flyer PDFs skipped: %s. Flyer pages are still written, without links to PDFs. "
                    "On Debian or Ubuntu, Pango comes with: apt-get install libpango-1.0-0 libpangoft2-1.0-0", problem)
    return problem is None


def flyer_circles(directory: Directory) -> list[Circle]:
    """Circles worth a flyer: those still to come or meeting now, not those that have ended."""
    return [circle for circle in directory.circles if circle.is_current]


def qr_files(directory: Directory, settings: dict[str, Any], languages: list[Language]) -> Files:
    """Each current circle's QR code in each language (its page there), made from the address it encodes."""
    codes = {f"{language.prefix}{circle.url}flyer/qr.png": site_url(settings, language.prefix + circle.url)
             for language in languages for circle in flyer_circles(directory)}

    def make(names: list[str]):
        for name in names:
            yield name, qr_png(codes[name])

    # A millisecond a code: a large directory's are made on all cores.
    return Files("qr", {name: (text,) for name, text in codes.items()}, make, on_all_cores=True)


def write_flyer_pdfs(directory: Directory, settings: dict[str, Any], output: Path, kept: KeptFiles,
                     languages: list[Language]) -> None:
    """Each current circle's flyer as PDFs in each language, when this build makes them (``flyer_pdfs``,
    and WeasyPrint's libraries); those made from the same inputs before are found in ``kept``."""
    if pdf_problem(settings) is None:
        write_pdfs(flyer_circles(directory), settings, Path(output), kept, tuple(language.prefix for language in languages))


def write_pdfs(circles: list[Circle], settings: dict[str, Any], output: Path, kept: KeptFiles,
               prefixes: tuple[str, ...] = ("",)) -> None:
    """Print each circle's flyer page, in the folder of each language (``prefixes``), to one PDF per
    paper size; report how long it took."""
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    started, failed = time.perf_counter(), []
    fetcher, root = local_fetcher(output, settings), document_root(settings)
    # One font configuration for every flyer: WeasyPrint otherwise loads the system's fonts
    # anew for each PDF, which costs a fifth of the time and keeps memory growing with each
    # flyer (0.3 MB apiece). The PDFs come out byte for byte the same either way.
    fonts = FontConfiguration()
    # A PDF depends only on its page, the flyer stylesheet, the QR code, the paper size and WeasyPrint
    # (and the system's fonts, which are not in the key: clear the cache after changing them).
    stylesheet = Path(settings.get("THEME") or "theme") / "static" / "css" / "flyer.css"
    style = stylesheet.read_bytes() if stylesheet.is_file() else b""
    with fonts_dated(settings):
        for prefix in prefixes:
            for circle in circles:
                folder = prefix + circle.url
                page = output / folder / "flyer" / "index.html"
                for name, size in PAPER.items():
                    try:
                        key = kept.key(PACKAGES, PDF_VARIANT, size, page.read_bytes(), (page.parent / "qr.png").read_bytes(), style)
                        pdf = kept.get(key)
                        if pdf is None:
                            pdf = kept.put(key, print_page(page, f"{root}/{folder}flyer/", size, fetcher, circle.source, fonts))
                    except (Exception, FatalURLFetchingError) as error:  # a BaseException: WeasyPrint's own stop
                        failed.append(f"{prefix}{circle.id} ({name}): {error}")
                        continue
                    (output / folder / f"flyer-{name}.pdf").write_bytes(pdf)
    log.info("Flyer PDFs: %d in %.1f s (%d from the cache)", len(PAPER) * len(circles) * len(prefixes) - len(failed),
             time.perf_counter() - started, kept.hits)
    if failed:
        log.warning("%d flyer PDF(s) could not be made; their links lead nowhere: %s", len(failed), "; ".join(failed[:5]))
    kept.prune()


def print_page(page: Path, base_url: str, size: str, fetcher, source: str = "", fonts=None) -> bytes:
    """The page (at ``base_url``) as a one-page PDF of ``size``, in smaller type when it does not fit at first.

    ``source`` names the record in the warning about a flyer too long for its paper.
    """
    from weasyprint import CSS, HTML

    html = HTML(string=page.read_text(encoding="utf-8"), base_url=base_url, url_fetcher=fetcher)
    for fit in FIT_SIZES:
        document = html.render(stylesheets=[CSS(string=f"@page {{ size: {size} }} {fit}")], font_config=fonts)
        if len(document.pages) == 1:
            break
    else:
        log.warning("%s: the flyer does not fit on one %s page even in small type, so its PDF shows only the "
                    "first page — shorten the title, room or sign-up address", source or base_url, size)
        document = document.copy(document.pages[:1])
    # No /ID and no dates: WeasyPrint writes CreationDate and ModDate only from dcterms meta tags,
    # which flyer.html leaves out, so the bytes depend on the flyer alone, not on when it was printed.
    return document.write_pdf(pdf_variant=PDF_VARIANT)


@contextlib.contextmanager
def fonts_dated(settings: dict[str, Any]):
    """While PDFs are printed, the fonts WeasyPrint subsets are dated by the build's date, not the moment:
    where HarfBuzz's subsetter (libharfbuzz-subset) is missing, WeasyPrint subsets with fontTools, which
    stamps each font with the time it is written unless SOURCE_DATE_EPOCH says otherwise, and the same
    build then gave other bytes a second later."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(build_date(settings).timetuple()))
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def local_fetcher(output: Path, settings: dict[str, Any]):
    """A WeasyPrint URL fetcher that serves the site's own files and refuses everything else."""
    # Imported here: this module also writes QR codes on machines where WeasyPrint cannot start.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFiles(URLFetcher):
        def fetch(self, url, headers=None):
            path = site_file(url, output, settings)
            if path is None:
                raise ValueError(f"a flyer may only use the site's own files, not {url}")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

    # A file that cannot be loaded stops the flyer: an unstyled PDF must not pass for a good one.
    return LocalFiles(fail_on_errors=True)


def document_root(settings: dict[str, Any]) -> str:
    """The address WeasyPrint sees the site at: SITEURL when absolute, else a stand-in.

    Never a file:// path: WeasyPrint names images after their URL inside the PDF, so a path
    to the output folder would make the bytes depend on where the site was built. The
    stand-in is under .invalid (RFC 6761), and :func:`site_file` answers for it anyway.
    """
    return site_root(settings) or "https://site.invalid"


def site_file(url: str, output: Path, settings: dict[str, Any]) -> Path | None:
    """The local file behind a URL of the site, or None for anything else.

    Theme files are looked up in the theme too: Pelican copies them into output/ only after
    the plugin's pages, so the flyer's stylesheet is not there yet when the PDFs are made.
    """
    root = document_root(settings) + "/"
    if not url.startswith(root):
        return None
    relative = unquote(urlsplit(url[len(root):]).path)
    candidates = [(Path(output), relative)]
    static_dir = settings.get("THEME_STATIC_DIR", "theme") + "/"
    if relative.startswith(static_dir):
        theme = Path(settings.get("THEME") or "theme")
        candidates += [(theme / folder, relative[len(static_dir):]) for folder in settings.get("THEME_STATIC_PATHS", ["static"])]
    for folder, rest in candidates:
        path = (folder / rest).resolve()
        if path.is_relative_to(folder.resolve()) and path.is_file():
            return path
    return None
