"""Render stage: the listings a network or a library puts in an iframe on its own website.

Each network, and each library with a page of its own (DIRECTORY ``library_pages``), gets two
pages (templates/embed.html):

- ``embed/networks/<id>/`` (or ``embed/libraries/<id>/``): its current circles, soonest
  first, then its most recent past ones;
- ``embed/networks/<id>/upcoming/``: its current circles only (open, full, in progress).

A static site has no query strings to read, so the "upcoming only" option is a second
page, and the snippet on the network or library page says which address to use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from circles.directory.models import Circle, Directory, Library, Network

#: Past circles an embed shows before pointing to the record's own page: a host's iframe
#: has a fixed height, and last year's circles are not what its visitors came for.
PAST_IN_EMBED = 10


@dataclass
class Embed:
    """One embed page: what the template needs and where it is written."""

    kind: str  # "networks" or "libraries"
    record: Network | Library
    upcoming_only: bool
    current: list[Circle]
    past: list[Circle]
    more_past: int  # past circles left out, listed on the record's own page

    @property
    def url(self) -> str:
        return embed_url(self.record, self.upcoming_only)


def embed_url(record: Network | Library, upcoming_only: bool = False) -> str:
    """``embed/libraries/<id>/`` or ``embed/libraries/<id>/upcoming/`` (partials/embed_snippet.html follows the same rule)."""
    return f"embed/{record.url}" + ("upcoming/" if upcoming_only else "")


def embeds_of(kind: str, record: Network | Library) -> list[Embed]:
    """Both embed pages of one network or library."""
    # record.circles is in listing order already: current soonest first, then past most recent first.
    current = [c for c in record.circles if c.is_current]
    past = [c for c in record.circles if not c.is_current]
    return [
        Embed(kind, record, False, current, past[:PAST_IN_EMBED], max(0, len(past) - PAST_IN_EMBED)),
        Embed(kind, record, True, current, [], 0),
    ]


def embed_pages(directory: Directory) -> Iterator[Embed]:
    """Every embed page of the directory, networks first."""
    for network in directory.networks:
        yield from embeds_of("networks", network)
    for library in directory.libraries:
        if library.has_page:
            yield from embeds_of("libraries", library)
