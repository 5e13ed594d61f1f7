"""``circles import all``: the imports listed in imports.yml, one after the other.

.github/workflows/import.yml runs it every week and proposes what changed as a pull request, so that
imported records are reviewed and validated like any contribution. The file is read as records are
(every value text, every key with its line), and every mistake in it is reported before anything
runs. Then each import runs and reports; one that fails is reported and the next one runs; the exit
status is 1 when any failed. Paths in the file are relative to its folder. Only these commands reach
the network; the build never does.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from circles.problems import CirclesError
from circles.records.load import parse_file
from circles.records.schema import closest

#: The keys of an import of each kind, the required ones first: the options of its command.
KEYS = {"libraries": (("source", "mapping"), ()),
        "directory": (("source",), ("prefix", "name", "max_size", "timeout")),
        "calendar": (("source", "library"), ("name", "language", "max_size", "timeout"))}
NUMBERS = ("max_size", "timeout")


class ImportsError(CirclesError):
    """A configuration file that cannot be used: every mistake, one per line."""

    def __init__(self, messages: list[str]):
        super().__init__("the list of imports needs fixing, nothing was imported:\n" + "\n".join(messages))


@dataclass(frozen=True)
class Import:
    kind: str
    line: int
    options: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        """The import as the command that does it."""
        rest = " ".join(f"--{key.replace('_', '-')} {value}" for key, value in self.options.items() if key != "source")
        return f"circles import {self.kind} {self.options['source']}" + (f" {rest}" if rest else "")


def read_imports(path: Path) -> list[Import]:
    """The imports listed in ``path``; an ImportsError listing every mistake."""
    shown = path.as_posix()
    data, lines = parse_file(path, shown, "the list of imports", ImportsError)
    messages: list[str] = []

    def error(key: str, message: str) -> None:
        messages.append(f"{shown}:{lines.get(key) or lines.get(key.rpartition('.')[0], 1)}: {key}: {message}")

    if not isinstance(data, dict):
        raise ImportsError([f"{shown}:1: the file holds one key, imports:, with a list of imports under it"])
    for key in sorted(set(data) - {"imports"}):
        error(key, "not a key of the list of imports — the file holds one key, imports:, with the list under it")
    items = data.get("imports") or []
    if not isinstance(items, list):
        error("imports", "should be a list: each import starts with '- kind:'")
        raise ImportsError(messages)
    found = []
    for i, item in enumerate(items):
        key = f"imports[{i}]"
        if not isinstance(item, dict):
            error(key, "should be an import: kind, source and its options")
            continue
        kind = item.get("kind")
        if kind not in KEYS:
            error(f"{key}.kind", f"'{kind or ''}' is not a kind of import — use one of: {', '.join(KEYS)}")
            continue
        required, optional = KEYS[kind]
        for name, value in item.items():
            if name == "kind":
                continue
            if name not in required + optional:
                near = closest(name, list(required + optional))
                error(f"{key}.{name}", f"not an option of a {kind} import — "
                      + (f"did you mean '{near}'?" if near else f"its options are {', '.join(required + optional)}"))
            elif not isinstance(value, str) or not value.strip():
                error(f"{key}.{name}", "should be one value")
            elif name in NUMBERS and not _positive(value):
                error(f"{key}.{name}", f"'{value}' is not a positive number")
        for name in required:
            if not item.get(name):
                error(f"{key}.{name}" if name in item else key, f"a {kind} import needs '{name}:'")
        options = {name: str(value).strip() for name, value in item.items() if name != "kind" and isinstance(value, str)}
        found.append(Import(kind, lines.get(key, 1), options))
    if messages:
        raise ImportsError(messages)
    return found


def _positive(text: str) -> bool:
    try:
        return float(text) > 0
    except ValueError:
        return False


def all_command(settings: dict[str, Any], config: Path, *, dry_run: bool = False, content: Path | None = None,
                out: Callable[[str], None] = print) -> int:
    """``circles import all [--config imports.yml] [--dry-run]``: 1 when any import failed."""
    from circles.settings import content_root

    imports = read_imports(config)
    if not imports:
        out(f"{config.as_posix()} lists no imports: nothing to do.")
        return 0
    root = content or content_root(settings)
    failed = []
    for item in imports:
        out(f"{config.as_posix()}:{item.line}: {item.describe()}")
        try:
            run_one(item, settings, config.parent, root, dry_run, lambda line: out(f"  {line}"))
        except CirclesError as exc:
            failed.append(item)
            out("  failed: " + str(exc).replace("\n", "\n  "))
        except Exception as exc:  # a bug of ours: the other imports run all the same; CIRCLES_DEBUG=1 stops here
            if os.environ.get("CIRCLES_DEBUG"):
                raise
            failed.append(item)
            out(f"  failed: internal error ({type(exc).__name__}: {exc}). Please report it.")
    where = ", ".join(f"{config.as_posix()}:{item.line}" for item in failed)
    out(f"Imports: {len(imports) - len(failed)} done, {len(failed)} failed" + (f" ({where})." if failed else "."))
    return 1 if failed else 0


def run_one(item: Import, settings: dict[str, Any], folder: Path, content: Path, dry_run: bool,
            out: Callable[[str], None]) -> None:
    """Run one import, its paths read from ``folder``."""
    from circles.tools.importing.fetch import is_url
    from circles.tools.importing.report import calendar_command, directory_command

    options = item.options
    source = options["source"] if is_url(options["source"]) else str(folder / options["source"])
    sizes = {key: float(options[key]) for key in NUMBERS if key in options}
    if item.kind == "libraries":
        _libraries(settings, source, folder / options["mapping"], content, dry_run, out)
    elif item.kind == "directory":
        directory_command(settings, source, prefix=options.get("prefix", ""), name=options.get("name", ""),
                          dry_run=dry_run, content=content, out=out, **sizes)
    else:
        calendar_command(settings, source, options["library"], name=options.get("name", ""),
                         language=options.get("language", ""), dry_run=dry_run, content=content, out=out, **sizes)


def _libraries(settings: dict[str, Any], source: str, mapping: Path, content: Path, dry_run: bool,
               out: Callable[[str], None]) -> None:
    """``circles import libraries``, its list fetched first when it is an address (within fetch.py's limits)."""
    from circles.directory.geocoding import GeoCache
    from circles.settings import geocoding_settings
    from circles.tools.importing.fetch import Limits, fetch, is_url
    from circles.tools.importing.libraries import import_libraries
    from circles.tools.importing.report import report_lines

    geocoding = geocoding_settings(settings)
    cache = Path(geocoding["cache"])
    cache = GeoCache(cache if cache.is_absolute() else content / cache)
    with tempfile.TemporaryDirectory() as folder:
        file = Path(source)
        if is_url(source):  # named as the address names it: its extension says csv or geojson
            file = Path(folder) / (PurePosixPath(urlsplit(source).path).name or "list.csv")
            file.write_bytes(fetch(source, Limits(user_agent=geocoding["user_agent"])))
        report = import_libraries(file, mapping, content, dry_run=dry_run, cache=cache,
                                  shown=source if is_url(source) else "")
    for line in report_lines(report):
        out(line)
