"""Descriptions to HTML (enrich.render_markdown): plain paragraphs skip the Markdown parser, and
must come out exactly as the parser would make them."""

from __future__ import annotations

import random

import markdown
import pytest
import yaml

from circles.directory.enrich import _PLAIN_PARAGRAPH, render_markdown, sanitize
from tests.conftest import ROOT


def by_the_parser(text: str) -> str:
    return sanitize(markdown.markdown(text, output_format="html"))


def sample_descriptions() -> list[str]:
    texts = []
    for path in sorted((ROOT / "content").glob("*/*.yml")):
        description = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("description")
        if description:
            texts.append(description)
    return texts


TRICKY = [
    "Plain words.", "Two paragraphs.\n\nThe second one.", "Ends with a space ", " starts with one",
    "1. a list", "1986 was a year.", "- a list", "+ a list", "* a list", "> a quote", "# a heading",
    "=== underline", "Tabs\tinside", "a line\nand another", "Words *with* stars", "snake_case words",
    "An & sign", "<b>bold</b>", "Three\n\n\nbreaks", "Trailing break\n", "\n\nLeading breaks",
    "Café, niño, Straße, 東京, مرحبا", "Quotes \"double\" and 'single'", "Hyphen-ated and em—dash",
    "A URL: https://example.org/path?x=1", "Back\\slash", "Brackets [like] this", "Bang! Yes!",
    "Form\x0cfeed", "Control\x02char", "Two  spaces  inside", "a\u2028line separator", "Tilde ~ and pipe |",
]


@pytest.mark.parametrize("text", TRICKY + sample_descriptions())
def test_a_description_reads_as_the_markdown_parser_makes_it(text):
    assert render_markdown(text) == by_the_parser(text)


def test_random_text_reads_as_the_markdown_parser_makes_it():
    """Random strings over the characters that matter to Markdown, and some that do not."""
    alphabet = list("abc XYZ 09.,;:'\"()/?%$@") + list("*_`[]!\\#<>&+=-\n\t\r~|") + ["\n\n", "é", "\u00a0", "  "]
    chosen = random.Random(8)
    plain = 0
    for _ in range(3000):
        text = "".join(chosen.choice(alphabet) for _ in range(chosen.randint(1, 40)))
        plain += all(_PLAIN_PARAGRAPH.fullmatch(p) for p in text.split("\n\n"))
        assert render_markdown(text) == by_the_parser(text), repr(text)
    assert plain > 100, "too few texts took the short way for the test to mean anything"
