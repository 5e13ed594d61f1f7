"""A fresh interpreter for work that needs none of the build's objects (Pagefind's driver): :class:`Fresh`."""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from circles.processes import BUSY, ChildError, outcome, received_from


class Fresh:
    """``module.function(argument)`` in a fresh interpreter, started at once, before the argument is
    known: :meth:`give` sends it, from this process or from a child forked from it (a
    :class:`Background`'s), and :meth:`wait` gives the function's result, or raises its error.

    Why a new interpreter rather than a forked child: a forked child shares the parent's memory only
    until either writes to it, and a Python process writes to every object it merely reads (its
    reference count). The build reads its objects again page after page, so a child that lives as long
    as the build comes to hold a copy of most of them. Pagefind's driver, which needs none of them once
    the records are copied for Pagefind, held 407 MB (proportional set size) of the build's 1,611 MB at
    50,000 circles, and 14 to 25 MB in an interpreter of its own (issue 24). Started before its work is given,
    the interpreter's own start (0.07 s) is not waited for: a rebuild waits for Pagefind at its end.
    """

    def __init__(self, module: str, function: str):
        """Started at once; counted as keeping a core busy only from :meth:`keeps_a_core` on."""
        if not sys.executable:
            raise ChildError("no Python program to start a fresh interpreter with (sys.executable is empty)")
        source, sink = os.pipe()
        # Where this package is, for an interpreter started without the plugin paths Pelican was given.
        found = [str(Path(__file__).resolve().parent.parent), *filter(None, [os.environ.get("PYTHONPATH")])]
        program = f"from circles.fresh import _fresh; _fresh({module!r}, {function!r}, {sink})"
        self.process = subprocess.Popen([sys.executable, "-c", program], stdin=subprocess.PIPE, pass_fds=(sink,),
                                        env={**os.environ, "PYTHONPATH": os.pathsep.join(found)})
        os.close(sink)
        self.results: int | None = source

    def keeps_a_core(self) -> None:
        """From now on, its work keeps a core busy: it is one of :data:`BUSY` until it ends."""
        if self not in BUSY:
            BUSY.append(self)

    def __enter__(self) -> Fresh:
        return self

    def __exit__(self, *_) -> None:
        self.stop()

    def running(self) -> bool:
        if self.process.poll() is None:
            return True
        self._done()
        return False

    def give(self, argument: Any) -> None:
        """Send the work's argument (picklable), here or in a child forked since."""
        with self.process.stdin as work:
            pickle.dump(argument, work, pickle.HIGHEST_PROTOCOL)

    def given_elsewhere(self) -> None:
        """Close this process's end of the way in, once the child that gives the argument is forked: if
        that child ends without giving it, the interpreter then ends too, instead of waiting forever."""
        if not self.process.stdin.closed:
            self.process.stdin.close()

    def wait(self) -> Any:
        with os.fdopen(self.results, "rb") as results:
            self.results = None
            payload = results.read()
        status = self.process.wait()
        self._done()
        return received_from(payload, f"a fresh interpreter (exit status {status})")[0]

    def stop(self) -> None:
        """End the interpreter early, as when the build failed; harmless once it has ended."""
        self.given_elsewhere()
        with contextlib.suppress(ProcessLookupError):
            self.process.terminate()
        self.process.wait()
        self._done()
        if self.results is not None:
            os.close(self.results)
            self.results = None

    def _done(self) -> None:
        if self in BUSY:
            BUSY.remove(self)


def _fresh(module: str, function: str, sink: int) -> None:
    """The interpreter of :class:`Fresh`: read the argument, do the work, send back its outcome as a
    forked child would. Stopped (SIGTERM), it ends as an error would end it, so that a program it runs
    (``subprocess.run``) is stopped too."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        try:  # imported while the work is being made ready, not after it is given
            work = getattr(importlib.import_module(module), function)
        except Exception as error:  # noqa: BLE001 - given back as the work's own error would be, below
            def work(_argument: Any, failure: Exception = error) -> None:
                raise failure
        try:
            argument = pickle.load(sys.stdin.buffer)
        except EOFError:  # the work was never given: the build stopped before it
            return
        with os.fdopen(sink, "wb") as out:
            out.write(outcome(lambda _: [work(argument)], [None]))
    finally:
        # Stopped while this interpreter ends anyway (a record was wrong, and the build stopped before giving
        # it work), it ends at once: sys.exit in the middle of its shutdown printed "Exception ignored".
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
