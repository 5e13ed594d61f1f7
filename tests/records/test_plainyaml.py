"""The plain reader (circles.records.plainyaml) reads a record exactly as libyaml does, or gives up.

Giving up is always safe (load then asks libyaml); answering differently never is. So every test
here holds read_plain to parse_events, on the project's records, the synthetic directory, the
adversarial corpus, tricky lines and thousands of mutations of real records.
"""

from __future__ import annotations

import random

import pytest

from benchmarks import synth
from circles.records.load import LoadError, parse, parse_events
from circles.records.plainyaml import read_plain
from tests.conftest import CIRCLE, LIBRARY, NETWORK, ROOT

RECORDS = sorted((ROOT / "content").glob("*/*.yml"))


def libyaml(text: str):
    """What libyaml makes of the text: (data, lines), or the LoadError's code and line."""
    try:
        return parse_events(text)
    except LoadError as exc:
        return exc.code, exc.line


def same_or_gave_up(text: str) -> bool:
    plain = read_plain(text)
    return plain is None or plain == libyaml(text)


def test_the_projects_records_are_read_plainly_to_the_same_result():
    assert len(RECORDS) > 50
    for path in RECORDS:
        text = path.read_text(encoding="utf-8")
        assert read_plain(text) is not None, path
        assert read_plain(text) == libyaml(text), path


def test_the_synthetic_directory_is_read_plainly_to_the_same_result(tmp_path):
    synth.generate(tmp_path, circles=120, libraries=30)
    for path in sorted(tmp_path.rglob("*.yml")):
        text = path.read_text(encoding="utf-8")
        assert read_plain(text) == libyaml(text), path


def test_every_case_of_the_adversarial_corpus_reads_the_same_or_goes_to_libyaml():
    for path in sorted((ROOT / "tests" / "adversarial").glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        assert same_or_gave_up(text), path


@pytest.mark.parametrize("text", [
    "title: Python # comment\n",
    "title: Python#1\n",
    "url: https://example.net/a?b=c#d\n",
    "title: a :b\n",
    "title: 'it''s'\n",
    'title: "a \\"b\\" \\\\ c" # note\n',
    "title: \"\"\n",
    "topics: [a, b,c]   # three\n",
    "topics: [ ]\n",
    "latitude: -79.40\n",
    "x: ~\ny: null\nz: 'null'\n",
    "schedule:\n  weeks: 6\n  skip:\n    - 2026-01-01\n    - \"2026-01-08\"\n",
    "schedule:\n\n  # a comment\n  weeks: 6\nroom: A\n",
    "description: >-\n  One line\n  and another.\n\nroom: A\n",
    "description: |\n  One line\n  # not a comment\n",
    "description: >\n    deeper\n    lines\n",
    "title: Café\xa0\n",
    "schedule:\nroom: A\n",
    "room:\n",
])
def test_shapes_read_plainly(text):
    assert read_plain(text) is not None
    assert read_plain(text) == libyaml(text)


@pytest.mark.parametrize("text", [
    "title: Python: the basics\n",  # a mapping in a value: libyaml's error
    "title: a\n  continued\n",  # a value on two lines
    "title: a\nnull: b\n",
    "a: 1\na: 2\n",
    "topics: [a, , b]\n",
    "topics: [a, [b]]\n",
    "topics: ['a']\n",
    "topics:\n- a\n",  # a list at its key's indentation
    "title: \"a\\tb\"\n",  # other escapes
    "title: \"open\n",
    "title: 'it's'\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "description: >-\n  a\n\n  b\n",  # a blank line inside a paragraph
    "description: >-\n  a\n    b\n",  # a more indented line
    "description: >+\n  a\n",
    "description: >-\n  a",  # no line break at the end
    "title: A\r\nroom: B\r\n",
    "title: A\tB\n",
    "title: A\x85B\n",
    "title: 😀\n",
    "\ufefftitle: A\n",
    "---\ntitle: A\n",
    "- a\n",
    "",
    "# only a comment\n",
    "  title: A\n",
    "? a\n: b\n",
    "title:A\n",
    "title : A\n",
])
def test_anything_else_goes_to_libyaml(text):
    assert read_plain(text) is None


SNIPPETS = ["", " ", ":", ": ", "#", " #", "-", "- ", "-5", "[", "]", "{", ",", "'", '"', "\\", "&a ", "*a", "!", "|", ">",
            ">-", "?", "%", "@", "`", "~", "null", "\t", "\r", "\xa0", "é", "\n", "\n  ", "\n    ", "\n- ", "\n  - ", "---",
            "x: y", "[a, b]", "{a: b}", "'it''s'", '"a\\"b"', "a:b", "a :b", "#x", "\n\n", "  more text"]


def mutations(count: int, seed: int):
    rnd = random.Random(seed)
    sources = [path.read_text(encoding="utf-8") for path in RECORDS] + [NETWORK, LIBRARY, CIRCLE]
    for _ in range(count):
        text = rnd.choice(sources)
        for _ in range(rnd.randint(1, 3)):
            i = rnd.randrange(len(text) + 1)
            if rnd.random() < 0.6:
                text = text[:i] + rnd.choice(SNIPPETS) + text[i:]
            else:
                text = text[:i] + text[i + rnd.randint(1, 6):]
        yield text


def test_mutated_records_read_the_same_or_go_to_libyaml():
    answered = 0
    for text in mutations(4000, seed=20261122):
        plain = read_plain(text)
        if plain is not None:
            answered += 1
            assert plain == libyaml(text), repr(text)
    assert answered > 1000  # the mutations do reach the plain reader


def test_load_reads_a_file_the_same_either_way():
    text = (ROOT / "content" / "circles").glob("*.yml").__next__().read_text(encoding="utf-8")
    assert parse(text) == parse_events(text)


def test_a_file_too_large_for_the_plain_reader_is_left_to_libyaml():
    text = "topics: [" + ", ".join(f"t{i}" for i in range(5000)) + "]\n"
    assert read_plain(text) is None
    assert parse(text) == parse_events(text)

