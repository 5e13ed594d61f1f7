"""Work in shares (circles.processes): this process does the first share, forked children the others."""

from __future__ import annotations

import os

import pytest

import circles.processes
from circles.processes import in_shares

pytestmark = pytest.mark.skipif((os.cpu_count() or 1) < 2 or not hasattr(os, "fork"), reason="needs two cores and fork")


@pytest.fixture(autouse=True)
def always_in_shares(monkeypatch):
    monkeypatch.setattr(circles.processes, "PARALLEL_FROM", 1)


def test_the_results_come_back_in_order_and_the_first_share_is_done_here():
    here, seen = os.getpid(), []
    results = in_shares(lambda share: [(item, os.getpid()) for item in share], list(range(1001)),
                        meanwhile=lambda: seen.append(os.getpid()))
    assert [item for item, _ in results] == list(range(1001))
    assert results[0][1] == here != results[-1][1]
    assert seen == [here]  # meanwhile runs here, once


def test_an_error_in_another_process_is_raised_here_with_where_it_came_from():
    def work(share):
        if 900 in share:
            raise ValueError("item 900 is wrong")
        return list(share)

    with pytest.raises(ValueError, match="item 900 is wrong") as raised:
        in_shares(work, list(range(1000)))
    assert "item 900 is wrong" in str(raised.value.__cause__)  # the other process's traceback


def test_an_error_here_stops_the_other_processes():
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
