"""Export stage: a printable flyer per circle, its QR code and its PDFs.

The flyer page, ``circles/<id>/flyer/`` (templates/flyer.html), is written with the other
pages; once it exists, :func:`write_flyers` adds beside it

- ``circles/<id>/flyer/qr.png``: a QR code of the circle's page (segno);
- ``circles/<id>/flyer-a4.pdf`` and ``flyer-letter.pdf``: that page printed by WeasyPrint,
  one PDF per paper size with exactly one page each, so that printing one never wastes a sheet.

PDFs are optional: ``DIRECTORY["flyer_pdfs"] = False`` skips them, and a machine without
Pango gets a warning instead of a failed build. WeasyPrint may load nothing but the site's
own files (:func:`local_fetcher`), so a build never goes online.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import struct
import time
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import segno

from circles.directory.models import Circle, Directory
from circles.i18n import _
from circles.incremental.pagecache import Rebuild, ToWrite
from circles.processes import in_shares
from circles.settings import directory_settings

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


def public_url(settings: dict[str, Any], path: str) -> str:
    """The address of ``path`` on the published site; just ``path`` when SITEURL is not absolute."""
    siteurl = settings.get("SITEURL") or ""
    return f"{siteurl}/{path}" if siteurl.startswith(("https://", "http://")) else path


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as a black-and-white PNG, with the standard quiet zone.

    segno makes the code; the PNG is written here, a row of modules at a time (segno's own
    writer works pixel by pixel, three quarters of the time for ten thousand flyers). zlib's
    level 6, not 9: on these long runs of equal bytes, 9 takes ten times as long (1.7 ms a
    code) for a file no smaller.
    """
    code = segno.make(text, error="m", micro=False, mask=QR_MASK)
    # 1-bit greyscale, eight pixels a module: one module is one byte, dark 0x00, light 0xff.
    quiet = b"\xff" * 4  # four light modules each side: the quiet zone the standard asks for
    light = [b"\x00" + quiet * 2 + b"\xff" * len(code.matrix[0])] * (4 * 8)  # b"\x00": PNG filter "none"
    rows = list(light)
    for modules in code.matrix:
        rows += [b"\x00" + quiet + bytes(modules).translate(_MODULE_BYTES) + quiet] * 8
    rows += light
    side = (len(code.matrix) + 8) * 8
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"".join((b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header),
                     _chunk(b"IDAT", zlib.compress(b"".join(rows), 6)), _chunk(b"IEND", b"")))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def flyer_context(circle: Circle, settings: dict[str, Any], pdfs: bool) -> dict[str, Any]:
    """What templates/flyer.html needs besides the circle: the QR's text and the PDFs to offer."""
    address = public_url(settings, circle.url)
    return {
        "address": address,
        "absolute": address != circle.url,
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


def write_flyers(directory: Directory, settings: dict[str, Any], output: Path, rebuild: Rebuild | None = None) -> None:
    """Write each current circle's QR code (with ``rebuild``, only those that changed), then its PDFs
    when this build makes them."""
    circles = flyer_circles(directory)
    codes = {f"{circle.url}flyer/qr.png": public_url(settings, circle.url) for circle in circles}
    written = ToWrite(rebuild, "qr", {name: (text,) for name, text in codes.items()})

    def write(names: list[str]) -> list:
        for name in names:
            target = output / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(qr_png(codes[name]))
        return []

    in_shares(write, sorted(written.names))  # a millisecond a code: a large directory's on all cores
    written.finish()
    if pdf_problem(settings) is None:
        write_pdfs(circles, settings, Path(output))


def write_pdfs(circles: list[Circle], settings: dict[str, Any], output: Path) -> None:
    """Print each circle's flyer page to one PDF per paper size; report how long it took."""
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    started, failed = time.perf_counter(), []
    fetcher, root = local_fetcher(output, settings), document_root(settings)
    # One font configuration for every flyer: WeasyPrint otherwise loads the system's fonts
    # anew for each PDF, which costs a fifth of the time and keeps memory growing with each
    # flyer (0.3 MB apiece). The PDFs come out byte for byte the same either way.
    fonts = FontConfiguration()
    cache = PdfCache(settings)
    for circle in circles:
        page = output / circle.url / "flyer" / "index.html"
        for name, size in PAPER.items():
            try:
                key = cache.key(page, size)
                pdf = cache.get(key)
                if pdf is None:
                    pdf = cache.put(key, print_page(page, f"{root}/{circle.url}flyer/", size, fetcher, circle.source, fonts))
            except (Exception, FatalURLFetchingError) as error:  # a BaseException: WeasyPrint's own stop
                failed.append(f"{circle.id} ({name}): {error}")
                continue
            (output / circle.url / f"flyer-{name}.pdf").write_bytes(pdf)
    log.info("Flyer PDFs: %d in %.1f s (%d from the cache)", 2 * len(circles) - len(failed),
             time.perf_counter() - started, cache.hits)
    if failed:
        log.warning("%d flyer PDF(s) could not be made; their links lead nowhere: %s", len(failed), "; ".join(failed[:5]))
    cache.prune()


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
    return document.write_pdf()


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
    siteurl = (settings.get("SITEURL") or "").rstrip("/")
    return siteurl if siteurl.startswith(("https://", "http://")) else "https://site.invalid"


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


class PdfCache:
    """Finished PDFs kept between builds, by what went into them, when Pelican's content cache is on.

    A PDF depends only on its page, the flyer stylesheet, the QR code, the paper size and
    WeasyPrint (and the system's fonts, which are not in the key: clear ``cache/flyers/``
    after changing them). Reading follows LOAD_CONTENT_CACHE, writing CACHE_CONTENT, both off
    by default, so a plain build always prints every flyer afresh.
    """

    def __init__(self, settings: dict[str, Any]):
        from weasyprint import __version__

        self.folder = Path(settings.get("CACHE_PATH") or "cache") / "flyers"
        self.read, self.write = bool(settings.get("LOAD_CONTENT_CACHE")), bool(settings.get("CACHE_CONTENT"))
        self.version = __version__
        self.stylesheet = Path(settings.get("THEME") or "theme") / "static" / "css" / "flyer.css"
        self.hits, self.used = 0, set()

    def key(self, page: Path, size: str) -> str:
        """What went into a PDF, hashed; empty when the cache is off."""
        if not (self.read or self.write):
            return ""
        digest = hashlib.sha256()
        for part in (self.version.encode(), size.encode(), page.read_bytes(), (page.parent / "qr.png").read_bytes(),
                     self.stylesheet.read_bytes() if self.stylesheet.is_file() else b""):
            digest.update(len(part).to_bytes(8, "big") + part)
        self.used.add(f"{digest.hexdigest()}.pdf")
        return digest.hexdigest()

    def get(self, key: str) -> bytes | None:
        path = self.folder / f"{key}.pdf"
        if key and self.read and path.is_file():
            self.hits += 1
            return path.read_bytes()
        return None

    def put(self, key: str, pdf: bytes) -> bytes:
        if key and self.write:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / f"{key}.pdf").write_bytes(pdf)
        return pdf

    def prune(self) -> None:
        """Forget PDFs no flyer of this build asked for: the cache holds one directory's worth."""
        if self.write and self.folder.is_dir():
            for path in self.folder.glob("*.pdf"):
                if path.name not in self.used:
                    path.unlink()
