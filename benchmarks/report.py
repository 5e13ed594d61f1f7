"""The search benchmark's report, in Markdown: targets first, then where the time and bytes go.

1 KB is 1,000 bytes here. Times are milliseconds by the page's own clock.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from .in_browser import SETUPS, Session, Timing, kind_of

TARGET_MS = 100
TARGET_BYTES = 300_000


@dataclass
class Results:
    counts: dict[str, int]
    seed: int
    build_date: dt.date
    build_seconds: float | None
    queries: list[str]
    sessions: list[Session]  # one cold session per query, in the same order
    warm: list[list[Timing]]  # rounds × queries, in one warm page
    alone: dict[str, dict[str, list[float]]]  # Pagefind without the page: setup → times, fragment loads
    sizes: dict[str, tuple[int, int]]  # output folder → (bytes, files)
    bundle: Path
    machine: dict[str, str]
    loads: tuple[float, ...] = (0.0,)  # load average (1 min) at the start, then around the browser


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(value: float) -> str:
    return f"{value:.1f} ms" if abs(value) < 10 else f"{value:,.0f} ms"


def kb(size: float) -> str:
    return f"{size / 1000:,.1f} KB" if size < 10_000 else f"{size / 1000:,.0f} KB"


def verdict(value: float, target: float, unit) -> str:
    return "PASS" if value < target else f"**MISS** by {unit(value - target)}"


def row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def summary(r: Results) -> list[str]:
    warm = [t.drawn for rnd in r.warm for t in rnd]
    cold = [s.cold.drawn for s in r.sessions]
    query_gz = [s.total("query", "gzipped") for s in r.sessions]
    query_raw = [s.total("query") for s in r.sessions]
    load = r.sessions[0]
    pagefind_bytes, pagefind_files = r.sizes["pagefind"]
    used = used_bundle(r)
    lines = [row("measure", "result", "target", "verdict"), row("---", "---:", "---", "---"),
             row(f"Keystroke to results, warm page: median of {len(warm)}", ms(statistics.median(warm)),
                 f"under {TARGET_MS} ms", verdict(statistics.median(warm), TARGET_MS, ms)),
             row("… 90th percentile", ms(percentile(warm, 90)), "", ""),
             row("… slowest", ms(max(warm)), "", ""),
             row(f"First search in a fresh browser context: median / slowest of {len(cold)}",
                 f"{ms(statistics.median(cold))} / {ms(max(cold))}", "", ""),
             row("Bytes fetched for one search, cold cache: median (gzip estimate)", kb(statistics.median(query_gz)),
                 f"under {kb(TARGET_BYTES)}", verdict(statistics.median(query_gz), TARGET_BYTES, kb)),
             row("… largest (gzip estimate)", kb(max(query_gz)), f"under {kb(TARGET_BYTES)}",
                 verdict(max(query_gz), TARGET_BYTES, kb)),
             row("… median / largest, raw as served by http.server", f"{kb(statistics.median(query_raw))} / {kb(max(query_raw))}", "", ""),
             row("Search page's initial load, cold cache: gzip estimate / raw",
                 f"{kb(load.total('load', 'gzipped'))} / {kb(load.total('load'))}", "", ""),
             row("Search index on disk (output/pagefind/)", f"{kb(pagefind_bytes)} in {pagefind_files:,} files", "", ""),
             row("… of which any search here fetched", f"{kb(sum(used.values()))} in {len(used):,} files", "", ""),
             row("… fragments (one per circle page)", f"{count_kind(r.bundle, 'fragment'):,}", "", "")]
    for name in ("search", "places"):
        size, files = r.sizes[name]
        lines.append(row(f"output/{name}/", f"{kb(size)} in {files:,} files", "", ""))
    build = f"{r.build_seconds:,.1f} s" if r.build_seconds is not None else "not measured (--reuse)"
    lines.append(row("Full build (Pelican and Pagefind), for reference", build, "", ""))
    return lines


def per_query(r: Results) -> list[str]:
    lines = [row("query", "circles found", "until the search starts", "map markers", "first time", "warm median", "fresh context",
                 "bytes, cold (gzip)", "files fetched, cold"),
             row("---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---")]
    for i, query in enumerate(r.queries):
        runs = [rnd[i] for rnd in r.warm]
        repeats = runs[1:] or runs
        session = r.sessions[i]
        found = re.search(r"([\d,]+) circles?", runs[0].status)
        kinds = defaultdict(int)
        for fetch in session.fetches:
            if fetch.phase == "query":
                kinds[fetch.kind] += 1
        label = query.replace("=", ": ") if "=" in query else f"`{query}`"
        lines.append(row(label, found.group(1) if found else "0", ms(statistics.median(t.started for t in runs)),
                         ms(statistics.median(t.map for t in runs)), ms(runs[0].drawn),
                         ms(statistics.median(t.drawn for t in repeats)), ms(session.cold.drawn),
                         kb(session.total("query", "gzipped")), ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))))
    return lines


def by_kind(r: Results) -> tuple[list[str], Session]:
    """Bytes by kind of file: the initial load, and the search with the median byte count."""
    ranked = sorted(r.sessions, key=lambda s: s.total("query", "gzipped"))
    median = ranked[len(ranked) // 2]
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for column, session, phase in ((0, r.sessions[0], "load"), (2, median, "query")):
        for fetch in session.fetches:
            if fetch.phase == phase:
                table[fetch.kind][column] += 1
                table[fetch.kind][column + 1] += fetch.gzipped
    query = r.queries[r.sessions.index(median)]
    lines = [row("file", "initial load: files", "gzip estimate", f"search `{query}`: files", "gzip estimate"),
             row("---", "---:", "---:", "---:", "---:")]
    for kind, (n1, b1, n2, b2) in sorted(table.items(), key=lambda item: -item[1][1] - item[1][3]):
        lines.append(row(kind, str(n1), kb(b1), str(n2), kb(b2)))
    return lines, median


def used_bundle(r: Results) -> dict[str, int]:
    """Every file of output/pagefind/ fetched in any session, with its size on disk."""
    used = {}
    for session in r.sessions:
        for fetch in session.fetches:
            path = urlparse(fetch.url).path.split("/pagefind/", 1)
            if len(path) == 2 and (r.bundle / path[1]).is_file():
                used[path[1]] = (r.bundle / path[1]).stat().st_size
    return used


def count_kind(bundle: Path, kind: str) -> int:
    return sum(1 for p in bundle.rglob("*") if p.is_file() and kind_of(f"/pagefind/{p.relative_to(bundle).as_posix()}") == kind)


def bundle_table(r: Results) -> list[str]:
    on_disk: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    used = used_bundle(r)
    for path in r.bundle.rglob("*"):
        if path.is_file():
            name = path.relative_to(r.bundle).as_posix()
            kind = kind_of(f"/pagefind/{name}")
            kind = "Pagefind UI and other files (not used)" if kind == "page and assets" else kind
            on_disk[kind][0] += 1
            on_disk[kind][1] += path.stat().st_size
            if name in used:
                on_disk[kind][2] += 1
                on_disk[kind][3] += used[name]
    lines = [row("part of output/pagefind/", "files", "bytes", "fetched by any search here", "bytes"),
             row("---", "---:", "---:", "---:", "---:")]
    for kind, (n, size, n_used, size_used) in sorted(on_disk.items(), key=lambda item: -item[1][1]):
        lines.append(row(kind, f"{n:,}", kb(size), f"{n_used:,}", kb(size_used)))
    return lines


def reading(r: Results, median_session: Session) -> list[str]:
    """What dominates, in words, from the numbers themselves."""
    warm = [t for rnd in r.warm for t in rnd]
    drawn = statistics.median(t.drawn for t in warm)
    pause = statistics.median(t.started for t in warm if not t.query.startswith("["))
    markers = statistics.median(t.map for t in warm)
    slow = max(warm, key=lambda t: t.drawn)
    gz = statistics.median(s.total("query", "gzipped") for s in r.sessions)
    kinds: dict[str, int] = defaultdict(int)
    for fetch in median_session.fetches:
        if fetch.phase == "query":
            kinds[fetch.kind] += fetch.gzipped
    top = max(kinds.items(), key=lambda item: item[1]) if kinds else ("nothing", 0)
    load: dict[str, int] = defaultdict(int)
    for fetch in r.sessions[0].fetches:
        if fetch.phase == "load":
            load[fetch.kind] += fetch.gzipped
    heavy = sorted(load.items(), key=lambda item: -item[1])[:3]
    chunks = sum(1 for f in r.sessions[0].fetches if f.phase == "load" and f.kind == "index chunk")
    alone = {setup: statistics.median(found["times"]) for setup, found in r.alone.items()}
    notes = []
    every_chunk = count_kind(r.bundle, "index chunk")
    notes.append(f"- The initial load fetches {chunks} of the {every_chunk} index chunks"
                 + (": all of them, as Pagefind does for an empty search term." if chunks == every_chunk else "."))
    notes.append(f"- Pagefind alone: one search takes {ms(alone['one'])} with one filter loaded, {ms(alone['facets'])} "
                 f"with the facets' filters loaded as search.js does, and {ms(alone['filters'])} with the library "
                 "filter too (medians).")
    cpus, before = int(r.machine.get("CPUs (nproc)") or 1), r.loads[0]
    if before > cpus / 2:  # later readings include the benchmark's own build and browser
        notes.append(f"- Other processes were using the CPU when the benchmark started (load average {before:.1f} "
                     f"on {cpus} CPUs): times are likely longer than on a quiet machine.")
    return [
        f"- Keystroke to results: median {ms(drawn)} ({verdict(drawn, TARGET_MS, ms)}). Of that, a median "
        f"{ms(pause)} passes before the search starts and {ms(markers)} goes "
        f"to the map's markers; Pagefind's search, the fragments and drawing the list take the rest (the facets' "
        "counts are drawn after the list). "
        f"Slowest: {slow.query!r} at {ms(slow.drawn)}.",
        f"- One search from a cold cache: median {kb(gz)} ({verdict(gz, TARGET_BYTES, kb)}); the largest part is "
        f"{top[0]} files, {kb(top[1])} of the median search.",
        "- The initial load is mostly " + ", ".join(f"{kind} ({kb(size)})" for kind, size in heavy) + ".",
        *notes,
    ]


def alone_table(r: Results) -> list[str]:
    lines = [row("loaded before searching", "one search: median", "90th percentile", "20 fragments, first load: median"),
             row("---", "---:", "---:", "---:")]
    for setup, label in SETUPS.items():
        found = r.alone[setup]
        lines.append(row(label, ms(statistics.median(found["times"])), ms(percentile(found["times"], 90)),
                         ms(statistics.median(found["fragments"]))))
    return lines


def markdown(r: Results) -> str:
    kinds, median_session = by_kind(r)
    counts = ", ".join(f"{n:,} {kind}" for kind, n in r.counts.items())
    machine = [row("", ""), row("---", "---")] + [row(key, value) for key, value in r.machine.items()]
    parts = [
        "# Search benchmark",
        f"Made by `make bench` (`python -m benchmarks.search_bench`) on {r.machine.get('date', '')}: a synthetic "
        f"directory of {counts} (benchmarks/synth.py, seed {r.seed}), built for {r.build_date.isoformat()} and served "
        "from 127.0.0.1, so no network latency is included. See benchmarks/README.md for what each line means.",
        "\n".join(summary(r)), "## Reading", "\n".join(reading(r, median_session)),
        "## Each query",
        f"Milliseconds from the keystroke (or the pointer going down on a facet) until the list is drawn. "
        f"*First time* and *warm median* are in one page already loaded ({len(r.warm)} rounds); *fresh context* "
        "is the first search of a new browser context with an empty cache.",
        "\n".join(per_query(r)),
        "## Pagefind alone",
        "The typed queries searched with Pagefind's JavaScript API in a page without search.js, hiding past "
        "circles as the search page does, in a fresh context for each line; no facets are drawn. search.js runs "
        "one such search per keystroke and draws the list; then one more to count Status, and one more for each "
        "facet chosen, for the facets' counts.",
        "\n".join(alone_table(r)), "## Where the bytes go", "\n".join(kinds), "\n".join(bundle_table(r)),
        "## Machine", "\n".join(machine),
    ]
    return "\n\n".join(parts) + "\n"
