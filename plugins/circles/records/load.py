"""Load stage: YAML files into records that remember the line of every key.

PyYAML reads YAML 1.1, where ``NO`` is false, ``18:30`` is 1110 and ``0123`` is
83. Here every scalar stays text (or null) and the schema does the typing. The
tree is built from libyaml's event stream rather than its composer: one pass,
no recursion (the composer crashes on deeply nested input), and aliases,
duplicate keys and depth are caught as they stream by. Files in the plain shape
most records have are read first by :mod:`circles.records.plainyaml`, to the same result,
nearly twice as fast.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from circles.problems import Problem, problem
from circles.records.plainyaml import read_plain

MAX_BYTES = 256 * 1024
MAX_DEPTH = 8
MAX_NODES = 20_000
NULLS = frozenset({"", "~", "null", "Null", "NULL"})
KINDS = ("networks", "libraries", "courses", "circles")

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
    """A file that cannot be read as a record: a catalogue code, its line and its template's values; ``also``,
    the other mistakes found in the same pass, all told at once (one pull request, not one per line)."""

    def __init__(self, line: int, code: str, also: tuple[LoadError, ...] = (), **params: object):
        super().__init__(code)
        self.line, self.code, self.params, self.also = line, code, params, also

    def problems(self, path: str) -> list[Problem]:
        return [problem(e.code, path, e.line, **e.params) for e in (self, *self.also)]


def load_file(path: Path, display: str, kind: str, raw: bytes | None = None) -> tuple[Record | None, list[Problem]]:
    """Read one record file (``raw``: its bytes, when read already); a record is returned only when the
    file could be read."""
    problems: list[Problem] = []
    if raw is None:
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
        return None, problems + exc.problems(display)
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
    if "\t" in text:
        tabbed = [number for number, line in enumerate(text.split("\n"), 1) if line.lstrip(" ").startswith("\t")]
        if tabbed:
            raise LoadError(tabbed[0], "tab-indent", also=tuple(LoadError(n, "tab-indent") for n in tabbed[1:]))
    return text


_SCALAR, _MAPPING, _SEQUENCE = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


def parse(text: str) -> tuple[dict[str, Any], dict[str, int]]:
    """Build the data of one YAML document, and the line of every key and list item."""
    # Most records are in a plain shape that is read faster without libyaml, to the same result.
    return read_plain(text) or parse_events(text)


def parse_file(path: Path, shown: str, what: str, error: type[Exception]) -> tuple[Any, Any]:
    """A YAML file of the tools' own (an import's mapping, imports.yml), with its lines for messages, read as
    records are; ``error`` (built from a list of messages) says why it cannot be, with ``shown`` and a line."""
    try:
        return parse(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise error([f"{shown}: cannot read {what} ({exc.strerror})"]) from None
    except UnicodeDecodeError:
        raise error([f"{shown}:1: {what} is not UTF-8 text — save it as UTF-8"]) from None
    except LoadError as exc:
        raise error([f"{p.path}:{p.line}: {p.message} — {p.hint}" for p in exc.problems(shown)]) from None


def parse_events(text: str) -> tuple[dict[str, Any], dict[str, int]]:
    """:func:`parse`, from libyaml's events: any YAML, and a :class:`LoadError` for what is not a record."""
    lines: dict[str, int] = {"": 1}
    try:
        root = _walk(_Parser(text).get_event, lines)  # the reader rejects control characters here already
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text) from None
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


def _walk(get_event: Any, lines: dict[str, int]) -> Any:
    """The tree of the events, checked as they stream by; one loop, as this runs for every value of every file."""
    # A frame is [container, its path, the mapping key waiting for its value, whether it is a list].
    stack: list[list] = []
    root: Any = None
    documents = nodes = 0
    while (event := get_event()) is not None:
        kind = type(event)
        if kind is _SCALAR or kind is _MAPPING or kind is _SEQUENCE:
            nodes += 1
            if nodes > MAX_NODES:
                raise LoadError(_line(event), "too-many-values")
            if kind is _SCALAR:
                value: Any = _scalar(event)
            else:
                _untagged(event, _MAP if kind is _MAPPING else _SEQ)
                value = {} if kind is _MAPPING else []
            path = ""
            if not stack:
                root = value
            else:
                frame = stack[-1]
                if frame[3]:
                    path = f"{frame[1]}[{len(frame[0])}]"
                    lines[path] = event.start_mark.line + 1
                    frame[0].append(value)
                elif frame[2] is None:
                    frame[2] = _key(event, value, frame[0], frame[1], lines)
                    continue
                else:
                    path = f"{frame[1]}.{frame[2]}" if frame[1] else frame[2]
                    frame[0][frame[2]] = value
                    frame[2] = None
            if kind is not _SCALAR:
                if len(stack) >= MAX_DEPTH:
                    raise LoadError(_line(event), "too-deep")
                stack.append([value, path, None, kind is _SEQUENCE])
        elif kind in _ENDS:
            stack.pop()
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise LoadError(_line(event), "many-documents")
        elif kind is yaml.AliasEvent:
            raise LoadError(_line(event), "alias", anchor=event.anchor)
    return root


