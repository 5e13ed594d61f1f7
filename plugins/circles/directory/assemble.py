"""Phase one of a build, shared by Pelican and the command line: load → validate → enrich."""

from __future__ import annotations

import logging
import sys
from typing import Any

from circles.collector import collector_paused
from circles.directory.geocoding import GeoCache
from circles.directory.models import Directory
from circles.i18n import Texts
from circles.problems import InvalidRecords, errors, listed, summary_line, text_line
from circles.progress import Progress
from circles.records.validate import Dataset, records_cache, validate_tree
from circles.settings import build_date, build_moment, cache_path, content_root, directory_settings

log = logging.getLogger(__name__)


def assemble_directory(settings: dict[str, Any], progress: Progress | None = None) -> Directory:
    """Validated, enriched records for the build date; :class:`InvalidRecords` when any record is wrong."""
    options = directory_settings(settings)
    cache = GeoCache(cache_path(settings))
    progress = progress or Progress()
    with progress.stage("validate") as note:
        data = validate_tree(content_root(settings), cache=cache, today=build_date(settings),
                             file_cache=records_cache(settings))
        note["what"] = f"{sum(len(r) for r in data.records.values()):,} records"
    if errors(data.problems):
        failure = InvalidRecords(data.problems)
        # Plain lines, not a log record: Pelican's logger would wrap file:line messages.
        print(failure.report, file=sys.stderr)
        raise failure
    one_by_one, summarised = listed(data.problems, "summary")  # warnings only: the build goes on
    for problem in one_by_one:
        log.warning("%s", text_line(problem, level=False))
    for found in summarised:
        log.warning("%s", summary_line(found))
    leave_out_drafts(data)
    from circles.directory.enrich import enrich

    with progress.stage("enrich"), collector_paused():
        directory = enrich(data, build_date(settings), Texts(options["locale"]), cache, options["archive_after_months"],
                           options["library_pages"], build_moment(settings))
    directory.rows = data.rows  # kept for the open data, which publishes the records as written
    return directory


def leave_out_drafts(data: Dataset) -> None:
    """Circles marked ``provenance.draft`` are not published: validation warns of each with what is left to
    do, and a librarian deletes the mark once it is done (issue 20, docs/importing.md)."""
    for circle_id in [i for i, row in data.rows["circles"].items() if row.get("provenance_draft")]:
        del data.rows["circles"][circle_id], data.records["circles"][circle_id]
