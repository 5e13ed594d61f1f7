"""Build benchmark: synthetic directories of 1,000 to 50,000 circles built for real, side by side with
vanilla Pelican and with Hugo plus Pagefind on as many pages.

    python -m benchmarks.build_bench [--sizes 1000:2000,10000:2000,50000:10000 | --quick] [--pdfs] [--work DIR]
                                     [--anchor-sizes 1000,10000 | all] [--no-anchors]

For each size (circles:libraries): writes the content tree (benchmarks/synth.py, with the project's
toolkit), times ``circles validate`` on it, a full build with the project's settings, and three more
builds into the same output, each after one circle's title changed (the median counts); counts the HTML pages written; then
builds as many pages with the anchors (benchmarks/anchors.py) when they are installed, at sizes of at
most 10,000 circles unless ``--anchor-sizes`` says otherwise (only the 10,000-circle targets need them).
Every command runs in a process of its own, whose peak memory is its own. The report, with the targets
of issues #8, #20 and #24, is printed and written to benchmarks/RESULTS.md. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import anchors, synth

ROOT = Path(__file__).resolve().parents[1]
SIZES = "1000:2000,10000:2000,50000:10000"
QUICK = "1000:2000,10000:2000"
MB = 1_000_000
#: The child process of a build: the project's settings with the benchmark's overrides, and no
#: import of the benchmark itself, so that its time and memory are the build's own.
BUILD = """import json, sys
from pelican import Pelican
from pelican.settings import read_settings
from circles.settings import DIRECTORY_DEFAULTS
conf, override, directory = json.loads(sys.argv[1])
settings = read_settings(conf, override=override)
known = {key: value for key, value in directory.items() if key in DIRECTORY_DEFAULTS}
settings["DIRECTORY"] = {**settings.get("DIRECTORY", {}), **known}
Pelican(settings).run()
"""
#: The targets of issue #8, asked again by #24 (all but `circles validate`): ratios to Hugo + Pagefind and to
#: vanilla Pelican, 50,000 over 10,000 circles, rebuild over full build, seconds of `circles validate`, bytes of
#: peak memory.
HUGO_RATIO, PELICAN_RATIO, LINEAR, REBUILD, VALIDATE_S, MEMORY = 0.7, 0.25, 5.5, 0.15, 2.0, 1_000 * MB
#: Issue #20: the site of 50,000 circles within what GitHub Pages publishes (1 GB, counted here as 1,000 MB).
OUTPUT = 1_000 * MB
#: The anchors run by default at sizes of at most this many circles: only the 10,000-circle targets need them
#: (vanilla Pelican on the pages of 50,000 circles takes about 17 minutes).
ANCHORS_UP_TO = 10_000
NOT_RUN = "not run (no target needs it; --anchor-sizes all runs it)"
#: The public address the benchmark's builds are given, as the deploy workflow gives publishconf.py one.
PUBLISHED = "https://example.github.io/learning-circles"
#: Files the site writes under many folders: the report sums each over its top folder (``circles/**/qr.png``).
REPEATED_NAMES = ("index.html", "circle.ics", "circles.ics", "qr.png", "flyer-a4.pdf", "flyer-letter.pdf")
#: Rebuilds measured, each after another change to the same circle: the report gives their median, as
#: one rebuild's few seconds move by a tenth from run to run.
REBUILDS = 3


@dataclass
class Run:
    """One command: wall-clock seconds, peak memory in bytes, exit code, CPU seconds (its own and its
    children's), and each program it ran: name → (highest resident bytes of one process, CPU seconds)."""

    seconds: float
    peak: int
    code: int = 0
    cpu: float = 0.0
    programs: dict[str, tuple[int, float]] = field(default_factory=dict)
    others: float = 0.0  # CPU seconds that other processes of the machine used meanwhile
    stages: dict[str, float] = field(default_factory=dict)  # a build's own summary line: stage → seconds


@dataclass
class Size:
    circles: int
    libraries: int
    validate: Run
    full: Run
    rebuild: Run
    pages: int
    output_bytes: int
    index_bytes: int
    anchors: dict[str, Run | str] = field(default_factory=dict)  # name → its run, or why there is none
    anchor_pages: dict[str, int] = field(default_factory=dict)
    output_files: int = 0
    #: Where the output's bytes go: a kind of file (``circles/**/index.html``, ``data/``) → (bytes, files).
    output_kinds: dict[str, tuple[int, int]] = field(default_factory=dict)
    anchor_output: dict[str, tuple[int, int]] = field(default_factory=dict)  # name → (bytes, files) of its site
    rebuild_seconds: list[float] = field(default_factory=list)  # each rebuild's; ``rebuild`` is their median

    @property
    def label(self) -> str:
        return f"{self.circles:,} circles, {self.libraries:,} libraries"


# Measuring a process


def processes() -> dict[int, tuple[int, str, float]]:
    """Every process: pid → (parent pid, program name, CPU seconds so far); empty without Linux's /proc."""
    found = {}
    try:
        entries = [e.name for e in os.scandir("/proc") if e.name.isdigit()]
    except OSError:
        return found
    for pid in entries:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
        found[int(pid)] = (int(rest[1]), name, (int(rest[11]) + int(rest[12])) / os.sysconf("SC_CLK_TCK"))
    return found


def sample(root: int, seen: dict[int, tuple[str, int, float]]) -> int:
    """Memory of ``root`` and every process under it now, in bytes: their proportional set sizes added
    up (a page shared by forked processes counts once). Each one's program, high-water mark and CPU
    seconds are noted in ``seen``."""
    table = processes()
    children: dict[int, list[int]] = defaultdict(list)
    for pid, (parent, _, _) in table.items():
        children[parent].append(pid)
    total, todo, root_args = 0, [root], arguments(root)
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            status = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M))
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text() if "VmRSS" in status else ""
        except OSError:
            continue
        pss = re.search(r"^Pss:\s+(\d+) kB", rollup, re.M)
        total += int(pss.group(1) if pss else status.get("VmRSS", 0)) * 1024
        if pid in table:  # an exiting process has no memory left to show: keep what it showed before
            before = seen.get(pid, ("", 0, 0.0))
            high = max(int(status.get("VmHWM", 0)) * 1024, before[1])
            # An ended process not yet waited for has no command line: it keeps the program it was seen as,
            # and one first seen so is taken for a fork when it has the main process's name.
            if any(arguments(pid)):
                name = program(pid, table[pid][1], root_args)
            elif before[0]:
                name = before[0]
            else:
                forked = root in table and table[pid][1] == table[root][1]
                name = f"{table[pid][1]} (forked from the main process)" if forked else table[pid][1]
            seen[pid] = (name, high, table[pid][2])
    return total