def _key(event: Any, key: Any, mapping: dict, parent: str, lines: dict[str, int]) -> str:
    if not isinstance(key, str) or key == "":
        raise LoadError(_line(event), "bad-key")
    full = f"{parent}.{key}" if parent else key
    if key in mapping:
        # the key goes in the message, not in Problem.field: a load problem is about the whole file
        raise LoadError(_line(event), "duplicate-key", key=full, first=lines[full])
    lines[full] = _line(event)
    return key


def _untagged(event: Any, plain: str) -> None:
    """Only text, lists and mappings: a tag such as !!python/object asks for something else, on any node."""
    if event.tag not in (None, "!", plain):
        raise LoadError(_line(event), "yaml-tag", tag=event.tag)


def _scalar(event: yaml.ScalarEvent) -> str | None:
    if event.tag is not None:
        _untagged(event, _STR)
    # a plain (unquoted) null is None; style is None from the pure parser, "" from libyaml
    return None if not event.style and event.value in NULLS else event.value


def _line(event: Any) -> int:
    return event.start_mark.line + 1


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> LoadError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    mistakes = _mistakes(text)
    if mistakes and mistakes[0].line <= line:  # the parser stumbled on the first of them, or a line later
        return LoadError(mistakes[0].line, mistakes[0].code, mistakes[1:], **mistakes[0].params)
    error = (exc.problem or "").strip()
    if "mapping values are not allowed" in error:
        code = "yaml-syntax:quotes"
    elif "could not find expected ':'" in error or "expected <block end>" in error:
        code = "yaml-syntax:indentation"
    else:
        code = "yaml-syntax:line"
    return LoadError(line, code, error=error or "syntax error")


#: A field name and its colon, as records write them; quoted names too.
_FIELD = re.compile(r"""(?:"[^"]*"|'[^']*'|[^\s:#"'][^:#]*?)[ ]*:(?:\s|$)""")
#: The start of a value that may go on over the lines below, indented further: a block of text, quotes, a list.
_OPEN = re.compile(r"""[|>]|"(?:[^"\\]|\\.)*$|'[^']*$|[\[{](?!.*[\]}]\s*(#.*)?$)""")


def _mistakes(text: str) -> list[LoadError]:
    """Lines with a mistake the parser reports a line late or with a vague hint: no ':' after a field name, an
    indentation unlike the lines around, a non-breaking space pasted from a web page. Read when parsing failed."""
    # value: the indentation of the last value given on its line, and whether it may hold anything on the lines
    # below (a block of text, unclosed quotes or brackets) or only more plain words.
    found: list[LoadError] = []
    value: tuple[int, bool] | None = None
    for number, line in enumerate(text.split("\n"), 1):
        rest = line.lstrip(" ")
        indent, item = len(line) - len(rest), rest.startswith("- ") or rest.rstrip() == "-"
        body = rest[2:] if item else rest
        field = _FIELD.match(body)
        if not rest.strip() or rest.startswith(("#", "---", "...", "%")) or (
                value and indent > value[0] and (value[1] or not field)):
            continue  # nothing, or the value above goes on
        if body.startswith("\u00a0") or field and body[field.end() - 1] == "\u00a0":
            found.append(LoadError(number, "yaml-syntax:nbsp"))
        elif indent % 2 or value and indent > value[0]:
            found.append(LoadError(number, "yaml-syntax:indent"))
        elif not field and not item:
            found.append(LoadError(number, "yaml-syntax:colon", key=rest.split()[0].split(":")[0]))
        after = body[field.end():].strip() if field else body.strip() if item else ""
        value = (indent + 2 * item, bool(_OPEN.match(after))) if after and after[0] != "#" else None
    return found
