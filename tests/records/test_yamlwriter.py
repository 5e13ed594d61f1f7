"""One set of rules for writing record YAML: records/yamlwriter.py, and contribute.js's copy of it.

Every string must read back as itself with PyYAML (YAML 1.1) and with the project's loader, and
the browser form must write the very bytes `circles new` writes for the same value.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess

import pytest
import yaml

from circles.records.load import parse
from circles.records.yamlwriter import field, scalar
from tests.conftest import ROOT

CONTRIBUTE_JS = ROOT / "theme" / "static" / "js" / "contribute.js"

# Strings that YAML 1.1 or 1.2 would read as something else, or not at all, when written plainly;
# and strings that should stay plain.
TRICKY = [
    "", " ", "NO", "no", "No", "Yes", "y", "N", "on", "OFF", "true", "False", "null", "Null", "~", "18:30", "1:20:30.5",
    "0123", "0o17", "0x1F", "0b101", "1e3", "6E2", "1_000", "+1", "-1", "-.5", ".5", ".inf", ".NaN", "2027-01-12",
    "2027-1-2", "2001-12-14 21:59:43.10 -5", "2027-01-12T10:00:00Z", "a: b", "a:b", "end:", ":start", "a #b", "C#",
    "#hash", "- dash", "-dash", "? q", "[x]", "{x}", "a, b", "a[1]", "'q'", '"q"', "@at", "`tick", "!tag", "&anchor",
    "*alias", "%pct", "|pipe", ">fold", "<<", "=", " lead", "trail ", "tab\there", "\ttab", "line\nbreak", "\n",
    "crlf\r\nline", "line\u2028sep", "para\u2029sep", "nel\u0085", "del\x7f", "nul\x00", "\x1b[31mred", "\ufeffbom",
    "nbsp\u00a0space", "zero\u200bwidth", "\u3000ideographic", "tag\U000e0001", "private\ue000", "über café", "Ünïcode ✓",
    "日本語", "٣", "١٨:٠٠", "Ⅻ", "ǅemal", "emoji 🎉", "🎉 party", "5120 Yonge Street", "416-395-5535", "10 days", "1st",
    "C:\\path", "back\\slash", 'quote " inside', "plain words, with a comma", "Python: the basics", "Course #2",
    "https://example.org/a?b=c#d", "mailto:a@b.example", "x" * 3,
    "First line: yes\n\n- NO\n  indented # not a comment", "a\n  b", "a  \nb", "a\n   \nb", "a\n\n\nb", "a\nb\n",
    "\nb", "- item\n- item", "a\n\tb",
    "x" * 90 + ": folded # prose", "word " * 30 + "end", "w" * 100 + " short words after a long one " * 4,
    " ".join(["abcdefghi"] * 9) + " x", " ".join(["abcdefghi"] * 8) + " abcdefgh x", "two  spaces " * 10,
]
TYPED = [("6", "integer"), ("06", "integer"), ("-1", "integer"), ("1e3", "integer"), ("0", "integer"),
         ("43.65", "number"), ("-79.4", "number"), ("-0", "number"), ("1.", "number"), (".5", "number"),
         ("2027-01-12", "date"), ("2027-02-30", "date"), ("0000-01-01", "date"), ("2027-1-2", "date"),
         ("20270112", "date"), ("18:00", "time"), ("1" * 90, "integer"), ("NO", "string"), ("true", "boolean"),
         ("false", "boolean"), ("True", "boolean"), ("yes", "boolean"), ("1", "boolean")]
INDENTS = ("", "  ")


def shuffled(count: int = 1500) -> list[str]:
    """Strings made of the characters the rules turn on, at random (seeded)."""
    rnd = random.Random(7)
    pool = "aZé日0 9 :#-,.[]{}'\"\\\n\t\r\x85\xa0\u200b\u2028🎉!&*?|>%@`~_+xXoOeEyYnN"
    return ["".join(rnd.choice(pool) for _ in range(rnd.randint(0, 10))) for _ in range(count)]


STRINGS = TRICKY + shuffled()


def read(text: str) -> object:
    """What PyYAML's safe loader reads, and checks that the project's loader reads the same text."""
    assert parse(text)[0] == (data := yaml.safe_load(text)), text
    return data


@pytest.mark.parametrize("value", TRICKY)
def test_every_string_reads_back_as_written(value):
    for indent in INDENTS:
        text = "".join(f"{line}\n" for line in field("k", value, indent=indent))
        assert read(f"g:\n{text}" if indent else text) == ({"g": {"k": value}} if indent else {"k": value})
    assert read(f"k: [{scalar(value, flow=True)}, {scalar(value, flow=True)}]\n") == {"k": [value, value]}


def test_any_string_reads_back_as_written():
    for value in shuffled():
        assert read(f"k: {scalar(value)}\nl: [{scalar(value, flow=True)}]\n") == {"k": value, "l": [value]}


@pytest.mark.parametrize("value, expected", [
    ("NO", '"NO"'), ("18:30", '"18:30"'), ("0123", '"0123"'), ("2027-01-12", '"2027-01-12"'), ("", '""'),
    ("a: b", '"a: b"'), ("#x", '"#x"'), ("tab\there", '"tab\\there"'), ("zero\u200bwidth", '"zero\\u200bwidth"'),
    ("tag\U000e0001", '"tag\\U000e0001"'), ("über café", "über café"), ("5120 Yonge Street", "5120 Yonge Street"),
    ("Python: the basics", "\"Python: the basics\""), ("C# for all", "C# for all"), ("a\nb", "|-\n  a\n  b"), ("a\n\nb", "|-\n  a\n\n  b"),
])
def test_plain_when_safe_else_a_block_or_quoted(value, expected):
    assert scalar(value) == expected


def test_lists_quote_what_would_split_an_item():
    assert field("topics", ["python", "a, b", "NO", "x: y", "C#"]) == ['topics: [python, "a, b", "NO", "x: y", "C#"]']


@pytest.mark.parametrize("value, type_", TYPED)
def test_canonical_numbers_booleans_and_dates_are_plain(value, type_):
    written = scalar(value, type_)
    plain = value in ("6", "0", "43.65", "-79.4", "-0", "2027-01-12") or value == "1" * 90 or (
        type_ == "boolean" and value in ("true", "false"))
    assert (written == value) == plain, written
    assert parse(f"k: {written}\n")[0] == {"k": value}  # the project's loader keeps it as text either way


def test_long_prose_is_folded_at_88_characters():
    value = "Supports public libraries across Ontario: training, shared services and learning circles. " * 2
    lines = field("description", value.strip())
    assert lines[0] == "description: >-" and all(len(line) <= 90 for line in lines)
    assert read("\n".join(lines) + "\n") == {"description": value.strip()}


# The browser's copy of the rules


NODE_SCRIPT = """
import { readFileSync } from "node:fs";
globalThis.document = { querySelector: () => null };  // no form here: the module only exports its functions
const source = readFileSync(process.argv[1], "utf8");
const js = await import(`data:text/javascript;base64,${Buffer.from(source).toString("base64")}`);
const { strings, typed, indents } = JSON.parse(readFileSync(0, "utf8"));
const out = {
  strings: strings.map((s) => [js.yamlString(s), js.yamlString(s, { flow: true }), js.yamlString(s, { indent: "  " })]),
  fields: strings.map((s) => indents.map((indent) => js.yamlField("k", s, "string", "string", indent))),
  typed: typed.map(([value, type]) => [js.yamlScalar(value, type, {}), js.yamlField("k", [value], "list", type)]),
};
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def node():
    found = shutil.which("node")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("Node.js is not installed; contribute.js's YAML must be checked in CI")
        pytest.skip("Node.js is not installed")
    return found


def test_the_browser_form_writes_what_circles_new_writes(node):
    cases = {"strings": STRINGS, "typed": TYPED, "indents": INDENTS}
    done = subprocess.run([node, "--input-type=module", "-e", NODE_SCRIPT, str(CONTRIBUTE_JS)], input=json.dumps(cases),
                          capture_output=True, text=True, encoding="utf-8", timeout=60, check=True)
    theirs = json.loads(done.stdout)
    assert theirs["strings"] == [[scalar(s), scalar(s, flow=True), scalar(s, indent="  ")] for s in STRINGS]
    assert theirs["fields"] == [["\n".join(field("k", s, indent=indent)) for indent in INDENTS] for s in STRINGS]
    assert theirs["typed"] == [[scalar(value, type_), field("k", [value], "list", type_)[0]] for value, type_ in TYPED]
