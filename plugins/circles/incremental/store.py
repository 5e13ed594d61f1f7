"""Files a build keeps in Pelican's CACHE_PATH for the next one: a pickle tagged with a version.

A file of another version, or one that cannot be read (truncated, foreign), reads as nothing
kept, and the build does the work again; writing replaces the file at once, so a build stopped
halfway, or another one reading, never sees half a file.
"""

from __future__ import annotations

import logging
import os
import pickle
import secrets
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def read_state(path: Path, version: Any) -> dict:
    """The entries kept at ``path`` with ``version``; empty when there are none to trust."""
    try:
        kept, entries = pickle.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except Exception as exc:  # noqa: BLE001 - a damaged file may fail in any way; the build does not depend on it
        log.debug("ignoring %s: %s", path, exc)
        return {}
    return entries if kept == version and isinstance(entries, dict) else {}


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
