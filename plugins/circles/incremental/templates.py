"""Templates and the incremental layer: compiled templates kept between builds, and which templates
read the whole directory (their pages are rendered every build)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import FileSystemBytecodeCache, meta

from circles.incremental.store import read_state, write_state

#: The folder of CACHE_PATH that the layer keeps its state in.
FOLDER = "circles"


def template_cache(settings: dict[str, Any]) -> FileSystemBytecodeCache | None:
    """Compiled templates kept for the next build, as Pelican keeps content, with ``CACHE_CONTENT``."""
    if not settings.get("CACHE_CONTENT"):
        return None
    folder = Path(settings["CACHE_PATH"]) / FOLDER / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    return LanguageBytecodeCache(str(folder))


class LanguageBytecodeCache(FileSystemBytecodeCache):
    """Compiled templates kept by name, language and its words as well as by source: each language's
    are compiled with its words in them (pages/constant_words.py)."""

    def get_bucket(self, environment, name, filename, source):
        words = getattr(environment, "circles_words_key", "")
        return super().get_bucket(environment, f"{words}/{name}", filename, source)


class TemplateScope:
    """Which templates read the build's shared context (``directory``, ``toolkit``), not only their page's."""

    def __init__(self, env, shared: set[str], folder: Path, stamp: bytes, load: bool):
        """The names found are kept for the next build with the same stamp (the same templates)."""
        self.env, self.shared = env, shared
        self.kept = (folder / "templates.pickle", (stamp, sorted(shared)))
        self.names: dict[str, set[str]] = read_state(*self.kept) if load else {}
        self.known = set(self.names)

    def save(self) -> None:
        if set(self.names) != self.known:
            write_state(*self.kept, self.names)
            self.known = set(self.names)

    def names_of(self, name: str) -> set[str]:
        """Names a template, and every template it extends, includes or imports, may read from its context.

        Jinja's analysis also lists some names set inside macros and blocks: only names in the
        shared context are looked for among them, so extra names cost nothing.
        """
        if name not in self.names:
            self.names[name] = set()  # a template that includes itself stops here
            source = self.env.loader.get_source(self.env, name)[0]
            tree = self.env.parse(source)
            found = set(meta.find_undeclared_variables(tree))
            for other in meta.find_referenced_templates(tree):
                found |= self.names_of(other) if other else self.shared  # a computed name: anything
            self.names[name] = found
        return self.names[name]

    def global_template(self, name: str, context: dict) -> bool:
        """True when the template (named without ``.html``) reads the shared context, other than
        names its page's own context gives."""
        return bool(self.names_of(f"{name}.html") & (self.shared - context.keys()))
