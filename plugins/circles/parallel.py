"""Work shared between the machine's cores, for large directories.

Workers are forked, so they inherit everything as it is (records, templates, the writer) and
only the results travel back: the work function need not be picklable, its results must be.
Where forking is not available, or the work is small, it runs here, in order, the same way.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

#: Below this many items, starting worker processes costs more than it saves.
PARALLEL_FROM = 2000
_WORK: tuple = ()  # (function, items): what the forked workers inherit


def in_shares(function: Callable[[Sequence], list], items: Sequence) -> list[Any]:
    """``function`` over ``items`` in one share per core; the results concatenated, in order."""
    global _WORK
    workers = min(os.cpu_count() or 1, 4)
    if len(items) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return function(items)
    size = -(-len(items) // workers)
    _WORK = (function, items)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            shares = pool.map(_share, range(0, len(items), size), [size] * workers)
            return [result for share in shares for result in share]
    finally:
        _WORK = ()


def _share(start: int, size: int) -> list:
    function, items = _WORK
    return function(items[start:start + size])
