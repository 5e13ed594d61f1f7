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