def arguments(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def program(pid: int, name: str, root_args: list[str]) -> str:
    """A process's program: its name, the module a Python process runs (``python -m pagefind``), or that
    it was forked from the main process (the same command line)."""
    args = arguments(pid)
    if args and args == root_args:
        return f"{name} (forked from the main process)"
    return f"{name} -m {args[args.index('-m') + 1]}" if name.startswith("python") and "-m" in args[:-1] else name


def measure(argv: list[str], log: Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run ``argv`` with its output into ``log``. Peak memory is the larger of the process tree's memory
    together (see ``sample``) and the high-water mark of its largest process, sampled ten times a second.

    Not getrusage's ru_maxrss: on Linux a child's counts the parent's memory at the fork.
    """
    peak, seen = [0], {}
    done = threading.Event()

    def watch(pid: int) -> None:
        while True:
            peak[0] = max(peak[0], sample(pid, seen))
            if done.wait(0.1):
                return

    busy_before = busy_seconds()
    with log.open("wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=out)
        watcher = threading.Thread(target=watch, args=(process.pid,), daemon=True)
        watcher.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        watcher.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    programs: dict[str, tuple[int, float]] = {}
    for pid, (name, high, cpu) in seen.items():
        name = f"{name.split(' (')[0]} (main process)" if pid == process.pid else name
        before = programs.get(name, (0, 0.0))
        programs[name] = (max(before[0], high), before[1] + cpu)
    largest = max((high for high, _ in programs.values()), default=0)
    fallback = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # where there is no /proc
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, max(peak[0], largest) or fallback, process.returncode, cpu, programs,
               max(0.0, busy_seconds() - busy_before - cpu) if busy_before else 0.0)


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since it started (Linux /proc/stat; 0 elsewhere)."""
    try:
        ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = ticks
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def checked(run: Run, what: str, log: Path) -> Run:
    if run.code:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"{what} failed (exit {run.code}); the end of {log}:\n{tail}")
    return run


# The directory's own builds


def build_command(content: Path, output: Path, cache: Path, pdfs: bool, languages: tuple[str, ...] = ("en",),
                  root: Path = ROOT) -> list[str]:
    """A build as search_bench.build_site makes it, with Pelican's content cache in ``cache``, and with a
    public address as publishconf.py gives it: the published pages carry the calendar links that need one.
    In English alone unless ``languages`` says more (languages_bench.py); with the project in ``root``
    (another checkout of it, for the code before a change)."""
    override = {"PATH": str(content), "OUTPUT_PATH": str(output), "BUILD_DATE": synth.BUILD_DATE.isoformat(),
                "SITEURL": PUBLISHED,
                "THEME": str(root / "theme"), "PLUGIN_PATHS": [str(root / "plugins")], "CACHE_PATH": str(cache),
                "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "DELETE_OUTPUT_DIRECTORY": False}
    directory = {"sample": False, "flyer_pdfs": pdfs, "toolkit_pdfs": pdfs, "languages": list(languages)}
    return [sys.executable, "-c", BUILD, json.dumps([str(root / "pelicanconf.py"), override, directory])]


def with_stages(run: Run, log: Path) -> Run:
    """``run`` with the stages its build's summary line names ("Built ...: N pages in T s (validate 1.5 s, ...)")."""
    found = re.findall(r"^Built .* pages in [\d.]+ s \((.*)\)(?:; .*)?$", log.read_text(encoding="utf-8", errors="replace"), re.M)
    if found:
        run.stages = {name: float(seconds) for name, seconds in re.findall(r"([a-z][a-z ]*?) ([\d.]+) s", found[-1])}
    return run


def change_one_circle(content: Path, label: str = "second run") -> Path:
    """Give the middle circle (by file name) a new title, ending in ``label``, as an edit in a pull
    request would."""
    files = sorted((content / "circles").glob("*.yml"))
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")

    def retitle(match: re.Match) -> str:
        value = match.group(1)
        title = json.loads(value) if value.startswith('"') else value
        return "title: " + json.dumps(f"{title.split(', rebuild ')[0]}, {label}", ensure_ascii=False)

    path.write_text(re.sub(r"^title: (.+)$", retitle, text, count=1, flags=re.M), encoding="utf-8")
    return path


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def folder_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def output_kinds(folder: Path) -> dict[str, tuple[int, int]]:
    """Bytes and files of the output by kind: each name of ``REPEATED_NAMES`` under each top folder
    (``circles/**/index.html``), the rest of a top folder together (``data/``), and the files at the top."""
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path in folder.rglob("*"):
        if path.is_file():
            parts = path.relative_to(folder).parts
            kind = ("(top)" if len(parts) == 1 else
                    f"{parts[0]}/**/{parts[-1]}" if parts[-1] in REPEATED_NAMES else f"{parts[0]}/")
            kinds[kind][0] += path.stat().st_size
            kinds[kind][1] += 1
    return {kind: (size, files) for kind, (size, files) in kinds.items()}


def html_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def measure_size(work: Path, circles: int, libraries: int, args: argparse.Namespace) -> Size:
    content, output, cache, logs = work / "content", work / "output", work / "cache", work / "logs"
    for folder in (output, cache, logs):
        shutil.rmtree(folder, ignore_errors=True)
    logs.mkdir(parents=True)
    note(f"{circles:,} circles, {libraries:,} libraries: generating in {content}")
    synth.generate(content, circles, libraries, seed=args.seed)
    toolkit = ROOT / "content" / "toolkit"
    if toolkit.is_dir():
        shutil.rmtree(content / "toolkit", ignore_errors=True)
        shutil.copytree(toolkit, content / "toolkit")
    note("  circles validate")
    noon = dt.datetime.combine(synth.BUILD_DATE, dt.time(12), dt.UTC)  # the day `circles validate` checks against
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(noon.timestamp()))}
    circles_cli = str(Path(sys.executable).with_name("circles"))
    validate = checked(measure([circles_cli, "validate", str(content)], logs / "validate.log", cwd=work, env=env),
                       "circles validate", logs / "validate.log")
    note(f"  validated in {validate.seconds:.1f} s; full build")
    command = build_command(content, output, cache, args.pdfs)
    shown = {**os.environ, "CIRCLES_PROGRESS": "1"}  # the build's summary line (progress.py), for its stages
    full = with_stages(checked(measure(command, logs / "full.log", cwd=work, env=shown), "the full build", logs / "full.log"),
                       logs / "full.log")
    (work / "build.json").write_text(json.dumps({"seconds": full.seconds, "code": code()}), encoding="utf-8")
    pages, output_bytes, index_bytes = html_pages(output), folder_bytes(output), folder_bytes(output / "pagefind")
    kinds = output_kinds(output)
    note(f"  built in {full.seconds:.1f} s, {pages:,} pages")
    rebuilds = []
    for number in range(1, REBUILDS + 1):
        changed = change_one_circle(content, f"rebuild {number}")
        log = logs / f"rebuild-{number}.log"
        rebuilds.append(with_stages(checked(measure(command, log, cwd=work, env=shown), "the rebuild", log), log))
        note(f"  rebuilt in {rebuilds[-1].seconds:.1f} s after changing {changed.name}")
    rebuild = sorted(rebuilds, key=lambda run: run.seconds)[len(rebuilds) // 2]
    size = Size(circles, libraries, validate, full, rebuild, pages, output_bytes, index_bytes,
                rebuild_seconds=[run.seconds for run in rebuilds], output_files=sum(files for _, files in kinds.values()),
                output_kinds=kinds)
    if args.no_anchors:
        return size
    if anchored(circles, args.anchor_sizes):
        measure_anchors(work / "anchors", size)
    else:
        reason = NOT_RUN if circles != 10_000 else "not run (left out by --anchor-sizes)"
        size.anchors = {"pelican": reason, "hugo": reason}
    return size


def anchored(circles: int, chosen: str | None) -> bool:
    """Whether the anchors run at a size of ``circles``: ``chosen`` is ``--anchor-sizes`` (``all``, ``none``, or
    circle counts, comma-separated), None for the default, every size of at most ``ANCHORS_UP_TO`` circles."""
    if chosen is None:
        return circles <= ANCHORS_UP_TO
    return chosen == "all" or (chosen != "none" and str(circles) in chosen.replace(" ", "").split(","))


# The anchors


def measure_anchors(work: Path, size: Size) -> None:
    """Vanilla Pelican, and Hugo plus Pagefind, on as many pages as the directory's build wrote."""
    tools = {"pelican": (anchors.pelican_site, Path(sys.executable).with_name("pelican").exists()),
             "hugo": (anchors.hugo_site, anchors.hugo_version() is not None)}
    for name, (make, installed) in tools.items():
        if not installed:
            size.anchors[name] = "not installed"
            continue
        folder = work / name
        shutil.rmtree(folder, ignore_errors=True)
        note(f"  {name}: writing {size.pages:,} Markdown pages")
        runs = []
        for i, command in enumerate(make(folder, size.pages)):
            log = work / f"{name}-{i}.log"
            runs.append(measure(command, log))
            if runs[-1].code:
                size.anchors[name] = f"failed (exit {runs[-1].code}, see {log})"
                break
        else:
            size.anchors[name] = combined(runs)
            size.anchor_pages[name] = html_pages(folder)
            site = folder / anchors.OUTPUTS[name]
            size.anchor_output[name] = (folder_bytes(site), folder_files(site))
            note(f"  {name}: {size.anchors[name].seconds:.1f} s")
        shutil.rmtree(folder, ignore_errors=True)


def combined(runs: list[Run]) -> Run:
    """Commands run one after the other (Hugo, then Pagefind) as one."""
    programs: dict[str, tuple[int, float]] = {}
    for run in runs:
        for name, (high, cpu) in run.programs.items():
            before = programs.get(name, (0, 0.0))
            programs[name] = (max(before[0], high), before[1] + cpu)
    return Run(sum(r.seconds for r in runs), max(r.peak for r in runs), 0, sum(r.cpu for r in runs), programs,
               sum(r.others for r in runs))


# The report


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def secs(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:,.1f} s"


def mb(value: float) -> str:
    return f"{value / MB:,.0f} MB" if value >= 10 * MB else f"{value / MB:,.1f} MB"


def anchor_cell(size: Size, name: str) -> str:
    run = size.anchors.get(name, "not measured")
    if isinstance(run, str):
        return run
    return f"{secs(run.seconds)} ({secs(run.cpu)} CPU, {mb(run.peak)} peak, {size.anchor_pages.get(name, 0):,} pages)"


def anchor_ratio(size: Size, name: str) -> float | None:
    run = size.anchors.get(name)
    return size.full.seconds / run.seconds if isinstance(run, Run) and run.seconds else None


def verdict(value: float, limit: float, unit) -> str:
    return "PASS" if value <= limit else f"**MISS** by {unit(value - limit)}"


def percent(ratio: float) -> str:
    """A ratio in percent, to a tenth; to a hundredth when a tenth would show it on the 15 % line or at 0."""
    tenth = f"{ratio:.1%}"
    return f"{ratio:.2%}" if tenth in (f"{REBUILD:.1%}", "0.0%") else tenth


def times(x: float) -> str:
    return f"{x:.2f} ×"


def targets(sizes: list[Size]) -> list[str]:
    """Each target of issues #8, #20 and #24 with the issues it comes from, what was measured, PASS or MISS and
    by how much. Issue #24 asks again for #8's at 10,000 and 50,000 circles (not ``circles validate``) and #20's."""
    ten = next((s for s in sizes if s.circles == 10_000), None)
    fifty = next((s for s in sizes if s.circles == 50_000), None)
    lines = [row("target", "issues", "measured", "verdict"), row("---", "---", "---:", "---")]
    if ten is None:
        return [*lines, row("the targets are for 10,000 circles", "#8, #24", "not measured", "n/a"), output_target(fifty)]
    for name, label, limit in (("hugo", "Hugo + Pagefind", HUGO_RATIO), ("pelican", "vanilla Pelican", PELICAN_RATIO)):
        ratio = anchor_ratio(ten, name)
        target = f"Full build of 10,000 circles: at most {limit} × {label} on as many pages ({ten.pages:,})"
        if ratio is None:
            lines.append(row(target, "#8, #24", anchor_cell(ten, name), "n/a"))
            continue
        over = ten.full.seconds - limit * ten.anchors[name].seconds
        lines.append(row(target, "#8, #24", f"{times(ratio)} ({secs(ten.full.seconds)} against {secs(ten.anchors[name].seconds)})",
                         "PASS" if over <= 0 else f"**MISS** by {times(ratio - limit)}: {secs(over)} too slow"))
    if fifty:
        ratio = fifty.full.seconds / ten.full.seconds
        lines.append(row(f"Linear: 50,000 circles take at most {LINEAR} × 10,000", "#8, #24", f"{times(ratio)} "
                         f"({secs(fifty.full.seconds)} against {secs(ten.full.seconds)})", verdict(ratio, LINEAR, times)))
    else:
        lines.append(row(f"Linear: 50,000 circles take at most {LINEAR} × 10,000", "#8, #24", "not measured (no 50,000 size)",
                         "n/a"))
    ratio = ten.rebuild.seconds / ten.full.seconds
    spread = (f"; the median of {len(ten.rebuild_seconds)}: {', '.join(secs(s) for s in ten.rebuild_seconds)}"
              if len(ten.rebuild_seconds) > 1 else "")
    lines.append(row(f"One changed record rebuilds in at most {REBUILD:.0%} of a full build", "#8, #24",
                     f"{percent(ratio)} ({secs(ten.rebuild.seconds)}{spread})",
                     "PASS" if ratio <= REBUILD else f"**MISS** by {percent(ratio - REBUILD)} of a full build"))
    lines.append(row(f"`circles validate` on 10,000 circles under {VALIDATE_S:.0f} s", "#8", secs(ten.validate.seconds),
                     verdict(ten.validate.seconds, VALIDATE_S, secs)))
    for size in sizes:
        lines.append(row(f"Peak memory under 1 GB: full build of {size.circles:,} circles",
                         "#8, #24" if size.circles == 50_000 else "#8", mb(size.full.peak), verdict(size.full.peak, MEMORY, mb)))
    return [*lines, output_target(fifty)]


def output_target(fifty: Size | None) -> str:
    """Issue #20's target, asked again by #24: the output of 50,000 circles within GitHub Pages' 1 GB."""
    target = "Output under 1 GB (GitHub Pages' limit) at 50,000 circles"
    if fifty is None:
        return row(target, "#20, #24", "not measured (no 50,000 size)", "n/a")
    return row(target, "#20, #24", f"{mb(fifty.output_bytes)} ({fifty.output_files:,} files)", verdict(fifty.output_bytes, OUTPUT, mb))


def builds(sizes: list[Size]) -> list[str]:
    lines = [row("directory", "full build", "CPU time", "HTML pages", "pages/s", "peak memory", "output", "files",
                 "search index", "rebuild after one change", "rebuild / full", "`circles validate`", "validate peak"),
             row("---", *["---:"] * 12)]
    for s in sizes:
        lines.append(row(s.label, secs(s.full.seconds), secs(s.full.cpu), f"{s.pages:,}", f"{s.pages / s.full.seconds:,.0f}",
                         mb(s.full.peak), mb(s.output_bytes), f"{s.output_files:,}", mb(s.index_bytes),
                         f"{secs(s.rebuild.seconds)} ({secs(s.rebuild.cpu)} CPU)",
                         f"{s.rebuild.seconds / s.full.seconds:.1%}", secs(s.validate.seconds), mb(s.validate.peak)))
    return lines


def stage_table(sizes: list[Size]) -> list[str]:
    """Each build's stages as it reports them: seconds in its main process, one after the other."""
    names = list(dict.fromkeys(name for s in sizes for run in (s.full, s.rebuild) for name in run.stages))
    if not names:
        return []
    lines = [row("directory", "build", *names), row("---", "---", *["---:"] * len(names))]
    for s in sizes:
        for what, run in (("full", s.full), ("rebuild", s.rebuild)):
            lines.append(row(s.label, what, *(f"{run.stages[n]:.1f}" if n in run.stages else "" for n in names)))
    return lines


def program_cpu(run: Run, prefix: str) -> float:
    return sum(cpu for name, (_, cpu) in run.programs.items() if name.startswith(prefix))


def reasons(sizes: list[Size], cores: int) -> list[str]:
    """Why each missed target was missed, from what was measured."""
    ten = next((s for s in sizes if s.circles == 10_000), None)
    lines = []
    if ten is None:
        return output_reason(sizes)
    full, pagefind = ten.full, program_cpu(ten.full, "pagefind")
    for name, label, limit in (("hugo", "Hugo + Pagefind", HUGO_RATIO), ("pelican", "vanilla Pelican", PELICAN_RATIO)):
        anchor = ten.anchors.get(name)
        if isinstance(anchor, Run) and full.seconds > limit * anchor.seconds:
            budget = limit * anchor.seconds
            lines.append(
                f"- **Full build against {label}.** {limit} × {secs(anchor.seconds)} is {secs(budget)}: on {cores} "
                f"CPUs, at most {secs(budget * cores)} of CPU time. The full build used {secs(full.cpu)} of CPU "
                f"time, with both CPUs busy most of the way: {secs(pagefind)} in Pagefind indexing the circle pages "
                f"and {secs(full.cpu - pagefind)} in Python (validation, {ten.pages:,} pages from Jinja templates, "
                f"QR codes, calendars, open data, the offline gazetteer): {(full.cpu - pagefind) / ten.pages * 1000:.1f} ms "
                "of Python for each page written. The anchors write plain articles, Hugo from compiled Go templates.")
    ratio = ten.rebuild.seconds / full.seconds
    if ratio > REBUILD:
        stages = sorted(ten.rebuild.stages.items(), key=lambda item: -item[1])
        largest = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in stages[:4] if seconds >= 0.1)
        waited = ten.rebuild.stages.get("search index", 0.0)
        lines.append(
            f"- **Rebuild.** {percent(ratio)} of the full build: {ten.rebuild.seconds:.2f} s against "
            f"{REBUILD * full.seconds:.2f} s allowed"
            + (f". Its longest stages in the main process: {largest}; the rest is start-up and the smaller stages"
               if largest else "")
            + (f". The build waited {secs(waited)} at the end for Pagefind, which indexes again the bundle of the "
               "changed circle's months (`search_bundle_size`)" if waited >= 0.1 else
               ". Pagefind, indexing the changed circle's bundle beside them, was done before the build's end")
            + ".")
    for size in sizes:
        if size.full.peak > MEMORY:
            largest = max(size.full.programs.items(), key=lambda item: item[1][0], default=None)
            lines.append(
                f"- **Memory, {size.circles:,} circles.** {mb(size.full.peak)} for the build and its processes together"
                + (f"; the largest process, {largest[0]}, reached {mb(largest[1][0])}" if largest else "")
                + ". The records and their models live in the main process, and each process forked from it shares "
                "them until it touches them.")
    if ten.validate.seconds > VALIDATE_S:
        lines.append(f"- **`circles validate`.** {secs(ten.validate.seconds)}.")
    return lines + output_reason(sizes)


