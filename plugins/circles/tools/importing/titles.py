"""Titles from text written all in capitals, as some lists (IMLS's among them) write every name."""

from __future__ import annotations

import re

#: Words a title keeps in capitals: compass points, Roman numerals.
_UPPER = frozenset({"N", "S", "E", "W", "NE", "NW", "SE", "SW", "II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII"})
#: Words a title writes in small letters, but at its start.
_SMALL = frozenset({"of", "the", "and", "at", "in", "on", "for", "by", "to", "de", "del", "du"})
_ORDINAL = re.compile(r"\d+(st|nd|rd|th)", re.IGNORECASE)


def title_case(text: str) -> str:
    """``ANCHOR POINT PUBLIC LIBRARY`` → ``Anchor Point Public Library``; text with small letters stays.

    Lists such as IMLS's write everything in capitals; a directory reads better in titles. Compass
    points (NW), Roman numerals (III), initials (P.O.), ordinals (2nd) and O'Neill are kept right.
    """
    if any(c.islower() for c in text):
        return text
    return " ".join(_title_word(word, first=i == 0) for i, word in enumerate(text.split(" ")))


def _title_word(word: str, first: bool) -> str:
    bare = word.strip(".,;:()\"")
    if bare in _UPPER or re.fullmatch(r"([A-Z]\.){2,}", word.strip(",;:()\"")) or not any(c.isalpha() for c in word):
        return word
    if word[:1].isdigit():
        return word.lower() if _ORDINAL.fullmatch(bare) else word
    if not first and word.lower() in _SMALL:
        return word.lower()
    parts = re.split(r"([-/])", word)
    return "".join(_capitalize(p) for p in parts)


def _capitalize(part: str) -> str:
    if len(part) > 2 and part[1] == "'" and part[0].isalpha():  # O'NEILL, D'ARCY
        return part[0].upper() + "'" + part[2:].capitalize()
    return part[:1].upper() + part[1:].lower() if part else part
