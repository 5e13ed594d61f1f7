"""The incremental layer: for every file a build makes, whether to write it again, reuse it or remove it.

Stages say what they produce (:class:`Files`: each file's name and the values it is made from, and
a maker); they never ask which build this is. With Pelican's ``CACHE_CONTENT`` on (pelicanconf.py),
the layer keeps each file's key (fingerprints.py) in ``CACHE_PATH/circles/`` and, next build, makes
again only the files whose key changed or that are missing from the output, and removes the files
no longer produced. With it off, every file is made and nothing is kept.

Measured at 10,000 circles (benchmarks/RESULTS.md): a rebuild after one changed record takes 15.2 %
of a full build (2.81 s against 18.5 s).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

from circles.directory.models import Directory
from circles.incremental.fingerprints import Fingerprints, Uncacheable, build_stamp, record_name
from circles.incremental.store import read_state, write_state
from circles.incremental.templates import FOLDER, TemplateScope, names_read
from circles.incremental.values import KeptFiles, Memo
from circles.processes import in_shares
from circles.settings import cache_path


@dataclass
class Files:
    """The files one export makes: each name (relative to the output) with the values it is made
    from, and ``make``, which gives the bytes of the names asked for, in any order."""

    stage: str
    sources: dict[str, tuple]
    make: Callable[[list[str]], Iterable[tuple[str, bytes]]]
    #: Made in one share per core: worth it when each file takes milliseconds (QR codes).
    on_all_cores: bool = False
    #: A folder that holds this export's files only: emptied first when nothing is kept.
    folder: str | None = None


def files_in(folder: Path) -> frozenset[str]:
    """Every file under ``folder`` (a link to one too), by its path relative to it: ``circles/x/index.html``.
    A folder linked in is not followed: a file only there is made again, which is safe. A rebuild makes
    again a file whose key is kept but which is missing; listing the output once, in a process of its own
    while the records are read, replaces a stat of each of the 53,000 files a build of 10,000 circles
    keeps: 0.13 s of a rebuild's 3.1 s, in its busiest part (issue 24)."""
    found: list[str] = []

    def walk(path: str, prefix: str) -> None:
        try:
            entries = os.scandir(path)
        except OSError:  # no output yet, or a folder gone meanwhile
            return
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file():
                    found.append(prefix + entry.name)

    walk(os.fspath(folder), "")
    return frozenset(found)


class Reindexing(NamedTuple):
    """What of the search index to make again (:meth:`Incremental.search_bundles`)."""

    bundles: list  # the bundles to index again
    staged: Path | None  # where the copies of their records for Pagefind are kept; None when nothing is kept
    unchanged: set[str]  # the paths of the records whose copy kept there is still theirs
    same_code: bool  # the last build had this stamp: what Pagefind wrote then in a bundle's folder can be reused


class FileKeys:
    """The keys of one stage's files in the last build, and of those it makes in this one.

    The names of the last build's files are known whatever code, settings or date made them, so that
    the files no longer made are removed even when every key changed (a new day, a new version)."""

    #: The shape of the state kept; another shape reads as nothing kept.
    STATE = 2

    def __init__(self, path: Path | None, stamp: bytes, output: Path, load: bool, present: frozenset[str] | None = None):
        self.path, self.stamp, self.output = path, stamp, output
        self.present = present  # the files in the output when the build began to write (files_in), if listed
        kept = read_state(path, self.STATE) if path and load else {}
        keys = kept.get("keys") if isinstance(kept.get("keys"), dict) else {}
        self.known = set(keys)  # the files the last build made
        self.before = keys if kept.get("stamp") == stamp else {}
        self.now: dict[str, bytes] = {}
        self.stale: set[str] = set()

    def to_make(self, keys: Iterable[tuple[str, bytes | None]]) -> list[str]:
        """Of these files (name, key or None for "always"), those to make, in the order given."""
        names = []
        root = os.path.join(self.output, "")
        present = self.present
        for name, key in keys:
            self.now[name] = key or b""  # b"": made every time
            # os.path, not pathlib: tens of thousands of files, where pathlib took most of the time
            if not key or self.before.get(name) != key or (
                    name not in present if present is not None else not os.path.isfile(root + name)):
                names.append(name)
        # Forget the keys of the files about to be made first: a build stopped halfway must not
        # leave a file older than the key kept for it.
        self.stale.update(names)
        self._keep({name: self.before.get(name, b"") for name in self.known | set(self.now) if name not in self.stale})
        return names

    def finish(self) -> list[str]:
        """Remove the files no longer made, keep this build's keys; the names removed."""
        gone = sorted(self.known - set(self.now))
        for name in gone:
            (self.output / name).unlink(missing_ok=True)
        self._keep(self.now)
        return gone

    def _keep(self, keys: dict[str, bytes]) -> None:
        if self.path:
            write_state(self.path, self.STATE, {"stamp": self.stamp, "keys": keys})


