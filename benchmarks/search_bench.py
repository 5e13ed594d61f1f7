"""Search benchmark: a synthetic directory of 10,000 circles, built for real, searched in Chromium.

    python -m benchmarks.search_bench [--circles 10000] [--libraries 2000] [--rounds 3] [--work DIR]

1. writes a synthetic content tree (benchmarks/synth.py) and builds it with the project's
   settings, as tests/conftest.py does, for a fixed build date (the build is timed);
2. serves the output on 127.0.0.1 and opens the search page in Chromium, launched as the
   browser tests launch it, with map tiles answered locally and never counted;
3. for each query: a fresh context (cold cache) measures the first search and every byte
   fetched, then one warm page measures every query ``--rounds`` times;
4. prints a Markdown report with the targets, and writes it to benchmarks/SEARCH.md.

Nothing here is a test: no number fails anything. The records are synthetic (see synth.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from . import report, synth
from .in_browser import cold_session, pagefind_alone, warm_runs

ROOT = Path(__file__).resolve().parents[1]
#: Words people type: course titles, topics, in each language of the synthetic directory.
#: Two of the busiest towns are added from the generated records, and two facet clicks.
QUERIES = ["python", "excel", "linux essentials", "public speaking", "fiction", "genealogy", "photography",
           "nutrition", "small business", "personal finance", "finanzas", "informática básica", "emprendimiento",
           "écriture", "kompyuta", "biashara", "lập trình", "tiếng anh"]
FACET_CLICKS = ["language=es", "topic=python"]


def build_site(content: Path, output: Path) -> float:
    """A real Pelican build of ``content`` with the project's settings; return its seconds."""
    from pelican import Pelican
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / "pelicanconf.py"), override={
        "PATH": str(content), "OUTPUT_PATH": str(output), "BUILD_DATE": synth.BUILD_DATE,
        "THEME": str(ROOT / "theme"), "PLUGIN_PATHS": [str(ROOT / "plugins")], "DELETE_OUTPUT_DIRECTORY": True,
        # A build from scratch that keeps nothing of the 10,000-circle site in the project's cache/.
        "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False,
    })
    # Flyer PDFs (two per circle) are most of a full build's time and nothing to do with search.
    settings["DIRECTORY"] = {**settings.get("DIRECTORY", {}), "sample": False, "flyer_pdfs": False, "languages": ["en"]}
    start = time.perf_counter()
    Pelican(settings).run()
    return time.perf_counter() - start


def busiest_towns(content: Path, count: int = 2) -> list[str]:
    """The towns with the most synthetic libraries: real names a visitor would type."""
    cities = Counter()
    for path in sorted((content / "libraries").glob("*.yml")):
        match = re.search(r"^  city: (.+)$", path.read_text(encoding="utf-8"), re.M)
        if match:
            value = match.group(1)
            cities[json.loads(value) if value.startswith('"') else value] += 1
    return [town.lower() for town, _ in cities.most_common(count)]


def folder_size(folder: Path) -> tuple[int, int]:
    """Bytes and number of files under ``folder``."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def code_version() -> str:
    """The commit measured, and whether the working tree differed from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    # The reports make bench writes as it goes are not changes to the code measured.
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)benchmarks/*.md")
    return commit + (" with uncommitted changes" if changed else "")


def machine(browser_version: str, load: tuple[float, float, float], code: str) -> dict[str, str]:
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    memory = re.search(r"MemTotal:\s+(\d+) kB", meminfo)
    pagefind = subprocess.run([sys.executable, "-m", "pagefind", "--version"], capture_output=True, text=True).stdout
    return {
        "CPUs (nproc)": str(os.cpu_count()),
        "CPU": next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else "",
        "memory": f"{int(memory.group(1)) / 1024 / 1024:.1f} GiB" if memory else "unknown",
        "system": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Chromium": browser_version,
        "Pagefind": pagefind.strip() or "unknown",
        "load average (1 min): at the start / before / after the browser": " / ".join(f"{x:.1f}" for x in load),
        "code built": code,
        "date": dt.date.today().isoformat(),
    }


def measure(output: Path, queries: list[str], rounds: int, page: str = "") -> dict:
    """Cold sessions, warm rounds and Pagefind alone, in one Chromium; with the load average around them.
    ``page``: the folder of the search page's language (``es/``), "" for the site's first."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve

    load_before = os.getloadavg()[0]
    with serve(output) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            found = {"sessions": [cold_session(browser, base + page, query) for query in queries],
                     "warm": warm_runs(browser, base + page, queries, rounds),
                     "alone": pagefind_alone(browser, base, [q for q in queries if "=" not in q],
                                            sorted(p.name for p in (output / "pagefind").iterdir() if p.is_dir())),
                     "browser_version": browser.version}
        finally:
            browser.close()
    found["load"] = (load_before, os.getloadavg()[0])
    return found


def prepare(args: argparse.Namespace, content: Path, output: Path) -> dict:
    """Generate and build, or with --reuse take the site built before; its build time and code version."""
    record = output.parent / "build.json"
    if args.reuse and record.is_file() and (output / "pagefind").is_dir():
        return json.loads(record.read_text(encoding="utf-8"))
    print(f"generating {args.circles} circles, {args.libraries} libraries in {content}", file=sys.stderr)
    synth.generate(content, args.circles, args.libraries, seed=args.seed)
    print("building the site", file=sys.stderr)
    built = {"seconds": build_site(content, output), "code": code_version()}
    record.write_text(json.dumps(built), encoding="utf-8")
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--circles", type=int, default=10_000)
    parser.add_argument("--libraries", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="warm searches of each query (default 3)")
    parser.add_argument("--work", type=Path, help="keep the content and site here (default: a temporary folder)")
    parser.add_argument("--reuse", action="store_true", help="search the site already built in --work, without rebuilding")
    parser.add_argument("--page", default="", help="search from the search page in this language's folder, such as es/ "
                        "(a site of languages_bench.py)")
    parser.add_argument("--report", type=Path, default=ROOT / "benchmarks" / "SEARCH.md", help="where to write the report")
    args = parser.parse_args(argv)
    if args.reuse and not args.work:
        parser.error("--reuse needs --work")
    baseline = os.getloadavg()[0]  # before anything of ours runs
    work = (args.work or Path(tempfile.mkdtemp(prefix="search-bench-"))).resolve()
    content, output = work / "content", work / "output"
    try:
        built = prepare(args, content, output)
        counts = {kind: len(list((content / kind).glob("*.yml"))) for kind in synth.KINDS}
        queries = QUERIES + busiest_towns(content) + FACET_CLICKS
        print(f"searching {len(queries)} queries in Chromium", file=sys.stderr)
        found = measure(output, queries, args.rounds, args.page)
        loads = (baseline, *found["load"])
        sizes = {name: folder_size(output / name) for name in ("pagefind", "search", "places")}
        text = report.markdown(report.Results(
            counts=counts, seed=args.seed, build_date=synth.BUILD_DATE, build_seconds=built["seconds"],
            queries=queries, sessions=found["sessions"], warm=found["warm"], alone=found["alone"], sizes=sizes,
            bundle=output / "pagefind", machine=machine(found["browser_version"], loads, built["code"]), loads=loads))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    if args.page:
        title, rest = text.split("\n\n", 1)
        text = (f"{title}\n\nSearched from the search page in `{args.page}`, of a site built in four languages "
                f"(benchmarks/languages_bench.py): one search index serves every language.\n\n{rest}")
    print(text)
    args.report.write_text(text, encoding="utf-8")
    print(f"written to {args.report}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
