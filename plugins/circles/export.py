"""Export stage: everything written beside the HTML pages once they exist.

Each writer is a plain function of the directory, the settings and the output
folder, so it can be tested without Pelican; ``write_exports`` runs them in order, a large
directory's open data in a process of its own beside the others.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import parallel
from .assets import copy_assets
from .models import Directory
from .pagecache import Rebuild
from .pagefind import Bundle, Kept, pagefind_version, start_index
from .progress import Progress
from .settings import directory_settings


def write_exports(directory: Directory, settings: dict[str, Any], output: Path, bundles: list[Bundle],
                  progress: Progress | None = None, rebuild: Rebuild | None = None) -> None:
    """Write every export, and index ``bundles`` for search; with ``rebuild`` (pagecache.py), the
    QR codes, calendars and search bundles that did not change are kept."""
    from .calendars import write_calendars
    from .feeds import write_feeds
    from .flyers import flyer_circles, write_flyers
    from .opendata import write_opendata
    from .places import write_places
    from .search import write_search
    from .sitemap import write_sitemap

    progress = progress or Progress()
    # Pagefind indexes the pages in a process of its own while the other files are written.
    kept = Kept(rebuild.folder / "search.pickle", (rebuild.stamp, pagefind_version()), rebuild.load) if rebuild else None
    indexing = start_index(output, directory_settings(settings)["locale"], bundles, kept)
    steps = [
        ("places", lambda: write_places(settings, output), ""),
        ("assets", lambda: copy_assets(settings, output), ""),
        ("flyers", lambda: write_flyers(directory, settings, output, rebuild), f"{len(flyer_circles(directory)):,} QR codes"),
        ("calendars", lambda: write_calendars(directory, settings, output, rebuild), ""),
        ("feeds", lambda: write_feeds(directory, settings, output), ""),
    ]
    aside = [("open data", lambda: write_opendata(directory, settings, output), "")]
    large = len(directory.circles) >= parallel.PARALLEL_FROM
    beside = parallel.Beside(lambda: run_steps(aside, Progress(silent=True))) if large else None
    try:
        run_steps(steps if beside else steps + aside, progress)
        if beside:
            progress.add(beside.wait())
    finally:
        if beside:
            beside.stop()
    run_steps([("search index", lambda: write_search(directory, output, indexing), f"{len(bundles)} bundles"),
               ("sitemap", lambda: write_sitemap(settings, output), "")], progress)


def run_steps(steps: list[tuple[str, Callable[[], object], str]], progress: Progress) -> list:
    """Run the steps in order, each timed as a stage; the stages' timings."""
    for name, step, what in steps:
        with progress.stage(name, what):
            step()
    return progress.stages
