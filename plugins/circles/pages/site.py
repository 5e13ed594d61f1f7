"""What each page of the site is: its address, its template and its context, as plain data.

Nothing here renders or writes: the timeline (timeline.py) hands these lists to the incremental
layer, which keeps the pages that did not change, and to Pelican's writer. Templates only loop
over lists handed to them; every list is built here, in browsing.py or in enrich in one pass, so
the build stays linear in the number of circles.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from circles.directory.models import Circle, Directory
from circles.exports.pagefind import Bundle
from circles.exports.search import (
    EVERY_CIRCLE,
    Schedule,
    first_view,
    record_path,
    search_bundles,
    search_data,
    search_facets,
    search_messages,
    search_record,
    value_labels,
    when_key,
)
from circles.i18n import Language, Texts, _, name_order
from circles.pages.browsing import Crumb, group_topics, paginate, places_by_library, split_current
from circles.settings import site_url


@dataclass(frozen=True)
class Page:
    """One page: ``url`` is a folder path ending in ``/`` (``""`` for home); the file is ``path``."""

    url: str | None
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    #: Links relative to the page; the 404 page is served at any address, so its links are absolute.
    relative: bool = True
    #: The folder of the page's language: "" for the site's first, "fr/" for French after it.
    prefix: str = ""

    @property
    def file(self) -> str:
        return self.path or f"{self.url}index.html"

    @property
    def address(self) -> str | None:
        """The page's address within its language, the same in every language: the language
        switcher and ``hreflang`` links put each language's folder before it."""
        return self.url[len(self.prefix):] if self.url is not None else None


def in_language(pages: list[Page], language: Language) -> list[Page]:
    """``pages`` in the folder of ``language`` (as they are for the site's first language)."""
    if not language.prefix:
        return pages
    prefix = language.prefix
    return [dataclasses.replace(page, url=None if page.url is None else prefix + page.url,
                                path=page.path and prefix + page.path, prefix=prefix) for page in pages]


@dataclass
class CirclePages:
    """The circle pages, and what search learns while making them: each circle's search data and
    the bundles of the search index, which the search page and Pagefind need next."""

    pages: list[Page]
    search: dict[str, dict[str, Any]]
    bundles: list[Bundle]
    places: dict
    by_record: dict[str, Circle]  # each circle by the path of its search record
    texts: list[Texts]  # the site's languages

    def record(self, path: str) -> bytes:
        """The search record at ``path`` (exports/search.py), for Pagefind."""
        circle = self.by_record[path]
        return search_record(circle, self.search[circle.id], self.texts)


def circle_pages(directory: Directory, options: dict[str, Any], schedules: dict[Language, Schedule],
                 texts: list[Texts]) -> CirclePages:
    """A page per circle (in the site's first language; in_language puts them in the others' folders),
    with what search knows of it in every language: one index serves them all."""
    search = {circle.id: search_data(circle, schedules) for circle in directory.circles}
    places = places_by_library(directory.countries)
    pages = []
    for circle in directory.circles:
        place = places.get(circle.library.id) if circle.library else None
        pages.append(Page(circle.url, "circle", {"circle": circle, "place": place}))
    return CirclePages(pages, search, search_bundles(directory, options["search_bundle_size"], search), places,
                       {record_path(circle): circle for circle in directory.circles}, texts)


def other_pages(directory: Directory, options: dict[str, Any], texts: Texts, circles: CirclePages,
                settings: dict[str, Any], language: Language) -> list[Page]:
    """Every page but the circles', their flyers' and the toolkit's, in ``language``, whose words are ``texts``
    (the pages' addresses are given without its folder: in_language adds it)."""
    from circles.pages.embeds import embed_pages

    pages = [Page("", "index", {"section": "home", "upcoming": directory.upcoming[: options["upcoming_on_home"]]})]
    pages += [Page(embed.url, "embed", {"embed": embed}) for embed in embed_pages(directory)]  # for other websites
    for library in (lib for lib in directory.libraries if lib.has_page):
        current, past = split_current(library.circles)
        pages.append(Page(library.url, "library", {"library": library, "place": circles.places.get(library.id),
                                                   "current": current, "past": past}))
    pages += network_pages(directory)
    pages += course_pages(directory, texts)
    pages += browse_pages(directory)
    pages.append(library_index(directory))
    for kind in ("upcoming", "online", "archive"):
        pages += listing(kind, getattr(directory, kind))
    pages += listing("past", directory.past, archived=len(directory.archive))
    pages += topic_pages(directory, texts, circles, language)
    pages.append(Page(None, "404", path="404.html", relative=False))
    pages.append(data_page(directory, settings, texts))
    pages.append(contribute_page(directory, options, texts))
    return pages


def flyer_pages(directory: Directory, settings: dict[str, Any], pdfs: bool, prefix: str = "") -> Iterator[Page]:
    """Printable flyers (flyers.py, which adds QR codes and PDFs), in the circles' order."""
    from circles.exports.flyers import flyer_circles, flyer_context

    for circle in flyer_circles(directory):
        yield Page(f"{circle.url}flyer/", "flyer", {"circle": circle, "flyer": flyer_context(circle, settings, pdfs, prefix)})


def network_pages(directory: Directory) -> Iterator[Page]:
    yield Page("networks/", "networks", {"section": "networks"})
    for network in directory.networks:
        current, past = split_current(network.circles)
        yield Page(network.url, "network", {"section": "networks", "network": network, "current": current, "past": past})


