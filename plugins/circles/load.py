"""Load stage: YAML files into records that remember the line of every key.

PyYAML reads YAML 1.1, where ``NO`` is false, ``18:30`` is 1110 and ``0123`` is
83. Here every scalar stays text (or null) and the schema does the typing. The
tree is built from libyaml's event stream rather than its composer: one pass,
no recursion (the composer crashes on deeply nested input), and aliases,
duplicate keys and depth are caught as they stream by.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem, problem

MAX_BYTES = 256 * 1024
MAX_DEPTH = 8
MAX_NODES = 20_000
NULLS = frozenset({"", "~", "null", "Null", "NULL"})
KINDS = ("networks", "libraries", "circles")

try:  # the C parser is ten times faster; the pure one gives the same events
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML without libyaml
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
    """A file that cannot be read as a record: a catalogue code, its line and its template's values."""

    def __init__(self, line: int, code: str, **params: object):
        super().__init__(code)
        self.line, self.code, self.params = line, code, params


def load_file(path: Path, display: str, kind: str) -> tuple[Record | None, list[Problem]]:
    """Read one record file; a record is returned only when the file could be read."""
    problems: list[Problem] = []
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [problem("unreadable", display, 1, reason=exc.strerror)]
    try:
        text = _decode(raw)
        if raw.startswith(b"\xef\xbb\xbf"):
            problems.append(problem("byte-order-mark", display, 1))
        data, lines = parse(text)
    except LoadError as exc:
        problems.append(problem(exc.code, display, exc.line, **exc.params))
        return None, problems
    return Record(kind, path.stem, display, data, lines), problems


def _decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise LoadError(1, "too-large", size=len(raw) // 1024, limit=MAX_BYTES // 1024)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # saved as "Unicode": text, but not UTF-8
        raise LoadError(1, "not-utf8")
    if b"\x00" in raw:
        raise LoadError(raw[: raw.index(b"\x00")].count(b"\n") + 1, "binary")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadError(line, "not-utf8") from None
    tab = re.search(r"^[ ]*\t", text, re.MULTILINE)
    if tab:
        raise LoadError(text.count("\n", 0, tab.start()) + 1, "tab-indent")
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
    try:
        parser = _Parser(text)  # the reader rejects control characters here already
        while (event := parser.get_event()) is not None:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise LoadError(_line(event), "many-documents")
            elif isinstance(event, yaml.AliasEvent):
                raise LoadError(_line(event), "alias", anchor=event.anchor)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
            elif isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                nodes += 1
                if nodes > MAX_NODES:
                    raise LoadError(_line(event), "too-many-values")
                root = _add(event, stack, lines, root)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise LoadError(line, "control-character", character=f"U+{exc.character:04X}"
                        if isinstance(exc.character, int) else repr(exc.character)) from None
    except yaml.YAMLError as exc:
        raise LoadError(1, "yaml-syntax", error=str(exc)) from None
    if root is None:
        raise LoadError(1, "empty")
    if not isinstance(root, dict):
        raise LoadError(1, "not-a-mapping")
    return root, lines


def _add(event: Any, stack: list[_Frame], lines: dict[str, int], root: Any) -> Any:
    """Place one node in the tree; return the (possibly new) root."""
    if isinstance(event, yaml.ScalarEvent):
        value: Any = _scalar(event)
    else:
        mapping = isinstance(event, yaml.MappingStartEvent)
        _untagged(event, "tag:yaml.org,2002:map" if mapping else "tag:yaml.org,2002:seq")
        value = {} if mapping else []
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
            raise LoadError(_line(event), "too-deep")
        stack.append(_Frame(value, path))
    return root


def _key(event: Any, key: Any, frame: _Frame, lines: dict[str, int]) -> str:
    if not isinstance(key, str) or key == "":
        raise LoadError(_line(event), "bad-key")
    full = f"{frame.path}.{key}" if frame.path else key
    if key in frame.container:
        # the key goes in the message, not in Problem.field: a load problem is about the whole file
        raise LoadError(_line(event), "duplicate-key", key=full, first=lines[full])
    lines[full] = _line(event)
    return key


def _untagged(event: Any, plain: str) -> None:
    """Only text, lists and mappings: a tag such as !!python/object asks for something else, on any node."""
    if event.tag not in (None, "!", plain):
        raise LoadError(_line(event), "yaml-tag", tag=event.tag)


def _scalar(event: yaml.ScalarEvent) -> str | None:
    _untagged(event, "tag:yaml.org,2002:str")
    plain = not event.style  # None from the pure parser, "" from libyaml
    return None if plain and event.value in NULLS else event.value


def _line(event: Any) -> int:
    return event.start_mark.line + 1


def _syntax_error(exc: yaml.MarkedYAMLError) -> LoadError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    error = (exc.problem or "").strip()
    if "mapping values are not allowed" in error:
        code = "yaml-syntax:quotes"
    elif "could not find expected ':'" in error or "expected <block end>" in error:
        code = "yaml-syntax:indentation"
    else:
        code = "yaml-syntax:line"
    return LoadError(line, code, error=error or "syntax error")
