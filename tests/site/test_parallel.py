"""Large directories are validated and written on every core: the result must not change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import circles.processes
from circles.processes import Background
from circles.records.validate import validate_tree
from tests.conftest import ROOT, build


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_validating_in_worker_processes_finds_the_same(tree, monkeypatch):
    from tests.conftest import CIRCLE, LIBRARY

    root = tree(circles__copy=CIRCLE, circles__bad=CIRCLE.replace("start_time: 18:00", "start_time: 25:00"),
                libraries__flipped=LIBRARY.replace("longitude: -79.386763", "longitude: 79.386763"))  # in China
    alone = validate_tree(root)
    assert {"duplicate", "wrong-type", "outside-country"} <= {p.code for p in alone.problems}
    monkeypatch.setattr(circles.processes, "PARALLEL_FROM", 1)
    shared = validate_tree(root)
    assert shared.problems == alone.problems and shared.rows == alone.rows
    assert {k: sorted(v) for k, v in shared.records.items()} == {k: sorted(v) for k, v in alone.records.items()}


def test_the_site_written_by_worker_processes_is_the_same_bytes(tmp_path, monkeypatch):
    overrides = {"DIRECTORY": {"sample": True, "flyer_pdfs": False, "toolkit_pdfs": False}}
    alone = build(ROOT / "content", tmp_path / "alone", **overrides)
    monkeypatch.setattr(circles.processes, "PARALLEL_FROM", 1)
    shared = build(ROOT / "content", tmp_path / "shared", **overrides)
    first, second = files(alone), files(shared)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_work_beside_this_process_gives_its_result_or_its_error():
    here = os.getpid()
    assert Background(lambda: ("done", os.getpid() != here)).wait() == ("done", True)

    def fail():
        raise ValueError("no such column")

    failing = Background(fail)
    with pytest.raises(ValueError, match="no such column") as raised:
        failing.wait()
    assert "fail" in str(raised.value.__cause__)  # the child's traceback


def test_work_beside_can_be_stopped_when_no_longer_wanted():
    import time

    slow = Background(lambda: time.sleep(30))
    started = time.perf_counter()
    slow.stop()
    assert time.perf_counter() - started < 5
    slow.stop()  # twice is harmless


#: Something the parent holds: a child forked from it holds it too, a fresh interpreter does not.
HELD: list[str] = []


def what_it_holds(argument):
    """Run by fresh.Fresh in the tests below, in a new interpreter that imports this module again."""
    if argument == "fail":
        from circles.problems import CirclesError

        raise CirclesError("the index could not be built")
    if argument == "wait":
        import time

        time.sleep(30)
    return {"argument": argument, "pid": os.getpid(), "held": len(HELD)}


def test_work_given_to_a_fresh_interpreter_holds_none_of_this_process(monkeypatch):
    from circles.fresh import Fresh

    monkeypatch.setattr(__import__(__name__, fromlist=["HELD"]), "HELD", ["the build's records"])
    here = os.getpid()
    assert Background(lambda: len(HELD)).wait() == 1  # a forked child holds what this process held
    fresh = Fresh(__name__, "what_it_holds")
    giver = Background(lambda: (fresh.give([1, "two"]), os.getpid())[1])  # given by a forked child
    fresh.given_elsewhere()
    result, child = fresh.wait(), giver.wait()
    assert result == {"argument": [1, "two"], "pid": result["pid"], "held": 0} and result["pid"] not in (here, child)
    # Given here, the same.
    fresh = Fresh(__name__, "what_it_holds")
    fresh.give(3)
    assert fresh.wait()["argument"] == 3


def test_an_error_in_the_fresh_interpreter_is_raised_here_and_it_can_be_stopped():
    import time

    from circles.fresh import Fresh
    from circles.problems import CirclesError
    from circles.processes import ChildError

    failing = Fresh(__name__, "what_it_holds")
    failing.give("fail")
    with pytest.raises(CirclesError, match="could not be built") as raised:
        failing.wait()
    assert "what_it_holds" in str(raised.value.__cause__)  # the fresh interpreter's traceback
    # Work that cannot even be imported (the interpreter imports it before it is given): its error, raised here.
    missing = Fresh("circles.no_such_stage", "run")
    missing.give("anything")
    with pytest.raises(ModuleNotFoundError, match="circles.no_such_stage"):
        missing.wait()
    # A child that was to give the work and failed first: the interpreter ends, and says so.
    never = Fresh(__name__, "what_it_holds")
    dropped = Background(lambda: 1 / 0)
    never.given_elsewhere()
    with pytest.raises(ZeroDivisionError):
        dropped.wait()
    with pytest.raises(ChildError, match="without its result"):
        never.wait()
    slow = Fresh(__name__, "what_it_holds")
    slow.give("wait")
    time.sleep(1)  # long enough to be in the new interpreter, asleep
    started = time.perf_counter()
    slow.stop()
    assert time.perf_counter() - started < 5
    slow.stop()  # twice is harmless
