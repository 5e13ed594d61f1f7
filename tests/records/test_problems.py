"""The problem catalogue: every code made is defined, every definition is used, every text translatable."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import write_po

from circles import i18n
from circles.catalogue import CATALOGUE, DID_YOU_MEAN
from circles.problems import problem, set_locale
from circles.records.load import load_file

SOURCE = Path(i18n.__file__).parent


def _problem_calls():
    """``(place, code expression)`` for every ``problem(code, …)``, ``x.problem(path, code, …)``
    and ``LoadError(line, code, …)`` in the package."""
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id == "problem":
                index = 0
            elif (isinstance(func, ast.Attribute) and func.attr == "problem") or (
                    isinstance(func, ast.Name) and func.id == "LoadError"):
                index = 1
            else:
                continue
            yield f"{path.name}:{node.lineno}", node.args[index]


def _codes_in(expr: ast.expr) -> set[str]:
    """The codes a code argument can be: literals, either side of ``a if … else b``, a ``.get`` default."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        return _codes_in(expr.body) | _codes_in(expr.orelse)
    if isinstance(expr, ast.Call):
        return set().union(*(_codes_in(arg) for arg in expr.args))
    return set()  # a variable: its values are checked by test_every_catalogue_entry_is_used


def test_every_code_made_in_the_source_is_in_the_catalogue():
    calls = list(_problem_calls())
    assert len(calls) > 40, "the search for problem calls found too few: has their form changed?"
    unknown = [(place, code) for place, expr in calls for code in _codes_in(expr) if code not in CATALOGUE]
    assert unknown == []


def test_every_catalogue_entry_is_used():
    strings = set()
    for path in SOURCE.rglob("*.py"):
        if path.name != "catalogue.py":
            tree = ast.parse(path.read_text(encoding="utf-8"))
            strings |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert sorted(set(CATALOGUE) - strings) == []


def test_every_variant_belongs_to_a_code():
    assert [key for key in CATALOGUE if key.partition(":")[0] not in CATALOGUE] == []


def test_every_template_is_extracted_for_translators():
    extracted = {message for _, message, _, _ in extract_from_file("python", str(SOURCE / "catalogue.py"))}
    templates = {text for kind in CATALOGUE.values() for text in (kind.message, kind.hint)} | {DID_YOU_MEAN}
    assert sorted(templates - extracted) == []


def test_an_unknown_code_is_a_bug():
    with pytest.raises(KeyError):
        problem("no-such-code", "a.yml", 1)


def test_templates_are_filled_in_and_a_variant_reports_its_code():
    p = problem("missing:online", "circles/a.yml", 4, "network", example="p2pu")
    assert p.flat() == ("circles/a.yml", 4, "network", "missing")
    assert (p.message, p.hint, p.severity) == ("a circle without a library needs 'network'", "add 'network: p2pu'", "error")
    assert problem("byte-order-mark", "a.yml", 1).severity == "warning"


def test_a_close_match_replaces_the_hint():
    far = problem("unknown-field", "a.yml", 1, "colour", resource="circles", suggestion="")
    near = problem("unknown-field", "a.yml", 1, "langauge", resource="circles", suggestion="language")
    assert far.hint == "see docs/records.md for the fields of circles"
    assert near.hint == "did you mean 'language'?"


@pytest.fixture
def french(tmp_path, monkeypatch):
    """A real French catalogue for two templates, in a translations folder of its own."""
    catalog = Catalog(locale="fr")
    catalog.add("'{key}' is given twice (first on line {first})", "« {key} » figure deux fois (d'abord ligne {first})")
    catalog.add("keep one of them and delete the other", "gardez-en un et supprimez l'autre")
    folder = tmp_path / "translations" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.po", "wb") as po:  # compiled when read, as the build does
        write_po(po, catalog)
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", tmp_path / "translations")
    i18n.clear_catalogues()
    set_locale("fr")
    yield
    monkeypatch.undo()  # the project's own catalogues again, before any is read
    i18n.clear_catalogues()
    set_locale("en")


def test_messages_are_translated_when_the_problem_is_made(french, tmp_path):
    path = tmp_path / "rec.yml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    _, found = load_file(path, "rec.yml", "circles")
    assert [(p.code, p.message, p.hint) for p in found] == [
        ("duplicate-key", "« a » figure deux fois (d'abord ligne 1)", "gardez-en un et supprimez l'autre")]
    untranslated = problem("empty", "rec.yml", 1)  # no French yet: the English template
    assert untranslated.message == "the file is empty"
