"""The plain shape most record files have, read without libyaml; anything else is left to it.

A record file is nearly always ``key: value`` lines, one level of nested mappings, lists
written ``[a, b]`` or as ``- item`` lines, quoted text on one line and ``>-`` paragraphs.
:func:`read_plain` reads exactly that to the same data and lines as :func:`circles.records.load.parse`,
and gives up (returns None) at the first thing outside it: load then reads the file with
libyaml, which also finds and words every mistake. So this module never reports a problem,
and when in doubt it gives up. tests/records/test_plainyaml.py holds it to libyaml on the project's
records, the adversarial corpus and thousands of mutations of them.

One regular expression splits every line into its parts (indentation, ``- `` or key, value,
comment), so Python only walks the structure: nearly twice as fast as walking libyaml's events.
"""

from __future__ import annotations

import re
from sys import intern
from typing import Any

NULLS = frozenset({"~", "null", "Null", "NULL"})  # circles.records.load.NULLS but "": an empty value is told apart
_MAX_DEPTH = 3  # the record, a nested mapping, a list in it
_MAX_LINES = 4_000  # keys and items: well below circles.records.load.MAX_NODES values, which load reports

# Anything but line feeds, printable ASCII and the printable BMP characters that are not line breaks
# (U+2028, U+2029) or a byte-order mark: tabs, CR, NEL, controls and astral characters go to libyaml.
_UNUSUAL = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]")
#: YAML's indicators: a plain scalar starting with one means something else (a minus before a digit aside).
_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
_FIRST = r"(?:[^" + re.escape(_INDICATORS) + r" \n]|-[0-9.])"
_LINE = re.compile(
    r"^( *)(?:(?:(?:(-) +|(?!(?:null|Null|NULL):)([A-Za-z_][A-Za-z0-9_-]{0,127}):(?: +|(?=$)))"  # "- " or "key:"
    rf"(?:({_FIRST}(?:[^\n]*[^ \n])?)"  # a plain scalar, with any comment after it (see _plain),
    r'|("(?:[^"\\\n]|\\["\\])*")'  # "double-quoted", escaping only \" and \\,
    r"|('(?:[^'\n]|'')*')"  # 'single-quoted',
    r"""|(\[[^\[\]{}#:'"\n]*\])"""  # [a flow, list] of plain words,
    r"|([>|]-?)(?= *$))?)?"  # or a paragraph's header
    r" *(?:(?<![^ \n])#[^\n]*)?$"  # then maybe a comment
    r"|([^\n]*)$)",  # or anything else
    re.MULTILINE,
)
_ITEM = re.compile(_FIRST + r"[^\n]*")
_ESCAPE = re.compile(r'\\(["\\])')
_PARAGRAPH = {">": (" ", "\n"), ">-": (" ", ""), "|": ("\n", "\n"), "|-": ("\n", "")}  # joiner, ending


class _GiveUp(Exception):
    """The text is not in the plain shape."""


