"""The build's timeline: what runs when, what runs beside what, where it is joined, and how it stops.

Pelican runs a build in two phases, and so does the directory (generator.py only calls these):

1. :meth:`Build.read` (Pelican's ``generate_context``): the records are validated and enriched
   (``directory/assemble.py``). Meanwhile, when the cache has no offline gazetteer yet, a forked
   process makes one (``exports/nearme.py``), on the core that reading leaves idle.
2. :meth:`Build.write` (``generate_output``): the open data of a large directory starts in a forked
   process at once, since it needs no page; then the circle pages are written, and Pagefind starts
   indexing them in another process while every other page, the toolkit and the exports are made;
   last, the open data, the gazetteer and Pagefind are joined, and the sitemap is written.

Every process started is registered on one :class:`contextlib.ExitStack`: whatever fails, in either
phase, the stack stops them all. What is written, reused or removed is decided by the incremental
layer (``incremental/``), never by the stages.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from circles.directory.assemble import assemble_directory
from circles.directory.models import Directory
from circles.exports.assets import copy_assets
from circles.exports.calendars import calendar_files
from circles.exports.datafiles import write_opendata
from circles.exports.feeds import feed_files
from circles.exports.flyers import flyer_circles, pdfs_possible, qr_files, write_flyer_pdfs
from circles.exports.follow import followed_pages, town_files
from circles.exports.icons import icon_files
from circles.exports.nearme import cached_places, directory_towns, nearme_files, places_folder
from circles.exports.pagefind import Indexing
from circles.exports.search import write_search
from circles.exports.sitemap import write_sitemap
from circles.exports.toolkit_files import make_downloads, write_downloads
from circles.exports.words import word_files
from circles.i18n import Language, Texts, site_languages, untranslated
from circles.incremental.layer import Incremental
from circles.pages.site import Page, circle_pages, in_language, other_pages, toolkit_pages
from circles.pages.templating import configure_environment, language_environment, schedule_in
from circles.pages.toolkit import Toolkit, load_toolkit
from circles.problems import InvalidRecords
from circles.processes import PARALLEL_FROM, Background, collector_paused
from circles.progress import Progress
from circles.settings import content_root, directory_settings, map_settings

log = logging.getLogger(__name__)

#: Writes the pages given through Pelican's writer (generator.py), with the templates of a Jinja environment.
WritePages = Callable[[list[Page], Any], None]


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
        root = content_root(self.settings)
        unchanged_since_failure(root)
        try:
            self.read_records()
        except InvalidRecords:
            FAILED[root] = tree_signature(root)
            raise
        FAILED.pop(root, None)

    def read_records(self) -> None:
        with self.stopped_on_failure():
            map_settings(self.settings)  # unknown keys are named now, not halfway through the build
            if not (places_folder(self.settings) / "index.json").is_file():
                # The gazetteer takes seconds and 300 MB to make, once per cache: made beside the
                # reading, in a process forked while it is still small.
                self.gazetteer = self.start(lambda: cached_places(self.settings) and None)
            with lasting():
                self.directory = assemble_directory(self.settings, self.progress)
            folder = content_root(self.settings) / self.options["toolkit"]
            self.toolkits = {language: load_toolkit(folder, language.locale.split("_")[0]) for language in self.languages}
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
            configure_environment(env, self.options, self.settings["SITEURL"], self.directory.build_date,
                                  language, self.languages, self.texts_of[language], self.schedules[language])
            env.globals["toolkit"] = self.toolkits[language]  # a global: each language has its own

    # Phase 2

    def write(self, write_pages: WritePages) -> None:
        """Every page, the toolkit and the exports, with the processes beside them; then the summary."""
        directory, settings, output, progress = self.directory, self.settings, self.output, self.progress
        with self.stopped_on_failure(), self.running:
            # What every page may read besides its own context: a template reading these is rendered every time.
            shared = set(self.context) - set(settings) | {"toolkit"}
            gc.freeze()  # what was made since the records (templates, toolkit) lasts too: see lasting()
            layer = Incremental.for_build(settings, self.env, directory, output, shared)
            opendata = None
            if len(directory.circles) >= PARALLEL_FROM:  # a small directory's is quicker written here
                opendata = self.start(lambda: timed("open data", lambda: self.write_opendata(layer)))
            first, *others = self.languages
            with progress.stage("pages") as note:
                with lasting():
                    circles = circle_pages(directory, self.options, self.schedules, list(self.texts_of.values()))
                self.write_pages(write_pages, layer, circles.pages, first)
                indexing = Indexing(output, self.options["locale"], circles.bundles, layer, circles.record)
                self.running.callback(indexing.stop)
                self.write_pages(write_pages, layer, self.other_pages(circles, first), first)
                # The same pages in each other language, under its folder: the records, schedules and
                # search data are shared, only the words are rendered again.
                for language in others:
                    self.write_pages(write_pages, layer, in_language(circles.pages, language), language)
                    self.write_pages(write_pages, layer, in_language(self.other_pages(circles, language), language),
                                     language)
                note["what"] = layer.pages_note()
            if self.toolkit:
                with progress.stage("toolkit"):
                    for language in self.languages:
                        self.write_toolkit(write_pages, layer, language)
            # The pages with a feed and a calendar, made once for both (exports/follow.py).
            followed = followed_pages(directory, self.texts)
            self.run_steps([
                ("assets", lambda: copy_assets(settings, output), ""),
                ("flyers", lambda: (layer.write(qr_files(directory, settings, self.languages)),
                                     write_flyer_pdfs(directory, settings, output, layer.kept_files("flyers"),
                                                      self.languages)),
                 f"{len(flyer_circles(directory)) * len(self.languages):,} QR codes"),
                ("calendars", lambda: layer.write(calendar_files(directory, settings, layer.memo("events"), followed)), ""),
                ("feeds", lambda: (layer.write(feed_files(directory, settings, followed)),
                                   layer.write(town_files(directory))), ""),
                ("places", lambda: self.write_places(layer), ""),
                ("search words", lambda: layer.write(word_files(directory, list(self.texts_of.values()))), ""),
                ("icons", lambda: layer.write(icon_files(settings)), ""),
            ])
            if opendata:
                progress.add(opendata.wait())
            else:
                self.run_steps([("open data", lambda: self.write_opendata(layer), "")])
            self.run_steps([
                ("search index", lambda: write_search(directory, output, indexing), f"{len(circles.bundles)} bundles"),
                ("sitemap", lambda: write_sitemap(settings, output, self.languages, self.page_files), ""),
            ])
            layer.finish()
        records = (f"{len(directory.circles):,} circles, {len(directory.libraries):,} libraries, "
                   f"{len(directory.networks):,} networks, {len(directory.courses):,} courses")
        progress.summary(records, self.pages, layer.reuse_note())

    def write_opendata(self, layer: Incremental) -> None:
        write_opendata(self.directory, self.settings, self.output, layer.memo("opendata"))

    def write_places(self, layer: Incremental) -> None:
        """The gazetteer's files, once the process making them (if any) is done."""
        if self.gazetteer:
            self.gazetteer.wait()
        layer.write(nearme_files(self.settings))
        layer.write(directory_towns(self.directory, places_folder(self.settings)))  # made by now

    def other_pages(self, circles, language: Language) -> list[Page]:
        return other_pages(self.directory, self.options, self.texts_of[language], circles, self.settings,
                           self.env.globals["flyer_pdfs"], language)

    def write_pages(self, write_pages: WritePages, layer: Incremental, pages: list[Page], language: Language) -> None:
        self.pages += len(pages)
        if not language.prefix:
            self.page_files += [page.file for page in pages]
        with collector_paused():  # keys: tens of thousands of short-lived bytes and tuples, no cycles
            todo = layer.pages_to_write(pages)
        write_pages(todo, self.envs[language])

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


