"""Export stage: the Pagefind search bundles, built offline and made byte-reproducible.

Pagefind (PyPI ``pagefind[bin]``) indexes each circle's search record (search.py), a small
page made for it at the circle page's path in a folder of its own, through its
``data-pagefind-*`` attributes. It holds a whole index in memory, about 120 kB a page, so a
large directory is indexed in *bundles* (``plan_bundles``): the circles of some whole months
each, one bundle after another, into ``pagefind/<first month>/``. The search page merges
them in the browser (search.js). A rebuild indexes again only the bundles whose circles changed.

Pagefind writes some lists in hash-map order: pagefind_canonical.py makes its bytes the same
for the same site.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from circles.exports.pagefind_canonical import canonicalize, holds_what_it_names, keep_only_named
from circles.fresh import Fresh
from circles.problems import CirclesError
from circles.processes import Background

if TYPE_CHECKING:  # the layer decides which bundles to index again; this module does not import it
    from circles.incremental.layer import Incremental

SIGNATURE = b"pagefind_dcd"
BUNDLES = "pagefind"


@dataclass(frozen=True)
class Bundle:
    """One part of the search index: the circle pages of some whole months."""

    name: str  # its folder under pagefind/: the month of its first circle, 2026-03
    pages: tuple[str, ...]  # paths relative to the site: circles/<id>/index.html


def plan_bundles(pages: Iterable[tuple[str, str]], size: int, current: str = "") -> list[Bundle]:
    """(page, ISO start) pairs into bundles in start order, of whole months and at most ``size``
    pages each, unless one month alone has more.

    Search sorts by the same start strings, so the bundles' results joined in this order are in
    date order. Bundles fill from the oldest month: a new circle, usually one of the latest,
    changes the last bundles only. When there are more than ``size`` pages, bundles from the month
    ``current`` (``YYYY-MM``, the build date's) on, where circles are listed and changed, hold at
    most two thirds as many, so that a rebuild after such a change indexes fewer again; no bundle
    then spans both sides of that month. (Each bundle adds a chunk, some 16 kB, to what a search
    fetches for each word: smaller bundles still would make searches heavier.)
    """
    months: dict[str, list[str]] = {}
    pages = sorted(pages, key=lambda p: (p[1], p[0]))
    for page, start in pages:
        months.setdefault(start[:7], []).append(page)
    current = current if len(pages) > size else ""
    bundles: list[Bundle] = []
    name, filled = "", []
    for month, paths in months.items():
        recent = bool(current) and month >= current
        cap = max(1, size * 2 // 3) if recent else size
        if filled and (len(filled) + len(paths) > cap or (recent and name < current)):
            bundles.append(Bundle(name, tuple(filled)))
            filled = []
        name = name if filled else month
        filled += paths
    if filled:
        bundles.append(Bundle(name, tuple(filled)))
    return bundles


class Indexing:
    """Pagefind at work, one bundle after another, beside the build's other work.

    A fresh interpreter (fresh.Fresh) runs Pagefind on each bundle the incremental layer finds
    changed and rewrites what it wrote (``canonicalize``), once a process forked from the build has
    copied those bundles' records into the folders Pagefind reads. So only one Pagefind runs at a time,
    none of this waits for the build's own Python, busy with pages meanwhile, and the process waiting
    on Pagefind holds no copy of the build's records.
    """

    def __init__(self, site: Path, language: str, bundles: list[Bundle], layer: Incremental,
                 records: Callable[[str], bytes], circles: dict[str, object], interpreter: Fresh | None = None):
        """``records``: a search record's bytes by its path; ``circles``: the circle each path is the record of;
        ``interpreter``: one started earlier by :func:`pagefind_interpreter`, stopped if there is nothing to index."""
        # How records are written is the plugin's code, which every key of the layer depends on already.
        self.site, self.bundles, self.records = site, bundles, records
        self.language = language.split("_")[0].split("-")[0]
        # A bundle is indexed again when one of its circles' fingerprints changed, and a record whose circle's
        # fingerprint is the last build's is the copy kept (the layer says which).
        plan = layer.search_bundles(bundles, circles, BUNDLES, self.language, pagefind_version())
        self.changed, self.staged, self.same_code = plan.bundles, plan.staged, plan.same_code
        if interpreter and not self.changed:
            interpreter.stop()
        self.unchanged = plan.unchanged if self.staged else set()
        self.pagefind = (interpreter or pagefind_interpreter()) if self.changed else None
        if self.pagefind:  # from now on Pagefind has work: one core fewer for the build's pieces
            self.pagefind.keeps_a_core()
        try:
            self.worker = Background(self._stage_changed)
        except BaseException:
            if self.pagefind:
                self.pagefind.stop()
            raise
        finally:
            if self.pagefind:
                self.pagefind.given_elsewhere()

    def finish(self) -> list[str]:
        """Wait for Pagefind; return the names of the bundles indexed (the others were unchanged)."""
        self.worker.wait()
        return self.pagefind.wait() if self.pagefind else []

    def stop(self) -> None:
        """Stop indexing, as when the build failed."""
        self.worker.stop()
        if self.pagefind:
            self.pagefind.stop()

    def _stage_changed(self) -> None:
        folder = self.site / BUNDLES
        names = {bundle.name for bundle in self.bundles}
        _keep_only(folder, names)  # an earlier plan's bundles go, and what Pagefind left there
        if self.staged:  # copies for bundles no longer planned go
            _keep_only(self.staged, names)
        jobs = [stage_bundle(self.records, bundle, folder / bundle.name, self.language,
                             self.staged and self.staged / bundle.name, self.unchanged, self.same_code)
                for bundle in self.changed]
        if self.pagefind:
            self.pagefind.give(jobs)


def pagefind_interpreter() -> Fresh:
    """The interpreter that runs :func:`run_pagefind`, started before anyone knows whether a bundle changed:
    the build starts it as it reads the records. Started once the changed bundles were known, it kept
    Pagefind waiting 0.05 to 0.07 s after the bundle was staged, in a rebuild of 10,000 circles (issue 24).
    It counts as busy (:data:`processes.BUSY`) only once :class:`Indexing` gives it work: waiting, it
    leaves the validation's pieces every core."""
    return Fresh("circles.exports.pagefind", "run_pagefind")


def _keep_only(folder: Path, names: set[str]) -> None:
    """Make ``folder`` exist, holding only the entries named."""
    folder.mkdir(parents=True, exist_ok=True)
    for entry in folder.iterdir():
        if entry.name not in names:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


@dataclass(frozen=True)
class Job:
    """One bundle for Pagefind, as the interpreter that runs it receives it."""

    program: str  # Pagefind's binary, found where its absence is the build's error
    pages: Path  # the records to index
    target: Path  # the bundle's folder in the site
    language: str
    temporary: bool  # the records' folder is for this run only: removed once indexed
    #: The bundle's folder holds what Pagefind wrote there in the last build, by this code: Pagefind writes
    #: into it, and skips each file whose name, a hash of what it holds, is there already.
    reuse: bool = False


def stage_bundle(records: Callable[[str], bytes], bundle: Bundle, target: Path, language: str,
                 staged: Path | None = None, unchanged: Collection[str] = (), same_code: bool = False) -> Job:
    """Copy the bundle's search records (``records``: a record's bytes by its path) for Pagefind, into
    ``staged``, kept for the next build, or else into a folder made for this run only beside ``target``.
    ``unchanged``: the paths whose record is the one kept in ``staged``, if it is there; ``same_code``:
    the last build had this build's code, settings, packages and date (its stamp)."""
    temporary = staged is None
    staged = staged or target.with_name(f".{bundle.name}.pages")
    if temporary:
        shutil.rmtree(staged, ignore_errors=True)
    stage_records(records, bundle.pages, staged, () if temporary else unchanged)
    return Job(pagefind_program(), staged, target, language, temporary, reuse=same_code and not temporary)


def run_pagefind(jobs: list[Job]) -> list[str]:
    """Pagefind on each job in turn; the names of the bundles made. What Pagefind writes is made canonical
    after. It never removes a file: a bundle's folder is emptied first, unless what the last build wrote there
    is to be reused (``Job.reuse``); then each file the new index names is checked to hold what its name says
    (else the bundle is indexed again from an empty folder), and the files it no longer names go.

    Speed (issue 24): Pagefind took 1.0 s on the 2,048 records of a bundle of a 10,000-circle rebuild into an
    empty folder, 0.5 s into the last build's (the checks: 0.05 s)."""
    for job in jobs:
        if not job.reuse:
            shutil.rmtree(job.target, ignore_errors=True)
        try:
            _index(job)
            if job.reuse and not holds_what_it_names(job.target):
                shutil.rmtree(job.target, ignore_errors=True)
                _index(job)
        finally:
            if job.temporary:
                shutil.rmtree(job.pages, ignore_errors=True)
        canonicalize(job.target)
        if job.reuse:
            keep_only_named(job.target)
    return [job.target.name for job in jobs]


def _index(job: Job) -> None:
    command = [job.program, "--site", str(job.pages), "--output-path", str(job.target),
               "--force-language", job.language, "--silent"]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PAGEFIND_SITE": str(job.pages)})
    if done.returncode != 0:
        raise CirclesError(f"the search index could not be built: {(done.stderr or done.stdout).strip()[:500]}")


def stage_records(records: Callable[[str], bytes], paths: Iterable[str], folder: Path,
                  unchanged: Collection[str] = ()) -> None:
    """Make ``folder`` hold each record at its path, and nothing else. A record that has not changed
    since the last build is left as it is; one of ``unchanged`` that is there is not even made.

    Speed (issue 24): making and comparing the 1,300 to 2,000 records of a rebuilt bundle took 0.2 to
    0.35 s, before Pagefind could start; a rebuild waited for Pagefind at its end.
    """
    paths = list(paths)
    wanted = {os.path.normpath(folder / path) for path in paths}
    for root, _, files in os.walk(folder):
        for name in files:
            if os.path.join(root, name) not in wanted:
                os.unlink(os.path.join(root, name))
    for path in paths:
        copy = folder / path
        if path in unchanged and copy.is_file():
            continue
        record = records(path)
        with contextlib.suppress(FileNotFoundError):
            if copy.read_bytes() == record:
                continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(record)


@functools.cache
def pagefind_program() -> str:
    """Pagefind's binary, run as it is rather than through ``python -m pagefind``, whose interpreter would
    start first: a rebuild waits for that bundle's Pagefind."""
    from pagefind.service import get_executable  # PAGEFIND_BINARY_PATH, else the one pagefind[bin] installed

    program = get_executable()
    if program is None:
        raise CirclesError("Pagefind's program is missing: install the project's requirements (pagefind[bin]).")
    return str(program)


def pagefind_version() -> str:
    """Pagefind's own version: a new one indexes every bundle again."""
    from importlib.metadata import version  # here: the interpreter that runs Pagefind starts without it

    return version("pagefind")
