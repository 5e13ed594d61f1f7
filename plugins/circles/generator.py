"""Render stage: write the directory's HTML pages with the theme's templates.

Templates only loop over lists handed to them; every list is built here, in browsing.py or in
enrich in one pass, so the build stays linear in the number of circles. What templates get
besides their page's context is set up in templating.py.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace

from jinja2 import FileSystemBytecodeCache
from pelican.generators import Generator

from circles.directory.assemble import build_directory
from circles.directory.models import Circle, Directory
from circles.exports.pagefind import Bundle, Indexing
from circles.exports.search import EVERY_CIRCLE, first_view, search_bundles, search_data, search_facets, search_messages
from circles.exports.toolkit_files import make_downloads, write_downloads
from circles.i18n import Texts
from circles.incremental.pagecache import Fingerprints, Rebuild, TemplateScope, only_changed, page_stamp
from circles.pages.browsing import Crumb, group_topics, paginate, places_by_library, split_current
from circles.pages.templating import configure_environment
from circles.pages.toolkit import Toolkit, load_toolkit
from circles.problems import CirclesError
from circles.processes import in_shares
from circles.progress import Progress
from circles.records.validate import collector_paused
from circles.settings import cache_path, content_root, directory_settings, map_settings
from circles.timeline import start_aside, start_gazetteer, start_search, write_exports

log = logging.getLogger(__name__)


class DirectoryGenerator(Generator):
    """Builds the directory from the records and writes its pages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory: Directory | None = None
        self.pages_written = 0
        self.pages_rendered = 0
        self.rebuild: Rebuild | None = None
        self.bundles: list[Bundle] = []  # of the search index (pagefind.py)
        self.places: dict = {}  # each library's country and city, for breadcrumbs
        self.indexing: Indexing | None = None  # Pagefind at work on them
        self.gazetteer = None  # the offline gazetteer being made, when the cache had none (export.start_gazetteer)
        self.queue: list | None = None  # pages noted, not yet written
        self.options: dict = {}
        # Set here, not through JINJA_ENVIRONMENT, so that no configuration can
        # turn escaping off for contributors' text.
        self.env.autoescape = True
        self.env.add_extension("jinja2.ext.i18n")
        if self.settings.get("CACHE_CONTENT"):  # compiled templates, kept for the next build, as Pelican keeps content
            folder = Path(self.settings["CACHE_PATH"]) / "circles" / "templates"
            folder.mkdir(parents=True, exist_ok=True)
            self.env.bytecode_cache = FileSystemBytecodeCache(str(folder))

    def generate_context(self):
        # What an earlier build in this process left frozen (see read_records) can be collected again.
        gc.unfreeze()
        try:
            self.read_records()
            self.set_up()
        except BaseException:
            if self.gazetteer:
                self.gazetteer.stop()
            raise

    def read_records(self):
        """Validate and enrich the records; a librarian's mistake ends the build with its message only."""
        try:
            map_settings(self.settings)  # unknown keys are named now, not halfway through the build
            self.gazetteer = start_gazetteer(self.settings)
            self.progress = Progress()
            # The records and models, a million objects, live until the pages are written: the cyclic
            # collector need not go through them each time it runs (a tenth of a rebuild's time), nor
            # touch them in the processes forked meanwhile. So it is paused while they are made, and
            # they are then frozen out of its reach. They stay frozen after the build: a process that
            # ends then does not spend 0.2 s collecting their reference cycles first, and one that
            # builds again unfreezes them in generate_context, so that their memory is reclaimed.
            with collector_paused():
                self.directory = build_directory(self.settings, self.progress)
                gc.freeze()
        except CirclesError as failure:
            # Pelican logs any exception with its traceback; a librarian needs only the message.
            log.critical("%s", failure)
            raise SystemExit(1) from None

    def set_up(self):
        """What the pages share besides the records: the toolkit, the templates' globals."""
        self.context["directory"] = self.directory
        self.options = directory_settings(self.settings)
        self.env.globals["archive_after_months"] = self.options["archive_after_months"]
        self.toolkit = self.load_toolkit()
        self.context["toolkit"] = self.toolkit
        self.env.globals["has_toolkit"] = self.toolkit is not None  # every page's menu: not the whole toolkit
        self.texts = Texts(self.options["locale"])
        configure_environment(self.env, self.options, self.settings["SITEURL"], self.directory.build_date)
        from circles.exports.flyers import pdfs_possible

        # Here, with the other globals, which the rebuilds' stamp covers (pagecache.page_stamp).
        self.env.globals["flyer_pdfs"] = pdfs_possible(self.settings)

    def generate_output(self, writer):
        """Every page, the toolkit and the exports; Pagefind, the open data and the gazetteer beside them."""
        directory, progress, output = self.directory, self.progress, Path(self.output_path)
        self.rebuild = self.kept_for_rebuilds(directory)
        if self.rebuild:
            self.rebuild.prints.of_records(directory)  # for the open data's process too
        aside = start_aside(directory, self.settings, output, self.rebuild)
        try:
            with progress.stage("pages") as note:
                self.write_pages(writer, directory)
                rendered = "" if self.pages_rendered == self.pages_written else f" ({self.pages_rendered:,} changed)"
                note["what"] = f"{self.pages_written:,} pages{rendered}"
            with progress.stage("toolkit"):
                self.write_toolkit(writer)
        except BaseException:
            for worker in (aside, self.indexing, self.gazetteer):
                if worker:
                    worker.stop()
            raise
        write_exports(directory, self.settings, output, self.indexing, aside, progress, self.rebuild, self.gazetteer)
        records = (f"{len(directory.circles):,} circles, {len(directory.libraries):,} libraries, "
                   f"{len(directory.networks):,} networks")
        progress.summary(records, self.pages_written)

    def write_pages(self, writer, directory: Directory):
        """Every page but the toolkit's, noted and then written on all cores (:func:`write_all`): the
        circle pages first, so that Pagefind indexes them while the others are made; with a rebuild,
        only the pages whose keys changed."""
        outputs = self.rebuild.outputs("pages") if self.rebuild else None
        scope = TemplateScope(self.env, set(self.context) - set(self.settings), self.rebuild)

        def changed(share: list) -> list:
            return only_changed(self.rebuild, scope, share, outputs) if self.rebuild and outputs else share

        first = changed(self.noted(lambda: self.write_circles(writer, directory)))
        write_all(self, writer, first)
        self.indexing = start_search(self.settings, Path(self.output_path), self.bundles, self.rebuild,
                                     dict(outputs.now) if outputs else None)
        rest = changed(self.noted(lambda: self.note_pages(writer, directory)))
        write_all(self, writer, rest)
        self.pages_rendered = len(first) + len(rest)
        if outputs:
            outputs.finish()
            scope.save()

    def noted(self, note: Callable[[], None]) -> list[tuple[str, str, dict]]:
        """The pages ``note()`` writes, noted instead (url, template, context), to be written together."""
        self.queue = []
        try:
            note()
        finally:
            pages, self.queue = self.queue, None
        return pages

    def kept_for_rebuilds(self, directory: Directory) -> Rebuild | None:
        """With Pelican's ``CACHE_CONTENT``, what lets the next build skip what did not change (pagecache.py)."""
        if not self.settings.get("CACHE_CONTENT"):
            return None
        return Rebuild(Path(self.settings["CACHE_PATH"]) / "circles", page_stamp(self.settings, self.env, [cache_path(self.settings)]),
                       Path(self.output_path), Fingerprints(directory), bool(self.settings.get("LOAD_CONTENT_CACHE")))

    def note_pages(self, writer, directory: Directory):
        """Every page but the circles' and the toolkit's."""
        self.write(writer, "", "index", section="home", upcoming=directory.upcoming[: self.options["upcoming_on_home"]])
        self.write_embeds_and_flyers(writer, directory)
        self.write_libraries(writer, directory)
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

    def write_circles(self, writer, directory: Directory):
        """A page per circle, with what search knows of it (also in the search page's first view), and the
        bundles of the search index they make."""
        self.search = {circle.id: search_data(circle, self.texts) for circle in directory.circles}
        self.bundles = search_bundles(directory, self.options["search_bundle_size"], self.search)
        self.places = places_by_library(directory.countries)
        for circle in directory.circles:
            place = self.places.get(circle.library.id) if circle.library else None
            self.write(writer, circle.url, "circle", circle=circle, place=place, search=self.search[circle.id])

    def write_libraries(self, writer, directory: Directory):
        for library in directory.libraries:
            current, past = split_current(library.circles)
            place = self.places.get(library.id)
            self.write(writer, library.url, "library", library=library, place=place, current=current, past=past)

    def write_embeds_and_flyers(self, writer, directory: Directory):
        """Embeds for other websites (embeds.py) and printable flyers (flyers.py, which adds QR codes and PDFs)."""
        from circles.exports.flyers import flyer_circles, flyer_context
        from circles.pages.embeds import embed_pages

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
        from circles.pages.contribute import URL, contribute_context

        self.write(writer, URL, "contribute", section="contribute",
                   **contribute_context(self.directory, self.options, self.texts))

    def write_data(self, writer):
        """The open data page, describing data/ from the descriptor that is published there."""
        from circles.exports.opendata import published_descriptor, site_url

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
