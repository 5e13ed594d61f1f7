"""The benchmarks' synthetic directory (benchmarks/synth.py): valid, reproducible, marked as invented."""

from __future__ import annotations

from benchmarks import synth
from circles.records.validate import validate_tree


def test_a_small_synthetic_tree_is_valid_without_warnings(tmp_path):
    counts = synth.generate(tmp_path, circles=60, libraries=20)
    data = validate_tree(tmp_path)
    assert [(p.path, p.line, p.field, p.code) for p in data.problems] == []
    assert counts["circles"] == 60 and counts["libraries"] == 20
    assert {kind: len(rows) for kind, rows in data.records.items()} == counts


def test_the_same_seed_gives_the_same_bytes_and_every_file_says_it_is_synthetic(tmp_path):
    synth.generate(tmp_path / "a", circles=30, libraries=10, seed=7)
    synth.generate(tmp_path / "b", circles=30, libraries=10, seed=7)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.yml"))
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.yml"))
    for name in files:
        text = (tmp_path / "a" / name).read_text(encoding="utf-8")
        assert text == (tmp_path / "b" / name).read_text(encoding="utf-8")
        assert text.startswith(synth.MARK)