def output_reason(sizes: list[Size]) -> list[str]:
    """Why the output of 50,000 circles is too large, when it is: its largest kinds of file."""
    fifty = next((s for s in sizes if s.circles == 50_000), None)
    if fifty is None or fifty.output_bytes <= OUTPUT:
        return []
    kinds = ", ".join(f"`{kind}` {mb(size)} ({files:,} files)" for kind, (size, files) in largest_kinds(fifty, 4))
    return [f"- **Output, 50,000 circles.** {mb(fifty.output_bytes)} in {fifty.output_files:,} files, "
            f"{mb(fifty.output_bytes - OUTPUT)} too many; the largest kinds: {kinds}."]


def programs(sizes: list[Size]) -> list[str]:
    """The full build's processes by program: the largest one's memory, and CPU seconds of them all."""
    lines = [row("directory", "program", "highest memory of one process", "CPU time, about"), row("---", "---", "---:", "---:")]
    for s in sizes:
        for name, (high, cpu) in sorted(s.full.programs.items(), key=lambda item: -item[1][0]):
            lines.append(row(s.label, name, mb(high), secs(cpu)))
    return lines


def busy(sizes: list[Size]) -> list[str]:
    """Runs during which other processes of the machine kept a CPU busy a quarter of the time or more."""
    runs = [(f"{what} of {s.circles:,} circles", run) for s in sizes
            for what, run in (("validate", s.validate), ("full build", s.full), ("rebuild", s.rebuild),
                              *((f"{name} anchor", a) for name, a in s.anchors.items() if isinstance(a, Run)))]
    shared = [f"{what} ({run.others / run.seconds:.1f})" for what, run in runs if run.others > run.seconds / 4]
    if not shared:
        return ["No other process of the machine used more than a quarter of a CPU during any run."]
    return ["Other processes of the machine were busy during some runs (in brackets: how many CPUs they kept busy "
            "on average): " + ", ".join(shared) + ". The wall-clock times of those runs are likely longer than on "
            "a quiet machine; their CPU times much less so."]


