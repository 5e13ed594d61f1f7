"""The cyclic garbage collector, kept off what the build makes in large numbers and keeps.

The records and models, the circle pages and their search data are hundreds of thousands of small
objects that hold no cycles: made with the collector paused (:func:`collector_paused`), then frozen out
of its reach (:func:`lasting`), so that no collection goes through them again, in this process or in
a child forked from it (a collection in a child would touch, and so copy, every one of them:
``processes.py``).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Without the cyclic garbage collector: records are a hundred thousand small dicts and lists, which
    set it off hundreds of times to find nothing (they hold no cycles); that was a fifth of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def lasting() -> Iterator[None]:
    """For values that live until the build ends (the records and models, a million objects at 10,000
    circles; the circle pages and their search data): made with the cyclic collector paused, then frozen
    out of its reach. Its full collections went through them again and again (a tenth of a rebuild's
    time, benchmarks/README.md; then 0.4 s of a rebuild of 10,000 circles, 0.1 s since issue 24), and touched
    them in the processes forked meanwhile. They stay frozen after the build, so that a process that ends
    then does not collect their cycles first; the next build in the same process unfreezes them
    (generator.py).

    Frozen before the collector is on again: the first allocation after that would start a collection of
    the youngest generation, which is everything made meanwhile (issue 24: 0.16 s of a rebuild of 10,000
    circles, in two such collections that found nothing)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
