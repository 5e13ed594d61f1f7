"""The mapping file: which column of a list fills which field of a record, and how ids are made.

It is read as records are (:func:`circles.records.load.parse`: every value text, every key with
its line), so ``country: NO`` stays Norway. Every mistake is collected and reported at once, each
as ``file:line: key: what is wrong — how to fix it``. docs/importing.md explains each key.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from circles.problems import CirclesError
from circles.records.load import parse_file
from circles.records.schema import closest
from circles.tools.importing.titles import title_case

#: The fields a mapping can fill, and where each goes in a library record.
FIELDS = {"name": "name", "street": "address.street", "city": "address.city", "region": "address.region",
          "postal_code": "address.postal_code", "country": "address.country", "latitude": "latitude",
          "longitude": "longitude", "website": "website", "phone": "phone", "network": "network"}
REQUIRED = ("name", "city", "country")
KEYS = {"": ("source", "format", "encoding", "delimiter", "id", "skip", "fields"),
        "source": ("name", "url", "licence", "date", "coordinates"), "id": ("key", "from", "prefix"),
        "skip": ("column", "values", "reason"),
        "field": ("column", "value", "values", "default", "missing", "case", "pattern", "replace")}
DELIMITER_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t", "pipe": "|"}
CASES = {"title": title_case, "upper": str.upper, "lower": str.lower}
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


class MappingError(CirclesError):
    """A mapping that cannot be used: every mistake, one per line."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("the mapping needs fixing, nothing was imported:\n" + "\n".join(messages))


@dataclass(frozen=True)
class Rule:
    """How one field's value is taken from a row: a column or a fixed value, then cleaned."""

    field: str
    line: int
    column: str = ""
    value: str = ""
    values: dict[str, str] | None = None  # a lookup: the cell's text → the value written
    default: str = ""  # when the lookup has no entry for a cell
    missing: frozenset[str] = frozenset()  # cells that mean "not known", such as -1 or N/A
    case: str = ""  # title: text written all in capitals is written as a title
    pattern: re.Pattern[str] | None = None
    replace: str = ""

    def apply(self, cells: dict[str, str]) -> str:
        text = " ".join((cells.get(self.column, "") if self.column else self.value).split())
        if text in self.missing:
            return ""
        if self.values is not None:
            text = self.values.get(text, self.default)
        if self.pattern is not None:
            text = " ".join(self.pattern.sub(self.replace, text, count=1).split())
        return CASES[self.case](text) if self.case else text


@dataclass(frozen=True)
class Skip:
    column: str
    values: frozenset[str]
    reason: str
    line: int


@dataclass(frozen=True)
class Source:
    name: str
    url: str = ""
    licence: str = ""
    date: str = ""  # YYYY-MM-DD the file was fetched; empty: the day of the import
    coordinates: str = ""  # what coordinates.source says; empty: the source's name


@dataclass
class Mapping:
    path: str  # as shown in messages
    source: Source
    fields: dict[str, Rule]
    key: tuple[str, ...] = ()
    template: str = "{name}"
    prefix: str = ""
    skip: list[Skip] = field(default_factory=list)
    format: str = ""
    encoding: str = ""
    delimiter: str = ""
    lines: dict[str, int] = field(default_factory=dict)

    def columns(self) -> list[tuple[str, str]]:
        """``(column, key of the mapping that names it)`` for every column the mapping reads."""
        used = [(rule.column, f"fields.{name}") for name, rule in self.fields.items() if rule.column]
        used += [(column, "id.key") for column in self.key]
        return used + [(s.column, f"skip[{i}].column") for i, s in enumerate(self.skip)]

    def check_columns(self, columns: list[str], source: str) -> None:
        """Every column named is in the file; else a MappingError naming each, with the closest column."""
        messages = []
        for column, key in self.columns():
            if column not in columns:
                near = closest(column, columns) or next((c for c in columns if c.lower() == column.lower()), "")
                hint = f"did you mean '{near}'?" if near else "the file's columns are: " + ", ".join(columns)
                line = self.lines.get(f"{key}.column") or self.lines.get(key, 1)
                messages.append(f"{self.path}:{line}: {key}: {source} has no column '{column}' — {hint}")
        if messages:
            raise MappingError(messages)