class Incremental:
    """What a build reuses of the last one: one instance per build (timeline.py)."""

    #: The shape of the records' fingerprints kept (:meth:`records_changed`).
    RECORDS = 1

    def __init__(self, folder: Path | None, stamp: bytes, output: Path, prints: Fingerprints, load: bool,
                 scope: TemplateScope | None = None):
        self.folder, self.stamp, self.output, self.prints, self.load = folder, stamp, output, prints, load
        self.present: frozenset[str] | None = None  # the output's files as the build began to write
        self.scope = scope
        self.stages: dict[str, FileKeys] = {}
        self.counts: dict[str, list[int]] = {}  # stage → [made, reused]
        self.records: dict[str, bytes] = {}  # each record's fingerprint, by kind and id
        self.records_before: dict[str, bytes] | None = None  # the last build's, when it had this stamp

    @classmethod
    def for_build(cls, settings: dict[str, Any], env, directory: Directory, output: Path,
                  shared: set[str], listing: Callable[[], frozenset[str]] | None = None) -> Incremental:
        """The layer for this build: keeping state with ``CACHE_CONTENT``, writing everything without.
        ``shared``: the names of the context every page shares (``directory``, ``toolkit``); ``listing``
        gives the files already in ``output`` (:func:`files_in`, from another process meanwhile)."""
        stamp = build_stamp(settings, env, [cache_path(settings)])
        prints = Fingerprints(directory)
        if not settings.get("CACHE_CONTENT"):
            return cls(None, stamp, output, prints, False)
        folder = Path(settings["CACHE_PATH"]) / FOLDER
        load = bool(settings.get("LOAD_CONTENT_CACHE"))
        layer = cls(folder, stamp, output, prints, load)
        layer.scope = TemplateScope(names_read(env, settings), shared)
        # Every record's fingerprint now, before processes are forked, so that they all have them.
        layer.compare_records(prints.of_records(directory))
        if listing and load:
            layer.present = listing()
        return layer

    @classmethod
    def nothing_kept(cls, output: Path) -> Incremental:
        """A layer that makes every file and keeps nothing, as a build without ``CACHE_CONTENT``."""
        return cls(None, b"", output, Fingerprints(SimpleNamespace(rows={})), False)

    def compare_records(self, records: dict[str, bytes]) -> None:
        """This build's records by their fingerprints (Fingerprints.of_records): compared with the last
        build's (:meth:`records_changed`), and kept for the next one's (:meth:`finish`). The last build's are
        removed from the cache as they are read: a build stopped before :meth:`finish` leaves none, so that no
        copy it may have changed (a search record's) is taken for the last finished build's."""
        self.records = records
        kept = read_state(self.folder / "records.pickle", self.RECORDS) if self.folder and self.load else {}
        if kept.get("stamp") == self.stamp and isinstance(kept.get("records"), dict):
            self.records_before = kept["records"]
        if self.folder:  # until this build finishes (finish), none: a build stopped halfway leaves nothing to trust
            (self.folder / "records.pickle").unlink(missing_ok=True)

    def records_changed(self) -> int | None:
        """How many records' fingerprints were added, changed or removed since the last build (a circle's
        edit changes its library's, network's and course's too, which show it); None when there is no
        last build to compare with (nothing kept, or it had other code, settings or another date)."""
        if self.records_before is None:
            return None
        before, now = self.records_before, self.records
        return sum(1 for name, print_ in now.items() if before.get(name) != print_) + len(before.keys() - now.keys())

    def key(self, *parts: Any) -> bytes | None:
        """The key of a file made from these values, or None when one cannot be fingerprinted."""
        try:
            return self.prints.key(parts)
        except (Uncacheable, ValueError, RecursionError):  # ValueError: a value that holds itself
            return None

    def keys(self, stage: str) -> FileKeys:
        if stage not in self.stages:
            path = self.folder / f"{stage}.pickle" if self.folder else None
            self.stages[stage] = FileKeys(path, self.stamp, self.output, self.load, self.present)
        return self.stages[stage]

    def memo(self, name: str) -> Memo:
        return Memo(self.folder / f"{name}.pickle" if self.folder else None, self.stamp, self.load, self.key)

    def kept_files(self, name: str) -> KeptFiles:
        return KeptFiles(self.folder / name if self.folder else None, self.load)

    def to_make(self, stage: str, sources: dict[str, tuple]) -> list[str]:
        """The names of ``sources`` to make again; all of them when nothing is kept."""
        if not self.folder:
            names = list(sources)
        else:
            names = self.keys(stage).to_make((name, self.key(*parts)) for name, parts in sources.items())
        self.counts.setdefault(stage, [0, 0])
        self.counts[stage][0] += len(names)
        self.counts[stage][1] += len(sources) - len(names)
        return names

    def write(self, files: Files, beside: Iterator[object] | None = None) -> None:
        """Make and write the files of ``files`` that changed; ``beside``, work in steps done here meanwhile
        when other processes make them (``processes.in_shares``)."""
        if not self.folder and files.folder:  # nothing kept says which files of an earlier build are stale
            shutil.rmtree(self.output / files.folder, ignore_errors=True)
        names = self.to_make(files.stage, files.sources)
        output = self.output

        def write(share: list[str]) -> list:
            for name, data in files.make(share):
                target = output / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            return []

        if files.on_all_cores:
            in_shares(write, sorted(names), beside)
        else:
            write(names)

    def pages_to_write(self, pages: list) -> list:
        """Of the pages (pages/site.py), those to render again: a page whose template reads the shared
        context (the home page reads every circle) is rendered every time."""
        if not self.folder:
            self.counts.setdefault("pages", [0, 0])[0] += len(pages)
            return pages
        sources = {}
        for page in pages:
            always = self.scope.global_template(page.template, page.context)
            sources[page.file] = None if always else (page.template, page.url, page.context)
        keys = self.keys("pages")
        names = set(keys.to_make((name, parts and self.key(*parts)) for name, parts in sources.items()))
        counts = self.counts.setdefault("pages", [0, 0])
        counts[0] += len(names)
        counts[1] += len(pages) - len(names)
        return [page for page in pages if page.file in names]

    def search_bundles(self, bundles: list, records: dict[str, Any], folder: str, *version: str) -> Reindexing:
        """What of the search index (exports/pagefind.py, its bundles in ``folder`` of the site) to make again.
        ``records`` gives the record at each path of a bundle (its circle): what a search record says comes
        from its record's fingerprint (rows, build moment) and the code in the stamp. A bundle is made from
        its records and ``version`` (Pagefind's, the language).

        Keyed by the records' fingerprints, known before any page's key, Pagefind starts before the circle
        pages' keys are worked out (issue 24)."""
        if not self.folder:
            return Reindexing(list(bundles), None, set(), False)
        sources = {f"{folder}/{bundle.name}/pagefind-entry.json": (*version, bundle.pages, [records[page] for page in bundle.pages])
                   for bundle in bundles}
        changed = set(self.to_make("search", sources))
        # The last finished build's fingerprints, and its copies: a build stopped halfway keeps none (compare_records).
        before, now = self.records_before or {}, self.records
        unchanged = {path for path, record in records.items()
                     if (found := now.get(record_name(record))) is not None and before.get(record_name(record)) == found}
        return Reindexing([b for b in bundles if f"{folder}/{b.name}/pagefind-entry.json" in changed],
                          self.folder / "search", unchanged, bool(self.keys("search").before))

    def finish(self) -> None:
        """Remove the files no longer made, and keep this build's keys for the next."""
        for keys in self.stages.values():
            keys.finish()
        if self.folder:
            write_state(self.folder / "records.pickle", self.RECORDS, {"stamp": self.stamp, "records": self.records})

    def pages_note(self) -> str:
        made, reused = self.counts.get("pages", [0, 0])
        return f"{made + reused:,} pages" + (f" ({made:,} changed)" if reused else "")

    def reuse_note(self) -> str:
        """How much of the last build was reused, for the build's summary line."""
        made = sum(made for made, _ in self.counts.values())
        reused = sum(reused for _, reused in self.counts.values())
        return f"reused {reused:,} of {made + reused:,} files"


