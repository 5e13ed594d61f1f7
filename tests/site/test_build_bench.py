"""The build benchmark's harness (benchmarks/build_bench.py): it runs end to end on a tiny directory,
and its targets table says PASS or MISS by how much; so does the languages benchmark's report
(benchmarks/languages_bench.py). No time is asserted: nothing here is timed."""

from __future__ import annotations

import argparse
import re

import pytest

from benchmarks import build_bench, languages_bench, summary
from benchmarks.build_bench import Run, Size


@pytest.mark.slow
def test_a_tiny_run_reports_every_table_with_numbers(tmp_path, monkeypatch):
    report = tmp_path / "RESULTS.md"
    monkeypatch.chdir(tmp_path)  # a folder named from where it runs, as `make bench` names build/bench
    assert build_bench.main(["--sizes", "30:10", "--work", "work", "--report", str(report)]) == 0
    text = report.read_text(encoding="utf-8")
    for heading in ("# Build benchmark", "## Targets (issues #8, #20 and #24)", "## The directory's builds",
                    "## Side by side: as many pages built by others", "## Output: bytes and files", "## Machine"):
        assert heading in text
    line = next(line for line in text.splitlines() if line.startswith("| 30 circles, 10 libraries | "))
    cells = [cell.strip() for cell in line.strip("|").split("|")]
    assert all(re.fullmatch(r"[\d.]+ s", cell) for cell in cells[1:3]) and int(cells[3].replace(",", "")) > 30
    assert all(re.fullmatch(r"[\d.,]+ MB", cell) for cell in (cells[5], cells[6], cells[8]))
    assert int(cells[7].replace(",", "")) > int(cells[3].replace(",", ""))  # files: the pages and more
    assert re.fullmatch(r"\d+\.\d%", cells[10])
    side = next(line for line in text.splitlines()[text.splitlines().index("## Side by side: as many pages built by others"):]
                if line.startswith("| 30 circles"))
    assert re.search(r"\d+\.\d\d ×|not installed", side)
    assert "| the targets are for 10,000 circles | #8, #24 | not measured | n/a |" in text
    assert ("| Output under 1 GB (GitHub Pages' limit) at 50,000 circles | #20, #24 | not measured (no 50,000 size) "
            "| n/a |") in text
    assert summary.targets(text) == [  # as the summary that `make bench` prints last reads them
        ("the targets are for 10,000 circles (#8, #24)", "not measured", "n/a"),
        ("Output under 1 GB (GitHub Pages' limit) at 50,000 circles (#20, #24)", "not measured (no 50,000 size)", "n/a")]
    assert "Why each miss:" not in text  # nothing measured at 10,000 circles, so no miss to explain
    assert "Where the full build's memory and CPU time go, by program" in text
    output = text.split("## Output: bytes and files")[1]
    beside = next(line for line in output.splitlines() if line.startswith("| 30 circles"))
    assert re.fullmatch(r"\| 30 circles, 10 libraries \| [\d,]+ \| [\d.,]+ MB \([\d,]+ files\)"
                        r"( \| ([\d.,]+ MB \([\d,]+ files\)|not installed)){2} \|", beside)
    assert re.search(r"\| 30 circles, 10 libraries \| `circles/\*\*/index\.html` \| [\d.,]+ MB \| \d+% \| \d+ \|", output)
    stages = next(line for line in text.splitlines() if line.startswith("| 30 circles, 10 libraries | full | "))
    assert re.fullmatch(r"\| 30 circles, 10 libraries \| full( \| \d+\.\d)+ \|", stages)  # from the build's own summary
    assert (tmp_path / "work" / "30-10" / "output" / "pagefind").is_dir()


