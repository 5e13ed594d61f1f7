"""Same records and build date → the same site, byte for byte, wherever the files are and in whatever order
the file system lists them (search index, PDFs and ZIP included)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, build


class _Listing:
    """What os.scandir returns (an iterator and a context manager), over a list of entries."""

    def __init__(self, entries):
        self._entries = iter(entries)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._entries)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        pass


def listed_backwards(patch: pytest.MonkeyPatch) -> None:
    """Make every directory listing of this process come in reverse order of name (pathlib's
    glob and iterdir, os.walk and shutil read theirs through these two)."""
    scandir, listdir = os.scandir, os.listdir

    def backwards_scandir(path="."):
        with scandir(path) as entries:
            return _Listing(sorted(entries, key=lambda entry: entry.name, reverse=True))

    patch.setattr(os, "scandir", backwards_scandir)
    patch.setattr(os, "listdir", lambda path=".": sorted(listdir(path), reverse=True))


def copy_backwards(source: Path, target: Path) -> Path:
    """Copy a tree creating its files last first, so the disk lists them differently; new timestamps."""
    files = sorted((p for p in source.rglob("*") if p.is_file()), reverse=True)
    for path in files:
        copy = target / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
    return target


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def first_difference(a: bytes, b: bytes) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"at byte {at}: {a[max(0, at - 40):at + 40]!r} ≠ {b[max(0, at - 40):at + 40]!r}"


def test_two_builds_in_other_places_and_orders_are_byte_identical(tmp_path):
    first = build(shutil.copytree(ROOT / "content", tmp_path / "a" / "content"), tmp_path / "a" / "output")
    content = copy_backwards(ROOT / "content", tmp_path / "another-checkout" / "records")
    with pytest.MonkeyPatch.context() as patch:
        listed_backwards(patch)
        assert [p.name for p in sorted(content.iterdir())] != [p.name for p in content.iterdir()]
        second = build(content, tmp_path / "another-checkout" / "public")
    one, two = tree(first), tree(second)
    assert sorted(one) == sorted(two), "the two builds wrote different files"
    assert any(name.startswith("pagefind/") for name in one) and any(name.endswith(".pdf") for name in one)
    differing = [f"{name} {first_difference(one[name], two[name])}" for name in one if one[name] != two[name]]
    assert differing == [], "\n".join(differing)