def side_by_side(sizes: list[Size]) -> list[str]:
    lines = [row("directory", "HTML pages", "this project", "vanilla Pelican", "project / Pelican",
                 "Hugo + Pagefind", "project / Hugo + Pagefind"), row("---", *["---:"] * 6)]
    for s in sizes:
        ratios = [anchor_ratio(s, name) for name in ("pelican", "hugo")]
        lines.append(row(s.label, f"{s.pages:,}", f"{secs(s.full.seconds)} ({mb(s.full.peak)} peak)",
                         anchor_cell(s, "pelican"), times(ratios[0]) if ratios[0] else "n/a",
                         anchor_cell(s, "hugo"), times(ratios[1]) if ratios[1] else "n/a"))
    return lines


def output_cell(size: int, files: int) -> str:
    return f"{mb(size)} ({files:,} files)"


def anchor_output_cell(size: Size, name: str) -> str:
    if name in size.anchor_output:
        return output_cell(*size.anchor_output[name])
    run = size.anchors.get(name, "not measured")
    return run if isinstance(run, str) else "not measured"


def outputs(sizes: list[Size]) -> list[str]:
    """Each size's output beside the sites the anchors wrote for as many pages."""
    lines = [row("directory", "HTML pages", "this project", "vanilla Pelican", "Hugo + Pagefind"), row("---", *["---:"] * 4)]
    for s in sizes:
        lines.append(row(s.label, f"{s.pages:,}", output_cell(s.output_bytes, s.output_files),
                         anchor_output_cell(s, "pelican"), anchor_output_cell(s, "hugo")))
    return lines


