"""Templates and the incremental layer: compiled templates kept between builds, which templates
read the whole directory (their pages are rendered every build), and the names templates read."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from jinja2 import FileSystemBytecodeCache, meta

from circles.incremental.store import installed_packages, read_state, write_state

#: The folder of CACHE_PATH that the layer keeps its state in.
FOLDER = "circles"


def template_cache(settings: dict[str, Any]) -> FileSystemBytecodeCache | None:
    """Compiled templates kept for the next build, as Pelican keeps content, with ``CACHE_CONTENT``: in a
    folder named by the code of :data:`COMPILERS`, the folders of other code removed."""
    if not settings.get("CACHE_CONTENT"):
        return None
    folder = Path(settings["CACHE_PATH"]) / FOLDER / "templates"
    package = Path(__file__).resolve().parent.parent
    compilers = hashlib.blake2b(b"".join((package / name).read_bytes() for name in COMPILERS), digest_size=8).hexdigest()
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.name != compilers:
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
    (folder / compilers).mkdir(parents=True, exist_ok=True)
    return LanguageBytecodeCache(str(folder / compilers))


#: The modules that change what a template compiles to, besides its source: the extension that puts its
#: words in and the code generator (markup.FastEscapes). Compiled by other code, a kept template is not used.
COMPILERS = ("pages/constant_words.py", "pages/markup.py")


class LanguageBytecodeCache(FileSystemBytecodeCache):
    """Compiled templates kept by name, language and its words as well as by source: each language's
    are compiled with its words in them (pages/constant_words.py)."""

    def get_bucket(self, environment, name, filename, source):
        words = getattr(environment, "circles_words_key", "")
        return super().get_bucket(environment, f"{words}/{name}", filename, source)


class TemplateScope:
    """Which templates read the build's shared context (``directory``, ``toolkit``), not only their page's."""

    def __init__(self, names: dict[str, frozenset[str]], shared: set[str]):
        """``names``: what each template reads, with what it extends, includes or imports (:func:`names_read`).
        Jinja's analysis also lists some names set inside macros and blocks: only names in the shared
        context are looked for among them, so extra names cost nothing."""
        self.names, self.shared = names, shared

    def global_template(self, name: str, context: dict) -> bool:
        """True when the template (named without ``.html``) reads the shared context, other than
        names its page's own context gives."""
        return bool(self.names[f"{name}.html"] & (self.shared - context.keys()))


def names_read(env, settings: dict[str, Any]) -> dict[str, frozenset[str]]:
    """For each template of ``env``'s loader, the theme's and Pelican's own, every name it reads without
    setting it (Jinja's ``find_undeclared_variables``), with those of every template it extends, includes
    or imports: what a page's context must hold (generator.page_context), what a partial imported with
    context depends on (pages/partials.py), whether a page reads the whole directory (TemplateScope). With ``CACHE_CONTENT``, kept for the next build with the
    same templates: finding them compiles every template, 0.3 s, a tenth of a rebuild of 10,000 circles."""
    names = env.list_templates(filter_func=lambda name: name.endswith(".html"))
    sources = [env.loader.get_source(env, name)[0] for name in names]
    # With the packages installed: another Jinja may find other names in the same templates.
    version = hashlib.blake2b("\0".join(names + sources).encode("utf-8", "surrogatepass") + installed_packages(),
                              digest_size=16).digest()
    if version in _NAMES:  # a process that builds again (the tests, make serve)
        return _NAMES[version]
    path = Path(settings["CACHE_PATH"]) / FOLDER / "names.pickle" if settings.get("CACHE_CONTENT") else None
    kept = read_state(path, version) if path and settings.get("LOAD_CONTENT_CACHE") else {}
    if "names" not in kept:
        trees = {name: env.parse(source) for name, source in zip(names, sources, strict=True)}
        own = {name: set(meta.find_undeclared_variables(tree)) for name, tree in trees.items()}
        every = set().union(*own.values())
        uses = {name: set(meta.find_referenced_templates(tree)) for name, tree in trees.items()}

        def reach(name: str, seen: set[str]) -> set[str]:
            if name in seen:  # a template that includes itself
                return set()
            seen.add(name)
            found = set(own.get(name, ()))
            for other in uses.get(name, ()):
                found |= reach(other, seen) if other else every  # a computed name: any template
            return found

        kept["names"] = {name: frozenset(reach(name, set())) for name in names}
        if path:
            write_state(path, version, kept)
    _NAMES[version] = kept["names"]
    return kept["names"]


#: names_read's answers in this process, by the templates they were found in.
_NAMES: dict[bytes, dict[str, frozenset[str]]] = {}
