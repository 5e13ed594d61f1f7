"""Templates escape by pages/markup.escape (its FastEscapes code generator), which gives what markupsafe's
escape gives: the same text, a Markup, for every kind of value a page writes; and templates compiled by
other code are not kept."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup
from markupsafe import escape as markupsafe_escape

from circles.pages.markup import FastEscapes, escape


class Html:
    """A value that says how it is written in HTML, as a contributor's text never does."""

    def __html__(self):
        return "<em>safe</em>"


class Nested:
    def __html__(self):
        return Html()  # markupsafe asks what that gives, too


VALUES = ["", "plain", "<script>alert('x')</script>", 'a "quoted" & <tagged> value', "Île-de-France", "日本語 & 中文",
          "tab\tand\nline", Markup("<b>kept</b>"), Markup(""), Html(), Nested(), 0, 42, -3.5, Decimal("1.50"), True, None,
          dt.date(2026, 12, 6), ["<a>", 1], {"k": "<v>"}, b"bytes<>"]


def test_escape_gives_what_markupsafe_gives():
    for value in VALUES:
        ours, theirs = escape(value), markupsafe_escape(value)
        assert type(ours) is Markup and ours == theirs, value


def test_a_template_escapes_by_it_and_writes_the_same():
    plain = Environment(autoescape=True)
    fast = Environment(autoescape=True)
    fast.code_generator_class = FastEscapes
    source = ("{% for v in values %}[{{ v }}|{{ v|e }}|{{ v ~ '<i>' }}|{{ v|string|upper }}]{% endfor %}"
              "{% macro m(x) %}<p>{{ x }}</p>{% endmacro %}{{ m(values[2]) }}{% autoescape false %}{{ values[2] }}{% endautoescape %}")
    assert f"from {escape.__module__} import escape" in fast.compile(source, raw=True)
    values = [value for value in VALUES if not isinstance(value, bytes)]
    assert fast.from_string(source).render(values=values) == plain.from_string(source).render(values=values)


def test_compiled_templates_are_kept_for_the_code_that_compiled_them(tmp_path, monkeypatch):
    """Templates are compiled to call markup.escape: those kept by other code are not used, and go."""
    import circles.incremental.templates as templates

    settings = {"CACHE_CONTENT": True, "CACHE_PATH": str(tmp_path)}
    kept = tmp_path / "circles" / "templates"
    (kept / "flat-file-of-an-older-layout").parent.mkdir(parents=True)
    (kept / "flat-file-of-an-older-layout").write_text("x")
    first = Path(templates.template_cache(settings).directory)
    assert [entry.name for entry in kept.iterdir()] == [first.name]
    (first / "compiled").write_text("x")
    assert Path(templates.template_cache(settings).directory) == first and (first / "compiled").exists()
    monkeypatch.setattr(templates, "COMPILERS", ("pages/markup.py",))  # as if constant_words.py had changed
    other = Path(templates.template_cache(settings).directory)
    assert other != first and [entry.name for entry in kept.iterdir()] == [other.name]
