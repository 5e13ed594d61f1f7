"""Render stage: a template's ``_("…")`` of a plain string compiled as its translation, once per language.

Each language's Jinja environment compiles its own templates (``templating.language_environment``),
so the words can be put in when a template is compiled rather than looked up on every page. Only
a call with one string literal and nothing else is replaced: by that string translated, %-formatted
with no variables (so "%%" is "%") and marked up (a Markup), which is exactly what Jinja's newstyle gettext
returns for it under autoescaping (``templating.words_once``, which still answers every other call).

Why (issue 24): templates call ``_`` about 33 times a page, each through Jinja's ``Context.call``;
in a single-process profile of 2,000 circles (4,731 pages) those 154,000 calls took about 1.2 s of
the pages' 20.7 s. The compiled code then depends on the language's catalogue, so compiled
templates are kept between builds under the language and a digest of its words
(:class:`incremental.templates.LanguageBytecodeCache`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from jinja2 import pass_context
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup

#: The filter the words are marked safe by. Not ``safe``: Jinja would fold ``("…"|safe) ~ "<i>"`` into
#: one string at compile time and escape the words with it, where a call's Markup stays unescaped.
FILTER = "circles_words"


def words_digest(translations) -> str:
    """What the compiled words depend on: the catalogue's messages (none for English, the source)."""
    catalogue = getattr(translations, "_catalog", {})
    return hashlib.sha256("\n".join(sorted(map(repr, catalogue.items()))).encode()).hexdigest()[:16]


def use_words(env, language_tag: str, translations) -> None:
    """Compile ``env``'s templates from now on with these words (set before any page is rendered)."""
    env.circles_words = translations  # set, not Environment.extend: an overlay already has its parent's
    env.circles_words_key = f"{language_tag}-{words_digest(translations)}"


@pass_context  # so that Jinja calls it on every render rather than folding it (see FILTER)
def _marked(_context, text: str) -> Markup:
    return str.__new__(Markup, text)  # Markup(text), without Markup.__new__ in Python (markup.escape)


class ConstantWords(Extension):
    """Replaces ``_("text")`` in the token stream with ``("translated"|circles_words)``."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.filters[FILTER] = _marked

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        translations = getattr(self.environment, "circles_words", None)
        if translations is None or not self.environment.autoescape:
            yield from stream
            return
        tokens = list(stream)
        i = 0
        while i < len(tokens):
            text = _translated(tokens, i, translations)
            if text is None:
                yield tokens[i]
                i += 1
                continue
            line = tokens[i].lineno
            yield from (Token(line, "lparen", "("), Token(line, "string", text), Token(line, "pipe", "|"),
                        Token(line, "name", FILTER), Token(line, "rparen", ")"))
            i += 4


def _translated(tokens: list[Token], i: int, translations) -> str | None:
    """The words of a ``_("text")`` starting at ``tokens[i]``, as newstyle gettext gives them; None
    for anything else (an attribute named ``_``, more arguments, a message whose % formatting fails)."""
    call = tokens[i:i + 4]
    if ([t.type for t in call] != ["name", "lparen", "string", "rparen"] or call[0].value != "_"
            or (i and tokens[i - 1].type == "dot")):
        return None
    try:
        return str(Markup(translations.gettext(call[2].value)) % {})
    except (TypeError, ValueError, KeyError):
        return None  # left to the call, which fails the same way when the page is rendered
