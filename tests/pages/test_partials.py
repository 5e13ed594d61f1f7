"""pages/partials.py: a partial imported with context is made once for the values it reads, and every page
still gets what Jinja alone would give it."""

import jinja2
import pytest

from circles.incremental.templates import names_read
from circles.pages.partials import KEPT, shared_modules

TEMPLATES = {
    "partials/link.html": '{% macro link(path) %}<a href="{{ PAGESURL }}/{{ path }}">{{ path }}</a>{% endmacro %}',
    # reads nothing itself: what it depends on is what the partial it imports reads
    "partials/outer.html": '{% from "partials/inner.html" import shown with context %}'
                           "{% macro outer() %}[{{ shown() }}]{% endmacro %}",
    "partials/inner.html": "{% macro shown() %}{{ page_url }} {{ tags|join(',') }}{% endmacro %}",
    "page.html": '{% from "partials/link.html" import link with context %}'
                 '{% from "partials/outer.html" import outer with context %}{{ link("search/") }} {{ outer() }}',
}


def environment(shared: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), autoescape=True)
    if shared:
        env.template_class = shared_modules(names_read(env, {"CACHE_PATH": "", "CACHE_CONTENT": False}))
    return env


PAGES = [{"PAGESURL": "..", "page_url": "a/", "tags": ("x",)},
         {"PAGESURL": "../..", "page_url": "a/b/", "tags": ("x",)},
         {"PAGESURL": "..", "page_url": "c/", "tags": ("y", "z")},
         {"PAGESURL": "..", "page_url": "c/", "tags": ["y", "z"]},  # a list: no key, made every time
         {"PAGESURL": "<&>", "page_url": "c/", "tags": ("y", "z")}]


def test_every_page_is_what_jinja_alone_makes_of_it():
    plain, shared = environment(False).get_template("page.html"), environment(True).get_template("page.html")
    for page in PAGES * 2:
        assert shared.render(page) == plain.render(page)
    assert plain.render(PAGES[1]) == '<a href="../../search/">search/</a> [a/b/ x]'


def test_a_partial_is_made_once_for_each_set_of_values_it_reads():
    env = environment(True)
    page = env.get_template("page.html")
    for values in PAGES * 3:
        page.render(values)
    # link.html reads PAGESURL only: three values; outer.html what inner.html reads: three sets a key can hold
    assert len(env.get_template("partials/link.html").kept) == 3
    assert len(env.get_template("partials/outer.html").kept) == 3


@pytest.mark.parametrize("count", [KEPT + 5])
def test_no_more_modules_are_kept_than_kept(count):
    env = environment(True)
    page = env.get_template("page.html")
    for number in range(count):
        assert page.render(PAGESURL=f"/{number}", page_url="", tags=()) == f'<a href="/{number}/search/">search/</a> [ ]'
    assert len(env.get_template("partials/link.html").kept) == KEPT
