"""Rebuilds with Pelican's content cache on (the incremental layer, incremental/layer.py): only what changed is written again,
and the site is byte for byte the one a build from scratch makes of the same records."""

from __future__ import annotations

import datetime as dt
import pickle
import re
import shutil
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from markupsafe import Markup
from pelican.settings import read_settings

from circles.exports.datafiles import write_opendata
from circles.incremental.fingerprints import Fingerprints
from circles.incremental.layer import FileKeys, Incremental, files_in
from circles.incremental.store import read_state
from circles.incremental.values import Memo
from circles.pages.browsing import Crumb
from tests.conftest import BUILD_DATE, ROOT, build
from tests.site.test_determinism import first_difference, tree

NO_PDFS = {**read_settings(str(ROOT / "pelicanconf.py"))["DIRECTORY"], "flyer_pdfs": False, "toolkit_pdfs": False}


def cached_build(content: Path, output: Path, cache: Path) -> Path:
    return build(content, output, CACHE_PATH=str(cache), CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True,
                 DIRECTORY=NO_PDFS)


def edit(path: Path, field: str, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(rf"^{field}: .+$", f"{field}: {value}", text, count=1, flags=re.M)
    assert changed != text, f"no {field} in {path}"
    path.write_text(changed, encoding="utf-8")


def written(site: Path) -> dict[str, int]:
    """Each HTML page's modification time, in nanoseconds."""
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*.html")}


@pytest.fixture
def content(tmp_path) -> Path:
    return shutil.copytree(ROOT / "content", tmp_path / "content")


def test_a_rebuild_after_edits_and_a_removal_is_the_site_a_fresh_build_makes(content, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    cached_build(content, site, cache)
    edit(content / "circles/bpl-central-python-essentials-2027-03.yml", "title", "Python, from the start")
    edit(content / "libraries/tpl-albion.yml", "name", "A branch renamed")
    edit(content / "networks/toronto-public-library.yml", "name", "A network renamed")
    removed = content / "circles/bpl-east-boston-linux-essentials-2026-09.yml"
    removed.unlink()
    cached_build(content, site, cache)
    fresh = build(content, tmp_path / "fresh", DIRECTORY=NO_PDFS)
    again, scratch = tree(site), tree(fresh)
    assert sorted(again) == sorted(scratch), f"the rebuild left or missed files: {set(again) ^ set(scratch)}"
    assert not any("bpl-east-boston-linux-essentials-2026-09" in name for name in again)
    differing = [f"{name} {first_difference(again[name], scratch[name])}" for name in again if again[name] != scratch[name]]
    assert differing == [], "\n".join(differing)


def test_after_a_change_to_a_few_records_the_open_data_is_made_beside_the_pages_and_the_same(content, tmp_path,
                                                                                            monkeypatch):
    """A large directory's rebuild after a few records changed starts the open data's process before the
    circle pages (timeline.Build.opendata_beside); the site is still the one a fresh build makes."""
    import circles.processes
    from circles.timeline import Build

    site, cache = tmp_path / "site", tmp_path / "cache"
    cached_build(content, site, cache)
    monkeypatch.setattr(circles.processes, "PARALLEL_FROM", 5)  # the sample's 30 circles are "large"
    monkeypatch.setattr("circles.timeline.PARALLEL_FROM", 5)
    asked: list[tuple[int | None, bool]] = []
    beside = Build.opendata_beside

    def watched(self, data, changing):  # Build's own rule, run as it is: only what it was asked and said is noted
        started = beside(self, data, changing)
        asked.append((changing, started is not None))
        return started

    monkeypatch.setattr(Build, "opendata_beside", watched)
    edit(content / "circles/bpl-central-python-essentials-2027-03.yml", "title", "Python, from the start")
    cached_build(content, site, cache)
    # Started before the circle pages, and only then. Four fingerprints changed: the circle's, and those of
    # its library, network and course, which show it.
    assert asked == [(4, True)]
    fresh = build(content, tmp_path / "fresh", DIRECTORY=NO_PDFS)
    again, scratch = tree(site), tree(fresh)
    assert sorted(again) == sorted(scratch)
    assert [name for name in again if again[name] != scratch[name]] == []


def test_the_records_changed_since_the_last_build_are_counted_by_their_fingerprints(tmp_path):
    def layer(stamp: bytes = b"stamp", load: bool = True) -> Incremental:
        return Incremental(tmp_path / "cache", stamp, tmp_path / "out", Fingerprints(SimpleNamespace(rows={})), load)

    first = layer()
    first.compare_records({"Circle:a": b"1", "Circle:b": b"2"})
    assert first.records_changed() is None  # no build before it
    first.finish()
    second = layer()
    second.compare_records({"Circle:a": b"1", "Circle:b": b"3", "Library:c": b"4"})
    assert second.records_changed() == 2  # b changed, c is new
    second.finish()
    third = layer()
    third.compare_records({"Circle:a": b"1"})
    assert third.records_changed() == 2  # b and c are gone
    for other in (layer(stamp=b"another day"), layer(load=False)):  # nothing comparable kept
        other.compare_records({"Circle:a": b"1"})
        assert other.records_changed() is None


def test_a_removal_on_another_day_removes_the_record_s_files_too(content, tmp_path):
    """A new build date changes every key; the files of a record removed meanwhile still go."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    cached_build(content, site, cache)
    removed = content / "circles/bpl-east-boston-linux-essentials-2026-09.yml"
    removed.unlink()
    next_day = {"BUILD_DATE": BUILD_DATE + dt.timedelta(days=1)}
    build(content, site, CACHE_PATH=str(cache), CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, DIRECTORY=NO_PDFS, **next_day)
    fresh = build(content, tmp_path / "fresh", DIRECTORY=NO_PDFS, **next_day)
    assert sorted(tree(site)) == sorted(tree(fresh))
    assert not any("bpl-east-boston-linux-essentials-2026-09" in name for name in tree(site))


def test_a_rebuild_writes_again_only_the_pages_one_change_touches(content, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    cached_build(content, site, cache)
    first = written(site)
    cached_build(content, site, cache)
    again = {name for name, when in written(site).items() if when != first[name]}
    # Pages that read the whole directory are always written; no circle, library or network page is.
    records = [name for name in again if re.match(r"(circles|libraries|networks|embed/\w+)/[^/]+/", name)]
    assert "index.html" in again and records == []

    before = written(site)
    edit(content / "circles/bpl-central-python-essentials-2027-03.yml", "title", "Python, from the start")
    cached_build(content, site, cache)
    rewritten = {name for name, when in written(site).items() if when != before[name]}
    assert "circles/bpl-central-python-essentials-2027-03/index.html" in rewritten
    assert "libraries/bpl-central/index.html" in rewritten  # it lists the circle
    others = [name for name in before if name.startswith("circles/tpl-") and name.endswith("/index.html")]
    assert others and not rewritten & set(others), "circles in another network were written again"
    assert "Python, from the start" in (site / "circles/bpl-central-python-essentials-2027-03/index.html").read_text()


def test_a_rebuild_writes_again_only_the_feeds_and_data_parts_one_change_touches(content, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    cached_build(content, site, cache)
    feeds = {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in (site / "feeds").rglob("*.atom")}
    parts = kept_parts(cache)
    edit(content / "circles/bpl-central-python-essentials-2027-03.yml", "title", "Python, from the start")
    cached_build(content, site, cache)
    rewritten = {name for name, when in feeds.items() if (site / name).stat().st_mtime_ns != when}
    # The feed of all circles lists it too, and the feeds of the pages it is on (exports/follow.py): its
    # network's, library's, town's, country's, topics' and language's; every other feed is kept.
    assert rewritten == {"feeds/circles.atom", "feeds/networks/boston-public-library.atom",
                         "feeds/libraries/bpl-central.atom", "feeds/browse/us/boston.atom", "feeds/browse/us.atom",
                         "feeds/topics/python.atom", "feeds/topics/programming.atom", "feeds/languages/en.atom",
                         "feeds/courses/python-essentials-1.atom"}
    assert "Python, from the start" in (site / "data/circles.csv").read_text(encoding="utf-8")
    made = [kept[0] for key, kept in kept_parts(cache).items() if key not in parts]
    # The circle, and the library, network and course whose keys cover their circles (incremental/fingerprints.py)
    assert sorted(line.split(",")[0] for line in made) == [
        "boston-public-library", "bpl-central", "bpl-central-python-essentials-2027-03", "python-essentials-1"]


def test_a_rebuild_copies_again_only_the_gazetteer_files_that_are_missing(content, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    cached_build(content, site, cache)
    copied = {p.name: p.stat().st_mtime_ns for p in (site / "places").iterdir()}
    (site / "places" / "index.json").unlink()
    cached_build(content, site, cache)
    again = {p.name: p.stat().st_mtime_ns for p in (site / "places").iterdir()}
    assert again.keys() == copied.keys() and len(copied) > 100
    assert [name for name in copied if again[name] != copied[name]] == ["index.json"]


def kept_parts(cache: Path) -> dict:
    """The open data's parts kept by the last build (datafiles.py), by key, whatever its version."""
    path = cache / "circles" / "opendata.pickle"
    with path.open("rb") as kept:
        version, _ = pickle.load(kept)
    return read_state(path, version)


def test_values_kept_as_made_are_not_held_and_read_back_whole(tmp_path):
    """The open data's parts are written to the memo as each is made (Memo.kept_as_made), not held until
    the end (160 MB at 50,000 circles)."""
    path = tmp_path / "cache" / "parts.pickle"
    memo = Memo(path, b"stamp", True, lambda *parts: repr(parts).encode())
    with memo.kept_as_made():
        for n in range(1000):
            memo.put(memo.key(n), f"part {n}")
        assert memo.now == {} and not path.exists()  # written as they come; the file replaced at the end
    assert read_state(path, b"stamp") == {repr((n,)).encode(): f"part {n}" for n in range(1000)}
    assert read_state(path, b"another stamp") == {}
    again = Memo(path, b"stamp", True, memo.fingerprint)
    with again.kept_as_made():
        assert again.get(again.key(7)) == "part 7" and again.get(again.key(1000)) is None
    assert read_state(path, b"stamp") == {b"(7,)": "part 7"}  # what this build asked for, no more
    # A file cut short is nothing kept; a build that fails midway leaves the last one's file as it was.
    whole = path.read_bytes()
    path.write_bytes(whole[:-3])
    assert read_state(path, b"stamp") == {}
    path.write_bytes(whole)
    with pytest.raises(KeyError), again.kept_as_made():
        again.put(b"(8,)", "part 8")
        raise KeyError("a record the build could not make")
    assert read_state(path, b"stamp") == {b"(7,)": "part 7"} and list(path.parent.iterdir()) == [path]


def test_the_open_data_is_kept_as_it_is_written(tmp_path):
    from circles.directory.assemble import assemble_directory

    directory = assemble_directory({"PATH": str(ROOT / "content"), "BUILD_DATE": BUILD_DATE})
    settings = {**read_settings(str(ROOT / "pelicanconf.py")), "SITEURL": "https://example.org/circles"}
    memo = Memo(tmp_path / "opendata.pickle", b"stamp", True, lambda kind, record: f"{kind}/{record.id}".encode())
    write_opendata(directory, settings, tmp_path / "site", memo)
    kept = read_state(tmp_path / "opendata.pickle", b"stamp")
    assert memo.now == {} and len(kept) == sum(len(rows) for rows in directory.rows.values())
    circle = directory.circles[0]
    line, feature, data = kept[f"circles/{circle.id}".encode()]
    assert line in (tmp_path / "site/data/circles.csv").read_bytes().decode()  # CRLF, as written
    assert data in (tmp_path / "site/data/circles.json").read_text(encoding="utf-8")


def test_a_changed_setting_writes_every_page_again(content, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    cached_build(content, site, cache)
    build(content, site, CACHE_PATH=str(cache), CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True,
          DIRECTORY=NO_PDFS, SITENAME="Circles of the Valley")
    page = (site / "circles/bpl-central-python-essentials-2027-03/index.html").read_text(encoding="utf-8")
    assert "Circles of the Valley" in page


def test_the_listing_of_the_output_is_every_file_under_it(tmp_path):
    output = tmp_path / "out"
    (output / "circles" / "x" / "flyer").mkdir(parents=True)
    for name in ("index.html", "circles/x/index.html", "circles/x/flyer/index.html"):
        (output / name).write_text(name)
    (output / "linked.ics").symlink_to(output / "index.html")
    (output / "dangling.ics").symlink_to(output / "gone.ics")
    (output / "folder-link").symlink_to(output / "circles", target_is_directory=True)
    # A folder linked in is not followed: a file only there is made again, never taken as there when it is not.
    assert files_in(output) == {"index.html", "circles/x/index.html", "circles/x/flyer/index.html", "linked.ics"}
    assert files_in(tmp_path / "no output yet") == frozenset()


def test_kept_keys_decide_what_is_written_and_a_damaged_file_means_everything(tmp_path):
    output, folder = tmp_path / "out", tmp_path / "cache"
    output.mkdir()
    for name in ("a.ics", "b.ics"):
        (output / name).write_text(name)
    first = FileKeys(folder / "calendars.pickle", b"stamp", output, True)
    assert first.to_make([("a.ics", b"1"), ("b.ics", b"2")]) == ["a.ics", "b.ics"]  # nothing kept yet
    first.finish()

    second = FileKeys(folder / "calendars.pickle", b"stamp", output, True)
    assert second.to_make([("a.ics", b"1"), ("b.ics", b"3")]) == ["b.ics"]
    second.finish()

    (output / "a.ics").unlink()  # a file deleted by hand is written again
    third = FileKeys(folder / "calendars.pickle", b"stamp", output, True)
    assert third.to_make([("a.ics", b"1"), ("b.ics", b"3"), ("c.ics", None)]) == ["a.ics", "c.ics"]
    # The same when the output was listed as the build began (files_in), rather than each file looked for.
    listed = FileKeys(folder / "calendars.pickle", b"stamp", output, True, files_in(output))
    assert listed.to_make([("a.ics", b"1"), ("b.ics", b"3"), ("c.ics", None)]) == ["a.ics", "c.ics"]
    third.finish()

    assert FileKeys(folder / "calendars.pickle", b"another stamp", output, True).to_make([("b.ics", b"3")]) == ["b.ics"]
    (folder / "calendars.pickle").write_bytes(b"not a pickle")
    assert FileKeys(folder / "calendars.pickle", b"stamp", output, True).to_make([("b.ics", b"3")]) == ["b.ics"]


def test_files_no_longer_made_are_removed_even_when_every_key_changed(tmp_path):
    output, state = tmp_path / "out", tmp_path / "cache" / "calendars.pickle"
    output.mkdir()
    (output / "gone.ics").write_text("old")
    (output / "kept.ics").write_text("new")
    before = FileKeys(state, b"yesterday", output, True)
    before.to_make([("gone.ics", b"1"), ("kept.ics", b"2")])
    before.finish()
    after = FileKeys(state, b"today", output, True)
    assert after.to_make([("kept.ics", b"2")]) == ["kept.ics"]  # another stamp: made again
    assert after.finish() == ["gone.ics"]
    assert not (output / "gone.ics").exists()


def test_files_of_removed_records_are_removed(tmp_path):
    output, folder = tmp_path / "out", tmp_path / "cache"
    output.mkdir()
    (output / "gone.ics").write_text("old")
    (output / "kept.ics").write_text("new")
    before = FileKeys(folder / "calendars.pickle", b"stamp", output, True)
    before.to_make([("gone.ics", b"1"), ("kept.ics", b"2")])
    before.finish()
    after = FileKeys(folder / "calendars.pickle", b"stamp", output, True)
    after.to_make([("kept.ics", b"2")])
    assert after.finish() == ["gone.ics"]
    assert not (output / "gone.ics").exists() and (output / "kept.ics").exists()


def test_a_key_follows_the_values_a_page_is_made_from_and_an_unknown_object_has_none():
    def key(context: dict) -> bytes | None:  # a new build each time: nothing remembered from the last call
        return Incremental(Path("."), b"stamp", Path("."), Fingerprints(SimpleNamespace(rows={})), False).key("page", context)

    def context(title: str = "Python", latitude: str = "43.65") -> dict:
        return {"crumbs": [Crumb("Canada", "browse/ca/"), Crumb(title, "x/")], "when": [dt.date(2026, 3, 3), dt.time(18)],
                "where": {"lat": Decimal(latitude)}, "text": Markup("<p>Meet us</p>"), "count": 3}

    assert key(context()) == key(context()) is not None  # equal values, other objects
    assert len({key(context()), key(context(title="Linux")), key(context(latitude="43.66"))}) == 3
    assert key({**context(), "count": "3"}) != key(context())  # a number and its digits are not the same value
    assert key({"odd": object()}) is None and key({"odd": lambda: 1}) is None  # rendered every time
    loop: list = []
    loop.append(loop)
    assert key({"loop": loop}) is None


def test_a_rebuild_makes_again_the_events_of_the_changed_circle_only(content, tmp_path, monkeypatch):
    """The upcoming circles' calendar holds thousands of circles in a large directory: the events of those
    that did not change come from the last build (the layer's Memo of events)."""
    import circles.exports.calendars

    site, cache = tmp_path / "site", tmp_path / "cache"
    cached_build(content, site, cache)
    made = []
    real = circles.exports.calendars.event_text

    def counted(circle, site_):
        made.append(circle.id)
        return real(circle, site_)

    monkeypatch.setattr(circles.exports.calendars, "event_text", counted)
    (site / "circles/tpl-albion-excel-2026-12/circle.ics").unlink(missing_ok=True)  # its own file is written again too
    edit(content / "circles/bpl-central-python-essentials-2027-03.yml", "title", "Python, from the start")
    cached_build(content, site, cache)
    assert made == ["bpl-central-python-essentials-2027-03"]
    assert (site / "circles/tpl-albion-excel-2026-12/circle.ics").is_file()
    upcoming = (site / "upcoming/circles.ics").read_text(encoding="utf-8")
    assert "SUMMARY;LANGUAGE=en:Python\\, from the start" in upcoming and upcoming.count("BEGIN:VEVENT") > 1


@pytest.mark.slow
def test_a_rebuild_later_the_same_day_shows_what_has_ended_since(content, tmp_path, monkeypatch):
    """Nairobi's circle meets on Tuesday 24 November 2026 from 10:30 to 12:30 UTC: a build at 13:00 after
    one at 09:00 the same day must move its next meeting on, as a fresh build does (issue 23). The clock is
    SOURCE_DATE_EPOCH, as with BUILD_DATE unset: the day, and so every page's stamp, is the same."""
    def at(hour: int) -> None:
        moment = dt.datetime(2026, 11, 24, hour, tzinfo=dt.UTC)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))

    site, cache = tmp_path / "site", tmp_path / "cache"
    options = {"BUILD_DATE": None, "DIRECTORY": NO_PDFS}
    at(9)
    build(content, site, CACHE_PATH=str(cache), CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, **options)
    page = site / "circles/knls-nairobi-python-essentials-2026-11/index.html"
    before = page.read_bytes()
    at(13)
    build(content, site, CACHE_PATH=str(cache), CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, **options)
    fresh = build(content, tmp_path / "fresh", **options)
    assert page.read_bytes() != before
    again, scratch = tree(site), tree(fresh)
    assert [name for name in again if again[name] != scratch.get(name)] == []
