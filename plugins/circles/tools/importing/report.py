"""What ``circles import`` says: every row (record of another directory, event of a calendar) written,
skipped or not written twice, with its line and why, every record whose source has gone, then the counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from circles.tools.importing.drafts import Report as CalendarReport
from circles.tools.importing.federation import Report as DirectoryReport
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


def directory_lines(report: DirectoryReport) -> list[str]:
    """What ``circles import directory`` did, record by record, then the counts."""
    would = "would be " if report.dry_run else ""
    read = ", ".join(f"{count} {kind}" for kind, count in report.read.items())
    licence = f", licence {report.licence}" if report.licence else ", which names no licence"
    lines = [f"Read {report.location}: {report.source}{licence}; {read}. New ids start with {report.prefix}-."]
    lines += [f"{e.path}: {would}added{_named(e)}" for e in report.added]
    lines += [f"{e.path}: {would}updated: {e.message}{_named(e)}" for e in report.updated]
    lines += [f"{e.path}: edited here since the last import, so not updated; {report.source} now differs in "
              f"{e.message} — to take its version, delete the file and import again{_named(e)}" for e in report.edited]
    lines += [f"note: {note}" for note in report.notes]
    lines += [f"{e.kind} {e.id}: skipped: {e.message}{_named(e)}" for e in report.skipped]
    lines += [f"{e.path}: no longer listed by {report.source} (its id there: {e.id}): left as it is — delete the "
              f"file if it has been withdrawn{_named(e)}" for e in report.withdrawn]
    kept = f" ({report.kept} of them edited here)" if report.kept else ""
    lines.append(f"Summary: {len(report.added)} added, {len(report.updated)} updated, "
                 f"{report.unchanged + report.kept} unchanged{kept}, {len(report.edited)} edited here and not updated, "
                 f"{report.past} past or cancelled circles not imported, {len(report.skipped)} skipped, "
                 f"{len(report.withdrawn)} no longer at the source.")
    if report.dry_run:
        lines.append("Dry run: nothing was written. Run again without --dry-run to write these changes.")
    return lines


def directory_command(settings: dict[str, Any], location: str, *, prefix: str = "", name: str = "",
                      dry_run: bool = False, content: Path | None = None, max_size: float = 64.0,
                      timeout: float = 60.0, out: Callable[[str], None] = print) -> int:
    """``circles import directory PATH-OR-URL [--prefix P] [--name N] [--dry-run]``."""
    from circles.directory.geocoding import GeoCache
    from circles.settings import build_date, content_root, geocoding_settings
    from circles.tools.importing.federation import import_directory
    from circles.tools.importing.fetch import Limits

    root = content or content_root(settings)
    geocoding = geocoding_settings(settings)
    cache = Path(geocoding["cache"])
    limits = Limits(max_bytes=int(max_size * 1_000_000), seconds=timeout, user_agent=geocoding["user_agent"])
    report = import_directory(location, root, prefix=prefix, name=name, dry_run=dry_run, limits=limits,
                              today=build_date(settings), cache=GeoCache(cache if cache.is_absolute() else root / cache))
    for line in directory_lines(report):
        out(line)
    return 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def calendar_lines(report: CalendarReport) -> list[str]:
    """What ``circles import calendar`` did, draft by draft, every event it left out and why, then the counts."""
    would = "would be " if report.dry_run else ""
    lines = [f"Read {report.location}: {report.source}, {report.events} events. Drafts are circles at {report.library}."]
    lines += [f"{e.path}: {would}added as a draft{_named(e)}" for e in report.added]
    lines += [f"{e.path}: {would}updated: {e.message}{_named(e)}" for e in report.updated]
    lines += [f"{e.path}: edited here since the last import, so not updated; the calendar now differs in "
              f"{e.message} — to take its version, delete the file and import again{_named(e)}" for e in report.edited]
    lines += [f"note: {note}" for note in report.notes]
    lines += [f"left out: {e.title} ({e.when}): {e.reason}" for e in report.left_out]
    lines += [f"skipped: {e.name or e.id}: {e.message}" for e in report.skipped]
    lines += [f"{e.path}: no longer in {report.source} (its UID there: {e.id}): left as it is — delete the file "
              f"if the series was withdrawn{_named(e)}" for e in report.gone]
    kept = f" ({report.kept} of them edited here)" if report.kept else ""
    lines.append(f"Summary: {_count(len(report.added), 'draft')} added, {len(report.updated)} updated, "
                 f"{report.unchanged + report.kept} unchanged{kept}, {len(report.edited)} edited here and not updated, "
                 f"{_count(len(report.left_out), 'event')} left out, {report.past} series ended and not imported, "
                 f"{len(report.skipped)} skipped, {len(report.gone)} no longer in the calendar.")
    if report.added or report.updated:
        lines.append("The site does not show a draft: `circles validate` lists what each still needs; once a librarian "
                     "has checked it, delete its line `draft: true`.")
    if report.dry_run:
        lines.append("Dry run: nothing was written. Run again without --dry-run to write these changes.")
    return lines


def calendar_command(settings: dict[str, Any], location: str, library: str, *, name: str = "", language: str = "",
                     dry_run: bool = False, content: Path | None = None, max_size: float = 16.0,
                     timeout: float = 60.0, out: Callable[[str], None] = print) -> int:
    """``circles import calendar FILE-OR-URL --library ID [--name N] [--language L] [--dry-run]``."""
    from circles.directory.geocoding import GeoCache
    from circles.settings import build_date, content_root, geocoding_settings
    from circles.tools.importing.drafts import import_calendar
    from circles.tools.importing.fetch import Limits

    root = content or content_root(settings)
    geocoding = geocoding_settings(settings)
    cache = Path(geocoding["cache"])
    limits = Limits(max_bytes=int(max_size * 1_000_000), seconds=timeout, user_agent=geocoding["user_agent"])
    report = import_calendar(location, root, library, name=name, language=language, dry_run=dry_run, limits=limits,
                             today=build_date(settings), cache=GeoCache(cache if cache.is_absolute() else root / cache))
    for line in calendar_lines(report):
        out(line)
    return 0