@contextlib.contextmanager
def lasting() -> Iterator[None]:
    """For values that live until the build ends (the records and models, a million objects at 10,000
    circles; the circle pages and their search data): made with the cyclic collector paused, then frozen
    out of its reach. Its full collections went through them again and again (a tenth of a rebuild's
    time, benchmarks/README.md; then 0.4 s of a rebuild of 10,000 circles, 0.1 s since issue 24), and touched
    them in the processes forked meanwhile. They stay frozen after the build, so that a process that ends
    then does not collect their cycles first; the next build in the same process unfreezes them
    (generator.py)."""
    with collector_paused():
        yield
    gc.freeze()


#: The content folders whose records were found wrong, with how their files were then, in this process.
FAILED: dict[Path, tuple] = {}


def unchanged_since_failure(root: Path, poll: float = 0.5) -> None:
    """When the records of ``root`` were found wrong in this process and no file has changed since,
    wait until one does. Only ``pelican --autoreload`` (``make serve``) builds the same folder again
    in one process: after a failure it starts the next build at once, and would otherwise report the
    same problems over and over instead of waiting for the fix."""
    if root not in FAILED:
        return
    while tree_signature(root) == FAILED[root]:
        time.sleep(poll)


def tree_signature(root: Path) -> tuple:
    """Every file under ``root`` with its size and time of change."""
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            with contextlib.suppress(OSError):  # removed meanwhile
                stat = os.stat(os.path.join(folder, name))
                found.append((folder, name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


def timed(name: str, step: Callable[[], object]) -> list[tuple[str, float, str]]:
    """Run ``step`` as one stage, for a process of its own to report its timing to the build's."""
    progress = Progress(silent=True)
    with progress.stage(name):
        step()
    return progress.stages
