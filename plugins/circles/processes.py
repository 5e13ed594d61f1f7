"""Work shared between the machine's cores, for large directories.

The items are cut into pieces, and each piece is done by a child forked for it: it inherits
everything as it is (records, templates, the writer), and only its results travel back, pickled
through a pipe. So the work function need not be picklable; its results must be. Where forking is
not available, or the work is small, it all runs here, in order, the same way.

For work that needs none of the build's objects, a new interpreter: :class:`circles.fresh.Fresh`.
What a forked child copies of its parent is also decided by the cyclic collector (``collector.py``).
"""

from __future__ import annotations

import collections
import contextlib
import os
import pickle
import select
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # fresh.py uses this module; this one only names its class
    from circles.fresh import Fresh

#: Below this many items, starting worker processes costs more than it saves.
PARALLEL_FROM = 2000

#: How many pieces :func:`in_shares` cuts each core's share into. A child forked for a piece ends with
#: it, and so copies less of this process (see fresh.py for why a child copies what it reads),
#: even while this process reads other records meanwhile: at 50,000 circles, with the open data written
#: here beside the circle pages, two children and this process held 1,089 MB at four pieces a core, and
#: under 800 MB at sixteen (issue 24).
PIECES = 16

#: The fewest items in a piece. A child forked copies the parent's page tables and what it touches: small
#: pieces pay that for little work. At 10,000 circles (pieces of 313 pages), full builds of 19.6 and 19.8 s
#: took 19.0 and 18.9 s with pieces of 1,000 or more, and four languages 48.7 and 47.7 s took 43.6 and 46.4 s
#: (issue 24; 2,500 left a core idle at the end). At 50,000 circles sixteen pieces a core hold more.
SMALLEST_PIECE = 1000

#: Programs that keep a core busy while they run (Pagefind's interpreter): :func:`in_shares` forks one
#: worker fewer for each, until it ends.
BUSY: list[Fresh] = []


