"""Reading a list to import: CSV in whatever encoding and delimiter it was saved with, or GeoJSON.

Every row remembers the line it starts on, so that a coordinator can find a skipped row in the
file. Cells are text, exactly as written (ZIP codes keep their leading zeros); the mapping decides
what they mean.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from circles.problems import CirclesError

#: Delimiters a spreadsheet program writes: comma, semicolon (where the comma is the decimal
#: mark), tab and pipe.
DELIMITERS = (",", ";", "\t", "|")
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


class SourceError(CirclesError):
    """A file that cannot be read as a list of rows."""


@dataclass
class Row:
    line: int  # where the row starts in the file (for GeoJSON: where its feature starts)
    cells: dict[str, str]
    point: tuple[float, float] | None = None  # (latitude, longitude) of a GeoJSON Point


@dataclass
class Table:
    path: Path
    format: str  # csv or geojson
    encoding: str
    delimiter: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def describe(self) -> str:
        """``CSV, cp1252, semicolon-separated, 12 columns``: what was detected, for the report."""
        parts = [self.format.upper() if self.format == "csv" else "GeoJSON", self.encoding]
        if self.delimiter:
            parts.append(f"{_NAMES.get(self.delimiter, repr(self.delimiter))}-separated")
        return ", ".join([*parts, f"{len(self.columns)} columns", f"{len(self.rows)} rows"])


def read_table(path: Path, format: str = "", encoding: str = "", delimiter: str = "") -> Table:
    """The rows of ``path``; the format from its extension unless given, the encoding and the
    delimiter detected unless given."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the file ({exc.strerror})") from None
    format = format or ("geojson" if path.suffix.lower() in (".geojson", ".json") else "csv")
    text, encoding = decode(raw, encoding, path)
    if format == "geojson":
        return read_geojson(path, text, encoding)
    return read_csv(path, text, encoding, delimiter or detect_delimiter(text))


def decode(raw: bytes, encoding: str, path: Path) -> tuple[str, str]:
    """The text and the name of its encoding.

    A byte-order mark says it (UTF-8 or UTF-16, as Excel's "CSV UTF-8" and "Unicode text" write);
    else UTF-8 if the bytes are valid UTF-8, which text in another encoding with any accent almost
    never is; else Windows-1252, what Excel and most US and Western European government files use
    (the IMLS files among them), which is Latin-1 with printable characters in 0x80–0x9F; else
    Latin-1, which reads any byte. A file in yet another encoding needs ``encoding:`` in the mapping.
    """
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except LookupError:
            raise SourceError(f"{path}: '{encoding}' is not an encoding Python knows (try utf-8, cp1252, latin-1)") from None
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise SourceError(f"{path}:{line}: this line is not valid {encoding} — check `encoding:` in the mapping, "
                              "or leave it out to have the encoding detected") from None
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return raw.decode(name, errors="replace"), "utf-8 with BOM" if name == "utf-8-sig" else "utf-16"
    for name in ("utf-8", "cp1252"):
        try:
            return raw.decode(name), name
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


def _outside_quotes(line: str) -> str:
    return re.sub(r'"[^"]*"', "", line)


def detect_delimiter(text: str) -> str:
    """The delimiter of the header line: the candidate it holds most often (outside quotes), comma on a tie.

    csv.Sniffer looks at whole lines and is easily fooled by commas inside addresses; a header
    names columns, and column names rarely hold the other delimiters.
    """
    header = _outside_quotes(text.lstrip("\ufeff").split("\n", 1)[0])
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first of equals: the comma
    return best if counts[best] else ","


def read_csv(path: Path, text: str, encoding: str, delimiter: str) -> Table:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    table = Table(path, "csv", encoding, delimiter)
    try:
        header = next(reader, [])
        table.columns = _column_names(path, header)
        end = reader.line_num
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue  # a blank line
            values = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(table.columns) if name}
            table.rows.append(Row(start, values))
    except csv.Error as exc:
        raise SourceError(f"{path}:{reader.line_num}: not readable as CSV ({exc})") from None
    return table


def _column_names(path: Path, header: list[str]) -> list[str]:
    names = [name.strip() for name in header]
    if not any(names):
        raise SourceError(f"{path}:1: the first line should name the columns, and it is empty")
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise SourceError(f"{path}:1: the column '{name}' is named twice — rename one of them in the file")
        seen.add(name)
    return names


def read_geojson(path: Path, text: str, encoding: str) -> Table:
    """A FeatureCollection: each feature's properties are its cells, its Point its coordinates."""
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise SourceError(f"{path}: not a GeoJSON FeatureCollection (no list of \"features\")")
    lines = _feature_lines(text, len(features))
    table = Table(path, "geojson", encoding)
    columns: dict[str, None] = {}
    for number, feature in enumerate(features):
        if not isinstance(feature, dict):
            continue
        properties = feature.get("properties") or {}
        cells = {str(k): _cell(v) for k, v in properties.items()} if isinstance(properties, dict) else {}
        columns.update(dict.fromkeys(cells))
        table.rows.append(Row(lines[number], cells, _point(feature.get("geometry"))))
    table.columns = list(columns)
    return table


def _feature_lines(text: str, count: int) -> list[int]:
    """The line of each feature's ``"type": "Feature"``; when they cannot be told apart, the feature's number."""
    found = [m.start() for m in re.finditer(r'"type"\s*:\s*"Feature"', text)]
    if len(found) != count:
        return list(range(1, count + 1))
    lines, line, last = [], 1, 0
    for at in found:
        line += text.count("\n", last, at)
        last = at
        lines.append(line)
    return lines


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _point(geometry: object) -> tuple[float, float] | None:
    """(latitude, longitude) of a Point, its coordinates numbers or numbers written as text."""
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return None
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        return None
    longitude, latitude = (number(_cell(c)) for c in coordinates[:2])
    return (latitude, longitude) if latitude is not None and longitude is not None else None


def number(text: str) -> float | None:
    """A decimal number as lists write them: ``43.65``, ``43,65`` (a decimal comma), `` 43.65 ``."""
    text = text.strip().replace("\u2212", "-")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
