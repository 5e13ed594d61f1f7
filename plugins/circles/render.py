"""Render stage: write the directory's HTML pages with the theme's templates.

Templates only loop over lists handed to them; every list is built here or in
enrich in one pass, so the build stays linear in the number of circles.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import get_timezone_name
from pelican.generators import Generator

from .build import build_directory
from .export import start_aside, start_search, write_exports
from .i18n import Texts
from .models import Circle, Directory, Place
from .pagecache import Fingerprints, Rebuild, TemplateScope, only_changed, page_stamp
from .pagefind import Bundle, Indexing
from .parallel import in_shares
from .problems import CirclesError
from .progress import Progress
from .search import EVERY_CIRCLE, first_view, search_bundles, search_data, search_facets, search_messages
from .settings import cache_path, content_root, directory_settings, map_settings
from .toolkit import Toolkit, load_toolkit
from .toolkit_files import make_downloads, write_downloads

log = logging.getLogger(__name__)

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
    for circle in (*directory.upcoming, *directory.past):
        for tag in circle.topics:
            topics.setdefault(tag, Topic("topic", tag, tag, f"topics/{tag}/", [])).circles.append(circle)
        name = circle.language_name or texts.language_name(circle.language)
        languages.setdefault(circle.language, Topic("language", circle.language, name, f"languages/{circle.language}/",
                                                    [])).circles.append(circle)
    by_name = lambda t: (t.name.casefold(), t.slug)  # noqa: E731 - a sort key, named once
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


def places_by_library(countries: Iterable[Place]) -> dict[str, tuple[Crumb, Crumb]]:
    """Map each library id to its (country, city), for breadcrumbs."""
    return {
        library.id: (Crumb(country.name, country.url), Crumb(city.name, city.url))
        for country in countries
        for city in country.children
        for library in city.libraries
    }


def tel_href(phone: str) -> str:
    """A ``tel:`` link target: only digits and a leading plus survive, and nothing
    after an extension or a second number (``ext. 3``, ``, 555 0101``)."""
    digits = re.sub(r"[^0-9]", "", re.split(r"[A-Za-z,;/]", phone)[0])
    return f"tel:{'+' if phone.strip().startswith('+') else ''}{digits}" if digits else ""


def timezone_name(locale: Locale, tz: str) -> str:
    """``Central Time`` for ``America/Chicago``; the IANA name when unknown."""
    try:
        return get_timezone_name(ZoneInfo(tz), "long", locale=locale)
    except (ZoneInfoNotFoundError, ValueError, LookupError):
        return tz


def template_filters(texts: Texts) -> dict:
    """The Jinja filters templates use for words, dates and names."""
    # Ten thousand circles share a few hundred dates and a few dozen meeting
    # times, and Babel formatting dominates the build, so format each value once.
    format_day = lru_cache(maxsize=4096)(texts.date)
    format_times = lru_cache(maxsize=4096)(texts.time_range)
    return {
        "date": lambda value, width="long": format_day(_day(value), width),
        "datetime": texts.datetime,
        "time_range": lambda start, end: format_times(_clock(start), _clock(end)),
        "weekdays": texts.weekdays,
        "status_label": texts.status,
        "format_label": texts.format_label,
        "language_name": texts.language_name,
        "country_name": texts.country_name,
        "join_list": texts.join,
        "timezone_name": partial(timezone_name, texts.locale),
        "tel_href": tel_href,
    }


def _day(value: dt.date) -> dt.date:
    """The calendar date of a date or datetime (what Babel formats of either)."""
    return value.date() if isinstance(value, dt.datetime) else value


def _clock(value: dt.datetime | dt.time) -> dt.time:
    return value.time() if isinstance(value, dt.datetime) else value


def html_lang(locale: str) -> str:
    """The BCP 47 tag for ``<html lang>``: ``pt-BR`` for ``pt_BR``."""
    return locale.replace("_", "-")


def configure_environment(env, options: dict, siteurl: str, build_date: dt.date) -> None:
    """Give templates the site's translations, filters and page-independent values.

    ``options`` is the merged DIRECTORY setting; ``siteurl`` Pelican's SITEURL.
    """
    locale = options["locale"]
    texts = Texts(locale)
    env.install_gettext_translations(texts.translations, newstyle=True)
    env.filters.update(template_filters(texts))
    env.globals.update(
        lang=html_lang(locale),
        text_dir=texts.locale.text_direction,
        sample=options["sample"],
        build_date=build_date,
        # Canonical links need the public address even when page links are relative.
        site_root=siteurl if siteurl.startswith("http") else "",
    )


class DirectoryGenerator(Generator):
    """Builds the directory from the records and writes its pages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory: Directory | None = None
        self.pages_written = 0
        self.pages_rendered = 0
        self.rebuild: Rebuild | None = None
        self.bundles: list[Bundle] = []  # of the search index (pagefind.py)
        self.indexing: Indexing | None = None  # Pagefind at work on them
        self.queue: list | None = None  # pages noted, not yet written
        self.options: dict = {}
        # Set here, not through JINJA_ENVIRONMENT, so that no configuration can
        # turn escaping off for contributors' text.
        self.env.autoescape = True
        self.env.add_extension("jinja2.ext.i18n")

    def generate_context(self):
        try:
            map_settings(self.settings)  # unknown keys are named now, not halfway through the build
            self.progress = Progress()
            self.directory = build_directory(self.settings, self.progress)
        except CirclesError as failure:
            # Pelican logs any exception with its traceback; a librarian needs only the message.
            log.critical("%s", failure)
            raise SystemExit(1) from None
        self.context["directory"] = self.directory
        self.options = directory_settings(self.settings)
        self.env.globals["archive_after_months"] = self.options["archive_after_months"]
        self.toolkit = self.load_toolkit()
        self.context["toolkit"] = self.toolkit
        self.env.globals["has_toolkit"] = self.toolkit is not None  # every page's menu: not the whole toolkit
        self.texts = Texts(self.options["locale"])
        configure_environment(self.env, self.options, self.settings["SITEURL"], self.directory.build_date)
        from .flyers import pdfs_possible

        # Here, with the other globals, which the rebuilds' stamp covers (pagecache.page_stamp).
        self.env.globals["flyer_pdfs"] = pdfs_possible(self.settings)

    def generate_output(self, writer):
        directory, progress, output = self.directory, self.progress, Path(self.output_path)
        self.rebuild = self.kept_for_rebuilds(directory)
        aside = start_aside(directory, self.settings, output, self.rebuild)
        try:
            with progress.stage("pages") as note:
                self.write_pages(writer, directory)
                rendered = "" if self.pages_rendered == self.pages_written else f" ({self.pages_rendered:,} changed)"
                note["what"] = f"{self.pages_written:,} pages{rendered}"
            with progress.stage("toolkit"):
                self.write_toolkit(writer)
        except BaseException:
            if aside:
                aside.stop()
            raise
        write_exports(directory, self.settings, output, self.indexing, aside, progress, self.rebuild)
        records = (f"{len(directory.circles):,} circles, {len(directory.libraries):,} libraries, "
                   f"{len(directory.networks):,} networks")
        progress.summary(records, self.pages_written)

    def write_pages(self, writer, directory: Directory):
        """Every page but the toolkit's: noted first, then written on all cores (:func:`write_all`), the
        searched circle pages before the others; with a rebuild, only those whose keys changed."""
        self.queue = []
        try:
            self.note_pages(writer, directory)
        finally:
            pages, self.queue = self.queue, None
        outputs = self.rebuild.outputs("pages") if self.rebuild else None
        scope = TemplateScope(self.env, set(self.context) - set(self.settings))

        def changed(share: list) -> list:
            return only_changed(self.rebuild, scope, share, outputs) if self.rebuild and outputs else share

        # The pages searched first, so that Pagefind indexes them while the others are made.
        searched = {page for bundle in self.bundles for page in bundle.pages}
        first = changed([page for page in pages if f"{page[0]}index.html" in searched])
        write_all(self, writer, first)
        self.indexing = start_search(self.settings, Path(self.output_path), self.bundles, self.rebuild,
                                     dict(outputs.now) if outputs else None)
        rest = changed([page for page in pages if f"{page[0]}index.html" not in searched])
        write_all(self, writer, rest)
        self.pages_rendered = len(first) + len(rest)
        if outputs:
            outputs.finish()

    def kept_for_rebuilds(self, directory: Directory) -> Rebuild | None:
        """With Pelican's ``CACHE_CONTENT``, what lets the next build skip what did not change (pagecache.py)."""
        if not self.settings.get("CACHE_CONTENT"):
            return None
        return Rebuild(Path(self.settings["CACHE_PATH"]) / "circles", page_stamp(self.settings, self.env, [cache_path(self.settings)]),
                       Path(self.output_path), Fingerprints(directory), bool(self.settings.get("LOAD_CONTENT_CACHE")))

    def note_pages(self, writer, directory: Directory):
        self.write(writer, "", "index", section="home", upcoming=directory.upcoming[: self.options["upcoming_on_home"]])
        # What search knows of each circle: on its page, and in the search page's first view.
        self.search = {circle.id: search_data(circle, self.texts) for circle in directory.circles}
        self.bundles = search_bundles(directory, self.options["search_bundle_size"])
        self.write_embeds_and_flyers(writer, directory)
        self.write_records(writer, directory)
        self.write_networks(writer, directory)
        self.write_browse(writer, directory)
        for kind in ("upcoming", "online", "archive"):
            self.write_listing(writer, kind, getattr(directory, kind))
        self.write_listing(writer, "past", directory.past, archived=len(directory.archive))
        self.write_topics(writer, directory)
        self.write_not_found(writer)
        self.write_data(writer)
        self.write_contribute(writer)

    def write(self, writer, url: str, template: str, **context):
        """Write one page at ``url`` (a directory path ending in ``/``, ``""`` for home).

        While :meth:`write_pages` collects pages, the page is only noted, to be written with the others.
        """
        self.pages_written += 1
        if self.queue is not None:
            self.queue.append((url, template, context))
            return
        self.write_now(writer, url, template, context)

    def write_now(self, writer, url: str, template: str, context: dict):
        writer.write_file(
            f"{url}index.html",
            self.get_template(template),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            page_url=url,
            **context,
        )

    def write_records(self, writer, directory: Directory):
        """A page per circle and per library."""
        places = places_by_library(directory.countries)
        for circle in directory.circles:
            place = places.get(circle.library.id) if circle.library else None
            self.write(writer, circle.url, "circle", circle=circle, place=place, search=self.search[circle.id])
        for library in directory.libraries:
            current, past = split_current(library.circles)
            place = places.get(library.id)
            self.write(writer, library.url, "library", library=library, place=place, current=current, past=past)

    def write_embeds_and_flyers(self, writer, directory: Directory):
        """Embeds for other websites (embeds.py) and printable flyers (flyers.py, which adds QR codes and PDFs).

        Runs before the circle pages, which link to the PDFs only when this build makes them.
        """
        from .embeds import embed_pages
        from .flyers import flyer_circles, flyer_context

        pdfs = self.env.globals["flyer_pdfs"]
        for embed in embed_pages(directory):
            self.write(writer, embed.url, "embed", embed=embed)
        for circle in flyer_circles(directory):
            self.write(writer, f"{circle.url}flyer/", "flyer", circle=circle,
                       flyer=flyer_context(circle, self.settings, pdfs))

    def write_networks(self, writer, directory: Directory):
        self.write(writer, "networks/", "networks", section="networks")
        for network in directory.networks:
            current, past = split_current(network.circles)
            self.write(writer, network.url, "network", section="networks", network=network, current=current, past=past)

    def write_browse(self, writer, directory: Directory):
        self.write(writer, "browse/", "browse", section="browse")
        for country in directory.countries:
            self.write(writer, country.url, "country", section="browse", country=country)
            crumb = Crumb(country.name, country.url)  # all a city's page shows of its country
            for city in country.children:
                self.write(writer, city.url, "city", section="browse", country=crumb, city=city)

    def write_listing(self, writer, kind: str, circles: Sequence[Circle], base_url: str = "", **context):
        """Write ``upcoming/``, ``past/``, ``online/`` (or a topic's page with ``base_url``), paginated."""
        context.setdefault("section", kind)
        for page in paginate(circles, base_url or f"{kind}/"):
            self.write(writer, page.url, kind, page=page, total=len(circles), **context)

    def write_topics(self, writer, directory: Directory):
        """The search page, and the topic and language pages that stand in for it without JavaScript."""
        topics, languages = group_topics(directory, self.texts)
        self.write(writer, "search/", "search", section="search", topics=topics, facets=search_facets(self.texts),
                   messages=search_messages(self.texts), every=EVERY_CIRCLE, first=first_view(directory, self.texts, self.search),
                   bundles=[bundle.name for bundle in self.bundles])
        self.write(writer, "topics/", "topics", section="topics", topics=topics, languages=languages)
        for topic in (*topics, *languages):
            # The page's circles are its listing's; the topic itself only names it.
            named = dataclasses.replace(topic, circles=[])
            self.write_listing(writer, "topic", topic.circles, topic.url, section="topics", topic=named)

    def write_not_found(self, writer):
        # Served at any missing URL, so its links must not be relative to where it sits.
        writer.write_file("404.html", self.get_template("404"), self.context, relative_urls=False, page_url=None)

    def load_toolkit(self) -> Toolkit | None:
        try:
            return load_toolkit(content_root(self.settings) / self.options["toolkit"])
        except CirclesError as failure:
            log.critical("%s", failure)
            raise SystemExit(1) from None

    def write_toolkit(self, writer):
        """The toolkit's overview, a page per guide and form, the downloads page and the files."""
        toolkit = self.toolkit
        if toolkit is None:
            return
        output = Path(self.output_path)

        def render(template: str, **context) -> str:
            return self.get_template(template).render({**self.context, **context})

        items, archive = make_downloads(toolkit, self.settings, output, render)
        files = SimpleNamespace(items=items, by_url={item.url: item for item in items if item.url}, zip_size=len(archive))
        self.write(writer, "toolkit/", "toolkit", section="toolkit", files=files)
        for guide in toolkit.pages:
            self.write(writer, guide.url, "toolkit_page", section="toolkit", guide=guide, files=files)
        self.write(writer, "toolkit/downloads/", "toolkit_downloads", section="toolkit", files=files)
        write_downloads(items, archive, toolkit, output)

    def write_contribute(self, writer):
        """List your circle: a form made from schema/ that writes a record and proposes it on GitHub."""
        from .contribute import URL, contribute_context

        self.write(writer, URL, "contribute", section="contribute",
                   **contribute_context(self.directory, self.options, self.texts))

    def write_data(self, writer):
        """The open data page, describing data/ from the descriptor that is published there."""
        from .opendata import published_descriptor, site_url

        package = published_descriptor(self.settings, self.directory.build_date)
        self.write(writer, "data/", "data", section="data", package=package,
                   package_url=site_url(self.settings, "data/datapackage.json"))


def write_all(generator: DirectoryGenerator, writer, pages: list[tuple[str, str, dict]]) -> None:
    """Write the noted pages; a large directory's are shared between the machine's cores.

    Each page is the same bytes whichever process writes it.
    """

    def write(share: Sequence[tuple[str, str, dict]]) -> list:
        for url, template, context in share:
            generator.write_now(writer, url, template, context)
        return []

    for template in sorted({template for _, template, _ in pages}):
        generator.get_template(template)  # compiled once, here, rather than in each process
    in_shares(write, pages)
