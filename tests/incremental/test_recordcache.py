"""The records cache: a rebuild reuses each unchanged file's own results, and finds exactly what a cold run finds."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from circles.directory import geography
from circles.incremental import recordcache
from circles.incremental.recordcache import SHARDS, RecordCache, digest, version
from circles.incremental.store import read_state
from circles.records.schema import SCHEMA_PATH
from circles.records.validate import records_cache, validate_tree
from circles.tools.cli import main
from tests.conftest import BUILD_DATE, CIRCLE, ROOT, build

BROKEN = {
    "circles__copy": CIRCLE,  # the same circle twice: a problem across records
    "circles__lost": CIRCLE.replace("library: central", "library: nowhere"),  # a reference to no library
    "circles__typo": CIRCLE.replace("weeks: 6", "weeks: six").replace("signup:", "sign_up: x\nsignup:"),
    "circles__syntax": "title: Python: the basics\n",  # not YAML
    "circles__paragraph": CIRCLE + "description: >-\n  A first line\n  and a second one.\n",
}


def flat(data) -> tuple:
    """Everything validation found, in order: rows, records as read, and problems."""
    records = {kind: [(r.id, r.path, r.data, r.lines) for r in found.values()] for kind, found in data.records.items()}
    rows = {kind: list(found.items()) for kind, found in data.rows.items()}
    return rows, records, data.problems


@pytest.fixture
def content(tree, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # problems name content/…, as contributors see them
    tree(**BROKEN)
    return tmp_path / "content"


def check(content, folder=None):
    return flat(validate_tree(content, today=BUILD_DATE, file_cache=folder))


def test_the_results_are_the_same_with_and_without_the_cache(content, tmp_path):
    cold = check(content)
    assert {p.code for p in cold[2]} >= {"duplicate", "unknown-reference", "wrong-type", "unknown-field", "yaml-syntax"}
    folder = tmp_path / "cache" / "records"
    assert check(content, folder) == cold  # filling the cache
    # a few files, not one per record
    assert 1 < len(list(folder.iterdir())) <= SHARDS
    assert {p.name for p in folder.iterdir()} <= {f"records-{n:02d}.pickle" for n in range(SHARDS)} | {"zones.pickle"}
    assert check(content, folder) == cold  # from the cache


def test_unchanged_files_come_from_the_cache_and_a_changed_file_is_read_again(content, tmp_path):
    folder = tmp_path / "cache"
    check(content, folder)
    # Mark what the cache holds for an unchanged file: seeing the mark proves that the file was not read again.
    python = content / "circles" / "python.yml"
    kept = RecordCache(folder, version())
    key = digest(python.read_bytes())
    kind, record, row, problems = kept.get("circles", "content/circles/python.yml", "python", key)
    kept.put("content/circles/python.yml", key, (kind, record, {**row, "room": "from the cache"}, problems))
    kept.save({(path.parent.name, f"content/{path.parent.name}/{path.name}") for path in content.glob("*/*.yml")})
    (content / "circles" / "typo.yml").write_text(CIRCLE.replace("weeks: 6", "weeks: 60"), encoding="utf-8")

    warm = check(content, folder)
    assert dict(warm[0]["circles"])["python"]["room"] == "from the cache"
    cold = check(content)
    assert dict(cold[0]["circles"])["python"]["room"] is None
    assert warm[2] == cold[2]  # the changed file's new problem, and none of the old ones
    codes = {p.code for p in warm[2] if p.path == "content/circles/typo.yml"}
    assert "out-of-range" in codes and "wrong-type" not in codes and "unknown-field" not in codes


def files_read(monkeypatch) -> list[str]:
    """The names of the record files read from now on (the real reading is done)."""
    names: list[str] = []
    read = Path.read_bytes

    def reading(path: Path) -> bytes:
        if path.suffix == ".yml":
            names.append(path.name)
        return read(path)

    monkeypatch.setattr(Path, "read_bytes", reading)
    return names


def test_a_file_left_alone_is_known_by_its_signature_without_reading_it(content, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setattr(recordcache, "SETTLED", 0)  # every file counts as left alone
    cold = check(content, folder)
    read = files_read(monkeypatch)
    assert check(content, folder) == cold and read == []
    (content / "circles" / "typo.yml").write_text(CIRCLE.replace("weeks: 6", "weeks: 60"), encoding="utf-8")
    warm = check(content, folder)
    assert read == ["typo.yml"]
    assert warm == check(content)


def test_a_file_changed_a_moment_ago_is_read_again(content, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    check(content, folder)
    read = files_read(monkeypatch)
    check(content, folder)  # no file was left alone for SETTLED: a change now could keep its times
    assert sorted(read) == sorted(path.name for path in content.glob("*/*.yml"))


def test_another_version_of_the_schema_or_rules_invalidates_every_entry(content, tmp_path):
    folder = tmp_path / "cache"
    check(content, folder)
    python = content / "circles" / "python.yml"
    args = ("circles", "content/circles/python.yml", "python", digest(python.read_bytes()))
    assert RecordCache(folder, version()).get(*args) is not None
    assert RecordCache(folder, "another version").get(*args) is None

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    schema["resources"][2]["schema"]["fields"][1]["constraints"]["maxLength"] = 100
    changed = tmp_path / "datapackage.json"
    changed.write_text(json.dumps(schema), encoding="utf-8")
    assert version(changed) != version() == version(SCHEMA_PATH)


@pytest.mark.parametrize("damage", [
    b"",
    b"not a pickle at all",
    pickle.dumps(["a", "list"]),
    pickle.dumps(("another version", {})),
    b"truncated",  # replaced below by the first half of the real file
])
def test_a_damaged_cache_is_ignored(content, tmp_path, damage):
    folder = tmp_path / "cache"
    cold = check(content, folder)
    for shard in folder.glob("records-*.pickle"):
        shard.write_bytes(shard.read_bytes()[: len(shard.read_bytes()) // 2] if damage == b"truncated" else damage)
    assert check(content, folder) == cold
    assert check(content, folder) == cold  # and it was written again, whole


def test_damaged_entries_are_ignored(content, tmp_path):
    folder = tmp_path / "cache"
    cold = check(content, folder)
    for shard in folder.glob("records-*.pickle"):
        stamp, entries = pickle.loads(shard.read_bytes())
        shard.write_bytes(pickle.dumps((stamp, {key: ("not", "an", "entry") for key in entries})))
    assert check(content, folder) == cold


def test_a_deleted_file_leaves_the_cache(content, tmp_path):
    folder = tmp_path / "cache"
    check(content, folder)
    typo = content / "circles" / "typo.yml"
    key = digest(typo.read_bytes())
    typo.unlink()
    assert check(content, folder) == check(content)
    assert RecordCache(folder, version()).get("circles", "content/circles/typo.yml", "typo", key) is None


def test_the_command_line_keeps_no_cache(content, tmp_path):
    assert main(["validate", "content"]) == 1
    assert not (tmp_path / "cache").exists()


def test_a_build_keeps_the_cache_in_pelicans_cache_path(tmp_path):
    assert records_cache({"CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": True}) == tmp_path / "cache" / "records"
    assert records_cache({"CACHE_PATH": str(tmp_path / "cache")}) is None  # content cache off: nothing kept
    assert records_cache({}) is None


@pytest.mark.slow
def test_a_rebuild_from_the_cache_is_the_same_site(tmp_path):
    options = {"DIRECTORY": {"sample": True, "flyer_pdfs": False, "toolkit_pdfs": False}, "CACHE_PATH": str(tmp_path / "cache"),
               "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    first = build(ROOT / "content", tmp_path / "first", **options)
    assert 1 < len(list((tmp_path / "cache" / "records").glob("records-*.pickle"))) <= SHARDS
    second = build(ROOT / "content", tmp_path / "second", **options)
    pages = sorted(p.relative_to(first) for p in first.rglob("*.html"))
    assert pages == sorted(p.relative_to(second) for p in second.rglob("*.html"))
    assert [p for p in pages if (first / p).read_bytes() != (second / p).read_bytes()] == []


def test_the_zones_at_the_libraries_points_are_kept_and_the_finder_is_not_loaded_again(tmp_path, monkeypatch):
    """Where each library is gets checked through the time zone at its point: timezonefinder takes a tenth
    of a second to load, so the zones found are kept beside the records' results (geography.kept_zones)."""
    folder = tmp_path / "records"
    cold = check(ROOT / "content")
    assert check(ROOT / "content", folder) == cold
    kept = read_state(folder / "zones.pickle", geography._zones_version())
    assert len(kept) > 10 and all(isinstance(zone, str) for zone in kept.values())
    monkeypatch.setattr(geography, "ZONES", {})  # a new process: nothing found yet
    geography._finder.cache_clear()
    assert check(ROOT / "content", folder) == cold
    assert geography._finder.cache_info().currsize == 0  # every zone was kept: the finder was never loaded
    assert kept == geography.ZONES
