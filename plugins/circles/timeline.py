"""The build's timeline: what runs when, what runs beside what, where it is joined, and how it stops.

Pelican runs a build in two phases, and so does the directory (generator.py only calls these):

1. :meth:`Build.read` (Pelican's ``generate_context``): the records are validated and enriched
   (``directory/assemble.py``). Meanwhile, on the core reading leaves idle, forked processes read the
   toolkit and, when the cache has none yet, make the offline gazetteer (``exports/nearme.py``); the
   interpreter that will run Pagefind starts, and a child lists the files already in the output.
2. :meth:`Build.write` (``generate_output``): Pagefind starts on the circles' search records in another
   process; forked children write the circle pages in pieces while this process writes the open data,
   then the flyers, the other languages' pages and the QR codes while it writes every other page (they
   read records all over the directory, which a child would copy); then the other exports; last, the
   gazetteer and Pagefind are joined, and the sitemap is written.

Every process started is registered on one :class:`contextlib.ExitStack`: whatever fails, in either
phase, the stack stops them all. What is written, reused or removed is decided by the incremental
layer (``incremental/``), never by the stages.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import gc
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from circles.collector import collector_paused, lasting
from circles.directory.assemble import assemble_directory
from circles.directory.models import Directory
from circles.exports.assets import copy_assets
from circles.exports.calendars import calendar_files
from circles.exports.datafiles import opendata_steps, write_opendata
from circles.exports.feeds import feed_files
from circles.exports.flyers import flyer_circles, pdfs_possible, qr_files, write_flyer_pdfs
from circles.exports.follow import followed_pages, town_files
from circles.exports.icons import icon_files
from circles.exports.nearme import cached_places, directory_towns, nearme_files, places_folder
from circles.exports.pagefind import Indexing, pagefind_interpreter
from circles.exports.search import write_search
from circles.exports.sitemap import write_sitemap
from circles.exports.toolkit_files import make_downloads, write_downloads
from circles.exports.words import word_files
from circles.fresh import Fresh
from circles.i18n import Language, Texts, site_languages, untranslated
from circles.incremental.layer import Incremental, files_in
from circles.pages.site import Page, circle_pages, flyer_pages, in_language, other_pages, toolkit_pages
from circles.pages.templating import configure_environment, language_environment, schedule_in
from circles.pages.toolkit import Toolkit, load_toolkits
from circles.problems import CirclesError
from circles.processes import PARALLEL_FROM, Background, in_children
from circles.progress import Progress, timed
from circles.settings import content_root, directory_settings, map_settings

log = logging.getLogger(__name__)

#: Writes pages through Pelican's writer (generator.py) with a Jinja environment's templates, and work in steps
#: beside (``in_shares``'s ``meanwhile``). Pages reading records all over the directory (``scattered``) are
#: written here: a forked child copies all it reads; at 50,000 circles, two held 800 MB (issue 24).
WritePages = Callable[[list[Page], Any, Iterator[object] | None, bool], None]


class Build:
    """One build of the directory, from the records to the last file."""

    def __init__(self, settings: dict[str, Any], context: dict[str, Any], env, output: Path):
        self.settings, self.context, self.env, self.output = settings, context, env, Path(output)
        self.options = directory_settings(settings)
        self.languages = site_languages(self.options["languages"])
        self.texts_of = {language: Texts(language.locale) for language in self.languages}
        self.texts = self.texts_of[self.languages[0]]
        #: Each language's schedules in words, shared by its pages and the search index.
        self.schedules = {language: schedule_in(texts, own=not language.prefix) for language, texts in self.texts_of.items()}
        for language in self.languages:
            if missing := untranslated(language.locale):  # shown in English: the build says which
                log.warning("%d of the site's strings are not translated into %s yet and are shown in English "
                            "(docs/translating.md), such as: %s", len(missing), language.locale,
                            "; ".join(f"“{text}”" for text in missing[:3]))
        #: The Jinja environment of each language: Pelican's for the first, an overlay for each other.
        self.envs: dict[Language, Any] = {}
        self.progress = Progress()
        self.running = contextlib.ExitStack()  # every process started, stopped on failure
        self.directory: Directory | None = None
        self.toolkit: Toolkit | None = None
        self.toolkits: dict[Language, Toolkit | None] = {}
        self.gazetteer: Background | None = None
        #: Started as the records are read, used in phase 2: Pagefind's interpreter and the output's listing.
        self.beside_reading: tuple[Fresh, Background | None] | None = None
        self.pages = 0
        self.page_files: list[str] = []  # every page of the first language, for the sitemap

    def start(self, function: Callable[[], Any]) -> Background:
        """Run ``function`` in a process of its own, stopped with the build if the build fails."""
        worker = Background(function)
        self.running.callback(worker.stop)
        return worker

    # Phase 1

    def read(self) -> None:
        """Validate and enrich the records, and set up what every page shares."""
        with self.stopped_on_failure():
            map_settings(self.settings)  # unknown keys are named now, not halfway through the build
            if not (places_folder(self.settings) / "index.json").is_file():
                # The gazetteer takes seconds and 300 MB to make, once per cache: forked while this process is small.
                self.gazetteer = self.start(lambda: cached_places(self.settings) and None)
            folder = content_root(self.settings) / self.options["toolkit"]
            toolkits = self.start(lambda: load_toolkits(folder, self.languages))  # its Markdown: 0.1 s (issue 24)
            # Work of phase 2 that needs no record, done on this idle core rather than beside the writing, where
            # both cores are busy (issue 24): the interpreter that will run Pagefind, and, with a kept state, the
            # list of the files in the output (Pelican empties it, if it does, before this phase).
            keeping = self.settings.get("CACHE_CONTENT") and self.settings.get("LOAD_CONTENT_CACHE")
            self.beside_reading = (self.running.enter_context(pagefind_interpreter()),
                                   self.start(lambda: files_in(self.output)) if keeping else None)
            with lasting():
                self.directory = assemble_directory(self.settings, self.progress)
            self.toolkits = toolkits.wait()
            self.toolkit = self.toolkits[self.languages[0]]
            self.share_with_templates()

    def share_with_templates(self) -> None:
        self.context["directory"] = self.directory
        globals_ = self.env.globals
        globals_["archive_after_months"] = self.options["archive_after_months"]
        globals_["has_toolkit"] = self.toolkit is not None  # every page's menu: not the whole toolkit
        globals_["flyer_pdfs"] = pdfs_possible(self.settings)
        first, *others = self.languages
        self.envs = {first: self.env, **{language: language_environment(self.env) for language in others}}
        for language, env in self.envs.items():
            configure_environment(env, self.options, self.settings, self.directory.build_date,
                                  language, self.languages, self.texts_of[language], self.schedules[language])
            env.globals["toolkit"] = self.toolkits[language]  # a global: each language has its own

    # Phase 2

    def write(self, write_pages: WritePages) -> None:
        """Every page, the toolkit and the exports, with the processes beside them; then the summary."""
        directory, settings, output, progress = self.directory, self.settings, self.output, self.progress
        with self.stopped_on_failure(), self.running:
            # What every page may read besides its own context: a template reading these is rendered every time.
            shared = set(self.context) - set(settings) | {"toolkit"}
            gc.freeze()  # what was made since the records (templates, toolkit) lasts too: see collector.lasting
            interpreter, listing = self.beside_reading
            layer = Incremental.for_build(settings, self.env, directory, output, shared, listing and listing.wait)
            first = self.languages[0]
            data = (directory, settings, output, layer.memo("opendata"))
            opendata = self.opendata_beside(data, layer.records_changed())
            with progress.stage("pages") as note:
                with lasting():
                    circles = circle_pages(directory, self.options, self.schedules, list(self.texts_of.values()))
                # Pagefind, keyed by the circles' fingerprints, starts while this process is smallest, before the
                # pages' keys are worked out (issue 24).
                indexing = Indexing(output, self.options["locale"], circles.bundles, layer, circles.record,
                                    circles.by_record, interpreter)
                self.running.callback(indexing.stop)
                todo = self.to_write(layer, circles.pages, first)
                opendata = opendata or self.opendata_beside(data, len(todo))
                write_pages(todo, self.envs[first], None if opendata else progress.in_steps("open data", opendata_steps(*data)), False)
                # A flyer reads its circle only; other pages read records all over (WritePages): they wait in
                # ``later``, written here a few at a time while children write pieces of other work.
                later: collections.deque[tuple[list[Page], Language]] = collections.deque()
                scattered = functools.partial(self.scattered_steps, write_pages, later)
                for language in self.languages:
                    flyers, pages = self.other_pages(circles, language)
                    todo = self.to_write(layer, in_language(pages, language), language)
                    later.extend((todo[start:start + 50], language) for start in range(0, len(todo), 50))
                    if language != first:  # under its folder: the records, schedules and search data are shared
                        self.write_pages(write_pages, layer, in_language(circles.pages, language), language, scattered())
                    self.write_pages(write_pages, layer, in_language(flyers, language), language, scattered())
                note["what"] = layer.pages_note()
            if self.toolkit:
                with progress.stage("toolkit"):
                    for language in self.languages:
                        self.write_toolkit(write_pages, layer, language)
            # The pages with a feed and a calendar, made once for both (exports/follow.py).
            followed = followed_pages(directory, self.texts)
            self.run_steps([
                ("assets", lambda: copy_assets(settings, output), ""),
                ("flyers", lambda: (layer.write(qr_files(directory, settings, self.languages), scattered()),
                                     collections.deque(scattered(), 0),  # any left, done here now
                                     write_flyer_pdfs(directory, settings, output, layer.kept_files("flyers"),
                                                      self.languages)),
                 f"{len(flyer_circles(directory)) * len(self.languages):,} QR codes, and the other pages left"),
                ("calendars", lambda: layer.write(calendar_files(directory, settings, layer.memo("events"), followed)), ""),
                ("feeds", lambda: (layer.write(feed_files(directory, settings, followed)),
                                   layer.write(town_files(directory))), ""),
                ("places", lambda: self.write_places(layer), ""),
                ("search words", lambda: layer.write(word_files(directory, list(self.texts_of.values()))), ""),
                ("icons", lambda: layer.write(icon_files(settings)), ""),
            ])
            if opendata:
                progress.add(opendata.wait())
            elif not progress.took("open data"):
                self.run_steps([("open data", lambda: write_opendata(*data), "")])
            self.run_steps([
                ("search index", lambda: write_search(directory, output, indexing), f"{len(circles.bundles)} bundles"),
                ("sitemap", lambda: write_sitemap(settings, output, self.languages, self.page_files), ""),
            ])
            layer.finish()
        records = (f"{len(directory.circles):,} circles, {len(directory.libraries):,} libraries, "
                   f"{len(directory.networks):,} networks, {len(directory.courses):,} courses")
        progress.summary(records, self.pages, layer.reuse_note())

    def opendata_beside(self, data: tuple, changing: int | None) -> Background | None:
        """The open data (``data``: write_opendata's arguments) started in a process of its own when a large
        directory has only ``changing`` records or pages to make again (None: not known yet); else None.

        By default it is made in steps here, while children write the circle pages: in a process it copied
        every record. After a change to a few records it is started before the circle pages, on a core idle
        until Pagefind starts, and is done by then (issue 24: rebuilds of 10,000 circles 2.88 → 2.76 s, means of eight);
        failing that, once the circle pages' keys say that only a few pages change."""
        if changing is None or len(self.directory.circles) < PARALLEL_FROM or in_children(changing):
            return None
        return self.start(lambda: timed("open data", lambda: write_opendata(*data)))

    def write_places(self, layer: Incremental) -> None:
        """The gazetteer's files, once the process making them (if any) is done."""
        if self.gazetteer:
            self.gazetteer.wait()
        layer.write(nearme_files(self.settings))
        layer.write(directory_towns(self.directory, places_folder(self.settings)))  # made by now

    def other_pages(self, circles, language: Language) -> tuple[list[Page], list[Page]]:
        """The circles' flyers, and every other page but the circles' and the toolkit's."""
        flyers = list(flyer_pages(self.directory, self.settings, self.env.globals["flyer_pdfs"], language.prefix))
        return flyers, other_pages(self.directory, self.options, self.texts_of[language], circles, self.settings, language)

    def write_pages(self, write_pages: WritePages, layer: Incremental, pages: list[Page], language: Language,
                    beside: Iterator[object] | None = None) -> None:
        write_pages(self.to_write(layer, pages, language), self.envs[language], beside, False)

    def scattered_steps(self, write_pages: WritePages, later: collections.deque) -> Iterator[None]:
        """The pages waiting in ``later`` (:data:`WritePages`), written here, a few at each step."""
        while later:
            todo, language = later.popleft()
            write_pages(todo, self.envs[language], None, True)
            yield

    def to_write(self, layer: Incremental, pages: list[Page], language: Language) -> list[Page]:
        """Of ``pages`` in ``language``, those to write; all are counted, and known to the sitemap."""
        clashes = [file for file, count in Counter(page.file for page in pages).items() if count > 1]
        if clashes:  # what Pelican's writer refuses, found before any page is written
            raise DuplicatePages(f"two pages would be written to {', '.join(sorted(clashes)[:5])}")
        self.pages += len(pages)
        if not language.prefix:
            self.page_files += [page.file for page in pages]
        with collector_paused():  # keys: tens of thousands of short-lived bytes and tuples, no cycles
            return layer.pages_to_write(pages)

    def write_toolkit(self, write_pages: WritePages, layer: Incremental, language: Language) -> None:
        """The toolkit's downloads in ``language`` (PDFs rendered from its templates, and the ZIP), then its pages."""
        toolkit, env = self.toolkits[language], self.envs[language]

        def render(template: str, **context) -> str:
            return env.get_template(f"{template}.html").render({**self.context, **context})

        kept = layer.kept_files(f"toolkit-{language.tag}" if language.prefix else "toolkit")
        downloads = make_downloads(toolkit, self.settings, self.output, render, kept, language.prefix)
        kept.prune()
        self.write_pages(write_pages, layer, in_language(toolkit_pages(toolkit, downloads), language), language)
        write_downloads(downloads, toolkit, self.output / language.prefix)

    def run_steps(self, steps: list[tuple[str, Callable[[], object], str]]) -> None:
        """Run the steps in order, each timed as a stage."""
        for name, step, what in steps:
            with self.progress.stage(name, what):
                step()

    @contextlib.contextmanager
    def stopped_on_failure(self):
        """Whatever fails, every process this build started is stopped before the error goes on."""
        try:
            yield
        except BaseException:
            self.running.close()
            raise


class DuplicatePages(CirclesError):
    """Two pages of the build would be written to the same file."""
