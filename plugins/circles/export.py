"""Export stage: everything written beside the HTML pages once they exist.

Each writer is a plain function of the directory, the settings and the output
folder, so it can be tested without Pelican; ``write_exports`` runs them in order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .assets import copy_assets
from .models import Directory
from .pagecache import Rebuild
from .pagefind import start_index
from .progress import Progress
from .settings import directory_settings


def write_exports(directory: Directory, settings: dict[str, Any], output: Path, progress: Progress | None = None,
                  rebuild: Rebuild | None = None) -> None:
    """Write every export; with ``rebuild`` (pagecache.py), the QR codes and calendars that did not change are kept."""
    from .calendars import write_calendars
    from .feeds import write_feeds
    from .flyers import flyer_circles, write_flyers
    from .opendata import write_opendata
    from .places import write_places
    from .search import write_search
    from .sitemap import write_sitemap

    progress = progress or Progress()
    # Pagefind indexes the pages in a process of its own while the other files are written.
    indexing = start_index(output, directory_settings(settings)["locale"])
    steps = (
        ("places", lambda: write_places(settings, output), ""),
        ("assets", lambda: copy_assets(settings, output), ""),
        ("flyers", lambda: write_flyers(directory, settings, output, rebuild), f"{len(flyer_circles(directory)):,} QR codes"),
        ("open data", lambda: write_opendata(directory, settings, output), ""),
        ("feeds", lambda: write_feeds(directory, settings, output), ""),
        ("calendars", lambda: write_calendars(directory, settings, output, rebuild), ""),
        ("search index", lambda: write_search(directory, settings, output, indexing), "waiting for Pagefind"),
        ("sitemap", lambda: write_sitemap(settings, output), ""),
    )
    for name, step, what in steps:
        with progress.stage(name, what):
            step()
