"""How a build is going: a line per stage as it ends, and one summary line.

Shown on a terminal (``make html``), or anywhere with ``CIRCLES_PROGRESS=1``; quiet otherwise,
so tests and logs stay clean. The numbers are also logged at INFO level (``make html V=1``).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)


class Progress:
    def __init__(self, stream=None, silent: bool = False):
        """``silent``: only time the stages, for another process to report (:meth:`add`)."""
        self.stream = stream or sys.stderr
        self.silent = silent
        self.shown = os.environ.get("CIRCLES_PROGRESS", "") not in ("", "0") or _is_terminal(self.stream)
        self.started = time.perf_counter()
        self.stages: list[tuple[str, float, str]] = []

    @contextmanager
    def stage(self, name: str, what: str = ""):
        """Time the block; ``what`` (e.g. "12,105 records") may be set later through the yielded dict."""
        note = {"what": what}
        start = time.perf_counter()
        yield note
        self.add([(name, time.perf_counter() - start, note["what"])])

    def in_steps(self, name: str, steps: Iterable[object]) -> Iterator[object]:
        """``steps``, each done as it is asked for, timed together as one stage (other work runs between them)."""
        seconds, start = 0.0, time.perf_counter()
        for step in steps:
            seconds += time.perf_counter() - start
            yield step
            start = time.perf_counter()
        self.add([(name, seconds + time.perf_counter() - start, "")])

    def took(self, name: str) -> bool:
        """Whether a stage of this name was timed."""
        return any(stage == name for stage, _, _ in self.stages)

    def add(self, stages: list[tuple[str, float, str]]) -> None:
        """Record and report stages: timed here, or elsewhere (another process's :attr:`stages`)."""
        for name, seconds, what in stages:
            self.stages.append((name, seconds, what))
            self.say(f"  {name}: {what + ' in ' if what else ''}{seconds:.1f} s")

    def summary(self, records: str, pages: int, reuse: str = "") -> str:
        """The last line: what was built, how long each stage took, and (``reuse``) what was reused."""
        total = time.perf_counter() - self.started
        parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds, _ in self.stages)
        line = f"Built {records}: {pages:,} pages in {total:.1f} s ({parts})" + (f"; {reuse}" if reuse else "")
        self.say(line)
        return line

    def say(self, line: str) -> None:
        if self.silent:
            return
        log.info(line)
        if self.shown:
            print(line, file=self.stream, flush=True)


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def timed(name: str, step: Callable[[], object]) -> list[tuple[str, float, str]]:
    """Run ``step`` as one stage, for a process of its own to report its timing to the build's."""
    progress = Progress(silent=True)
    with progress.stage(name):
        step()
    return progress.stages
