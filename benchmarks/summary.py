"""Every target of the benchmarks' reports together, each with the report it comes from and its verdict.

    python -m benchmarks.summary [REPORT ...]

Reads each report's targets table: the first table under a heading that names targets (RESULTS.md,
LANGUAGES.md), else the first with a verdict column (SEARCH.md). A row whose verdict is PASS, MISS or n/a
is a target; the last line counts them. A report missing, or without such a table, is said to be.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ("RESULTS.md", "SEARCH.md", "LANGUAGES.md", "SEARCH-languages.md")


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def tables(text: str) -> list[tuple[str, list[list[str]]]]:
    """Each Markdown table of ``text``, with the last heading above it: (heading, rows, the header first)."""
    found, heading, current = [], "", None
    for line in text.splitlines():
        if line.startswith("|"):
            if current is None:
                found.append((heading, current := []))
            if not re.fullmatch(r"\|[\s:|-]+\|", line.strip()):  # not the line under the header
                current.append(cells(line))
            continue
        current = None
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
    return found


def targets_table(text: str) -> list[list[str]] | None:
    every = tables(text)
    under = [rows for heading, rows in every if "target" in heading.lower() and rows]
    with_verdict = [rows for _, rows in every if rows and "verdict" in (c.lower() for c in rows[0])]
    return (under or with_verdict or [None])[0]


def kind(verdict: str) -> str | None:
    word = verdict.replace("*", "").strip()
    return next((k for k in ("PASS", "MISS", "n/a") if word.startswith(k)), None)


def targets(text: str) -> list[tuple[str, str, str]] | None:
    """(target, measured, verdict) for each target of a report, or None when it has no targets table."""
    rows = targets_table(text)
    if rows is None:
        return None
    header = [c.lower() for c in rows[0]]

    def column(*names: str) -> int | None:
        return next((i for i, c in enumerate(header) if i and c in names), None)

    verdict, measured = column("verdict"), column("measured", "result")
    limit, issues = column("target"), column("issue", "issues")
    found, last = [], ""
    for row in rows[1:]:
        row = row + [""] * (len(header) - len(row))
        label = row[0]
        if label.startswith("…") and ":" in last:  # "… largest": the row above's measure, another figure
            label = f"{last.split(':')[0]}: {label.lstrip('… ')}"
        elif not label.startswith("…"):
            last = label
        if verdict is None or not kind(row[verdict]):
            continue
        extra = [row[i] for i in (limit, issues) if i is not None and row[i]]
        label += f" ({'; '.join(extra)})" if extra else ""
        found.append((label, row[measured] if measured is not None else "", row[verdict].replace("**", "")))
    return found


def name(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def summary(paths: list[Path]) -> list[str]:
    lines, counts, unread = [], Counter(), 0
    for path in paths:
        found = targets(path.read_text(encoding="utf-8")) if path.is_file() else None
        if found is None:
            lines.append(f"{name(path)}: " + ("no targets table found" if path.is_file()
                                              else "missing (no report here; make bench writes it)"))
            unread += 1
            continue
        for label, measured, verdict in found:
            counts[kind(verdict)] += 1
            lines.append(f"{name(path)}: {label}: {measured} → {verdict}" if measured else f"{name(path)}: {label} → {verdict}")
    total = f"{sum(counts.values())} targets: {counts['PASS']} PASS, {counts['MISS']} MISS"
    total += f", {counts['n/a']} not measured (n/a)" if counts["n/a"] else ""
    total += f"; {unread} report{'s' if unread > 1 else ''} not read" if unread else ""
    return [*lines, total]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if any(a.startswith("-") for a in args):  # no options: -h and the like get the usage
        print(__doc__.strip())
        return 0 if set(args) & {"-h", "--help"} else 2
    paths = [Path(a) for a in args] or [ROOT / "benchmarks" / report for report in REPORTS]
    print("\n".join(summary(paths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
