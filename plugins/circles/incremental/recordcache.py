"""What validating each record file found, kept between builds so that unchanged files are not read again.

A file's own results (its typed row, its data and the line of every key, and its own problems)
depend only on its bytes, its place (kind, id and the path problems name) and the code and
data that read and check it. So an entry is found by the file's kind and shown path, is good
only for the same bytes (a hash of them), and the whole cache only for the same
:func:`version`: a hash of the schema, of the modules that load and check a file, of the
message templates' locale and of the libraries whose answers they use. Checks across records
(references, duplicates, listings, places) are not kept: they always run on every row.

An entry also keeps the file's :func:`signature` when it was read (its inode, size and times), so
that a later run finds an unchanged file by looking at it, without reading it. A signature is kept
only for a file left alone for a while (``SETTLED``): a change made within the same tick of the
file system's clock as the one before it could leave the same times.

The entries are spread over a few files (``SHARDS``), each rewritten whole and atomically
when one of its entries changed; a file that cannot be read as a cache is ignored.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import sys
import time
import zlib
from pathlib import Path
from typing import Any

from circles.incremental.store import installed_packages, read_state, write_state
from circles.problems import Problem
from circles.records.load import Record

log = logging.getLogger(__name__)

#: How many files the entries are spread over: few files, of which a small change rewrites one.
SHARDS = 16
#: How long a file must have been left alone for its signature to be kept, in nanoseconds.
SETTLED = 2_000_000_000
#: The modules whose code decides what a file's own results are.
_CODE = ("records.load", "records.plainyaml", "records.cells", "records.schema", "records.rules", "problems", "catalogue", "i18n",
         "records.validate", "incremental.recordcache")

Result = tuple[str, Record | None, dict[str, Any], list[Problem]]  # kind, record, row, problems (check_files)
Signature = tuple[int, int, int, int, int]


def signature(path: Path) -> Signature | None:
    """What tells an unchanged file without reading it: device, inode, size, modification and change
    times. None when the file cannot be looked at, or was changed less than ``SETTLED`` ago.

    Look before reading: a change made between the two is then seen by the next run.
    """
    try:
        found = os.stat(path)
    except OSError:
        return None
    if time.time_ns() - max(found.st_mtime_ns, found.st_ctime_ns) < SETTLED:
        return None
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns


def digest(raw: bytes) -> bytes:
    """What identifies a file's bytes."""
    return hashlib.blake2b(raw, digest_size=16).digest()


def version(schema: Path | None = None) -> str | None:
    """A hash of everything besides a file's bytes that its results depend on; None when some of it
    cannot be read (then nothing is kept)."""
    import yaml

    from circles.problems import _texts
    from circles.records.rules import timezones
    from circles.records.schema import SCHEMA_PATH

    try:
        parts = [Path(importlib.import_module(f"circles.{name}").__file__ or "").read_bytes() for name in _CODE]
        parts.append((schema or SCHEMA_PATH).read_bytes())
        parts += [Path(file).read_bytes() for file in getattr(_texts.translations, "files", [])]
    except OSError:
        return None
    parts.append(installed_packages())  # PyYAML, Babel, python-slugify and the rest, with their versions
    parts.append(repr((str(_texts.locale), sys.version, yaml.__with_libyaml__,
                       sorted(timezones()))).encode())
    return hashlib.blake2b(b"\0".join(parts), digest_size=16).hexdigest()


class RecordCache:
    """The entries kept in ``folder`` by an earlier run with the same ``version``."""

    def __init__(self, folder: Path, version: str):
        self.folder, self.version = folder, version
        self.shards: list[dict[tuple[str, str], tuple]] = [_read(self._file(n), version) for n in range(SHARDS)]
        self.changed: set[int] = set()

    def get(self, kind: str, shown: str, stem: str, digest: bytes, seen: Signature | None = None) -> Result | None:
        """The results kept for the file ``shown`` of ``kind`` when its bytes are the same, else None; with
        ``seen``, the file's signature now, which is kept with them."""
        number = _shard(kind, shown)
        entry = self.shards[number].get((kind, shown))
        if entry is None or entry[0] != digest:
            return None
        if seen is not None and entry[5] != seen:
            self.shards[number][(kind, shown)] = (*entry[:5], seen)
            self.changed.add(number)
        return _result(kind, stem, shown, entry)

    def unchanged(self, kind: str, shown: str, stem: str, seen: Signature | None) -> Result | None:
        """The results kept for the file ``shown`` of ``kind`` when its signature is ``seen``, else None."""
        entry = self.shards[_shard(kind, shown)].get((kind, shown))
        if seen is None or entry is None or entry[5] != seen:
            return None
        return _result(kind, stem, shown, entry)

    def put(self, shown: str, digest: bytes, result: Result, seen: Signature | None = None) -> None:
        """Keep a file's results, found from bytes whose digest is ``digest``, and its signature ``seen``
        when it was looked at before being read."""
        kind, record, row, problems = result
        entry = (digest, *((record.data, record.lines) if record else (None, None)), row, problems, seen)
        number = _shard(kind, shown)
        self.shards[number][(kind, shown)] = entry
        self.changed.add(number)

    def save(self, keep: set[tuple[str, str]]) -> None:
        """Write the shards that changed, forgetting the files not in ``keep`` (deleted or moved)."""
        for number, shard in enumerate(self.shards):
            gone = shard.keys() - keep
            if gone or number in self.changed:
                for key in gone:
                    del shard[key]
                write_state(self._file(number), self.version, shard)
        self.changed.clear()

    def _file(self, number: int) -> Path:
        return self.folder / f"records-{number:02d}.pickle"


def _result(kind: str, stem: str, shown: str, entry: tuple) -> Result:
    _, data, lines, row, problems, _ = entry
    record = None if data is None else Record(kind, stem, shown, data, lines)
    return kind, record, row, problems


def _shard(kind: str, shown: str) -> int:
    return zlib.crc32(f"{kind}/{shown}".encode()) % SHARDS


def _read(path: Path, version: str) -> dict:
    """A shard's entries; none when it is missing, of another version, or not a cache at all."""
    return {key: entry for key, entry in read_state(path, version).items() if _sound(key, entry)}


def _sound(key: Any, entry: Any) -> bool:
    """An entry shaped as :meth:`RecordCache.put` makes them (a damaged file may unpickle to anything)."""
    return (isinstance(key, tuple) and len(key) == 2 and isinstance(entry, tuple) and len(entry) == 6
            and isinstance(entry[0], bytes) and isinstance(entry[3], dict) and isinstance(entry[4], list)
            and all(isinstance(p, Problem) for p in entry[4])
            and (entry[1] is None or (isinstance(entry[1], dict) and isinstance(entry[2], dict)))
            and (entry[5] is None or (isinstance(entry[5], tuple) and len(entry[5]) == 5)))
