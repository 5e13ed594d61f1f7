"""ARCHITECTURE.md stays the map: every module is in it, imports never go round in a cycle, and a
module past the size limit is one it names."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "plugins" / "circles"
MAP = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
LIMIT = 300


def modules() -> dict[str, Path]:
    """Every module by its dotted name."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def row(folder: str) -> str:
    """The line of the layout table that describes ``folder`` (``top level`` for the package's own modules)."""
    label = "top level" if not folder else f"`{folder}/`"
    lines = [line for line in MAP.splitlines() if line.startswith(f"| {label} |")]
    assert len(lines) == 1, f"ARCHITECTURE.md has no row for {label}"
    return lines[0]


def test_every_module_is_on_the_map():
    missing = []
    for name, path in modules().items():
        if path.name == "__init__.py" and name != "circles":
            continue  # a folder is its row
        folder = path.parent.relative_to(PACKAGE).as_posix()
        if f"`{path.name}`" not in row("" if folder == "." else folder) and f"{path.stem}.py" not in row(
                "" if folder == "." else folder):
            missing.append(path.relative_to(PACKAGE).as_posix())
    assert missing == [], f"ARCHITECTURE.md does not name: {missing}"


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The project's modules ``path`` imports, at the top or inside functions; not those imported only
    for type checking, which never run."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(node) for guard in ast.walk(tree) if isinstance(guard, ast.If)
               and ast.unparse(guard.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING") for node in ast.walk(guard)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "circles":
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in known else node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in known}
    return found & set(known)


def test_no_module_imports_another_in_a_cycle():
    known = modules()
    graph = {name: imports(path, known) - {name} for name, path in known.items()}
    cycles, state = [], defaultdict(int)  # 0 unseen, 1 on the path, 2 done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for other in sorted(graph[name]):
            if state[other] == 1:
                cycles.append(" → ".join([*path[path.index(other):], other]))
            elif state[other] == 0:
                visit(other, [*path, other])
        state[name] = 2

    for name in sorted(graph):
        if state[name] == 0:
            visit(name, [name])
    assert cycles == []


def test_a_module_over_the_limit_is_named_as_an_exception():
    section = MAP.split("## Module size", 1)[1]
    too_long = [path.relative_to(PACKAGE).as_posix() for path in modules().values()
                if len(path.read_text(encoding="utf-8").splitlines()) > LIMIT
                and f"`{path.relative_to(PACKAGE).as_posix()}`" not in section]
    assert too_long == [], f"over {LIMIT} lines and not listed in ARCHITECTURE.md: {too_long}"


def test_the_readme_points_at_the_map_rather_than_keeping_its_own():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "ARCHITECTURE.md" in readme
    assert not re.search(r"^\| `(render|export|build)\.py`", readme, re.M)
