"""Pages show words, not the schema's codes (issue 23): every enum value with an underscore
(library_system, in_person…) is written as its label, and a network's contact is not the website again."""

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from circles.i18n import NETWORK_TYPE_LABELS, Texts
from tests.conftest import CIRCLE, LIBRARY, NETWORK, ROOT, build, write_tree


def enum_codes(node) -> set[str]:
    """Every enum value of the schema, wherever it is declared."""
    if isinstance(node, dict):
        found = {v for v in node.get("enum", []) if isinstance(v, str)}
        return found.union(*(enum_codes(v) for k, v in node.items() if k != "enum"))
    if isinstance(node, list):
        return set().union(*(enum_codes(v) for v in node))
    return set()


class VisibleText(HTMLParser):
    """The text a reader sees as words: no script (JSON-LD, data), style or template element, nor
    code (a record's YAML in the toolkit is written with the codes, as it must be typed)."""

    HIDDEN = {"script", "style", "template", "code", "pre"}

    def __init__(self):
        super().__init__()
        self.hidden, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in self.HIDDEN

    def handle_endtag(self, tag):
        self.hidden -= tag in self.HIDDEN

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(path: Path) -> str:
    parser = VisibleText()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.parts)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return build(ROOT / "content", tmp_path_factory.mktemp("sample") / "output")


# The schema's own description of circles.format, "How people meet. Defaults to in_person.", shown as
# the data dictionary's text and as the form's help: it is schema/datapackage.json's, translated in the
# .po files, so it is left to change there (reported with issue 23).
SCHEMA_DESCRIPTION = {"data/index.html": ["in_person"], "list-your-circle/index.html": ["in_person"]}


def test_no_page_shows_a_schema_code(sample):
    codes = {c for c in enum_codes(json.loads((ROOT / "schema/datapackage.json").read_text())) if "_" in c}
    assert {"library_system", "in_person"} <= codes
    shown = {str(page.relative_to(sample)): sorted(c for c in codes if c in visible_text(page))
             for page in sample.rglob("*.html")}
    assert {page: found for page, found in shown.items() if found} == SCHEMA_DESCRIPTION


def test_network_type_label_in_every_language_and_contact_not_repeated(tmp_path):
    national = NETWORK.replace("library_system", "national_service").replace(
        "contact: circles@lib.example.net", "contact: https://www.lib.example.net")
    content = write_tree(tmp_path / "content", {"networks/net.yml": national, "libraries/central.yml": LIBRARY,
                                                "circles/python.yml": CIRCLE})
    out = build(content, tmp_path / "output", every_language=True)
    for prefix, locale in (("", "en"), ("fr/", "fr"), ("es/", "es"), ("sw/", "sw")):
        text = visible_text(out / prefix / "networks/net/index.html")
        assert Texts(locale).network_type("national_service") in text and "national_service" not in text
        assert text.count("www.lib.example.net") == 1, locale  # the website, not the contact again
    assert set(NETWORK_TYPE_LABELS) == enum_codes(json.loads((ROOT / "schema/datapackage.json").read_text())
                                                  ["resources"][0])


def test_a_contact_other_than_the_website_is_shown(tree, tmp_path):
    text = visible_text(build(tree(), tmp_path / "output") / "networks/net/index.html")
    assert "circles@lib.example.net" in text and "Library system" in text
