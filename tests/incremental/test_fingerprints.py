"""Keys of what a file is made from (incremental/fingerprints.py), on the sample directory's own records:
a key follows the values, whichever records were fingerprinted before and however a value was reached."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest
from markupsafe import Markup

from circles.directory.assemble import assemble_directory
from circles.incremental.fingerprints import Fingerprints
from circles.incremental.layer import Incremental
from circles.pages.embeds import embed_pages
from circles.pages.site import places_by_library
from tests.conftest import BUILD_DATE, ROOT


class Sample:
    """The sample directory, shown in a failure's traceback by name: its records link to each other, and
    pytest would spend minutes printing them."""

    def __init__(self):
        self.directory = assemble_directory({"PATH": str(ROOT / "content"), "BUILD_DATE": BUILD_DATE})

    def __repr__(self) -> str:
        return "<the sample directory>"


@pytest.fixture(scope="module")
def sample():
    return Sample()


def layer(sample: Sample, warmed: bool = False) -> Incremental:
    """A layer of a new build; ``warmed``: every record fingerprinted first, as a build does before forking."""
    directory = sample.directory
    prints = Fingerprints(directory)
    if warmed:
        prints.of_records(directory)
    return Incremental(Path("."), b"stamp", Path("."), prints, False)


def contexts(sample: Sample) -> list[dict]:
    """Page contexts of every shape the layer keys: records, lists of them, crumbs, a dataclass holding records."""
    directory = sample.directory
    library = next(lib for lib in directory.libraries if lib.circles)
    places = places_by_library(directory.countries)
    return [
        {"circle": directory.circles[0], "place": places.get(library.id)},
        {"library": library, "current": list(library.circles), "past": [], "place": places.get(library.id)},
        {"section": "browse", "country": directory.countries[0]},
        {"embed": next(embed_pages(directory))},
        {"upcoming": directory.upcoming[:5], "note": Markup("<em>soon</em>"), "count": 3},
    ]


# The assertions compare keys (bytes) held in names: on a failure, pytest shows the values of the
# expressions asserted, and a record's would be the whole directory.


def test_a_key_is_the_same_whichever_records_were_fingerprinted_first(sample):
    cold, warm = layer(sample), layer(sample, warmed=True)
    for context in contexts(sample):
        first, second = cold.key("page", "x/", context), warm.key("page", "x/", context)
        assert first == second and first is not None, sorted(context)
    # and a list of records met before any of them on its own
    circles = list(sample.directory.circles)
    first, second = layer(sample).key(circles), layer(sample, warmed=True).key(circles)
    assert first == second


def test_a_key_tells_apart_what_renders_differently(sample):
    key = layer(sample, warmed=True).key
    circles = sample.directory.circles[:3]
    assert len(circles) == 3
    records = [key(list(circles)), key(tuple(circles)), key(list(reversed(circles))), key(list(circles[:2]))]
    assert len(set(records)) == 4
    values = [key({"text": "<em>x</em>"}), key({"text": Markup("<em>x</em>")}), key({"a": "b", "c": "d"}),
              key({"c": "d", "a": "b"}),  # the order a template loops in
              key({"a": ["b"]}), key({"a": ("b",)}), key({"a": "b"}), key({"n": 3}), key({"n": "3"})]
    assert len(set(values)) == len(values)


def test_a_key_follows_a_changed_record_inside_a_list_and_a_dataclass(sample):
    directory = sample.directory
    library = next(lib for lib in directory.libraries if len(lib.circles) >= 2)
    embed = next(e for e in embed_pages(directory) if e.record is library and not e.compact)
    before = layer(sample, warmed=True)
    listed, embedded = before.key({"current": list(library.circles)}), before.key({"embed": embed})

    changed = copy.deepcopy(directory.rows)
    changed["circles"][library.circles[-1].id]["title"] = "Another title"
    after = Incremental(Path("."), b"stamp", Path("."), Fingerprints(dataclasses.replace(directory, rows=changed)), False)
    listed_after, embedded_after = after.key({"current": list(library.circles)}), after.key({"embed": embed})
    assert listed_after != listed and embedded_after != embedded


def test_the_stamp_follows_the_packages_installed(tmp_path, monkeypatch):
    """Another version of a package (Babel's dates, Jinja's escaping) makes every file again, as other code does."""
    import jinja2
    from pelican.settings import read_settings

    from circles.directory.geography import _zones_version
    from circles.incremental import recordcache
    from circles.incremental.fingerprints import build_stamp
    from circles.incremental.store import installed_packages

    settings, env = read_settings(str(ROOT / "pelicanconf.py")), jinja2.Environment()
    installed = tmp_path / "babel-2.18.0.dist-info"
    installed.mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    kept = {"pages": build_stamp(settings, env), "records": recordcache.version(), "zones": _zones_version()}
    assert b"babel-2.18.0.dist-info" in installed_packages() and build_stamp(settings, env) == kept["pages"]
    installed.rename(tmp_path / "babel-2.19.0.dist-info")
    # Pages, validation results and zones are all made again. (The PDFs' keys hold values.PACKAGES, the same
    # list read once when the build starts: no test here renames a package under a running build's feet.)
    assert build_stamp(settings, env) != kept["pages"] and recordcache.version() != kept["records"]
    assert _zones_version() != kept["zones"]


def test_search_bundles_follow_their_records_fingerprints_and_a_build_stopped_halfway_trusts_no_copy(sample, tmp_path):
    """The search index's bundles are keyed by their circles' fingerprints, known before any page's key; a
    record's copy is trusted only when its circle's fingerprint is the last finished build's."""
    from circles.exports.pagefind import Bundle

    directory = sample.directory
    by_path = {f"{circle.url}index.html": circle for circle in directory.circles}
    paths = sorted(by_path)
    bundles = [Bundle("a", tuple(paths[: len(paths) // 2])), Bundle("b", tuple(paths[len(paths) // 2:]))]
    changed_one = by_path[bundles[1].pages[0]]
    for bundle in bundles:  # what the last build wrote
        (tmp_path / "out" / "pagefind" / bundle.name).mkdir(parents=True)
        (tmp_path / "out" / "pagefind" / bundle.name / "pagefind-entry.json").write_text("{}")

    def plan(rows=None, finish=True):
        prints = Fingerprints(dataclasses.replace(directory, rows=rows) if rows else directory)
        layer = Incremental(tmp_path / "cache", b"stamp", tmp_path / "out", prints, True)
        layer.compare_records(prints.of_records(directory))
        found = layer.search_bundles(bundles, by_path, "pagefind", "1.5.2", "en")
        if finish:
            layer.finish()
        return [bundle.name for bundle in found.bundles], found.unchanged, found.same_code

    assert plan() == (["a", "b"], set(), False)  # nothing kept yet
    assert plan() == ([], set(paths), True)
    changed = copy.deepcopy(directory.rows)
    changed["circles"][changed_one.id]["title"] = "Another title"
    names, unchanged, same_code = plan(changed, finish=False)  # and the build stops halfway
    assert names == ["b"] and unchanged == set(paths) - {f"{changed_one.url}index.html"} and same_code
    names, unchanged, _ = plan(changed)
    assert names == ["b"] and unchanged == set()  # its copies may be the stopped build's: none is trusted
