"""Load stage: YAML files into records that remember the line of every key.

PyYAML reads YAML 1.1, where ``NO`` is false, ``18:30`` is 1110 and ``0123`` is
83. Here every scalar stays text (or null) and the schema does the typing. The
tree is built from libyaml's event stream rather than its composer: one pass,
no recursion (the composer crashes on deeply nested input), and aliases,
duplicate keys and depth are caught as they stream by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import ERROR, WARNING, Problem

MAX_BYTES = 256 * 1024
MAX_DEPTH = 8
MAX_NODES = 20_000
NULLS = frozenset({"", "~", "null", "Null", "NULL"})
KINDS = ("networks", "libraries", "circles")

try:  # the C parser is ten times faster; the pure one gives the same events
    _Parser = yaml.CParser
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)


@dataclass
class Record:
    """One YAML file: its kind (folder), id (file name) and nested data."""

    kind: str
    id: str
    path: str
    data: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)

    def line(self, key: str) -> int:
        """The line of a YAML path such as ``schedule.skip[1]``, or of its nearest parent."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition("[")[0] if key.endswith("]") else key.rpartition(".")[0]
        return self.lines.get("", 1)


class LoadError(Exception):
    def __init__(self, line: int, code: str, message: str, hint: str = ""):
        super().__init__(message)
        self.line, self.code, self.message, self.hint = line, code, message, hint


def load_file(path: Path, display: str, kind: str) -> tuple[Record | None, list[Problem]]:
    """Read one record file; a record is returned only when the file could be read."""
    problems: list[Problem] = []

    def problem(line: int, code: str, message: str, hint: str = "", severity: str = ERROR) -> None:
        problems.append(Problem(display, line, "", code, message, hint, severity))

    try:
        raw = path.read_bytes()
    except OSError as exc:
        problem(1, "unreadable", f"cannot read the file ({exc.strerror})", "check the file exists and is readable")
        return None, problems
    try:
        text = _decode(raw)
        if raw.startswith(b"\xef\xbb\xbf"):
            problem(1, "byte-order-mark", "the file starts with a byte-order mark (BOM)",
                    "save it as UTF-8 without BOM; it was read anyway", WARNING)
        data, lines = parse(text)
    except LoadError as exc:
        problem(exc.line, exc.code, exc.message, exc.hint)
        return None, problems
    return Record(kind, path.stem, display, data, lines), problems


def _decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise LoadError(1, "too-large", f"the file is {len(raw) // 1024} KiB, over the {MAX_BYTES // 1024} KiB limit",
                        "a record is a few dozen lines; split or shorten it")
    if b"\x00" in raw:
        raise LoadError(raw[: raw.index(b"\x00")].count(b"\n") + 1, "binary", "the file is not text (it holds NUL bytes)",
                        "upload the YAML text file, not a document or image")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadError(line, "not-utf8", "the file is not valid UTF-8",
                        "save it as UTF-8 (in most editors: Save as… → Encoding: UTF-8)") from None
    tab = re.search(r"^[ ]*\t", text, re.MULTILINE)
    if tab:
        raise LoadError(text.count("\n", 0, tab.start()) + 1, "tab-indent", "the line is indented with a tab",
                        "indent with spaces only (two per level)")
    return text


@dataclass
class _Frame:
    container: dict | list
    path: str
    key: str | None = None  # a mapping's key waiting for its value


def parse(text: str) -> tuple[dict[str, Any], dict[str, int]]:
    """Build the data of one YAML document, and the line of every key and list item."""
    lines: dict[str, int] = {"": 1}
    stack: list[_Frame] = []
    root: Any = None
    documents = nodes = 0
    parser = _Parser(text)
    try:
        while (event := parser.get_event()) is not None:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise LoadError(_line(event), "many-documents", "the file holds more than one YAML document",
                                    "keep one record per file and remove the '---' line")
            elif isinstance(event, yaml.AliasEvent):
                raise LoadError(_line(event), "alias", f"aliases (*{event.anchor}) are not allowed in records",
                                "write the value out in full")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
            elif isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                nodes += 1
                if nodes > MAX_NODES:
                    raise LoadError(_line(event), "too-many-values", "the file holds too many values",
                                    "a record is a few dozen lines")
                root = _add(event, stack, lines, root)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc) from None
    except yaml.YAMLError as exc:
        raise LoadError(1, "yaml-syntax", f"the file is not valid YAML ({exc})", "check the indentation and colons") from None
    if root is None:
        raise LoadError(1, "empty", "the file is empty", "fill in the fields; see CONTRIBUTING.md for an example")
    if not isinstance(root, dict):
        raise LoadError(1, "not-a-mapping", "the file must be a list of 'field: value' lines",
                        "start each line with a field name, e.g. 'title: Python for beginners'")
    return root, lines


def _add(event: Any, stack: list[_Frame], lines: dict[str, int], root: Any) -> Any:
    """Place one node in the tree; return the (possibly new) root."""
    if isinstance(event, yaml.ScalarEvent):
        value: Any = _scalar(event)
    else:
        value = {} if isinstance(event, yaml.MappingStartEvent) else []
    path = ""
    if not stack:
        root = value
    else:
        frame = stack[-1]
        if isinstance(frame.container, list):
            path = f"{frame.path}[{len(frame.container)}]"
            lines[path] = _line(event)
            frame.container.append(value)
        elif frame.key is None:
            frame.key = _key(event, value, frame, lines)
            return root
        else:
            path = f"{frame.path}.{frame.key}" if frame.path else frame.key
            frame.container[frame.key] = value
            frame.key = None
    if isinstance(value, (dict, list)):
        if len(stack) >= MAX_DEPTH:
            raise LoadError(_line(event), "too-deep", "values are nested too deeply",
                            "records use at most one level of nesting (address, course, schedule)")
        stack.append(_Frame(value, path))
    return root


def _key(event: Any, key: Any, frame: _Frame, lines: dict[str, int]) -> str:
    if not isinstance(key, str) or key == "":
        raise LoadError(_line(event), "bad-key", "a field name must be plain text",
                        "write 'name: value' with the name in lowercase letters")
    full = f"{frame.path}.{key}" if frame.path else key
    if key in frame.container:
        raise LoadError(_line(event), "duplicate-key", f"'{full}' is given twice (first on line {lines[full]})",
                        "keep one of them and delete the other")
    lines[full] = _line(event)
    return key


def _scalar(event: yaml.ScalarEvent) -> str | None:
    if event.tag not in (None, "!", "tag:yaml.org,2002:str"):
        raise LoadError(_line(event), "yaml-tag", f"YAML tags such as {event.tag} are not allowed in records",
                        "remove the tag; write the value as plain text")
    plain = event.style is None
    return None if plain and event.value in NULLS else event.value


def _line(event: Any) -> int:
    return event.start_mark.line + 1


def _syntax_error(exc: yaml.MarkedYAMLError) -> LoadError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    problem = (exc.problem or "").strip()
    if "mapping values are not allowed" in problem:
        hint = "put quotes around a value that contains ': ', e.g. title: \"Python: the basics\""
    elif "could not find expected ':'" in problem or "expected <block end>" in problem:
        hint = "check the indentation: nested fields are indented by two spaces under their parent"
    else:
        hint = "check quotes, colons and indentation on this line and the one before"
    return LoadError(line, "yaml-syntax", f"the file is not valid YAML: {problem or 'syntax error'}", hint)
