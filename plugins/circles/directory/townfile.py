"""The gazetteer of ``geography.py`` as a SQLite file, for the lookups a build makes without loading it.

Loading the gazetteer takes 4.7 s of CPU and 400 MB in the process that asks (235,000 towns and 1.2
million other names), and a build asked in its main process, for ``places/towns.json``, at its peak of
memory (benchmarks/README.md, "Issue 24"). The file is written once per cache, beside the offline
gazetteer's chunks (``exports/nearme.py``), and each lookup is then one indexed query.
:func:`named` answers as ``geography._named`` does: the same towns in the same order, so that
``find_town(..., named=file.named)`` finds the same town (tests/directory/test_townfile.py).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from circles.directory.geography import Town, fold, gazetteer_towns

#: ``seq`` is the town's place in GeoNames' order, which breaks ties as the gazetteer's lists do.
SCHEMA = """
CREATE TABLE town (seq INTEGER PRIMARY KEY, country TEXT, folded TEXT, name TEXT, admin1 TEXT,
                   latitude REAL, longitude REAL, population INTEGER, timezone TEXT);
CREATE TABLE other (country TEXT, folded TEXT, seq INTEGER);
"""
INDEXES = """
CREATE INDEX town_name ON town (country, folded);
CREATE INDEX other_name ON other (country, folded);
"""
_COLUMNS = "town.name, town.country, town.admin1, town.latitude, town.longitude, town.population, town.timezone"


def write_towns(path: Path) -> Path:
    """Write the gazetteer into ``path``: made aside and renamed, so that no reader sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=".making-", suffix=".sqlite", dir=path.parent)
    os.close(handle)
    try:
        with sqlite3.connect(scratch) as db:
            db.executescript(SCHEMA)
            towns, others = [], []
            for seq, (town, other_names) in enumerate(gazetteer_towns()):
                towns.append((seq, town.country, fold(town.name), town.name, town.admin1, town.latitude,
                              town.longitude, town.population, town.timezone))
                others += [(town.country, name, seq) for name in sorted({fold(n) for n in other_names})]
            db.executemany("INSERT INTO town VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", towns)
            db.executemany("INSERT INTO other VALUES (?, ?, ?)", others)
            db.executescript(INDEXES)
        db.close()
        os.chmod(scratch, 0o644)  # mkstemp's 0600 would hide it from a build run by another user
        os.replace(scratch, path)
    finally:
        Path(scratch).unlink(missing_ok=True)
    return path


class TownFile:
    """The gazetteer's file, open for reading; :meth:`named` is a ``geography.Named``."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def named(self, wanted: str, country: str) -> list[Town]:
        """The country's towns of that folded name, or else of that other name, in GeoNames' order."""
        found = self.db.execute(f"SELECT {_COLUMNS} FROM town WHERE country = ? AND folded = ? ORDER BY seq",
                                (country, wanted)).fetchall()
        if not found:
            found = self.db.execute(f"SELECT {_COLUMNS} FROM other JOIN town USING (seq) "
                                    "WHERE other.country = ? AND other.folded = ? ORDER BY town.seq",
                                    (country, wanted)).fetchall()
        return [Town(*row) for row in found]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> TownFile:
        return self

    def __exit__(self, *_) -> None:
        self.close()
