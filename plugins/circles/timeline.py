"""Export stage: everything written beside the HTML pages once they exist.

Each writer is a plain function of the directory, the settings and the output
folder, so it can be tested without Pelican; ``write_exports`` runs them in order, while a large
directory's open data is written in a process of its own (``start_aside``), and the offline
gazetteer, when the cache has none, is made in another from the start of the build (``start_gazetteer``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from circles import processes
from circles.directory.models import Directory
from circles.exports.assets import copy_assets
from circles.exports.pagefind import Bundle, Indexing, Kept, pagefind_version, start_index
from circles.incremental.pagecache import Rebuild
from circles.progress import Progress
from circles.settings import directory_settings


def start_search(settings: dict[str, Any], output: Path, bundles: list[Bundle], rebuild: Rebuild | None = None,
                 page_keys: dict[str, bytes] | None = None) -> Indexing:
    """Start Pagefind on ``bundles``, whose pages are written, in a process of its own while the
    build goes on; with ``rebuild`` (pagecache.py), only the bundles whose pages changed, found by
    ``page_keys``, the pages' own keys."""
    kept = (Kept(rebuild.folder / "search.pickle", (rebuild.stamp, pagefind_version()), rebuild.load, rebuild.folder / "search")
            if rebuild else None)
    return start_index(output, directory_settings(settings)["locale"], bundles, kept, page_keys)


def start_gazetteer(settings: dict[str, Any]) -> processes.Beside | None:
    """The offline gazetteer's files take seconds and 300 MB to make, once per cache (places.py): when the
    cache has none, they are made in a process of their own, started before the records are read, so
    that it is small and the build's other CPU, idle while they are read, makes them. None otherwise."""
    from circles.exports.nearme import cached_places, places_folder

    if (places_folder(settings) / "index.json").is_file():
        return None
    return processes.Beside(lambda: cached_places(settings) and None)


def start_aside(directory: Directory, settings: dict[str, Any], output: Path,
                rebuild: Rebuild | None = None) -> processes.Beside | None:
    """Open data needs no page: a large directory's is started at once, in a process of its own beside
    the pages (:func:`write_exports` waits for it); None for a small one."""
    if len(directory.circles) < processes.PARALLEL_FROM:
        return None
    return processes.Beside(lambda: run_steps(aside_steps(directory, settings, output, rebuild), Progress(silent=True)))


def aside_steps(directory: Directory, settings: dict[str, Any], output: Path,
                rebuild: Rebuild | None = None) -> list[tuple[str, Callable[[], object], str]]:
    from circles.exports.datafiles import write_opendata

    return [("open data", lambda: write_opendata(directory, settings, output, rebuild), "")]


def write_exports(directory: Directory, settings: dict[str, Any], output: Path, indexing: Indexing,
                  aside: processes.Beside | None = None, progress: Progress | None = None,
                  rebuild: Rebuild | None = None, gazetteer: processes.Beside | None = None) -> None:
    """Write every export, and wait for ``indexing`` (:func:`start_search`) to finish the search index,
    for ``aside`` (:func:`start_aside`) to finish its files, or write them here when there is no
    ``aside``, and for ``gazetteer`` (:func:`start_gazetteer`) before copying its files; with ``rebuild``
    (pagecache.py), the QR codes, calendars and feeds that did not change are kept."""
    from circles.exports.calendars import write_calendars
    from circles.exports.feeds import write_feeds
    from circles.exports.flyers import flyer_circles, write_flyers
    from circles.exports.nearme import write_places
    from circles.exports.search import write_search
    from circles.exports.sitemap import write_sitemap

    def places() -> None:  # the gazetteer's files, once the process making them (if any) is done
        if gazetteer:
            gazetteer.wait()
        write_places(settings, output, rebuild)

    progress = progress or Progress()
    steps = [
        ("assets", lambda: copy_assets(settings, output), ""),
        ("flyers", lambda: write_flyers(directory, settings, output, rebuild), f"{len(flyer_circles(directory)):,} QR codes"),
        ("calendars", lambda: write_calendars(directory, settings, output, rebuild), ""),
        ("feeds", lambda: write_feeds(directory, settings, output, rebuild), ""),
        ("places", places, ""),
    ]
    try:
        try:
            run_steps(steps if aside else steps + aside_steps(directory, settings, output, rebuild), progress)
            if aside:
                progress.add(aside.wait())
        finally:
            for worker in (aside, gazetteer):
                if worker:
                    worker.stop()
        run_steps([("search index", lambda: write_search(directory, output, indexing), f"{len(indexing.bundles)} bundles"),
                   ("sitemap", lambda: write_sitemap(settings, output), "")], progress)
    finally:
        indexing.stop()  # nothing to stop once it finished; ended early when a step failed


def run_steps(steps: list[tuple[str, Callable[[], object], str]], progress: Progress) -> list:
    """Run the steps in order, each timed as a stage; the stages' timings."""
    for name, step, what in steps:
        with progress.stage(name, what):
            step()
    return progress.stages
