"""Render stage: the listing a network or a library puts in an iframe on its own website.

Each network, and each library with a page of its own (DIRECTORY ``library_pages``), gets one
page (templates/embed.html), ``embed/networks/<id>/`` or ``embed/libraries/<id>/``: its next
few current circles, soonest first, then its few most recent past ones, each list ending in
a link to the record's own page when there are more. Sized for the snippet's 600-pixel frame;
one page a record, as a country's ten thousand libraries make twenty thousand pages otherwise.
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


@dataclass
class Embed:
    """One embed page: what the template needs and where it is written."""

    kind: str  # "networks" or "libraries"
    record: Network | Library
    current: list[Circle]
    more_current: int  # current circles left out, listed on the record's own page
    past: list[Circle]
    more_past: int  # past circles left out, listed on the record's own page

    @property
    def url(self) -> str:
        return embed_url(self.record)


def embed_url(record: Network | Library) -> str:
    """``embed/libraries/<id>/`` (partials/embed_snippet.html follows the same rule)."""
    return f"embed/{record.url}"


def embed_of(kind: str, record: Network | Library) -> Embed:
    """The embed page of one network or library."""
    # record.circles is in listing order already: current soonest first, then past most recent first.
    current = [c for c in record.circles if c.is_current]
    past = [c for c in record.circles if not c.is_current]
    return Embed(kind, record, current[:CURRENT_IN_EMBED], max(0, len(current) - CURRENT_IN_EMBED),
                 past[:PAST_IN_EMBED], max(0, len(past) - PAST_IN_EMBED))


def embed_pages(directory: Directory) -> Iterator[Embed]:
    """Every embed page of the directory, networks first."""
    for network in directory.networks:
        yield embed_of("networks", network)
    for library in directory.libraries:
        if library.has_page:
            yield embed_of("libraries", library)
