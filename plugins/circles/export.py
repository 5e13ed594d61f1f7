"""Export stage: everything written beside the HTML pages once they exist.

Each writer is a plain function of the directory, the settings and the output
folder, so it can be tested without Pelican; ``write_exports`` runs them in order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .assets import copy_assets
from .models import Directory


def write_exports(directory: Directory, settings: dict[str, Any], output: Path) -> None:
    from .calendars import write_calendars
    from .feeds import write_feeds
    from .flyers import write_flyers
    from .opendata import write_opendata
    from .places import write_places
    from .search import write_search

    write_search(directory, settings, output)
    write_places(settings, output)
    copy_assets(settings, output)
    write_flyers(directory, settings, output)
    write_opendata(directory, settings, output)
    write_feeds(directory, settings, output)
    write_calendars(directory, settings, output)
