"""Export stage: the map's third-party files and its settings, written into the theme's output folder.

Leaflet and Leaflet.markercluster come from their xstatic packages at build time, so the
repository holds no copy of them and upgrading is a matter of pinning a new package.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from circles.settings import map_settings


def vendor_files() -> dict[str, Path]:
    """Each file the maps need, by its path under the theme's ``vendor/`` folder."""
    # Imported here so that only builds, not the `circles` command-line tools, need the packages.
    from xstatic.pkg import leaflet, leaflet_markercluster

    leaflet_dir, cluster_dir = Path(leaflet.BASE_DIR), Path(leaflet_markercluster.BASE_DIR)
    files = {f"leaflet/{name}": leaflet_dir / name for name in ("leaflet.js", "leaflet.css")}
    # leaflet.css finds the marker icons and layer buttons in images/ beside it.
    files.update({f"leaflet/images/{p.name}": p for p in sorted((leaflet_dir / "images").glob("*.png"))})
    files.update({f"markercluster/{name}": cluster_dir / name
                  for name in ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css")})
    return files


def map_settings_json(settings: dict[str, Any]) -> str:
    """The MAP settings map.js reads, as JSON: a file rather than an inline script, which the CSP forbids."""
    options = map_settings(settings)
    wanted = {key: options[key] for key in ("tiles", "attribution", "max_zoom")}
    return json.dumps(wanted, ensure_ascii=True, indent=2, sort_keys=True) + "\n"


def copy_assets(settings: dict[str, Any], output: Path) -> None:
    """Copy Leaflet and MarkerCluster into ``<output>/<THEME_STATIC_DIR>/vendor/`` and write
    ``map-settings.json`` beside them; the same packages and settings give the same bytes."""
    theme = Path(output) / settings.get("THEME_STATIC_DIR", "theme")
    for name, source in vendor_files().items():
        target = theme / "vendor" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        # Contents only: a copied modification time would be the package's, not the build's.
        shutil.copyfile(source, target)
    (theme / "map-settings.json").write_text(map_settings_json(settings), encoding="utf-8", newline="\n")
