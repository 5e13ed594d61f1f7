"""Pelican's side of the build: a generator that hands both of Pelican's phases to the timeline.

``generate_context`` reads the records (:meth:`timeline.Build.read`), ``generate_output`` writes
everything (:meth:`timeline.Build.write`). Pages go through Pelican's writer; a large directory's
are shared between the machine's cores (processes.py), and the files the other processes wrote are
then announced here, with Pelican's ``content_written`` signal, as if this process had written them.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path

from pelican import signals
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url, sanitised_join

from circles.incremental.templates import names_read, template_cache
from circles.pages.constant_words import ConstantWords
from circles.pages.markup import FastEscapes, Unindented
from circles.pages.partials import share_imports
from circles.pages.site import Page
from circles.problems import CirclesError, InvalidRecords
from circles.processes import in_shares
from circles.settings import content_root
from circles.timeline import Build


def message_only(record: logging.LogRecord) -> bool:
    """A logging filter: Pelican logs a failed build's error with its traceback, but a librarian needs
    only the message of the project's own errors (the problems themselves are listed before it)."""
    if record.exc_info and isinstance(record.exc_info[1], CirclesError):
        record.exc_info = None
    return True


@contextmanager
def spinner_paused() -> Iterator[None]:
    """Stop the thread that draws the spinner of Pelican's command line ("Generating...") while the
    directory builds, and start it again after.

    The build shares its work between processes forked from this one, and no process is forked while
    another thread runs (processes.can_fork): a child would inherit the locks that thread holds, and
    Python 3.12 warns of it. That spinner's thread is the one thread ``pelican`` runs beside a build;
    left running, it made a 10,000-circle build run on one core, 1.8 times as long
    (benchmarks/README.md). The spinner's thread belongs to rich (pinned in requirements.txt).
    """
    from pelican.log import console
    from rich.live import _RefreshThread

    drawn = [live for live in getattr(console, "_live_stack", []) if getattr(live, "_refresh_thread", None)]
    for live in drawn:
        live._refresh_thread.stop()
        live._refresh_thread.join()
        live._refresh_thread = None
    try:
        yield
    finally:
        for live in drawn:
            live._refresh_thread = _RefreshThread(live, live.refresh_per_second)
            live._refresh_thread.start()


class DirectoryGenerator(Generator):
    """Builds the directory from the records and writes its pages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set here, not through JINJA_ENVIRONMENT, so that no configuration can
        # turn escaping off for contributors' text.
        self.env.autoescape = True
        self.env.add_extension("jinja2.ext.i18n")
        self.env.add_extension(ConstantWords)
        self.env.code_generator_class = FastEscapes  # templates escape by markup.escape
        self.env.bytecode_cache = template_cache(self.settings)
        # A build reads each template once: Jinja's default checks the file's time on every
        # import and include, several a page (3.9 % of the CPU samples of 10,000 circles in four
        # languages; issue 24). A new build, `pelican --autoreload`'s too, makes a new generator.
        self.env.auto_reload = False
        self.build: Build | None = None
        #: What each template reads (incremental.templates.names_read), for page_context and partials.py:
        #: found at the first page, once the filters are set.
        self.names: dict[str, frozenset[str]] = {}
        self.read: frozenset[str] = frozenset()  # all of them
        share_imports(self.env, self.names)

    def generate_context(self):
        # What an earlier build in this process left frozen (timeline.Build.read) can be collected again.
        gc.unfreeze()
        self.build = Build(self.settings, self.context, self.env, Path(self.output_path))
        root = content_root(self.settings)
        unchanged_since_failure(root)
        with spinner_paused():
            try:
                self.build.read()
            except InvalidRecords:
                FAILED[root] = tree_signature(root)
                raise
        FAILED.pop(root, None)

    def generate_output(self, writer):
        with spinner_paused():
            self.build.write(lambda pages, env, beside, scattered: self.write_pages(writer, pages, env, beside, scattered))

    def write_pages(self, writer, pages: list[Page], env=None, beside: Iterator[object] | None = None,
                    scattered: bool = False) -> None:
        """Write the pages through Pelican's writer with the templates of ``env`` (their language's; the
        generator's own by default): for a large directory, in pieces by forked children
        (``processes.in_shares``), each page the same bytes whichever process writes it.

        Each page is given ``PAGESURL``, where its language's pages are (``SITEURL`` for the first
        language, ``SITEURL`` and ``/fr`` for French after it), besides ``SITEURL``, where the files
        every language shares are (the theme, calendars, feeds, open data, search); and ``page_path``,
        its address within its language, for the language switcher. ``beside``: work in steps, done in
        this process while others write the pages, if any do (``processes.in_shares``'s ``meanwhile``).
        ``scattered`` pages, which read records from all over the directory, are written in this process
        (timeline.WritePages says why)."""
        # Compiled once, here, rather than in each process; written without their indentation.
        env = env or self.env
        templates = {name: Unindented(env.get_template(f"{name}.html")) for name in sorted({page.template for page in pages})}
        context = self.page_context()
        here = os.getpid()

        def write(share: Sequence[Page]) -> list[int]:
            forked = os.getpid() != here
            # A forked child's signal would reach listeners in the child only: they hear of its
            # pages from this process instead, once the child is done.
            with signals.content_written.muted() if forked else nullcontext():
                for page in share:
                    relative = page.relative and self.settings["RELATIVE_URLS"]
                    root = path_to_url(get_relative_path(page.file)) if relative else self.settings["SITEURL"]
                    writer.write_file(page.file, templates[page.template], context, relative_urls=relative,
                                      page_url=page.url, page_path=page.address,
                                      PAGESURL=f"{root}/{page.prefix.rstrip('/')}" if page.prefix else root,
                                      **page.context)
            return [forked] * len(share)

        forked = write(pages) if scattered else in_shares(write, pages, beside)
        self.announce(writer, [page for page, elsewhere in zip(pages, forked, strict=True) if elsewhere])

    def page_context(self) -> dict:
        """Pelican's context cut to the names the templates read (incremental.templates.names_read): Pelican copies it
        for each page, and Jinja copies it again for each partial a page imports with context.

        Why (issue 24): 23 of its 157 names are read; 8,000 circle pages rendered in one process took
        0.71 ms a page with all of them, 0.68 ms with these, the same bytes."""
        if not self.names:
            self.names.update(names_read(self.env, self.settings))
            self.read = frozenset().union(*self.names.values())
        return {name: value for name, value in self.context.items() if name in self.read}

    def announce(self, writer, pages: Sequence[Page]) -> None:
        """Tell Pelican (its overwrite guard) and other plugins (``content_written``) of pages that
        another process wrote, with the context Pelican gives them for a page written here."""
        context = self.page_context()
        for page in pages:
            path = sanitised_join(self.output_path, page.file)
            getattr(writer, "_written_files", set()).add(path)
            if signals.content_written.receivers:
                signals.content_written.send(path, context={**context, "page_url": page.url, **page.context})


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
            with suppress(OSError):  # removed meanwhile
                stat = os.stat(os.path.join(folder, name))
                found.append((folder, name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))