def size(circles: int, full: float, rebuild: float, validate: float, peak_mb: int, output_mb: int = 0,
         **anchors: float) -> Size:
    made = Size(circles, 2_000, Run(validate, 90_000_000), Run(full, peak_mb * 1_000_000), Run(rebuild, 0),
                pages=3 * circles, output_bytes=output_mb * 1_000_000, index_bytes=0, output_files=5 * circles,
                output_kinds={"circles/**/index.html": (output_mb * 400_000, circles), "data/": (output_mb * 100_000, 7),
                              "pagefind/": (output_mb * 500_000, circles)})
    made.anchors = {name: Run(seconds, 0) for name, seconds in anchors.items()}
    made.anchor_pages = {name: 3 * circles for name in anchors}
    return made


def test_each_target_says_pass_or_miss_by_how_much():
    ten = size(10_000, full=20.0, rebuild=2.0, validate=2.5, peak_mb=900, hugo=40.0, pelican=60.0)
    fifty = size(50_000, full=120.0, rebuild=10.0, validate=12.0, peak_mb=1_200, output_mb=1_385)
    rows = {line.split(" | ")[0].lstrip("| "): line for line in build_bench.targets([ten, fifty])[2:]}
    assert rows["Full build of 10,000 circles: at most 0.7 × Hugo + Pagefind on as many pages (30,000)"].endswith(
        "| 0.50 × (20.0 s against 40.0 s) | PASS |")
    assert rows["Full build of 10,000 circles: at most 0.25 × vanilla Pelican on as many pages (30,000)"].endswith(
        "| **MISS** by 0.08 ×: 5.00 s too slow |")
    assert rows["Linear: 50,000 circles take at most 5.5 × 10,000"].endswith("| **MISS** by 0.50 × |")
    assert rows["One changed record rebuilds in at most 15% of a full build"].endswith("| 10.0% (2.00 s) | PASS |")
    assert rows["`circles validate` on 10,000 circles under 2 s"].endswith("| 2.50 s | **MISS** by 0.50 s |")
    assert rows["Peak memory under 1 GB: full build of 10,000 circles"].endswith("| 900 MB | PASS |")
    assert rows["Peak memory under 1 GB: full build of 50,000 circles"].endswith("| 1,200 MB | **MISS** by 200 MB |")
    assert rows["Output under 1 GB (GitHub Pages' limit) at 50,000 circles"].endswith(
        "| 1,385 MB (250,000 files) | **MISS** by 385 MB |")
    fifty.output_bytes = 990_000_000
    assert build_bench.targets([ten, fifty])[-1].endswith("| 990 MB (250,000 files) | PASS |")


def test_a_too_large_output_says_which_files_are_largest():
    fifty = size(50_000, full=120.0, rebuild=10.0, validate=1.0, peak_mb=900, output_mb=1_385)
    assert build_bench.reasons([fifty], cores=2) == [
        "- **Output, 50,000 circles.** 1,385 MB in 250,000 files, 385 MB too many; the largest kinds: "
        "`pagefind/` 692 MB (50,000 files), `circles/**/index.html` 554 MB (50,000 files), `data/` 138 MB (7 files)."]
    table = build_bench.output_kinds_table([fifty], top=2)
    assert table[2:] == ["| 50,000 circles, 2,000 libraries | `pagefind/` | 692 MB | 50% | 50,000 |",
                         "| 50,000 circles, 2,000 libraries | `circles/**/index.html` | 554 MB | 40% | 50,000 |",
                         "| 50,000 circles, 2,000 libraries | 1 other kind | 138 MB | 10% | 7 |"]

def test_a_slow_rebuild_says_where_its_time_went():
    ten = size(10_000, full=20.0, rebuild=4.0, validate=1.0, peak_mb=500)
    ten.rebuild.stages = {"validate": 0.6, "enrich": 0.7, "pages": 1.7, "calendars": 0.6, "feeds": 0.3,
                          "search index": 0.0}
    (line,) = build_bench.reasons([ten], cores=2)
    assert line == ("- **Rebuild.** 20.0% of the full build: 4.00 s against 3.00 s allowed. Its longest stages in "
                    "the main process: pages 1.7 s, enrich 0.7 s, validate 0.6 s, calendars 0.6 s; the rest is "
                    "start-up and the smaller stages. Pagefind, indexing the changed circle's bundle beside them, "
                    "was done before the build's end.")
    ten.rebuild.stages["search index"] = 1.2
    assert "The build waited 1.20 s at the end for Pagefind" in build_bench.reasons([ten], cores=2)[0]


