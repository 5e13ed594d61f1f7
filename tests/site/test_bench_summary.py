"""The benchmarks' summary (benchmarks/summary.py): every report's targets on one line each, then a count,
from small made-up reports written as each benchmark writes its own."""

from __future__ import annotations

from benchmarks import summary

BUILD = """# Build benchmark

Made by `python -m benchmarks.build_bench`: synthetic directories.

## Targets (issues #8, #20 and #24)

| target | issues | measured | verdict |
| --- | --- | ---: | --- |
| Full build of 10,000 circles: at most 0.7 × Hugo + Pagefind | #8, #24 | 2.01 × (30.2 s against 15.0 s) | **MISS** by 1.31 ×: 19.7 s too slow |
| Linear: 50,000 circles take at most 5.5 × 10,000 | #8, #24 | 5.32 × | PASS |
| Output under 1 GB at 50,000 circles | #20, #24 | not measured (no 50,000 size) | n/a |

Why each miss:

- **Full build against Hugo + Pagefind.** Slow.

## The directory's builds

| directory | full build | verdict |
| --- | ---: | --- |
| 10,000 circles | 30.2 s | PASS |
"""
SEARCH = """# Search benchmark

Made by `make bench`.

| measure | result | target | verdict |
| --- | ---: | --- | --- |
| Keystroke to results, warm page: median of 66 | 54 ms | under 100 ms | PASS |
| … 90th percentile | 226 ms |  |  |
| Bytes fetched for one search, cold cache: median (gzip estimate) | 139 KB | under 300 KB | PASS |
| … largest (gzip estimate) | 310 KB | under 300 KB | **MISS** by 10 KB |

## Reading

| query | verdict |
| --- | --- |
| python | PASS |
"""
LANGUAGES = """# Languages benchmark (issues 21 and 24)

## Targets

| target | issue | measured | verdict |
| --- | --- | --- | --- |
| four languages at most 2 × one | #24; #21 asked 2.5 × | 1.90 × | PASS |
| four languages against vanilla Pelican on as many pages |  | 0.19 × | (no target) |
"""


def test_every_target_of_every_report_with_its_verdict_then_a_count(tmp_path, capsys):
    paths = []
    for name, text in (("RESULTS.md", BUILD), ("SEARCH.md", SEARCH), ("LANGUAGES.md", LANGUAGES),
                       ("EMPTY.md", "# A report\n\nNo table here.\n")):
        paths.append(tmp_path / name)
        paths[-1].write_text(text, encoding="utf-8")
    paths.append(tmp_path / "SEARCH-languages.md")  # never written
    assert summary.main([str(path) for path in paths]) == 0
    where = f"{tmp_path}/"
    assert capsys.readouterr().out.replace(where, "").splitlines() == [
        "RESULTS.md: Full build of 10,000 circles: at most 0.7 × Hugo + Pagefind (#8, #24): 2.01 × (30.2 s against "
        "15.0 s) → MISS by 1.31 ×: 19.7 s too slow",
        "RESULTS.md: Linear: 50,000 circles take at most 5.5 × 10,000 (#8, #24): 5.32 × → PASS",
        "RESULTS.md: Output under 1 GB at 50,000 circles (#20, #24): not measured (no 50,000 size) → n/a",
        "SEARCH.md: Keystroke to results, warm page: median of 66 (under 100 ms): 54 ms → PASS",
        "SEARCH.md: Bytes fetched for one search, cold cache: median (gzip estimate) (under 300 KB): 139 KB → PASS",
        "SEARCH.md: Bytes fetched for one search, cold cache: largest (gzip estimate) (under 300 KB): 310 KB "
        "→ MISS by 10 KB",
        "LANGUAGES.md: four languages at most 2 × one (#24; #21 asked 2.5 ×): 1.90 × → PASS",
        "EMPTY.md: no targets table found",
        "SEARCH-languages.md: missing (no report here; make bench writes it)",
        "7 targets: 4 PASS, 2 MISS, 1 not measured (n/a); 2 reports not read",
    ]


def test_the_default_reports_are_the_four_that_make_bench_writes():
    assert summary.REPORTS == ("RESULTS.md", "SEARCH.md", "LANGUAGES.md", "SEARCH-languages.md")
    assert summary.summary([])[-1] == "0 targets: 0 PASS, 0 MISS"
