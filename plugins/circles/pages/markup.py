"""Render stage: how a page's HTML is written. Each value a template writes is escaped (:func:`escape`, which
:class:`FastEscapes` makes templates call), and each page is written without the templates' indentation
(:func:`unindented`, :class:`Unindented`)."""

from __future__ import annotations

import re
from typing import Any

from jinja2.compiler import CodeGenerator
from markupsafe import Markup, _escape_inner

#: What is shown as written: the text of <pre> and <textarea> (the embed code, the open data's example).
_AS_WRITTEN = re.compile(r"(<(?:pre|textarea)\b.*?</(?:pre|textarea)>)", re.S)


def unindented(html: str) -> str:
    """A page without the templates' indentation: spaces and tabs at either end of a line go, the line
    breaks stay, so every run of white space that a browser shows as one space still has one, and the
    page shows the same. Issue 20 (a site within GitHub Pages' 1 GB): at 10,000 circles, 5 % of the
    HTML and 3.4 % of the whole output (10 MB), for about 0.07 ms a page."""
    if "<pre" not in html and "<textarea" not in html:
        return _strip_lines(html)
    parts = _AS_WRITTEN.split(html)
    return "".join(part if i % 2 else _strip_lines(part) for i, part in enumerate(parts))


def _strip_lines(text: str) -> str:
    # split/strip/join rather than a regular expression: a third of the time on 20,000 pages.
    return "\n".join([line.strip(" \t") for line in text.split("\n")])


_made = str.__new__  # a Markup made of a str by str's own constructor, without Markup's __new__ in Python


def escape(value: Any) -> Markup:
    """What :func:`markupsafe.escape` gives, for the values templates write: Jinja calls ``escape`` for
    every ``{{ … }}`` of an autoescaped template (:class:`FastEscapes` makes it this one).

    MarkupSafe's escape replaces the characters by its C function ``_escape_inner`` (not public, so held here
    by tests/pages/test_escaping.py to what ``markupsafe.escape`` gives), then makes the Markup through
    ``Markup.__new__``, a Python function that asks the escaped text for ``__html__`` again. Here the Markup
    is made by ``str.__new__``, the same string of the same class, and a Markup is written as it is
    (MarkupSafe makes a copy). Why (issue 24): escaping was 12 % of the CPU samples of 10,000 circles in four
    languages, about 200 values a page; 0.32 → 0.12 µs a string, 0.39 → 0.05 µs a Markup."""
    kind = type(value)
    if kind is str:
        return _made(Markup, _escape_inner(value))
    if kind is Markup:
        return value
    if hasattr(value, "__html__"):
        return Markup(value.__html__())  # as MarkupSafe does, asking what that gives for its own __html__
    return _made(Markup, _escape_inner(str(value)))


class FastEscapes(CodeGenerator):
    """Jinja's code generator, with templates that escape by :func:`escape`: the line that imports
    Jinja's runtime, ``escape`` with it, is followed by one that imports this module's."""

    def writeline(self, x: str, node=None, extra: int = 0) -> None:
        super().writeline(x, node, extra)
        if x.startswith("from jinja2.runtime import "):
            super().writeline(f"from {__name__} import escape")


class Unindented:
    """A template whose pages are :func:`unindented`; all Pelican's writer asks of it is ``render``."""

    def __init__(self, template):
        self.template = template

    def render(self, *args, **kwargs) -> str:
        return unindented(self.template.render(*args, **kwargs))