def largest_kinds(size: Size, top: int) -> list[tuple[str, tuple[int, int]]]:
    return sorted(size.output_kinds.items(), key=lambda item: (-item[1][0], item[0]))[:top]


def output_kinds_table(sizes: list[Size], top: int = 12) -> list[str]:
    """The largest kinds of file in each size's output, and the others together."""
    lines = [row("directory", "kind of file", "bytes", "share", "files"), row("---", "---", "---:", "---:", "---:")]
    for s in sizes:
        shown = largest_kinds(s, top)
        for kind, (size, files) in shown:
            lines.append(row(s.label, f"`{kind}`", mb(size), f"{size / s.output_bytes:.0%}", f"{files:,}"))
        rest = [value for kind, value in s.output_kinds.items() if kind not in dict(shown)]
        if rest:
            size = sum(b for b, _ in rest)
            lines.append(row(s.label, f"{len(rest)} other kind{'s' if len(rest) > 1 else ''}", mb(size), f"{size / s.output_bytes:.0%}",
                             f"{sum(f for _, f in rest):,}"))
    return lines


def markdown(sizes: list[Size], machine: dict[str, str], args: argparse.Namespace) -> str:
    pdfs = ("with flyer and toolkit PDFs (`--pdfs`)" if args.pdfs
            else "without flyer and toolkit PDFs (`DIRECTORY` `flyer_pdfs` and `toolkit_pdfs` off; `--pdfs` measures them)")
    parts = [
        "# Build benchmark",
        f"Made by `python -m benchmarks.build_bench {' '.join(args.argv)}`".rstrip() + f" on {machine['date']}: "
        f"synthetic directories (benchmarks/synth.py, seed {args.seed}) with the project's toolkit, built for "
        f"{synth.BUILD_DATE.isoformat()} with the project's settings, {pdfs}. Every command runs in a process of its "
        "own and is timed from outside, start-up included. See benchmarks/README.md for what each line means.",
        "## Targets (issues #8, #20 and #24)", "\n".join(targets(sizes)),
        *(["Why each miss:", "\n".join(reasons(sizes, os.cpu_count() or 1))] if reasons(sizes, os.cpu_count() or 1) else []),
        "## The directory's builds",
        "*Full build*: validate, enrich, every page, search index, calendars, feeds, open data, embeds, into an empty "
        "output folder with an empty cache. *Rebuild*: the same command again into the same output and cache after "
        "one circle's title changed. *Peak memory*: the build and its child processes (Pagefind) together.",
        "\n".join(builds(sizes)),
        "Where the full build's memory and CPU time go, by program (sampled ten times a second, so about):",
        "\n".join(programs(sizes)),
        *(["Each build's stages, in seconds, as its summary line gives them (`CIRCLES_PROGRESS=1`). They are "
           "the main process's, one after the other; a large directory's open data runs in a process of its own "
           "beside the pages, a new offline gazetteer is made in another from the start (\"places\" is the wait for "
           "it and the copy), and Pagefind runs beside everything from the circle pages on (\"search index\" is "
           "the wait for it at the end).", "\n".join(stage_table(sizes))] if stage_table(sizes) else []),
        "## Side by side: as many pages built by others",
        "The anchors build as many Markdown articles as the directory's build wrote HTML pages (benchmarks/anchors.py); "
        "the pages in brackets are the HTML files each wrote, tag and list pages included. A ratio under 1 means "
        "this project is faster.",
        "\n".join(side_by_side(sizes)),
        "## Output: bytes and files",
        "Every file each build wrote, as GitHub Pages counts a site (1 MB is 1,000,000 bytes), beside the sites the "
        "anchors wrote for as many pages; then the largest kinds of file (`circles/**/index.html`: every file of that "
        "name under `circles/`; `data/`: the whole folder).",
        "\n".join(outputs(sizes)),
        "\n".join(output_kinds_table(sizes)),
        *busy(sizes),
        "## Machine", "\n".join([row("", ""), row("---", "---"), *(row(k, v) for k, v in machine.items())]),
    ]
    return "\n\n".join(parts) + "\n"


