"""``circles courses``: the courses written out in circles, moved into files of content/courses/.

Before issue 22 every circle wrote its course out under ``course:``; the same course was typed a
little differently in every circle. This command finds those circles, gives each course one file
(circles whose course has the same link share it, and a file already listing that link is used),
and replaces each circle's ``course:`` block by ``course: <id>``, changing no other byte. Without
``--write`` it only says what it would do.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from circles.problems import CirclesError, errors, format_text
from circles.records.crosschecks import link_key
from circles.records.load import parse
from circles.records.rules import LICENCE_WORDS, spdx_licences
from circles.records.validate import Dataset, validate_tree
from circles.records.yamlwriter import field as yaml_field
from circles.settings import content_root


@dataclass
class Move:
    """One course: the file it gets (or has), and the circles that will name it."""

    id: str
    exists: bool
    rows: list[dict[str, Any]] = field(default_factory=list)  # the circles' rows, in id order

    def text(self) -> str:
        """The new file: what the circles say of the course, the most common spelling of each field."""
        def most(column: str) -> str:
            values = Counter(row[column] for row in self.rows if row.get(column))
            return max(sorted(values), key=values.__getitem__) if values else ""

        licence = most("course_licence")
        if licence not in spdx_licences() and licence not in LICENCE_WORDS:
            licence = "unknown"  # free text ("CC BY 4.0", "free to use") is for a librarian to turn into SPDX
        topics = set.intersection(*(set(row["topics"]) for row in self.rows)) or set(self.rows[0]["topics"])
        lines = ["# Moved out of the circles that take it by `circles courses`; check it and add a description."]
        for name, value in (("title", most("course_title")), ("provider", most("course_provider")),
                            ("url", most("course_url")), ("language", most("course_language") or most("language")),
                            ("licence", licence), ("topics", sorted(topics))):
            if value:
                lines += yaml_field(name, value)
        return "\n".join(lines) + "\n"


def plan(data: Dataset) -> tuple[dict[str, Move], list[str]]:
    """Each course to move, by link (by title when it has none), and what is left as it is, and why."""
    moves: dict[str, Move] = {}
    taken = set(data.rows["courses"])
    for course_id, row in sorted(data.rows["courses"].items()):
        if row.get("url"):
            moves.setdefault(link_key(row["url"]), Move(course_id, True))
    left = []
    for circle_id, row in sorted(data.rows["circles"].items()):
        if row.get("course") or not row.get("course_title"):
            continue
        if not row.get("course_provider"):
            left.append(f"{data.records['circles'][circle_id].path}: its course has no provider — add 'provider:' "
                        "under 'course:' and run this again")
            continue
        key = link_key(row.get("course_url")) or "title:" + row["course_title"].casefold()
        if key not in moves:
            moves[key] = Move(new_id(row["course_title"], taken), False)
            taken.add(moves[key].id)
        moves[key].rows.append(row)
    return {key: move for key, move in moves.items() if move.rows}, left


def new_id(title: str, taken: set[str]) -> str:
    """A file name from the course's title: ``Python Essentials 1`` → ``python-essentials-1``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = "-".join(re.findall(r"[a-z0-9]+", ascii_title.lower()))[:60].strip("-") or "course"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def named(text: str, course_id: str) -> str:
    """A circle's text with its ``course:`` block replaced by ``course: <id>``; nothing else changes."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    before, keys = parse(text)
    start = keys["course"] - 1
    end = start + 1
    while end < len(lines) and (lines[end][:1] in (" ", "\t") or not lines[end].strip() and end + 1 < len(lines)
                                and lines[end + 1][:1] == " "):
        end += 1
    lines[start:end] = [f"course: {course_id}"]
    result = newline.join(lines)
    after, _ = parse(result)
    if {**before, "course": course_id} != after:  # pragma: no cover - would be a bug in this module
        raise CirclesError(f"moving the course would change other fields of a circle; nothing written for {course_id}")
    return result


def courses_command(settings: dict[str, Any], write: bool, out: Callable[[str], None] = print) -> int:
    root = content_root(settings)
    data = validate_tree(root)
    if errors(data.problems):
        out(format_text(errors(data.problems)))
        out("circles courses: fix these errors first; then nothing is moved on a guess")
        return 1
    moves, left = plan(data)
    for line in left:
        out(line)
    if not moves:
        out("No circle writes out a course that could have a file of its own.")
        return 0
    folder = root / "courses"
    for move in sorted(moves.values(), key=lambda m: m.id):
        circles = [data.records["circles"][row["id"]].path for row in move.rows]
        verb = "named in" if move.exists else f"new, {len(circles)} circle{'s' if len(circles) > 1 else ''}:"
        out(f"{display(folder / (move.id + '.yml'))} ({verb} {', '.join(circles)})")
        if not write:
            continue
        if not move.exists:
            folder.mkdir(exist_ok=True)
            (folder / f"{move.id}.yml").write_text(move.text(), encoding="utf-8", newline="\n")
        for row in move.rows:
            path = Path(data.records["circles"][row["id"]].path)
            path.write_bytes(named(path.read_bytes().decode("utf-8"), move.id).encode("utf-8"))
    if not write:
        out("Nothing was written: add --write to write the course files and name them in the circles.")
    else:
        out("Done. Check each new file (a description, the licence as SPDX), then run `circles validate`.")
    return 0


def display(path: Path) -> str:
    from circles.records.validate import display_path

    return display_path(path)
