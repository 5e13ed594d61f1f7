"""Large directories are validated and written on every core: the result must not change."""

from __future__ import annotations

from pathlib import Path

import circles.parallel
from circles.validate import validate_tree
from tests.conftest import ROOT, build


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_validating_in_worker_processes_finds_the_same(tree, monkeypatch):
    from tests.conftest import CIRCLE

    root = tree(circles__copy=CIRCLE, circles__bad=CIRCLE.replace("start_time: 18:00", "start_time: 25:00"))
    alone = validate_tree(root)
    monkeypatch.setattr(circles.parallel, "PARALLEL_FROM", 1)
    shared = validate_tree(root)
    assert shared.problems == alone.problems and shared.rows == alone.rows
    assert {k: sorted(v) for k, v in shared.records.items()} == {k: sorted(v) for k, v in alone.records.items()}


def test_pages_written_by_worker_processes_are_the_same_bytes(tmp_path, monkeypatch):
    overrides = {"DIRECTORY": {"sample": True, "flyer_pdfs": False, "toolkit_pdfs": False}}
    alone = build(ROOT / "content", tmp_path / "alone", **overrides)
    monkeypatch.setattr(circles.parallel, "PARALLEL_FROM", 1)
    shared = build(ROOT / "content", tmp_path / "shared", **overrides)
    first, second = files(alone), files(shared)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