def code() -> str:
    from .search_bench import code_version

    return code_version()


def machine(load_start: float, hugo: str | None) -> dict[str, str]:
    """The search benchmark's description of the machine, without the browser, with the builders' versions."""
    from importlib.metadata import version

    from .search_bench import machine as described

    found = {k: v for k, v in described("", (0.0,), code()).items() if k not in ("Chromium", "date") and "load" not in k}
    return {**found, "Pelican": version("pelican"), "Hugo": hugo or "not installed",
            "load average (1 min): at the start / at the end": f"{load_start:.1f} / {os.getloadavg()[0]:.1f}",
            "date": time.strftime("%Y-%m-%d")}


def note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def parse_sizes(text: str) -> list[tuple[int, int]]:
    try:
        return [(int(c), int(lib)) for c, lib in (part.split(":") for part in text.split(","))]
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes are circles:libraries, comma-separated, not {text!r}") from None


def parse_anchor_sizes(text: str) -> str:
    if text in ("all", "none") or all(part.strip().isdigit() for part in text.split(",")):
        return text
    raise argparse.ArgumentTypeError(f"anchor sizes are all, none or circle counts, comma-separated, not {text!r}")


def anchors_missing(args: argparse.Namespace) -> str | None:
    """What to say before the first build when an anchor the targets need is not installed: the report
    would say so only at the end, after the longest runs."""
    if args.no_anchors or anchors.hugo_version():
        return None
    return ('Hugo is not installed: the targets against Hugo + Pagefind will read "not installed" '
            "(on Debian or Ubuntu: apt-get install hugo)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.build_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes(SIZES), help=f"circles:libraries,… (default {SIZES})")
    parser.add_argument("--quick", action="store_true", help=f"only {QUICK}")
    parser.add_argument("--pdfs", action="store_true", help="build the flyer and toolkit PDFs too")
    parser.add_argument("--no-anchors", action="store_true", help="skip vanilla Pelican and Hugo + Pagefind")
    parser.add_argument("--anchor-sizes", type=parse_anchor_sizes, metavar="CIRCLES,…|all|none",
                        help="the sizes, in circles, at which the anchors run (default: every size of at most "
                        f"{ANCHORS_UP_TO:,} circles, as only the targets at 10,000 need them; all: every size)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="keep each size's content and site under DIR/CIRCLES-LIBRARIES "
                        "(default: a temporary folder, removed)")
    parser.add_argument("--report", type=Path, default=ROOT / "benchmarks" / "RESULTS.md", help="where to write the report")
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if missing := anchors_missing(args):
        note(missing)
    load_start = os.getloadavg()[0]
    # Absolute: commands run in the size's own folder (`make bench` names build/bench, relative).
    work = (args.work or Path(tempfile.mkdtemp(prefix="build-bench-"))).resolve()
    try:
        sizes = [measure_size(work / f"{c}-{lib}", c, lib, args) for c, lib in (parse_sizes(QUICK) if args.quick else args.sizes)]
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    text = markdown(sizes, machine(load_start, anchors.hugo_version()), args)
    print(text)
    args.report.write_text(text, encoding="utf-8")
    note(f"written to {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