def read_mapping(path: Path, shown: str | None = None) -> Mapping:
    """The mapping in ``path``, or a MappingError listing every mistake."""
    shown = shown or path.as_posix()
    data, lines = parse_file(path, shown, "the mapping", MappingError)
    return _Reader(shown, lines).mapping(data)


class _Reader:
    """Reads a parsed mapping, collecting a message for every mistake."""

    def __init__(self, shown: str, lines: dict[str, int]):
        self.shown, self.lines, self.messages = shown, lines, []

    def error(self, key: str, message: str) -> None:
        line = self.lines.get(key) or self.lines.get(key.rpartition(".")[0], 1)
        self.messages.append(f"{self.shown}:{line}: {key or 'mapping'}: {message}")

    def section(self, data: Any, key: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        """``data`` as a mapping of known keys; an unknown key is reported with the closest known one."""
        if not isinstance(data, dict):
            self.error(key, f"should be a mapping of {', '.join(allowed)}")
            return {}
        for name in data:
            if name not in allowed:
                near = closest(name, list(allowed))
                hint = f"did you mean '{near}'?" if near else f"the keys here are {', '.join(allowed)}"
                self.error(f"{key}.{name}" if key else name, f"not a key of a mapping — {hint}")
        return data

    def text(self, data: dict[str, Any], key: str, name: str, required: bool = False) -> str:
        value = data.get(name)
        if value is None or value == "":
            if required:
                self.error(f"{key}.{name}" if key else name, "is required")
            return ""
        if not isinstance(value, str):
            self.error(f"{key}.{name}" if key else name, "should be one value, not a list or a mapping")
            return ""
        return value

    def mapping(self, data: dict[str, Any]) -> Mapping:
        top = self.section(data, "", KEYS[""])
        if top.get("source") is None:
            self.error("source", "is required: the data set's `name:`, and its `url:` and `licence:` when known")
        source = self.source(self.section(top.get("source") or {}, "source", KEYS["source"]), top.get("source") is not None)
        fields = self.fields(top.get("fields"))
        key, template, prefix = self.id_rule(top.get("id"), fields)
        skip = [self.skip(item, f"skip[{i}]") for i, item in enumerate(self.items(top, "skip"))]
        mapping = Mapping(self.shown, source, fields, key, template, prefix, [s for s in skip if s],
                          self.choice(top, "format", ("csv", "geojson")), self.encoding(top), self.delimiter(top),
                          self.lines)
        if self.messages:
            raise MappingError(self.messages)
        return mapping

    def source(self, data: dict[str, Any], given: bool) -> Source:
        url, date = self.text(data, "source", "url"), self.text(data, "source", "date")
        if url and not url.startswith("https://"):
            self.error("source.url", f"'{url}' should be a web address starting with https://")
        if date:
            try:
                dt.date.fromisoformat(date)
            except ValueError:
                self.error("source.date", f"'{date}' is not a date — write YYYY-MM-DD, e.g. 2026-11-22")
        return Source(self.text(data, "source", "name", required=given), url,
                      self.text(data, "source", "licence"), date, self.text(data, "source", "coordinates"))

    def fields(self, data: Any) -> dict[str, Rule]:
        rules = {}
        for name, spec in self.section(data, "fields", tuple(FIELDS)).items():
            if name in FIELDS:
                rules[name] = self.rule(name, spec)
        for name in REQUIRED:
            if name not in rules and isinstance(data, dict):
                self.error(f"fields.{name}", "is required: the column that holds it, or `value:` for one value for every row")
        if isinstance(data, dict) and ("latitude" in rules) != ("longitude" in rules):
            self.error("fields.latitude" if "latitude" in rules else "fields.longitude", "latitude and longitude go together: name both columns")
        return rules

    def rule(self, name: str, spec: Any) -> Rule:
        key = f"fields.{name}"
        line = self.lines.get(key, 1)
        if isinstance(spec, str) and spec:
            return Rule(name, line, column=spec)
        data = self.section(spec, key, KEYS["field"])
        column, value = self.text(data, key, "column"), self.text(data, key, "value")
        if bool(column) == bool(value):
            self.error(key, "give either `column:` (the column that holds it) or `value:` (one value for every row)")
        values = data.get("values")
        if values is not None and not (isinstance(values, dict) and all(isinstance(v, str | None) for v in values.values())):
            self.error(f"{key}.values", "should be a mapping of what the file says to what the record says, e.g. {IL0098: chicago-public-library}")
            values = None
        missing = data.get("missing") or []
        if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
            self.error(f"{key}.missing", "should be a list of values that mean 'not known', e.g. [-1, N/A]")
            missing = []
        case = self.choice(data, "case", tuple(CASES), key)
        pattern, replace = self.pattern(data, key)
        return Rule(name, line, column, value, {k: v or "" for k, v in values.items()} if values else None,
                    self.text(data, key, "default"), frozenset(missing), case, pattern, replace)

    def pattern(self, data: dict[str, Any], key: str) -> tuple[re.Pattern[str] | None, str]:
        text, replace = self.text(data, key, "pattern"), self.text(data, key, "replace")
        if not text:
            if replace:
                self.error(f"{key}.replace", "goes with `pattern:`, the text it replaces")
            return None, ""
        try:
            pattern = re.compile(text)
        except re.error as exc:
            self.error(f"{key}.pattern", f"not a regular expression ({exc}) — write it in single quotes")
            return None, ""
        for number, name in re.findall(r"\\(\d+)|\\g<([^>]*)>", replace):
            if (number and int(number) > pattern.groups) or (name and not name.isdigit() and name not in pattern.groupindex) \
                    or (name.isdigit() and int(name) > pattern.groups):
                self.error(f"{key}.replace", f"refers to a group the pattern does not have ({number or name})")
        return pattern, replace

    def id_rule(self, data: Any, fields: dict[str, Rule]) -> tuple[tuple[str, ...], str, str]:
        spec = self.section(data, "id", KEYS["id"]) if data is not None else {}
        key = spec.get("key") or []
        key = [key] if isinstance(key, str) else key
        if not isinstance(key, list) or not all(isinstance(k, str) and k for k in key):
            self.error("id.key", "should be the column, or a list of columns, that identify a row in the source")
            key = []
        template = self.text(spec, "id", "from") or "{name}"
        for name in re.findall(r"\{([^}]*)\}", template):
            if name not in fields:
                self.error("id.from", f"'{{{name}}}' is not a field the mapping fills — use {', '.join(f'{{{f}}}' for f in fields)}")
        prefix = self.text(spec, "id", "prefix")
        if prefix and not SLUG.fullmatch(prefix):
            self.error("id.prefix", f"'{prefix}' should be lowercase letters, digits and hyphens, e.g. tpl")
        return tuple(key), template, prefix

    def items(self, top: dict[str, Any], key: str) -> list[Any]:
        value = top.get(key) or []
        if not isinstance(value, list):
            self.error(key, "should be a list: each item starts with '- '")
            return []
        return value

    def skip(self, item: Any, key: str) -> Skip | None:
        data = self.section(item, key, KEYS["skip"])
        values = data.get("values")
        values = [values] if isinstance(values, str) else values
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            self.error(f"{key}.values", "should list the values that make a row skipped, e.g. [BS, BM]")
            values = []
        column, reason = self.text(data, key, "column", required=True), self.text(data, key, "reason", required=True)
        return Skip(column, frozenset(values), reason, self.lines.get(key, 1)) if column and reason and values else None

    def choice(self, data: dict[str, Any], name: str, options: tuple[str, ...], parent: str = "") -> str:
        value = self.text(data, parent, name)
        if value and value not in options:
            self.error(f"{parent}.{name}" if parent else name, f"'{value}' is not one of {', '.join(options)}")
            return ""
        return value

    def encoding(self, top: dict[str, Any]) -> str:
        value = self.text(top, "", "encoding")
        try:
            return codecs.lookup(value).name if value else ""
        except LookupError:
            self.error("encoding", f"'{value}' is not an encoding — try utf-8, cp1252 or latin-1, or leave it out to detect it")
            return ""

    def delimiter(self, top: dict[str, Any]) -> str:
        value = self.text(top, "", "delimiter")
        value = DELIMITER_NAMES.get(value.lower(), value)
        if len(value) > 1:
            self.error("delimiter", f"'{value}' should be one character, or comma, semicolon, tab or pipe")
            return ""
        return value
