"""Values the incremental layer keeps between builds besides files' keys: a stage's results by the
fingerprint of what they are made from (:class:`Memo`: a circle's calendar events, a record's part of
the open data), and large results a file each (:class:`KeptFiles`: PDFs)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from circles.incremental.store import installed_packages, read_state, state_written, write_state

#: In the key of every PDF kept: another WeasyPrint, or another of the packages it prints with (pydyf,
#: fontTools, Pillow), may print the same page otherwise.
PACKAGES = installed_packages()


class Memo:
    """Values worth keeping between builds (a circle's calendar events), by the key of what they are
    made from; kept only when the layer keeps anything."""

    def __init__(self, path: Path | None, stamp: bytes, load: bool, key: Callable[..., bytes | None]):
        """``path``: where they are kept (None: nowhere); ``key``: the fingerprint of some values."""
        self.path, self.stamp, self.fingerprint, self.load = path, stamp, key, load
        self.now: dict[bytes, Any] = {}
        self.written: Callable[[bytes, Any], None] | None = None

    @functools.cached_property
    def before(self) -> dict[bytes, Any]:
        """What the last build kept, read when first asked for: in the process that uses it (the open
        data's 10,000 parts, read in the main process of a rebuild, took it 0.1 s before its child did)."""
        return read_state(self.path, self.stamp) if self.path and self.load else {}

    def key(self, *parts: Any) -> bytes | None:
        return self.fingerprint(*parts) if self.path else None

    def get(self, key: bytes | None) -> Any:
        """The value kept for ``key``, or None; a value found is kept again."""
        if key is None or key not in self.before:
            return None
        value = self.before[key]
        self.put(key, value)
        return value

    def put(self, key: bytes | None, value: Any) -> None:
        if key is None:
            return
        if self.written:
            self.written(key, value)
        else:
            self.now[key] = value

    def save(self) -> None:
        if self.path:
            write_state(self.path, self.stamp, self.now)

    @contextlib.contextmanager
    def kept_as_made(self) -> Iterator[None]:
        """Within it, each value put or found is written to the file at once, not held until :meth:`save`
        (there is then nothing left to save): for values that add up to more than a process should
        hold, each asked for once."""
        if not self.path:
            yield
            return
        try:
            with state_written(self.path, self.stamp) as self.written:
                yield
        finally:
            self.written = None


class KeptFiles:
    """Large results (PDFs) kept between builds, a file each, by a hash of what went into them; only
    when the layer keeps anything. Those no build asked for are removed by :meth:`prune`."""

    def __init__(self, folder: Path | None, load: bool):
        self.folder, self.load = folder, load
        self.hits, self.used = 0, set()

    def key(self, *parts: bytes | str) -> str:
        """What went into a result, hashed; empty when nothing is kept."""
        if not self.folder:
            return ""
        digest = hashlib.sha256()
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "big") + data)
        self.used.add(f"{digest.hexdigest()}.pdf")
        return digest.hexdigest()

    def get(self, key: str) -> bytes | None:
        path = self.folder / f"{key}.pdf" if key else None
        if path and self.load and path.is_file():
            self.hits += 1
            return path.read_bytes()
        return None

    def put(self, key: str, data: bytes) -> bytes:
        if key:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / f"{key}.pdf").write_bytes(data)
        return data

    def prune(self) -> None:
        """Forget what no result of this build asked for: the folder holds one directory's worth."""
        if self.folder and self.folder.is_dir():
            for path in self.folder.glob("*.pdf"):
                if path.name not in self.used:
                    path.unlink()
