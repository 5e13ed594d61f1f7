"""What the open toolkit is made of: its guides and forms, their addresses, and the paper sizes
its PDFs come in. Loaded and converted from Markdown by :mod:`circles.pages.toolkit`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from babel.core import get_global

from circles.i18n import _
from circles.problems import CirclesError


class ToolkitError(CirclesError):
    pass


@dataclass(frozen=True)
class Paper:
    """A paper size the toolkit's PDFs and ZIP come in."""

    name: str  # "a4", "letter"
    size: str  # the CSS page size
    label: str  # shown, translated where it is
    where: str  # where it is used, shown beside it
    suffix: str  # after a file's stem: A4 keeps the addresses the toolkit had before Letter was added

    def path(self, stem: str, extension: str) -> str:
        return f"toolkit/downloads/{stem}{self.suffix}.{extension}"


A4 = Paper("a4", "A4", _("A4"), _("used in most countries"), "")
LETTER = Paper("letter", "letter", _("US Letter"),
               _("used in the United States, Canada, Mexico, the Philippines and parts of Latin America"), "-letter")
PAPERS = (A4, LETTER)
#: Where US Letter is the usual paper: CLDR's supplemental data, <paperSize type="US-Letter">.
LETTER_TERRITORIES = ("BZ", "CA", "CL", "CO", "CR", "GT", "MX", "NI", "PA", "PH", "PR", "SV", "US", "VE")


def papers_for(locale: str) -> tuple[Paper, ...]:
    """The paper sizes, the one most used where ``locale`` is spoken first: its own territory
    (``en_CA``), else the one CLDR finds likeliest for the language (``en`` → US, ``es`` → Spain)."""
    parsed = Locale.parse(locale.replace("-", "_"))
    territory = parsed.territory or get_global("likely_subtags").get(parsed.language, "").rpartition("_")[2]
    return (LETTER, A4) if territory in LETTER_TERRITORIES else PAPERS


@dataclass
class Heading:
    level: int
    id: str
    text: str


@dataclass
class Guide:
    """One guide or fill-in form: its source, its page and its PDF."""

    name: str  # path inside the toolkit folder, e.g. "05-promotion.md" or "templates/flyer.md"
    slug: str  # "promotion", "flyer"
    kind: str  # "guide" or "template"
    title: str
    summary: str
    source: str  # the Markdown body, without front matter
    language: str = ""  # the guide's own language when it is not the site's (an English guide on a French site)
    path: Path | None = None  # the Markdown file it was read from: the translation's, when there is one
    number: int = 0  # 1, 2 … in reading order; templates are numbered after the guides
    html: str = ""
    headings: list[Heading] = field(default_factory=list)
    previous: Guide | None = None
    next: Guide | None = None

    @property
    def url(self) -> str:
        return f"toolkit/{'templates/' if self.kind == 'template' else ''}{self.slug}/"

    @property
    def pdf(self) -> str:
        """Its PDF for A4 paper."""
        return self.pdf_on(A4)

    def pdf_on(self, paper: Paper) -> str:
        return paper.path(self.file_stem, "pdf")

    @property
    def file_stem(self) -> str:
        """The file name without its extension, as in the ZIP: "05-promotion", "flyer"."""
        return Path(self.name).stem


@dataclass
class Toolkit:
    title: str
    version: str
    date: dt.date
    licence: str
    guides: list[Guide]
    templates: list[Guide]
    folder: Path

    @property
    def pages(self) -> list[Guide]:
        return [*self.guides, *self.templates]

    @property
    def stem(self) -> str:
        return f"learning-circle-toolkit-{self.version}"

    @property
    def pdf(self) -> str:
        """The whole toolkit's PDF for A4 paper."""
        return self.pdf_on(A4)

    @property
    def zip(self) -> str:
        """The ZIP with the PDFs for A4 paper."""
        return self.zip_on(A4)

    def pdf_on(self, paper: Paper) -> str:
        return paper.path(self.stem, "pdf")

    def zip_on(self, paper: Paper) -> str:
        return paper.path(self.stem, "zip")

    def by_name(self, name: str) -> Guide | None:
        return next((g for g in self.pages if g.name == name), None)
