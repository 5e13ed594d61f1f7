"""Writing record YAML: the one set of rules for how a value is written into a record file.

``circles new`` (tools/draft.py) and ``circles geocode --write`` (tools/yamledit.py) write
with these functions. The browser form writes records too, so theme/static/js/contribute.js
holds the same rules in JavaScript (``yamlString``, ``yamlScalar``, ``yamlField``): change
both together. tests/records/test_yamlwriter.py runs both on the same tricky strings,
expects the same bytes, and reads each back with PyYAML.

A string is written plain only where no YAML reader, 1.1 or 1.2, could take it for anything
but that text: ``NO``, ``on``, ``18:30``, ``0123``, ``1e3`` and ``2027-01-12`` are quoted,
and so are values holding ``": "`` or ``" #"`` or starting with anything but a letter or a
digit. Lines of text go in a literal block, long prose in a folded one; anything else is
double-quoted, with every invisible character escaped so that a reviewer sees it. Invisible
is what ``str.isprintable()`` refuses: Unicode's control, format, separator and unassigned
characters, the space aside.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
import unicodedata

#: Words some YAML reader takes for a boolean or null, whatever their case.
KEYWORDS = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"})
#: Digits, then only what numbers, times and timestamps are made of (hex digits, _:.,+- TtZz, x and o).
NUMBER_LIKE = re.compile(r"[0-9][0-9a-fA-F_:.,+\- TtZzXxOo]*")
#: Characters that end or split a plain scalar inside ``[a, b]`` (PyYAML stops at ``?`` too).
FLOW_INDICATORS = re.compile(r"[,?\[\]{}:#]")
#: Canonical numbers and dates of typed fields, written plain (``schedule.weeks: 6``); booleans are true or false.
INTEGER = re.compile(r"0|[1-9][0-9]*")
NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Prose longer than this is folded, in lines of at most WIDTH characters, so that a diff shows what changed.
FOLD_AFTER, WIDTH = 80, 88


def plain(text: str, flow: bool = False) -> bool:
    """Whether ``text`` reads back as itself, as text, when written unquoted."""
    return (unicodedata.category(text[:1] or " ")[0] in "LN" and not text.endswith((" ", ":"))
            and text.isprintable() and ": " not in text and " #" not in text
            and text.lower() not in KEYWORDS and not NUMBER_LIKE.fullmatch(text)
            and not (flow and FLOW_INDICATORS.search(text)))


def literal(text: str) -> bool:
    """Lines of text a literal block keeps exactly as written (Markdown lists, paragraphs)."""
    return ("\n" in text and text[0] not in " \n" and text[-1] not in " \n"
            and text.replace("\n", "").isprintable())


def scalar(text: str, type_: str = "string", *, flow: bool = False, indent: str = "") -> str:
    """``text`` as a YAML scalar for a field of the schema's ``type_``.

    A canonical integer, number, boolean or date is plain; a string is plain when safe, a literal
    block (``|-``, its lines indented under ``indent``) for lines of text, else double-quoted.
    """
    if canonical(text, type_) or plain(text, flow):
        return text
    if not flow and literal(text):
        return "|-" + "".join(f"\n{indent}  {line}" if line else "\n" for line in text.split("\n"))
    return quoted(text)


def quoted(text: str) -> str:
    """Double-quoted: JSON's escapes are YAML's; invisible characters are escaped too."""
    return "".join(c if c.isprintable() else _escape(c) for c in json.dumps(text, ensure_ascii=False))


def _escape(char: str) -> str:
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"


def canonical(text: str, type_: str) -> bool:
    """A value of an integer, number, boolean or date field that every reader takes as one."""
    if type_ == "integer":
        return bool(INTEGER.fullmatch(text))
    if type_ == "number":
        return bool(NUMBER.fullmatch(text))
    if type_ == "boolean":
        return text in ("true", "false")
    if type_ == "date" and DATE.fullmatch(text):
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return False
        return True
    return False


def field(name: str, value: str | list[str], type_: str = "string", item_type: str | None = "string",
          indent: str = "") -> list[str]:
    """The lines of ``name: value``, indented by ``indent``: a list in flow style (``[a, b]``),
    long prose folded (``>-``), anything else one scalar."""
    if isinstance(value, list):
        items = ", ".join(scalar(item, item_type or "string", flow=True) for item in value)
        return [f"{indent}{name}: [{items}]"]
    if not canonical(value, type_) and foldable(value):
        return [f"{indent}{name}: >-", *(f"{indent}  {line}" for line in wrap(value))]
    return f"{indent}{name}: {scalar(value, type_, indent=indent)}".split("\n")


def foldable(text: str) -> bool:
    """Long prose a folded block gives back exactly: one line, single spaces, nothing invisible."""
    return len(text) > FOLD_AFTER and text.isprintable() and text == " ".join(text.split())


def wrap(text: str) -> list[str]:
    """Lines of at most WIDTH characters, broken at spaces only; a longer word stands alone."""
    return textwrap.wrap(text, WIDTH, break_long_words=False, break_on_hyphens=False)
