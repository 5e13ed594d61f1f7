"""Files a build keeps in Pelican's CACHE_PATH for the next one: a pickle tagged with a version.

A file of another version, or one that cannot be read (truncated, foreign), reads as nothing
kept, and the build does the work again; writing replaces the file at once, so a build stopped
halfway, or another one reading, never sees half a file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import secrets
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def installed_packages() -> bytes:
    """Every package installed where this interpreter imports from, with its version: the names of their
    metadata folders (``babel-2.18.0.dist-info``). What is kept depends on them as on the code (another
    Babel writes dates otherwise, another WeasyPrint prints otherwise), so each kind of kept file has them
    in its version. One look at each folder of the import path, under a millisecond."""
    names = []
    for folder in filter(None, sys.path):  # not "", the folder the build was started from
        with contextlib.suppress(OSError):  # missing, a zip file, unreadable: nothing installed there to name
            names += [name for name in os.listdir(folder) if name.endswith((".dist-info", ".egg-info"))]
    return "\n".join(sorted(names)).encode()


#: In place of the entries, in a file written by :func:`state_written`: the entries follow, a pickle
#: each, and this again after the last.
STREAMED = "entries follow, one pickle each"


def read_state(path: Path, version: Any) -> dict:
    """The entries kept at ``path`` with ``version``; empty when there are none to trust."""
    try:
        with path.open("rb") as kept_file:
            kept, entries = pickle.load(kept_file)
            if entries == STREAMED and kept == version:
                entries = {}
                while (entry := pickle.load(kept_file)) != STREAMED:  # a file cut short fails here
                    key, value = entry
                    entries[key] = value
    except FileNotFoundError:
        return {}
    except Exception as exc:  # noqa: BLE001 - a damaged file may fail in any way; the build does not depend on it
        log.debug("ignoring %s: %s", path, exc)
        return {}
    return entries if kept == version and isinstance(entries, dict) else {}


@contextlib.contextmanager
def state_written(path: Path, version: Any) -> Iterator[Callable[[Any, Any], None]]:
    """A function that writes one entry (key, value) at once, for entries too many to hold until the
    end (issue 24: the open data's parts of 50,000 circles are 160 MB). ``path`` is replaced when the
    block ends, as by :func:`write_state`; if it fails, ``path`` is left as it was."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        out = open(temporary, "wb")  # noqa: SIM115 - closed below, before the file replaces path
    except OSError as exc:
        log.warning("could not write %s: %s", path, exc)
        yield lambda key, value: None
        return
    failed = False

    def write(key: Any, value: Any) -> None:
        nonlocal failed
        if not failed:
            try:  # one pickle each: a single pickler would hold every entry in its memo
                out.write(pickle.dumps((key, value), pickle.HIGHEST_PROTOCOL))
            except OSError as exc:
                log.warning("could not write %s: %s", path, exc)
                failed = True

    try:
        write(version, STREAMED)  # the head, read as (version, entries)
        yield write
        if not failed:
            try:
                out.write(pickle.dumps(STREAMED, pickle.HIGHEST_PROTOCOL))
                out.close()
                os.replace(temporary, path)
            except OSError as exc:
                log.warning("could not write %s: %s", path, exc)
    finally:
        out.close()
        temporary.unlink(missing_ok=True)


def write_state(path: Path, version: Any, entries: dict) -> None:
    """Replace ``path`` with ``entries`` at once; a read-only or full disk only costs the next build time."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as out:
            pickle.dump((version, entries), out, pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError as exc:
        log.warning("could not write %s: %s", path, exc)
        temporary.unlink(missing_ok=True)
