"""A directory in another language than English: DIRECTORY languages ["fr"] puts French at the root,
with every word of the public pages from the French catalogue and dates written the French way."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from circles.settings import SettingsError
from tests.conftest import CIRCLE, LIBRARY, NETWORK, ROOT, build, write_tree

#: The public pages of each kind, in the sample directory.
PUBLIC = ["index.html", "search/index.html", "upcoming/index.html", "past/index.html", "online/index.html",
          "topics/index.html", "topics/python/index.html", "languages/fr/index.html", "browse/index.html",
          "browse/ca/index.html", "browse/ca/toronto/index.html", "networks/index.html",
          "networks/toronto-public-library/index.html", "libraries/tpl-albion/index.html",
          "circles/tpl-albion-excel-2026-12/index.html", "circles/tpl-albion-excel-2026-12/flyer/index.html",
          "embed/libraries/tpl-albion/index.html", "404.html", "archive/index.html"]


@pytest.fixture(scope="module")
def french(tmp_path_factory) -> Path:
    return build(ROOT / "content", tmp_path_factory.mktemp("fr") / "output",
                 DIRECTORY={"languages": ["fr"], "flyer_pdfs": False, "toolkit_pdfs": False, "sample": True})


@cache
def english_words() -> set[str]:
    """The catalogue's English sentences and labels of two words or more that French writes otherwise."""
    with open(ROOT / "plugins/circles/translations/fr/LC_MESSAGES/messages.po", "rb") as po:
        catalogue = read_po(po)
    words = set()
    for message in catalogue:
        english = message.id if isinstance(message.id, str) else message.id[0]
        if english and not set("{%<") & set(english) and len(english.split()) >= 2 and message.string != english:
            words.add(english.rstrip(".:"))
    return words


def visible_ui_text(path: Path) -> str:
    """A page's text without what records wrote (elements with a lang of their own) and scripts."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    for element in soup.select("[lang]"):
        if element.name != "html" and not element["lang"].startswith("fr"):
            element.decompose()
    for element in soup(["script", "style"]):
        element.decompose()
    return soup.get_text(" ")


@pytest.mark.parametrize("page", PUBLIC)
def test_no_english_word_is_left_on_a_french_page(french, page):
    text = visible_ui_text(french / page)
    assert [words for words in sorted(english_words()) if words in text] == []
    assert BeautifulSoup((french / page).read_text(encoding="utf-8"), "lxml").html["lang"] == "fr"


def test_french_pages_write_dates_and_schedules_the_french_way(french):
    page = BeautifulSoup((french / "circles/tpl-albion-excel-2026-12/index.html").read_text(encoding="utf-8"), "lxml")
    schedule = page.select_one(".schedule__text").get_text()
    assert schedule.startswith("les ") or schedule.startswith("Les "), schedule
    assert "décembre 2026" in page.select_one("ol.meetings").get_text()
    assert page.select_one(".skip-link").get_text() != "Skip to main content"


def test_languages_must_be_a_list_of_known_locales(tmp_path):
    from circles.settings import directory_settings

    for wrong in ("fr", [], ["xx-nowhere"], [3]):
        with pytest.raises(SettingsError, match="DIRECTORY languages"):
            directory_settings({"DIRECTORY": {"languages": wrong}})
    assert directory_settings({"DIRECTORY": {"languages": ["fr_CA", "en"]}})["locale"] == "fr_CA"


def test_the_toolkit_gives_each_guide_in_french_where_it_is_translated_and_in_english_otherwise(french):
    def page(path: str) -> BeautifulSoup:
        return BeautifulSoup((french / path / "index.html").read_text(encoding="utf-8"), "lxml")

    translated = page("toolkit/what-is-a-learning-circle")
    assert translated.h1.get_text() == "Qu’est-ce qu’un cercle d’apprentissage\u00a0?"  # a no-break space, as French writes it
    assert not translated.select_one("article[lang]") and not translated.select(".toolkit-guide > .note")
    form = page("toolkit/templates/sign-in-sheet")
    assert form.select_one("article").get("lang") is None and "Feuille" in form.h1.get_text()
    english = page("toolkit/promotion")
    assert english.select_one("article")["lang"] == "en"
    note = english.select_one("article > .note")
    assert note["lang"] == "fr" and "anglais" in note.get_text()
    index = page("toolkit")
    assert index.h1.get_text() == "La boîte à outils des cercles d’apprentissage"
    assert index.select_one("li[lang='en'] a[href$='promotion/']") and not index.select_one("li[lang='en'] a[href$='what-is-a-learning-circle/']")


#: The smallest directory: one network, library and circle (tests/conftest.py).
CONTENT_FOR_ONE_CIRCLE = {"networks/net.yml": NETWORK, "libraries/central.yml": LIBRARY, "circles/python.yml": CIRCLE}


def test_topics_are_shown_by_their_labels_in_the_pages_language(french, tmp_path):
    page = BeautifulSoup((french / "topics/public-speaking/index.html").read_text(encoding="utf-8"), "lxml")
    assert "Prise de parole en public" in page.h1.get_text() and "public-speaking" not in page.h1.get_text()
    circle = BeautifulSoup((french / "circles/tpl-albion-excel-2026-12/index.html").read_text(encoding="utf-8"), "lxml")
    assert "Tableurs" in [tag.get_text() for tag in circle.select(".inline-list .tag")]
    search = BeautifulSoup((french / "search/index.html").read_text(encoding="utf-8"), "lxml")
    labels = json.loads(search.select_one("[data-value-labels]")["data-value-labels"])
    assert labels["topic"]["public-speaking"] == "Prise de parole en public" and "excel" in labels["topic"]
    # A topic the vocabulary does not know is shown as its records write it, in any language.
    content = write_tree(tmp_path / "content", {**CONTENT_FOR_ONE_CIRCLE,
                                                "circles/python.yml": CIRCLE.replace("topics: [python, programming]", "topics: [beekeeping, python]")})
    english = build(content, tmp_path / "output")
    tags = BeautifulSoup((english / "circles/python/index.html").read_text(encoding="utf-8"), "lxml").select(".inline-list .tag")
    assert [tag.get_text() for tag in tags] == ["beekeeping", "Python"]


def test_lists_of_names_follow_the_page_s_language_with_accents_set_aside(french):
    """Countries are sorted once, by their English names; each language's pages put them in the order of its
    own names, and an accent does not send a name after the "Z"s (code point order did)."""
    from circles.i18n import Texts, name_order
    from circles.pages.contribute_library import country_options

    assert sorted(["Zambie", "France", "États-Unis", "Espagne", "île Maurice"], key=name_order) == [
        "Espagne", "États-Unis", "France", "île Maurice", "Zambie"]
    page = BeautifulSoup((french / "browse/index.html").read_text(encoding="utf-8"), "lxml")
    countries = [h2.get_text(strip=True) for h2 in page.select(".entry-list h2")]
    assert countries == ["Canada", "États-Unis", "Kenya"]  # in English: Canada, Kenya, United States
    libraries = BeautifulSoup((french / "libraries/index.html").read_text(encoding="utf-8"), "lxml")
    assert [h2.get_text(strip=True) for h2 in libraries.select("h2")] == countries
    home = BeautifulSoup((french / "index.html").read_text(encoding="utf-8"), "lxml")
    assert [a.get_text(strip=True) for a in home.select("#places ~ ul a")] == countries
    # The country a librarian chooses in the form, among two hundred and fifty.
    names = [name for _, name in country_options(Texts("fr"))]
    assert names.index("Espagne") < names.index("États-Unis") < names.index("Éthiopie") < names.index("Fidji")
