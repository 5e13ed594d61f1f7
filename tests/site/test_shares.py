"""Work in shares (circles.processes): pieces handed to a forked child each, as many at once as there are
cores free; this process gathers their results."""

from __future__ import annotations

import os
import time

import pytest

import circles.processes
from circles.processes import in_shares, one_step
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif((os.cpu_count() or 1) < 2 or not hasattr(os, "fork"), reason="needs two cores and fork")


@pytest.fixture(autouse=True)
def always_in_shares(monkeypatch):
    monkeypatch.setattr(circles.processes, "PARALLEL_FROM", 1)
    monkeypatch.setattr(circles.processes, "SMALLEST_PIECE", 1)


def test_a_piece_holds_at_least_the_smallest_piece_s_items(monkeypatch):
    monkeypatch.setattr(circles.processes, "SMALLEST_PIECE", 300)
    results = in_shares(lambda share: [(item, os.getpid(), len(share)) for item in share], list(range(1001)))
    assert [item for item, _, _ in results] == list(range(1001))
    assert [size for _, _, size in results] == [300] * 900 + [101] * 101  # not 32 pieces of 32
    assert len({pid for _, pid, _ in results}) == 4


def test_the_results_come_back_in_order_each_piece_from_a_child_of_its_own():
    here, seen = os.getpid(), []
    results = in_shares(lambda share: [(item, os.getpid()) for item in share], list(range(1001)),
                        meanwhile=one_step(lambda: seen.append(os.getpid())))
    assert [item for item, _ in results] == list(range(1001))
    workers = min(os.cpu_count() or 1, 4)
    assert len({pid for _, pid in results}) == workers * circles.processes.PIECES  # a child ends with its piece
    assert here not in {pid for _, pid in results}
    assert seen == [here]  # meanwhile runs here, once


def test_work_in_steps_is_done_here_between_the_pieces_and_whole(tmp_path):
    log, steps = tmp_path / "log", []

    def meanwhile():
        for step in range(50):
            steps.append((step, os.getpid(), time.monotonic()))
            time.sleep(0.01)
            yield

    assert in_shares(timed_pieces(log, 0.05), list(range(64)), meanwhile()) == list(range(64))
    assert [step for step, _, _ in steps] == list(range(50))
    assert {pid for _, pid, _ in steps} == {os.getpid()}
    found = spans(log)
    # Pieces were handed out while the steps went on: a core freed is not left waiting for the last step.
    assert len([began for began, _ in found if began < steps[-1][2]]) > min(os.cpu_count() or 1, 4)


def test_work_in_steps_is_left_alone_when_there_are_no_other_processes(monkeypatch):
    monkeypatch.setattr(circles.processes, "PARALLEL_FROM", 10)
    started = []

    def meanwhile():
        started.append(True)
        yield

    assert in_shares(lambda share: list(share), list(range(5)), meanwhile()) == list(range(5))
    assert started == []  # the caller does it, in one go, as there was no one else to wait for


def timed_pieces(log, seconds: float):
    """Work that notes when each piece began and ended (the machine's monotonic clock, the same in every process)."""
    def work(share):
        began = time.monotonic()
        time.sleep(seconds)
        with log.open("a") as out:
            out.write(f"{share[0]} {began} {time.monotonic()}\n")
        return list(share)
    return work


def spans(log) -> list[tuple[float, float]]:
    """When each piece ran, in the order of the pieces."""
    found = sorted(line.split() for line in log.read_text().splitlines())
    return [(float(began), float(ended)) for _, began, ended in sorted(found, key=lambda row: int(row[0]))]


def at_most_at_once(found: list[tuple[float, float]]) -> int:
    return max(sum(began <= moment < ended for began, ended in found) for moment, _ in found)


def test_no_more_pieces_run_at_once_than_there_are_cores(tmp_path):
    log = tmp_path / "log"
    assert in_shares(timed_pieces(log, 0.05), list(range(64))) == list(range(64))
    assert 1 < at_most_at_once(spans(log)) <= min(os.cpu_count() or 1, 4)