def in_shares(function: Callable[[Sequence], list], items: Sequence,
              meanwhile: Iterable[object] | None = None, parallel_from: int | None = None) -> list[Any]:
    """``function`` over ``items`` on every core; the results concatenated, in order.

    The items are cut into :data:`PIECES` pieces per core, of :data:`SMALLEST_PIECE` items at least, each
    done by a child forked for it alone as soon as a core is free; this process hands them out and
    gathers their results.
    While a :data:`BUSY` program runs, it has one core fewer; with one core left, the pieces are done
    here, one at a time, where reading the records copies nothing.

    ``meanwhile``, when there are other processes: work that does not depend on the results, in short
    steps (an iterable whose items are done as they are asked for), done here between looking for
    finished pieces, so that the cores it leaves stay busy. Done whole before this returns; not
    done at all when there are no other processes, as the work is then done here in one go.
    ``parallel_from``: fewer items than this (PARALLEL_FROM unless given) run here (:func:`in_children`).
    """
    if not in_children(len(items), parallel_from):
        return function(items)
    workers = min(os.cpu_count() or 1, 4)
    size = max(-(-len(items) // (workers * PIECES)), SMALLEST_PIECE)
    pieces = [items[start:start + size] for start in range(0, len(items), size)]
    results: list[list | None] = [None] * len(pieces)
    waiting = collections.deque(enumerate(pieces))
    running: dict[int, tuple[int, int, list[bytes]]] = {}  # the pipe its results come from → piece, pid, bytes so far
    steps = iter(meanwhile) if meanwhile is not None else None
    try:
        while waiting or running or steps:
            cores = workers - sum(1 for program in BUSY if program.running())
            if cores < 2 and waiting and not running:
                index, piece = waiting.popleft()
                results[index] = list(function(piece))
            while waiting and cores > 1 and len(running) < cores:
                index, piece = waiting.popleft()
                pid, source = _start(function, piece)
                running[source] = (index, pid, [])
            if steps is not None and next(steps, _DONE) is _DONE:
                steps = None
            if not running:
                continue
            # Between steps, only a look; while a busy program runs, a look now and then, so that a
            # core it frees is handed a piece at once.
            ready, _, _ = select.select(list(running), [], [], 0 if steps else 0.5 if BUSY else None)
            for source in ready:
                index, pid, received = running[source]
                if chunk := os.read(source, 1 << 20):
                    received.append(chunk)
                    continue
                del running[source]
                os.close(source)
                _, status = os.waitpid(pid, 0)
                results[index] = received_from(b"".join(received), f"a worker process (wait status {status})")
    except BaseException:
        for source, (_, pid, _) in running.items():
            _stop(pid, source)
        raise
    return [result for piece in results for result in piece]  # type: ignore[union-attr]  # every piece came back


def in_children(count: int, parallel_from: int | None = None) -> bool:
    """Whether :func:`in_shares` gives ``count`` items to children, rather than doing them here."""
    return count >= (PARALLEL_FROM if parallel_from is None else parallel_from) and (os.cpu_count() or 1) > 1 and can_fork()


_DONE = object()


def one_step(function: Callable[[], object]) -> Iterator[object]:
    """``function`` as work of one step, for :func:`in_shares`'s ``meanwhile``: called when asked for."""
    yield function()


class Background:
    """``function`` run in a forked child while this process goes on with other work: ``wait()``
    gives its result (or raises its error). Where forking is not safe or possible, it runs at once, here."""

    def __init__(self, function: Callable[[], Any]):
        self.child: tuple[int, int] | None = None
        if (os.cpu_count() or 1) > 1 and can_fork():
            self.child = _start(lambda _share: [function()], [None])
        else:
            self.result = function()

    def wait(self) -> Any:
        if self.child is None:
            return self.result
        child, self.child = self.child, None
        self.result = _finish(*child)[0]
        return self.result

    def stop(self) -> None:
        """End the child early, as when this process failed and its result is no longer wanted."""
        if self.child is not None:
            _stop(*self.child)
            self.child = None


def can_fork() -> bool:
    """Whether a child may be forked now: not while other threads run (a lock one of them holds would
    stay held in the child forever; Python 3.12 warns of it), and not where there is no fork."""
    return hasattr(os, "fork") and threading.active_count() == 1


class ChildError(Exception):
    """A worker process ended without sending its results back."""


class _RemoteTraceback(Exception):
    """Where an error raised in a worker process came from (the __cause__ of the error re-raised here)."""

    def __str__(self) -> str:
        return self.args[0]


def _start(function: Callable[[Sequence], list], share: Sequence) -> tuple[int, int]:
    """Fork a child that does ``share``; its process id and the pipe its results will come from."""
    source, sink = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: do the share, send the results, and leave without running any exit handler
        status = 1
        try:
            os.close(source)
            with os.fdopen(sink, "wb") as out:
                out.write(outcome(function, share))
            status = 0
        finally:
            os._exit(status)
    os.close(sink)
    return pid, source


def outcome(function: Callable[[Sequence], list], share: Sequence) -> bytes:
    """``function(share)`` or its error, pickled as a child sends it (also fresh.py's interpreter)."""
    try:
        return pickle.dumps((True, function(share), ""), pickle.HIGHEST_PROTOCOL)
    except BaseException as exc:  # re-raised in the parent, as it would have been without workers
        trace = traceback.format_exc()
        try:
            return pickle.dumps((False, exc, trace), pickle.HIGHEST_PROTOCOL)
        except Exception:  # an error that cannot be pickled: its name and message still can
            return pickle.dumps((False, ChildError(f"{type(exc).__name__}: {exc}"), trace), pickle.HIGHEST_PROTOCOL)


def _finish(pid: int, source: int) -> list:
    with os.fdopen(source, "rb") as results:
        payload = results.read()
    _, status = os.waitpid(pid, 0)
    return received_from(payload, f"a worker process (wait status {status})")


def received_from(payload: bytes, sender: str) -> list:
    """The results :func:`outcome` sent, or its error raised here with where it came from."""
    if not payload:
        raise ChildError(f"{sender} ended without its results")
    done, value, trace = pickle.loads(payload)
    if not done:
        raise value from _RemoteTraceback(trace)
    return value


def _stop(pid: int, source: int) -> None:
    """End a child whose results are no longer wanted (this process failed), and reap it."""
    with contextlib.suppress(ProcessLookupError):  # it ended already
        os.kill(pid, signal.SIGTERM)
    os.close(source)
    os.waitpid(pid, 0)