def test_a_missing_anchor_is_no_ratio():
    ten = size(10_000, full=20.0, rebuild=2.0, validate=1.0, peak_mb=500)
    ten.anchors = {"hugo": "not installed", "pelican": "not installed"}
    first = build_bench.targets([ten])[2]
    assert first.endswith("| #8, #24 | not installed | n/a |")


def test_each_target_names_the_issues_it_comes_from():
    ten = size(10_000, full=20.0, rebuild=2.0, validate=2.5, peak_mb=900, hugo=40.0, pelican=60.0)
    fifty = size(50_000, full=120.0, rebuild=10.0, validate=12.0, peak_mb=1_200, output_mb=990)
    issues = {line.split(" | ")[0].lstrip("| "): line.split(" | ")[1] for line in build_bench.targets([ten, fifty])[2:]}
    assert issues == {
        "Full build of 10,000 circles: at most 0.7 × Hugo + Pagefind on as many pages (30,000)": "#8, #24",
        "Full build of 10,000 circles: at most 0.25 × vanilla Pelican on as many pages (30,000)": "#8, #24",
        "Linear: 50,000 circles take at most 5.5 × 10,000": "#8, #24",
        "One changed record rebuilds in at most 15% of a full build": "#8, #24",
        "`circles validate` on 10,000 circles under 2 s": "#8",
        "Peak memory under 1 GB: full build of 10,000 circles": "#8",
        "Peak memory under 1 GB: full build of 50,000 circles": "#8, #24",
        "Output under 1 GB (GitHub Pages' limit) at 50,000 circles": "#20, #24"}


def test_the_anchors_run_only_where_a_target_needs_them_unless_asked():
    assert [build_bench.anchored(c, None) for c in (1_000, 10_000, 50_000)] == [True, True, False]
    assert [build_bench.anchored(c, "all") for c in (1_000, 10_000, 50_000)] == [True, True, True]
    assert [build_bench.anchored(c, "none") for c in (1_000, 10_000, 50_000)] == [False, False, False]
    assert [build_bench.anchored(c, "10000, 50000") for c in (1_000, 10_000, 50_000)] == [False, True, True]
    assert build_bench.parse_anchor_sizes("1000,10000") == "1000,10000"
    with pytest.raises(argparse.ArgumentTypeError):
        build_bench.parse_anchor_sizes("ten thousand")
    fifty = size(50_000, full=120.0, rebuild=10.0, validate=12.0, peak_mb=900, output_mb=990)
    fifty.anchors = {"pelican": build_bench.NOT_RUN, "hugo": build_bench.NOT_RUN}
    line = build_bench.side_by_side([fifty])[2]
    assert line.endswith("| not run (no target needs it; --anchor-sizes all runs it) | n/a " * 2 + "|")
    assert build_bench.outputs([fifty])[2].endswith(f"| {build_bench.NOT_RUN} | {build_bench.NOT_RUN} |")


def languages_report(before: str | None) -> str:
    """The languages benchmark's report on made-up runs: one language 50 s, four 110 s, before 48 s."""
    seconds = {"one": 50.0, "four": 110.0, **({"before": 48.0} if before else {})}
    median = {name: Run(value, 800_000_000, cpu=value * 1.6) for name, value in seconds.items()}
    args = argparse.Namespace(circles=10_000, libraries=2_000, before=before, rounds=2, no_anchors=False)
    made = Size(10_000, 2_000, median["one"], median["four"], median["four"], 84_000, 0, 0)
    made.anchors = {"pelican": Run(600.0, 700_000_000), "hugo": "not installed"}
    return languages_bench.report(args, {name: [run] for name, run in median.items()}, median,
                                  dict.fromkeys(median, 21_000), dict.fromkeys(median, (1, 1)), made, {"date": "today"})