def test_pagefinds_interpreter_keeps_a_core_only_once_it_has_work():
    """Started while the records are read (timeline.Build.read), it waits there for its bundles: the
    validation's pieces must still have every core."""
    from circles.exports.pagefind import pagefind_interpreter
    from circles.processes import BUSY

    interpreter = pagefind_interpreter()
    try:
        assert interpreter not in BUSY
        interpreter.keeps_a_core()  # as Indexing does, once it has bundles to give it
        interpreter.keeps_a_core()
        assert [interpreter] == BUSY
    finally:
        interpreter.stop()
    assert BUSY == []


def test_a_busy_program_keeps_a_core_until_it_ends(tmp_path, monkeypatch):
    """While Pagefind's interpreter runs (a Fresh that is busy), one child fewer is forked; the core it
    frees is used as soon as it ends, in the same call."""
    from circles.fresh import Fresh
    from circles.processes import BUSY

    monkeypatch.setattr(circles.processes, "PIECES", 8)
    busy = Fresh("time", "sleep")
    busy.keeps_a_core()
    assert [busy] == BUSY
    try:
        busy.give(0.6)  # it runs at least this long, from now
        log = tmp_path / "log"
        assert in_shares(timed_pieces(log, 0.2), list(range(64))) == list(range(64))
    finally:
        busy.stop()
    assert BUSY == []
    found = spans(log)
    workers = min(os.cpu_count() or 1, 4)
    assert at_most_at_once([span for span in found if span[0] < found[0][0] + 0.6]) == workers - 1
    assert at_most_at_once(found) == workers  # after it ended


def test_an_error_in_another_process_is_raised_here_with_where_it_came_from():
    def work(share):
        if 900 in share:
            raise ValueError("item 900 is wrong")
        return list(share)

    with pytest.raises(ValueError, match="item 900 is wrong") as raised:
        in_shares(work, list(range(1000)))
    assert "item 900 is wrong" in str(raised.value.__cause__)  # the other process's traceback


def test_an_error_in_one_piece_stops_the_others():
    def work(share):
        if 0 in share:
            raise KeyError("first share")
        return list(share)

    with pytest.raises(KeyError):
        in_shares(work, list(range(1000)))


def test_results_that_cannot_travel_between_processes_are_an_error():
    with pytest.raises(Exception, match="pickle|lambda|local"):
        in_shares(lambda share: [lambda: None for _ in share], list(range(10)))


def test_no_process_is_forked_while_another_thread_runs():
    """A lock another thread holds would stay held forever in a forked child (Python 3.12 warns of it):
    then everything is done here, in order, with the same results."""
    import threading

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        results = in_shares(lambda share: [(item, os.getpid()) for item in share], list(range(1001)))
        background = circles.processes.Background(os.getpid)
        assert background.wait() == os.getpid()
    finally:
        release.set()
        other.join()
    assert [item for item, _ in results] == list(range(1001))
    assert {pid for _, pid in results} == {os.getpid()}


def test_an_interpreter_stopped_as_it_ends_ends_without_a_word():
    """Started while the records are read, Pagefind's interpreter is stopped when a record is wrong, maybe as it
    ends anyway, its input closed: a stop then must not raise in the middle of its shutdown ("Exception
    ignored in: <module 'threading'>" on the terminal of a librarian whose record has a mistake)."""
    import subprocess
    import sys

    program = ("import os, signal, sys; from circles.fresh import _fresh\n"
               "source, sink = os.pipe()\n"
               "_fresh('time', 'sleep', sink)  # its input is empty: never given work\n"
               "print(signal.getsignal(signal.SIGTERM) == signal.SIG_DFL)")
    done = subprocess.run([sys.executable, "-c", program], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")}, timeout=60)
    assert done.stdout.strip() == "True" and done.stderr == ""
