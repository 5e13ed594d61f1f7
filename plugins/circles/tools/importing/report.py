"""What ``circles import`` says: every row written, skipped or not written twice, with its line and
why, every record whose row has gone, then the counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from circles.tools.importing.libraries import Report
from circles.tools.importing.rows import Note

#: How the summary names each reason a row is skipped; a mapping's own skip rules name theirs.
REASONS = {"no-name": "no name", "no-address": "no address", "no-place": "no coordinates and no known town",
           "same-key": "the same id as an earlier row", "no-key": "no id", "invalid": "not a valid record",
           "not-updated": "could not be updated"}


def reason(note: Note) -> str:
    """The reason a skipped row is counted under: a skip rule's own words, or the code's."""
    return note.message.rsplit(" (", 1)[0] if note.code == "skipped" else REASONS.get(note.code, note.code)


def _named(note: Note) -> str:
    return f" — {note.name}" if note.name else ""


def report_lines(report: Report) -> list[str]:
    """The report as lines of text, problems last so that they are next to the counts."""
    would = "would be " if report.dry_run else ""
    source = report.source
    lines = [f"Read {source}: {report.read}."]
    lines += [f"{n.path}: {would}added from line {n.line}{_named(n)}" for n in report.added]
    lines += [f"{n.path}: {would}updated from line {n.line}: {n.message}" for n in report.updated]
    lines += [f"{source}:{n.line}: note: {n.message}{_named(n)}" for n in report.notes]
    lines += [f"{path}: cannot be read, so it was not compared — run `circles validate {path}`" for path in report.unreadable]
    lines += [f"{source}:{n.line}: not written: {n.message}{_named(n)}" for n in report.duplicates]
    lines += [f"{source}:{n.line}: skipped: {n.message}{_named(n)}" for n in report.skipped]
    lines += [f"{n.path}: {n.message}{_named(n)}" for n in report.vanished]
    lines.append(summary(report))
    if report.dry_run:
        lines.append("Dry run: nothing was written. Run again without --dry-run to write these changes.")
    return lines


def summary(report: Report) -> str:
    reasons = Counter(reason(n) for n in report.skipped)
    skipped = f"{len(report.skipped)} skipped" + (
        " (" + ", ".join(f"{count} {why}" for why, count in sorted(reasons.items(), key=lambda r: (-r[1], r[0]))) + ")"
        if reasons else "")
    vanished = Counter(n.code for n in report.vanished)
    parts = [f"{len(report.added)} added", f"{len(report.updated)} updated", f"{report.unchanged} unchanged", skipped,
             f"{len(report.duplicates)} near-duplicates of listed libraries not written",
             f"{vanished['vanished']} no longer in the file"]
    if vanished["now-skipped"]:
        parts.append(f"{vanished['now-skipped']} listed but now skipped")
    return "Summary: " + ", ".join(parts) + "."


def import_command(settings: dict[str, Any], file: Path, mapping: Path, dry_run: bool,
                   content: Path | None = None, out: Callable[[str], None] = print) -> int:
    """``circles import libraries FILE --mapping MAPPING.yml [--dry-run]``."""
    from circles.directory.geocoding import GeoCache
    from circles.settings import content_root, geocoding_settings
    from circles.tools.importing.libraries import import_libraries

    root = content or content_root(settings)
    cache = Path(geocoding_settings(settings)["cache"])
    report = import_libraries(file, mapping, root, dry_run=dry_run,
                              cache=GeoCache(cache if cache.is_absolute() else root / cache))
    for line in report_lines(report):
        out(line)
    return 0
