"""`_("…")` compiled as its translation (pages/constant_words.py) gives what Jinja's newstyle gettext
gives, in every language, and compiled templates kept between builds stay in their own language."""

import filecmp

import pytest
from jinja2 import Environment

from circles.i18n import catalogue
from circles.pages.constant_words import ConstantWords, use_words
from circles.pages.templating import words_once
from tests.conftest import build

LOCALES = ["en_US", "fr_FR", "es_ES", "sw_KE"]


def environments(locale: str) -> tuple[Environment, Environment]:
    """One environment that calls ``_`` on every render, one that compiles the words in."""
    translations = catalogue(locale)
    called = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    compiled = Environment(autoescape=True, extensions=["jinja2.ext.i18n", ConstantWords])
    for env in (called, compiled):
        env.install_gettext_translations(translations, newstyle=True)
        env.globals["_"] = words_once(translations)
    use_words(compiled, locale, translations)
    return called, compiled


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_compiles_to_what_gettext_gives(locale):
    called, compiled = environments(locale)
    messages = [m for m in getattr(catalogue("fr_FR"), "_catalog", {}) if isinstance(m, str) and m]
    messages += ["100%% free", "A lone % sign", "<b>tags</b> & “quotes”", "It's", 'Say "hi"', "Line\nbreak"]
    assert len(messages) > 300
    for message in messages:
        literal = repr(message)
        source = f"[{{{{ _({literal}) }}}}|{{{{ _({literal})|lower }}}}|{{{{ _({literal}) ~ '<i>' }}}}]"
        try:
            expected = called.from_string(source).render()
        except (TypeError, ValueError, KeyError):
            with pytest.raises((TypeError, ValueError, KeyError)):
                compiled.from_string(source).render()
            continue
        assert compiled.from_string(source).render() == expected, message
    # Calls with arguments or on an attribute are left to gettext.
    source = "{{ _('%(n)s circles', n=3) }} {{ obj._('Search') }}"
    assert compiled.from_string(source).render(obj={"_": str.upper}) == called.from_string(source).render(
        obj={"_": str.upper})
    assert "context.call" not in compiled.compile("{{ _('Search') }}", raw=True)
    assert "context.call" in called.compile("{{ _('Search') }}", raw=True)


@pytest.mark.slow
def test_kept_templates_stay_in_their_language(tree, tmp_path):
    """Two builds with one cache: the second takes every compiled template from the first's, and each
    language's pages still show that language's words."""
    content = tree()
    cache = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CACHE_PATH": str(tmp_path / "cache")}
    first = build(content, tmp_path / "first", every_language=True, **cache)
    second = build(content, tmp_path / "second", every_language=True, **cache)
    kept = list((tmp_path / "cache" / "circles" / "templates").iterdir())
    assert len(kept) == 1 and len(list(kept[0].iterdir())) > 40  # one folder: this code's
    for page in ("index.html", "fr/index.html", "es/search/index.html", "sw/circles/python/index.html"):
        assert filecmp.cmp(first / page, second / page, shallow=False), page
    assert "Rechercher" in (second / "fr" / "index.html").read_text()
