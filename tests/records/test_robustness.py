"""Whatever a file holds, the validator answers with problems, never an exception."""

from __future__ import annotations

import random

import pytest

from circles.directory.assemble import assemble_directory
from circles.records.validate import validate_tree
from tests.conftest import CIRCLE, LIBRARY, NETWORK

PIECES = [":", "- ", "[", "]", "{", "}", "'", '"', "\t", "\n", "  ", "&a ", "*a", "!!", "#", "?", "|", ">", "---",
          "é", "2026-02-30", "25:00", "-1", "1e9", "null", "~", "[]", "{}", "0", "9999-99-99", "\u202e", "\x00", "\x07", "\x1b", "\ufeff"]
SOURCES = {"circles__python": CIRCLE, "libraries__central": LIBRARY, "networks__net": NETWORK}


def mutate(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        pos = rng.randrange(len(chars))
        roll = rng.random()
        if roll < 0.4:
            chars.insert(pos, rng.choice(PIECES))
        elif roll < 0.7:
            del chars[pos:pos + rng.randint(1, 8)]
        else:
            chars[pos] = rng.choice(PIECES)
    return "".join(chars)


@pytest.mark.parametrize("seed", range(8))
def test_mutated_records_never_raise(tree, seed):
    rng = random.Random(seed)
    for _ in range(40):
        name, source = rng.choice(sorted(SOURCES.items()))
        content = tree(**{name: mutate(source, rng)})
        data = validate_tree(content)
        assert all(p.path and p.line >= 1 and p.message for p in data.problems)
        if data.ok:  # whatever passed validation must also enrich
            assemble_directory({"PATH": str(content), "BUILD_DATE": "2026-11-22"})


@pytest.mark.parametrize("field", ["title", "library", "language", "topics", "signup", "course", "schedule",
                                   "schedule.weeks", "schedule.weekdays", "schedule.skip", "course.title"])
@pytest.mark.parametrize("value", ["[a, b]", "{a: b}", "[[1]]", "''", "~", "-1", "[]", "{}"])
def test_every_field_with_every_shape(tree, field, value):
    lines = CIRCLE.splitlines()
    parent, _, child = field.partition(".")
    key, indent = (child, "  ") if child else (parent, "")
    for i, line in enumerate(lines):
        if line.startswith(f"{indent}{key}:") and (not child or any(lines[j] == f"{parent}:" for j in range(i))):
            lines[i] = f"{indent}{key}: {value}"
            del_children = i + 1
            while del_children < len(lines) and lines[del_children].startswith(indent + "  "):
                del lines[del_children]
            break
    data = validate_tree(tree(circles__python="\n".join(lines) + "\n"))
    for problem in data.problems:
        assert problem.line >= 1 and problem.message and problem.hint, problem