def read_plain(text: str) -> tuple[dict[str, Any], dict[str, int]] | None:
    """The data and lines of a record in the plain shape, as :func:`circles.records.load.parse` makes them; else None."""
    if _UNUSUAL.search(text):
        return None
    try:
        return _Reader(text).read()
    except _GiveUp:
        return None


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.lines: dict[str, int] = {"": 1}
        self.root: dict[str, Any] = {}
        self.frame: tuple[int, dict, str] = (0, self.root, "")  # the open mapping: indent, mapping, path prefix
        self.outer: list[tuple[int, dict, str]] = []  # the mappings it is in
        self.pending: tuple | None = None  # (mapping, key, path) of a key written without a value, so far
        self.items: tuple | None = None  # (indent, list, path) of an open list of "- item" lines

    def read(self) -> tuple[dict[str, Any], dict[str, int]]:
        rows = _LINE.findall(self.text)
        if len(rows) != self.text.count("\n") + 1:
            raise _GiveUp
        lines, turning, skip = self.lines, False, 0
        indent_now, mapping, prefix = self.frame
        # The loop every line goes through: a key and its value in the open mapping. Anything else
        # (a nested mapping, a list, a mapping ending) is a turn, taken by _turn.
        for number, (spaces, dash, key, plain, double, single, flow, header, other) in enumerate(rows, 1):
            if number <= skip or not (key or dash or other):  # a paragraph's line, a blank line or a comment
                continue
            if other:
                raise _GiveUp
            if turning or dash or len(spaces) != indent_now:
                if self._turn(len(spaces), dash, plain, double, single, number):
                    continue
                indent_now, mapping, prefix = self.frame
                turning = self.items is not None
            if key in mapping:
                raise _GiveUp
            # the same few keys in every file: one string each, which pickling (to and from a worker
            # process, or the cache) then writes once
            key = intern(key)
            path = intern(prefix + key)
            lines[path] = number
            if plain or double or single:
                mapping[key] = _scalar(plain, double, single)
            elif flow:
                mapping[key] = value = _flow(flow)
                for i in range(len(value)):
                    lines[intern(f"{path}[{i}]")] = number
            elif header:
                mapping[key], skip = self._paragraph(header, indent_now, number)
            else:
                self.pending, turning = (mapping, key, path), True
        if self.pending:
            self._turn(-1, "", "", "", "", 0)
        if not self.root or len(lines) > _MAX_LINES:
            raise _GiveUp
        return self.root, lines

    def _turn(self, indent: int, dash: str, plain: str, double: str, single: str, number: int) -> bool:
        """A line that opens or closes a mapping or a list; True when it was a list item, taken here."""
        if self.pending:
            self._open(indent, bool(dash))
        if self.items:
            items_indent, items, path = self.items
            if dash and indent == items_indent:
                self.lines[intern(f"{path}[{len(items)}]")] = number
                items.append(_scalar(plain, double, single))
                return True
            if indent > items_indent:
                raise _GiveUp
            self.items = None
        if dash:
            raise _GiveUp
        while indent < self.frame[0] and self.outer:
            self.frame = self.outer.pop()
        if indent != self.frame[0] and number:
            raise _GiveUp
        return False

    def _open(self, indent: int, dash: bool) -> None:
        """The value of the key waiting: null, or the nested mapping or list that this line starts."""
        mapping, key, path = self.pending
        self.pending = None
        if indent <= self.frame[0]:
            mapping[key] = None
            return
        if len(self.outer) + 1 >= _MAX_DEPTH:
            raise _GiveUp
        mapping[key] = [] if dash else {}
        if dash:
            self.items = (indent, mapping[key], path)
        else:
            self.outer.append(self.frame)
            self.frame = (indent, mapping[key], path + ".")

    def _paragraph(self, header: str, parent: int, number: int) -> tuple[str, int]:
        """A ``>-`` (``>``, ``|``, ``|-``) paragraph: lines at one indentation; its text and its last line."""
        joiner, ending = _PARAGRAPH[header]
        rows = self.text.split("\n")
        if rows[-1] == "":  # the text ends in a line break: no line after it
            rows.pop()
        parts: list[str] = []
        indent = -1
        while number < len(rows):
            line = rows[number]
            body = line.lstrip(" ")
            if not line:  # a blank line: fine after the paragraph, not inside it
                after = next((row for row in rows[number:] if row), "")
                if parts and len(after) - len(after.lstrip(" ")) < indent:
                    break
                raise _GiveUp
            here = len(line) - len(body)
            if parts and here < indent:
                break
            if indent < 0:
                indent = here
            if here != indent or here <= parent or not body or body.endswith(" "):
                raise _GiveUp
            parts.append(body)
            number += 1
        if not parts or (number == len(rows) and not self.text.endswith("\n")):
            raise _GiveUp
        return joiner.join(parts) + ending, number


def _scalar(plain: str, double: str, single: str) -> str | None:
    if plain:
        if "#" in plain or ":" in plain:
            plain = _plain(plain)
        return None if plain in NULLS else plain
    if double:
        return _ESCAPE.sub(r"\1", double[1:-1]) if "\\" in double else double[1:-1]
    if single:
        return single[1:-1].replace("''", "'")
    raise _GiveUp  # "- " alone, or a list, a mapping or a paragraph as a list item


def _plain(text: str) -> str:
    """A plain scalar without the comment after it; one with ": " in it is a mistake that libyaml words."""
    comment = text.find(" #")
    if comment >= 0:
        text = text[:comment].rstrip(" ")
    if ": " in text or text.endswith(":"):
        raise _GiveUp
    return text


def _flow(text: str) -> list[str | None]:
    """The items of ``[a, b]``, each a plain word (the expression let no quote, bracket, colon or # in)."""
    inside = text[1:-1]
    if not inside.strip(" "):
        return []
    values: list[str | None] = []
    for item in inside.split(","):
        item = item.strip(" ")
        if not _ITEM.fullmatch(item):
            raise _GiveUp
        values.append(None if item in NULLS else item)
    return values
