"""Render stage: the listing a network or a library puts in an iframe on its own website.

Each network, and each library with a page of its own (DIRECTORY ``library_pages``), gets one
page (templates/embed.html), ``embed/networks/<id>/`` or ``embed/libraries/<id>/``: its next
few current circles, soonest first, then its few most recent past ones, each list ending in
a link to the record's own page when there are more. Sized for the snippet's 600-pixel frame;
one page a record, as a country's ten thousand libraries make twenty thousand pages otherwise.
A compact page beside it (``…/compact/``) shows the next three circles only, for a narrow column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from circles.directory.models import Circle, Directory, Library, Network

#: Current and past circles an embed shows before pointing to the record's own page: a host's
#: iframe has a fixed height (600 px in the snippet holds five), and a network's fifty circles
#: would scroll inside it; last year's circles are not what its visitors came for either.
CURRENT_IN_EMBED = 5
PAST_IN_EMBED = 5
#: The compact embed (``…/compact/``): the next few circles and a link to the rest, for a sidebar
#: or a home page where a whole listing would not fit (issue 23).
CURRENT_IN_COMPACT = 3
#: The heights the snippet gives each iframe, in pixels: the sample's tallest full embed at 600 px
#: wide, and its tallest compact one at 320 px, measured in Chromium by tests/pages/test_embeds.py.
FULL_HEIGHT = 1200
COMPACT_HEIGHT = 520


@dataclass
class Embed:
    """One embed page: what the template needs and where it is written."""

    kind: str  # "networks" or "libraries"
    record: Network | Library
    current: list[Circle]
    more_current: int  # current circles left out, listed on the record's own page
    past: list[Circle]
    more_past: int  # past circles left out, listed on the record's own page
    compact: bool = False

    @property
    def url(self) -> str:
        return embed_url(self.record) + ("compact/" if self.compact else "")


def embed_url(record: Network | Library) -> str:
    """``embed/libraries/<id>/`` (partials/embed_snippet.html follows the same rule)."""
    return f"embed/{record.url}"


def embed_of(kind: str, record: Network | Library, compact: bool = False) -> Embed:
    """The embed page of one network or library: the full one, or the compact one without past circles."""
    # record.circles is in listing order already: current soonest first, then past most recent first.
    current = [c for c in record.circles if c.is_current]
    past = [] if compact else [c for c in record.circles if not c.is_current]
    shown = CURRENT_IN_COMPACT if compact else CURRENT_IN_EMBED
    return Embed(kind, record, current[:shown], max(0, len(current) - shown),
                 past[:PAST_IN_EMBED], max(0, len(past) - PAST_IN_EMBED), compact)


def embed_pages(directory: Directory) -> Iterator[Embed]:
    """Every embed page of the directory, networks first, each full then compact."""
    records = [("networks", network) for network in directory.networks]
    records += [("libraries", library) for library in directory.libraries if library.has_page]
    for kind, record in records:
        yield embed_of(kind, record)
        yield embed_of(kind, record, compact=True)
