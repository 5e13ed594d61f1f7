"""Languages benchmark (issues 21 and 24): one synthetic directory built in one language and in four,
beside vanilla Pelican on as many pages and, when asked, the code from before issue 21, all in one run.

    python -m benchmarks.languages_bench [--circles 10000] [--libraries 2000] [--before REV] [--rounds 3]
                                         [--work DIR] [--no-anchors]

Builds, each from nothing into a folder of its own, in turns (``--rounds`` times, the median counts):

- *before*, only with ``--before REV`` (issue 21 began after 410faaa): the same records with the project
  as it was at REV (a git worktree), in English;
- *one language*: the project now, ``languages: ["en"]``;
- *four languages*: the project now, ``languages: ["en", "fr", "es", "sw"]``, as the sample is built.

Then vanilla Pelican (and Hugo with Pagefind, when installed) on as many pages as the four-language
site has. Targets: four languages at most 2 × one (issue 24; issue 21 asked 2.5 ×); with ``--before``,
one language no slower than before (issue 21). The four-language site stays in DIR/four for
``search_bench --work DIR/four --reuse --page es/``. The report is printed and written to
benchmarks/LANGUAGES.md. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import anchors, synth
from .build_bench import (
    ROOT,
    Size,
    build_command,
    checked,
    folder_bytes,
    folder_files,
    html_pages,
    machine,
    mb,
    measure,
    measure_anchors,
    note,
    row,
    secs,
    times,
    verdict,
)

LANGUAGES = ("en", "fr", "es", "sw")
#: The commit before issue 21's work began (one language per build, no catalogues): what ``--before`` names.
BEFORE = "410faaa"
#: Four languages at most this many times one (issue 24; issue 21 asked 2.5); one language at most this many
#: times before (issue 21).
FOUR_OVER_ONE, ONE_OVER_BEFORE = 2.0, 1.0
BUILDS = ("before", "one", "four")


def worktree(work: Path, revision: str) -> Path:
    """The project at ``revision``, checked out beside the work (made once, reused after)."""
    folder = work / f"project-{revision}"
    if not (folder / "plugins").is_dir():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=True)
        subprocess.run(["git", "worktree", "add", "--detach", str(folder), revision], cwd=ROOT, check=True,
                       capture_output=True)
    return folder


def commands(work: Path, content: Path, before: Path | None) -> dict[str, tuple[list[str], dict[str, str], Path]]:
    """Each build's command, environment and output folder; no *before* build without ``before``."""
    found = {}
    for name, languages, root in (("before", ("en",), before), ("one", ("en",), ROOT), ("four", LANGUAGES, ROOT)):
        if root is None:
            continue
        output = work / name / "output"
        command = build_command(content, output, work / name / "cache", False, languages, root)
        # The checkout's own package first: the project's is installed in the venv too.
        env = {**os.environ, "CIRCLES_PROGRESS": "1", "PYTHONPATH": str(root / "plugins")}
        found[name] = (command, env, output)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.languages_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--circles", type=int, default=10_000)
    parser.add_argument("--libraries", type=int, default=2_000)
    parser.add_argument("--before", metavar="REV", help=f"also build the project at REV, in a git worktree, and "
                        f"compare one language with it (issue 21: {BEFORE}; default: no such build)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="builds of each kind, in turns (default 3: of two, the median taken was the slower)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-anchors", action="store_true", help="skip vanilla Pelican and Hugo + Pagefind")
    parser.add_argument("--work", type=Path, help="keep the content and sites here (default: a temporary folder)")
    parser.add_argument("--report", type=Path, default=ROOT / "benchmarks" / "LANGUAGES.md")
    args = parser.parse_args(argv)
    load_start = os.getloadavg()[0]
    work = (args.work or Path(tempfile.mkdtemp(prefix="languages-bench-"))).resolve()
    content = work / "content"
    try:
        note(f"{args.circles:,} circles, {args.libraries:,} libraries: generating in {content}")
        shutil.rmtree(content, ignore_errors=True)
        synth.generate(content, args.circles, args.libraries, seed=args.seed)
        shutil.copytree(ROOT / "content" / "toolkit", content / "toolkit")
        builds = commands(work, content, worktree(work, args.before) if args.before else None)
        runs: dict[str, list] = {name: [] for name in builds}
        for number in range(1, args.rounds + 1):
            for name, (command, env, output) in builds.items():
                for folder in (output, output.parent / "cache"):
                    shutil.rmtree(folder, ignore_errors=True)
                log = work / name / f"build-{number}.log"
                log.parent.mkdir(parents=True, exist_ok=True)
                runs[name].append(checked(measure(command, log, cwd=work, env=env), f"the {name} build", log))
                note(f"  round {number}, {name}: {runs[name][-1].seconds:.1f} s")
        median = {name: sorted(found, key=lambda run: run.seconds)[len(found) // 2] for name, found in runs.items()}
        pages = {name: html_pages(output) for name, (_, _, output) in builds.items()}
        sizes = {name: (folder_bytes(output), folder_files(output)) for name, (_, _, output) in builds.items()}
        (work / "four" / "build.json").write_text(json.dumps({"seconds": median["four"].seconds, "code": code()}),
                                                  encoding="utf-8")
        if not (work / "four" / "content").exists():
            (work / "four" / "content").symlink_to(content)
        size = Size(args.circles, args.libraries, median["one"], median["four"], median["four"], pages["four"], 0, 0)
        if not args.no_anchors:
            measure_anchors(work / "anchors", size)
        text = report(args, runs, median, pages, sizes, size, machine(load_start, anchors.hugo_version()))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(text)
    args.report.write_text(text, encoding="utf-8")
    note(f"written to {args.report}")
    return 0


def code() -> str:
    from .search_bench import code_version

    return code_version()


def report(args, runs, median, pages, sizes, size: Size, described: dict[str, str]) -> str:
    label = {"before": f"before issue 21 ({args.before}), English", "one": "now, English only",
             "four": f"now, {len(LANGUAGES)} languages ({', '.join(LANGUAGES)})"}
    rows = [row("build", "seconds (median)", "each round", "CPU", "peak memory", "HTML pages", "output"),
            row("---", "---", "---", "---", "---", "---", "---")]
    for name in (name for name in BUILDS if name in median):
        run = median[name]
        rows.append(row(label[name], secs(run.seconds), " / ".join(secs(r.seconds) for r in runs[name]), secs(run.cpu),
                        mb(run.peak), f"{pages[name]:,}", f"{mb(sizes[name][0])} in {sizes[name][1]:,} files"))
    for name in ("pelican", "hugo"):
        found = size.anchors.get(name, "not measured" if args.no_anchors else "not installed")
        if isinstance(found, str):
            rows.append(row(f"{name} on {pages['four']:,} pages", found, "", "", "", "", ""))
        else:
            made = size.anchor_output.get(name, (0, 0))
            rows.append(row(f"{name} on {pages['four']:,} pages", secs(found.seconds), "", secs(found.cpu), mb(found.peak),
                            f"{size.anchor_pages.get(name, 0):,}", f"{mb(made[0])} in {made[1]:,} files"))
    four_over_one = median["four"].seconds / median["one"].seconds
    targets = [row("target", "issue", "measured", "verdict"), row("---", "---", "---", "---"),
               row(f"four languages at most {FOUR_OVER_ONE:g} × one", "#24; #21 asked 2.5 ×",
                   f"{times(four_over_one)} ({secs(median['four'].seconds)} against {secs(median['one'].seconds)})",
                   verdict(four_over_one, FOUR_OVER_ONE, times))]
    if "before" in median:
        one_over_before = median["one"].seconds / median["before"].seconds
        targets.append(row("one language no slower than before issue 21", "#21", times(one_over_before),
                           verdict(one_over_before, ONE_OVER_BEFORE, times)))
    pelican = size.anchors.get("pelican")
    if not isinstance(pelican, str) and pelican is not None:
        targets.append(row("four languages against vanilla Pelican on as many pages", "",
                           times(median["four"].seconds / pelican.seconds), "(no target)"))
    before = f"--before {args.before} " if args.before else ""
    return "\n\n".join([
        "# Languages benchmark (issues 21 and 24)",
        f"`python -m benchmarks.languages_bench --circles {args.circles} --libraries {args.libraries} "
        f"{before}--rounds {args.rounds}`: {args.circles:,} synthetic circles and {args.libraries:,} "
        "libraries (benchmarks/synth.py), each build from nothing, without flyer and toolkit PDFs, with the public "
        "address the deploy gives; the builds ran in turns, so that a busy minute of the machine falls on each kind "
        "alike.",
        "## Targets", "\n".join(targets),
        "## Builds", "\n".join(rows),
        "## Machine", "\n".join([row("", ""), row("---", "---"), *(row(k, v) for k, v in described.items())]),
    ]) + "\n"


if __name__ == "__main__":
    sys.exit(main())
