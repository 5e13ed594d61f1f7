"""Render stage: how templates import partials, without doing again on each page what gives the same
result on every page (issue 24). :func:`share_imports` sets both ways on an environment.

- Without context: Jinja works out, for every context, which globals an import would lack; here none
  ever does (:class:`OneGlobals`).
- With context: Jinja runs the partial again at every import (a copy of the page's context, every macro
  made anew), eight times on a library's page. Yet such a module depends only on the names the partial,
  and whatever it imports, reads from that context (incremental.templates.names_read): ``PAGESURL`` and
  ``SITEURL`` for most, the same on every page of one folder depth. :func:`shared_modules` keeps each
  module by those values for the next import that would make the same one; a partial that reads
  something of each page (its address) is made every time once :data:`KEPT` of its modules are kept.
  Measured (benchmarks/README.md, issue 24, sixth round): 8,000 circle pages rendered in one process,
  0.646 → 0.592 ms a page; 8,768 other pages, 0.420 → 0.392 ms.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Template
from jinja2.environment import TemplateModule
from jinja2.runtime import Context
from jinja2.utils import missing

#: Modules kept per partial (and language: each language's environment has its own templates).
KEPT = 64


def share_imports(env, names: dict[str, frozenset[str]]) -> None:
    """Give ``env``, and the languages' environments made from it later (``Environment.overlay`` copies
    both), :class:`OneGlobals` and :func:`shared_modules` of ``names``."""
    env.context_class = OneGlobals
    env.template_class = shared_modules(names)


class OneGlobals(Context):
    """A Jinja context for environments whose templates all have the environment's globals and no others of
    their own (none is loaded with ``get_template(..., globals=...)``; the site's are not).

    Jinja keeps the names of a context's globals so that a template imported without context is given those
    the imported template lacks: a set made from the environment's globals, a ``ChainMap``, for every context
    (13 a page), and at every such import a difference worked out one name at a time in Python. Here that
    difference is always empty, so the set is too, and an import reuses the module made once, as Jinja does
    when nothing differs. Measured (issue 24): 8,000 circle pages rendered in one process, 0.81 → 0.72 ms a page.
    """

    def __init__(self, environment, parent, name, blocks, globals=None):
        super().__init__(environment, parent, name, blocks)


def shared_modules(names: dict[str, frozenset[str]]) -> type[Template]:
    """A Jinja template class whose modules imported with context are kept by what they read; ``names``:
    what each template reads, by its name, filled in once the templates can be read (the filters set). A
    template not in it is made as Jinja makes it."""

    class SharedModules(Template):
        kept: dict[tuple, TemplateModule]  # the modules made, by the values read
        reads: tuple[str, ...]  # the names read, in one order

        def make_module(self, vars: dict[str, Any] | None = None, shared: bool = False,
                        locals: dict[str, Any] | None = None) -> TemplateModule:
            if vars is None or self.name not in names:
                return super().make_module(vars, shared, locals)
            if "reads" not in self.__dict__:
                self.reads, self.kept = tuple(sorted(names[self.name])), {}
            reads, kept, constant = self.reads, self.kept, self.environment.globals
            key = []
            for name in reads:  # the value the module's context would give the name, as Jinja's new_context sets it
                value = locals.get(name, missing) if locals else missing
                if value is missing:
                    value = vars.get(name, missing)
                if value is not constant.get(name, missing):  # the language's globals are the same on every page
                    key.append((name, type(value), value))
            try:
                module = kept.get(tuple(key))
            except TypeError:  # a value that cannot be a key (a list): made every time
                return super().make_module(vars, shared, locals)
            if module is None:
                module = super().make_module(vars, shared, locals)
                if len(kept) < KEPT:
                    kept[tuple(key)] = module
            return module

    return SharedModules
