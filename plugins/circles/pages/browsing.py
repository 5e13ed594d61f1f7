"""Render stage: how the directory is cut into the pages people browse without search: listings
a page at a time, topics and languages, and the places a breadcrumb names.

Each is built in one pass over the circles, so the build stays linear in their number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from circles.directory.models import Circle, Directory, Place
from circles.i18n import Texts, language_tag, name_order

#: Circles per page of the upcoming, past and online listings.
PER_PAGE = 48


@dataclass
class Page:
    """One page of a paginated listing; URLs are relative to the site root."""

    items: Sequence
    number: int
    count: int
    url: str
    first_url: str
    last_url: str
    prev_url: str | None
    next_url: str | None


def paginate(items: Sequence, base_url: str, per_page: int = PER_PAGE) -> list[Page]:
    """Cut a listing into pages at ``base_url``, ``base_url/page/2/``, ...; one page when empty."""
    count = max(1, -(-len(items) // per_page))
    urls = [base_url] + [f"{base_url}page/{n}/" for n in range(2, count + 1)]
    return [
        Page(
            items=items[i * per_page : (i + 1) * per_page],
            number=i + 1,
            count=count,
            url=urls[i],
            first_url=urls[0],
            last_url=urls[-1],
            prev_url=urls[i - 1] if i > 0 else None,
            next_url=urls[i + 1] if i + 1 < count else None,
        )
        for i in range(count)
    ]


@dataclass
class Topic:
    """A topic or a language, with its circles in listing order, for the browse pages."""

    kind: str  # "topic" or "language"
    slug: str
    name: str
    url: str
    circles: list[Circle]

    @property
    def current(self) -> int:
        return sum(c.is_current for c in self.circles)


def group_topics(directory: Directory, texts: Texts) -> tuple[list[Topic], list[Topic]]:
    """Topics and languages, each with its circles: current ones soonest first, then past ones."""
    topics: dict[str, Topic] = {}
    languages: dict[str, Topic] = {}
    for circle in (*directory.upcoming, *directory.past):  # each name looked up once: 0.1 s a language at 10,000
        for tag in circle.topics:
            if tag not in topics:
                topics[tag] = Topic("topic", tag, texts.topic(tag), f"topics/{tag}/", [])
            topics[tag].circles.append(circle)
        tag = language_tag(circle.language)  # pt-br and pt-BR are one language, with one page
        if tag not in languages:
            languages[tag] = Topic("language", tag, texts.language_name(circle.language), f"languages/{tag}/", [])
        languages[tag].circles.append(circle)
    by_name = lambda t: (name_order(t.name), t.slug)  # noqa: E731 - a sort key, named once
    return sorted(topics.values(), key=by_name), sorted(languages.values(), key=by_name)


def split_current(circles: Iterable[Circle]) -> tuple[list[Circle], list[Circle]]:
    """Current (open, full, in progress) and past circles, keeping their order; archived ones are left out."""
    current, past = [], []
    for circle in circles:
        if not circle.archived:
            (current if circle.is_current else past).append(circle)
    return current, past


@dataclass(frozen=True)
class Crumb:
    """A place as a breadcrumb shows it: a page that links to its country and town needs no more
    (and a rebuild then re-renders it only when these change, not when the town's other circles do)."""

    name: str
    url: str
    country: str = ""  # a country's code, for its name in each language


def places_by_library(countries: Iterable[Place]) -> dict[str, tuple[Crumb, Crumb]]:
    """Map each library id to its (country, city), for breadcrumbs."""
    return {
        library.id: (Crumb(country.name, country.url, country.country), Crumb(city.name, city.url))
        for country in countries
        for city in country.children
        for library in city.libraries
    }