def test_the_languages_report_judges_four_languages_against_one_and_before_only_when_asked():
    text = languages_report(None)
    assert "| four languages at most 2 × one | #24; #21 asked 2.5 × | 2.20 × (110.0 s against 50.0 s) | **MISS** by 0.20 × |" in text
    assert "before issue 21" not in text and "--before" not in text
    assert "| four languages against vanilla Pelican on as many pages |  | 0.18 × | (no target) |" in text
    assert [verdict for _, _, verdict in summary.targets(text)] == ["MISS by 0.20 ×"]
    text = languages_report("410faaa")
    assert "--before 410faaa --rounds 2" in text and "| before issue 21 (410faaa), English | 48.0 s |" in text
    assert "| one language no slower than before issue 21 | #21 | 1.04 × | **MISS** by 0.04 × |" in text


def test_each_miss_says_why_from_what_was_measured():
    ten = size(10_000, full=30.0, rebuild=5.0, validate=1.0, peak_mb=1_100, hugo=14.0, pelican=200.0)
    ten.full.cpu = 55.0
    ten.full.programs = {"pagefind": (250_000_000, 12.0), "python (main process)": (1_050_000_000, 30.0),
                         "python (forked from the main process)": (200_000_000, 13.0)}
    ten.rebuild.stages = {"validate": 0.6, "pages": 1.8, "search index": 0.7}
    why = build_bench.reasons([ten], cores=2)
    assert len(why) == 3  # Hugo + Pagefind, the rebuild, memory; not Pelican: that target is met
    hugo, rebuild, memory = why
    assert "0.7 × 14.0 s is 9.80 s: on 2 CPUs, at most 19.6 s of CPU time" in hugo
    assert "12.0 s in Pagefind" in hugo and "43.0 s in Python" in hugo and "1.4 ms of Python for each page" in hugo
    assert "5.00 s against 4.50 s allowed" in rebuild and "waited 0.70 s" in rebuild
    assert "1,100 MB" in memory and "python (main process), reached 1,050 MB" in memory
    assert build_bench.reasons([size(10_000, full=5.0, rebuild=0.5, validate=1.0, peak_mb=500, hugo=14.0)], 2) == []


def test_a_builds_stages_are_read_from_its_summary_line(tmp_path):
    log = tmp_path / "full.log"
    log.write_text("  validate: 12,105 records in 1.5 s\nBuilt 10,000 circles, 2,000 libraries, 105 networks: 23,549 "
                   "pages in 32.4 s (validate 1.5 s, enrich 0.5 s, open data 2.3 s, search index 0.0 s)\nDone\n",
                   encoding="utf-8")
    assert build_bench.with_stages(Run(1.0, 0), log).stages == {"validate": 1.5, "enrich": 0.5, "open data": 2.3,
                                                               "search index": 0.0}
    log.write_text("no summary\n", encoding="utf-8")
    assert build_bench.with_stages(Run(1.0, 0), log).stages == {}


def test_a_missing_hugo_is_said_before_the_first_build(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no hugo on it
    assert "apt-get install hugo" in build_bench.anchors_missing(argparse.Namespace(no_anchors=False))
    assert build_bench.anchors_missing(argparse.Namespace(no_anchors=True)) is None
    hugo = tmp_path / "hugo"  # a stand-in that answers as Hugo does
    hugo.write_text("#!/bin/sh\necho 'hugo v0.111.3+extended linux/amd64'\n", encoding="utf-8")
    hugo.chmod(0o755)
    assert build_bench.anchors_missing(argparse.Namespace(no_anchors=False)) is None
