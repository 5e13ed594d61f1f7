"""The libraries listed already, and which of them an imported row is, or is nearly.

A row is the record an earlier import wrote when that record's ``provenance`` names the same
source and id. Otherwise it is probably a library listed already when it has the same name and
postal code as one, or stands within 50 m of one: such a row is reported, not written twice.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from circles.directory.geography import compact, fold
from circles.records.load import LoadError, parse
from circles.records.validate import display_path
from circles.tools.importing.sources import number
from circles.tools.importing.yamltext import flat

#: Two libraries closer than this are probably one (issue 20): a building's entrances and a
#: geocoder's guesses differ by tens of metres; separate branches are hundreds of metres apart.
NEAR_METRES = 50.0
_EARTH_METRES = 6_371_008.8
#: Grid cells of this many degrees of latitude (about 111 m), so that a neighbour within 50 m is in
#: the cell or the next one.
_CELL = 0.001


@dataclass
class Listed:
    """A library record as found in content/libraries/."""

    id: str
    path: Path
    shown: str
    text: str
    values: dict[str, Any]  # by YAML path, as written (text)

    @property
    def provenance(self) -> tuple[str, str]:
        return (self.values.get("provenance.source") or "", self.values.get("provenance.id") or "")


def read_listed(folder: Path) -> tuple[dict[str, Listed], list[str]]:
    """Every readable library record in ``folder`` by id, and the files that could not be read."""
    listed, unreadable = {}, []
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        shown = display_path(path)
        try:
            text = path.read_bytes().decode("utf-8-sig")
            data, _ = parse(text)
        except (OSError, UnicodeDecodeError, LoadError):
            unreadable.append(shown)
            continue
        listed[path.stem] = Listed(path.stem, path, shown, text, flat(data))
    return listed, unreadable


def point_of(values: dict[str, Any]) -> tuple[float, float] | None:
    lat, lon = (number(str(values.get(k) or "")) for k in ("latitude", "longitude"))
    return (lat, lon) if lat is not None and lon is not None else None


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance (haversine) between two (latitude, longitude) points."""
    lat1, lat2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 2 * _EARTH_METRES * math.asin(min(1.0, math.sqrt(h)))


def name_key(name: str, postal_code: str) -> tuple[str, str] | None:
    """Name and postal code as compared: case, accents, spaces and punctuation aside."""
    key = (compact(fold(name)), compact(fold(postal_code)))
    return key if all(key) else None


class Nearby:
    """Libraries by name and postal code, and by where they are, for finding near-duplicates."""

    def __init__(self) -> None:
        self.named: dict[tuple[str, str], str] = {}
        self.cells: dict[tuple[int, int], list[tuple[tuple[float, float], str]]] = defaultdict(list)

    def add(self, label: str, values: dict[str, Any]) -> None:
        key = name_key(values.get("name") or "", values.get("address.postal_code") or "")
        if key:
            self.named.setdefault(key, label)
        point = point_of(values)
        if point:
            self.cells[self._cell(point)].append((point, label))

    @staticmethod
    def _cell(point: tuple[float, float]) -> tuple[int, int]:
        return (math.floor(point[0] / _CELL), math.floor(point[1] / _CELL))

    def find(self, values: dict[str, Any]) -> tuple[str, str] | None:
        """``(label, why)`` of a library this one nearly is (why: ``12 m from``), or None."""
        key = name_key(values.get("name") or "", values.get("address.postal_code") or "")
        if key and key in self.named:
            return self.named[key], "the same name and postal code as"
        point = point_of(values)
        if point is None:
            return None
        # A degree of longitude shrinks towards the poles: look further east and west there.
        reach = math.ceil(1 / max(math.cos(math.radians(point[0])), 0.01))
        row, col = self._cell(point)
        best = None
        for i in (row - 1, row, row + 1):
            for j in range(col - reach, col + reach + 1):
                for other, label in self.cells.get((i, j), ()):
                    distance = metres(point, other)
                    if distance <= NEAR_METRES and (best is None or distance < best[0]):
                        best = (distance, label)
        return (best[1], f"{best[0]:.0f} m from") if best else None
