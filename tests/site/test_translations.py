"""The catalogues: every string the site's code and templates mark is in each language's catalogue,
French and Spanish translate all of it, Swahili the public pages, and no translation loses a
placeholder. Made by `make messages`; docs/translating.md tells a volunteer how."""

from __future__ import annotations

import re
from functools import cache

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.conftest import ROOT

TRANSLATIONS = ROOT / "plugins" / "circles" / "translations"
COMPLETE = ("fr", "es")
#: Where the words of the public pages come from: Swahili translates all of these (issue 21).
PUBLIC = re.compile(r"^(theme/templates/(?!toolkit|contribute|data)|plugins/circles/(i18n|directory/schedule|"
                    r"exports/(search|calendars|feeds))\.py)")
PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%\([a-z_]+\)[sd]")


@cache
def extracted() -> dict[str, list[str]]:
    """Every message the code and templates mark, as `make messages` extracts them: id → where."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str, list[str]] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(ROOT, method_map, options_map):
        key = message[0] if isinstance(message, tuple) else message
        found.setdefault(key, []).append(filename)
    return found


@cache
def catalogue(language: str) -> Catalog:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


def strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


@pytest.mark.parametrize("language", ["fr", "es", "sw"])
def test_every_marked_string_is_in_the_catalogue(language):
    known = {message.id[0] if isinstance(message.id, tuple) else message.id for message in catalogue(language) if message.id}
    missing = sorted(set(extracted()) - known)
    assert missing == [], f"run `make messages` and translate: {missing[:5]}"


@pytest.mark.parametrize("language", COMPLETE)
def test_french_and_spanish_translate_everything(language):
    untranslated = [message.id for message in catalogue(language) if message.id and not all(strings(message))]
    fuzzy = [message.id for message in catalogue(language) if message.id and message.fuzzy]
    assert (untranslated, fuzzy) == ([], [])


def test_swahili_translates_every_public_page_string():
    public = {key for key, places in extracted().items() if any(PUBLIC.match(place) for place in places)}
    assert len(public) > 150, "the public pages' strings were found"
    untranslated = [message.id for message in catalogue("sw")
                    if message.id and (message.id[0] if isinstance(message.id, tuple) else message.id) in public
                    and not all(strings(message))]
    assert untranslated == []


@pytest.mark.parametrize("language", ["fr", "es", "sw"])
def test_translations_keep_every_placeholder(language):
    wrong = []
    for message in catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings(message):
            if text and set(PLACEHOLDER.findall(text)) - {"%(num)d", "%(count)s"} != wanted - {"%(num)d", "%(count)s"}:
                wrong.append((ids[0], text))
    assert wrong == []


@pytest.mark.parametrize("language, english, translated", [
    ("fr", "Upcoming circles", "Cercles à venir"),
    ("es", "Past circles", "Círculos pasados"),
    ("sw", "Past circles", "Vikundi vilivyopita"),
])
def test_a_catalogue_is_read_as_the_build_reads_it(language, english, translated):
    from circles.i18n import Texts

    assert Texts(language).gettext(english) == translated


def test_a_build_in_a_language_not_fully_translated_says_what_is_shown_in_english(tmp_path, monkeypatch, caplog):
    from babel.messages.pofile import write_po

    from circles import i18n
    from tests.conftest import build, write_tree
    from tests.pages.test_languages import CONTENT_FOR_ONE_CIRCLE

    partial = Catalog(locale="sw")
    for message in catalogue("sw"):
        if message.id and message.id != "Skip to main content":
            partial.add(message.id, message.string)
    partial.add("Skip to main content", "")
    folder = tmp_path / "translations" / "sw" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.po", "wb") as po:
        write_po(po, partial)
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", tmp_path / "translations")
    i18n.clear_catalogues()
    try:
        assert i18n.untranslated("sw") == ["Skip to main content"]
        output = build(write_tree(tmp_path / "content", CONTENT_FOR_ONE_CIRCLE), tmp_path / "output",
                       DIRECTORY={"languages": ["sw"]})
        assert i18n.untranslated("en") == []  # English has no catalogue: nothing falls back
    finally:
        monkeypatch.undo()  # the project's own catalogues again, for the tests that follow
        i18n.clear_catalogues()
    assert "1 of the site's strings are not translated into sw yet" in caplog.text and "Skip to main content" in caplog.text
    page = (output / "index.html").read_text(encoding="utf-8")
    assert 'lang="sw"' in page and "Skip to main content" in page  # the English fallback, as said
    assert i18n.untranslated("fr") == []


#: A sentence in a script: a capital, then two more words (the scripts' class names, selectors and
#: codes are lower case).
SENTENCE = re.compile(r"""(["'`])([A-Z][a-z]+(?: [A-Za-z’']+){2,}[^"'`]*)\1""")


def test_the_scripts_take_every_word_they_show_from_the_page():
    """search.js, places.js, map.js and contribute.js show only words the page gives them (data-messages),
    translated with the rest of the page: a sentence written in a script would be English on every page."""
    found = {}
    for script in sorted((ROOT / "theme" / "static" / "js").glob("*.js")):
        code = re.sub(r"^\s*(//|\*|/\*\*).*$", "", script.read_text(encoding="utf-8"), flags=re.M)
        code = re.sub(r"\s//\s.*$", "", code, flags=re.M)  # comments after code
        if literals := [match.group(2) for match in SENTENCE.finditer(code)]:
            found[script.name] = literals
    assert found == {}