#: The search page's words that nearest.js shows on a course page (search_messages).
NEAREST_WORDS = ("count_one", "count_other", "away", "distance", "my_location", "unknown_place", "locating",
                 "unsupported", "denied", "unavailable", "timeout", "unavailable_search")


def nearest_messages(texts: Texts) -> dict[str, str]:
    """The words nearest.js shows when it sorts a course's circles by distance, in the page's language."""
    words = search_messages(texts)
    return {**{key: words[key] for key in NEAREST_WORDS}, "sorted": texts.gettext(_("{count}, nearest to {place} first"))}


def course_pages(directory: Directory, texts: Texts) -> Iterator[Page]:
    """The courses, with how many circles take each now, and a page per course with its circles, which
    a visitor can sort by distance (nearest.js, in the words ``messages``)."""
    entries = []
    messages = nearest_messages(texts)
    for course in directory.courses:
        current, past = split_current(course.circles)
        entries.append(SimpleNamespace(course=course, current=len(current), past=len(past)))
        yield Page(course.url, "course", {"section": "courses", "course": course, "current": current, "past": past,
                                          "messages": messages})
    entries.sort(key=lambda entry: (name_order(entry.course.title), entry.course.id))
    yield Page("courses/", "courses", {"section": "courses", "courses": entries})


def browse_pages(directory: Directory) -> Iterator[Page]:
    yield Page("browse/", "browse", {"section": "browse"})
    for country in directory.countries:
        yield Page(country.url, "country", {"section": "browse", "country": country})
        crumb = Crumb(country.name, country.url, country.country)  # all a city's page shows of its country
        for city in country.children:
            yield Page(city.url, "city", {"section": "browse", "country": crumb, "city": city})


def library_index(directory: Directory) -> Page:
    """``libraries/``: every library with a page, by country and then by name, with its town."""
    countries = []
    for country in directory.countries:
        libraries = sorted(((library, town) for town in country.children for library in town.libraries if library.has_page),
                           key=lambda entry: (name_order(entry[0].name), entry[0].id))
        if libraries:
            countries.append((country, libraries))
    return Page("libraries/", "libraries", {"section": "browse", "countries": countries})


def listing(kind: str, circles: Sequence[Circle], base_url: str = "", **context: Any) -> Iterator[Page]:
    """``upcoming/``, ``past/``, ``online/`` (or a topic's page with ``base_url``), paginated."""
    context.setdefault("section", kind)
    for page in paginate(circles, base_url or f"{kind}/"):
        yield Page(page.url, kind, {"page": page, "total": len(circles), **context})


def topic_pages(directory: Directory, texts: Texts, circles: CirclePages, language: Language) -> Iterator[Page]:
    """The search page, and the topic and language pages that stand in for it without JavaScript."""
    topics, languages = group_topics(directory, texts)
    yield Page("search/", "search", {
        "section": "search", "topics": topics, "facets": search_facets(texts), "messages": search_messages(texts),
        "every": EVERY_CIRCLE, "first": first_view(directory, circles.search), "when": when_key(language),
        "value_labels": value_labels(texts, directory), "bundles": [bundle.name for bundle in circles.bundles]})
    yield Page("topics/", "topics", {"section": "topics", "topics": topics, "languages": languages})
    for topic in (*topics, *languages):
        # The page's circles are its listing's, the current ones: the past ones are counted and left to
        # the past circles' list, their libraries' pages and search (at 50,000 circles, 16 MB less).
        named = dataclasses.replace(topic, circles=[])
        current = [circle for circle in topic.circles if circle.is_current]
        yield from listing("topic", current, topic.url, section="topics", topic=named,
                           past=len(topic.circles) - len(current))


def data_page(directory: Directory, settings: dict[str, Any], texts: Texts) -> Page:
    """The open data page, describing data/ from the descriptor that is published there, its titles and
    descriptions in the page's language (the published descriptor's are the schema's)."""
    from circles.exports.opendata import DERIVED_NOTE, published_descriptor

    def said(part: dict[str, Any]) -> dict[str, Any]:
        note = part.get("description", "")
        if part.get("x-derived"):
            note = f"{texts.gettext(DERIVED_NOTE)} {texts.gettext(note.removeprefix(DERIVED_NOTE + ' '))}"
        return {**part, "title": texts.gettext(part.get("title", "")), "description": texts.gettext(note) if note else ""}

    package = published_descriptor(settings, directory.build_date)
    package["resources"] = [{**said(resource), "schema": {**resource["schema"], "fields": [
        said(field) for field in resource["schema"]["fields"]]}} for resource in package["resources"]]
    return Page("data/", "data", {"section": "data", "package": package,
                                  "package_url": site_url(settings, "data/datapackage.json")})


def contribute_page(directory: Directory, options: dict[str, Any], texts: Texts) -> Page:
    """List your circle: a form made from schema/ that writes a record and proposes it on GitHub."""
    from circles.pages.contribute import URL, contribute_context

    return Page(URL, "contribute", {"section": "contribute", **contribute_context(directory, options, texts)})


def toolkit_pages(toolkit, files: SimpleNamespace) -> list[Page]:
    """The toolkit's overview, a page per guide and form, and the downloads page."""
    pages = [Page("toolkit/", "toolkit", {"section": "toolkit", "files": files})]
    pages += [Page(guide.url, "toolkit_page", {"section": "toolkit", "guide": guide, "files": files})
              for guide in toolkit.pages]
    pages.append(Page("toolkit/downloads/", "toolkit_downloads", {"section": "toolkit", "files": files}))
    return pages
