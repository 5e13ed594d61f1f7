"""The list-your-circle form and `circles validate` agree (issue 23): the same answers, fed to the form's own
checks in Chromium and to the validator, are accepted or rejected alike. Warnings do not reject."""

from __future__ import annotations

import copy

import yaml

from circles.records.load import Record, parse
from circles.records.schema import load_schema
from circles.records.validate import check_record
from tests.conftest import CIRCLE, LIBRARY
from tests.pages.test_contribute import content, open_form, site

__all__ = ["content", "site"]  # the built site, shared with test_contribute.py

# (the form's field, what a librarian types)
CORPUS = [(name, text) for name, texts in {
    "schedule.start_time": ["18:00", "08:30", "8:30", "8:5", "23:59", "24:00", "18:60", "18.00", "6pm", "18:00:00"],
    "schedule.dates": ["2026-12-01", "2026-12-1", "2026-2-30", "2026-02-29", "12/01/2026", "0226-12-01",
                       "1999-12-01", "2100-01-01", "2026-12-01T18:00", "2026-13-01"],
    "schedule.duration": ["90", "15", "14", "480", "481", "+90", "9_0", "90.0", "ninety", "-30", "0090"],
    "schedule.weeks": ["1", "52", "53", "0", "6 weeks"],
    "signup": ["drop-in", "Drop in", "circles@lib.example.net", "mailto:circles@lib.example.net",
               "amina.smith@gmail.com", "a@b", "sometime", "tbd", "https://lib.example.net/signup",
               "http://lib.example.net/signup", "https://example.com/signup", "ftp://lib.example.net/"],
    "course.url": ["https://www.py4e.com/", "http://www.py4e.com/", "www.py4e.com", "https://", "HTTPS://WWW.PY4E.COM",
                   "https://localhost/x", "https://www.example.org/", "https://py4e .com/", "mailto:x@y.org"],
    "id": ["python-2026", "Python-2026", "python_2026", "-python", "python--x", "x" * 80, "x" * 81, "café", "tbd"],
    "title": ["ab", "abc", "x" * 200, "x" * 201, "TBD", "Python for beginners"],
    "topics": ["python, programming", "Python", "data science", "c++", "data-science"],
    "language": ["en", "pt-BR", "zz", "EN", "english"],
    "timezone": ["America/Toronto", "america/toronto", "EST", "UTC", "Mars/Olympus", "America/New York"],
    "capacity": ["1", "1000", "1001", "0", "12.5"],
    "new-library:address.country": ["CA", "US", "ca", "XX", "Canada", "CAN"],
    "new-library:website": ["https://www.tpl.ca/", "http://www.tpl.ca/", "tpl.ca"],
    "new-library:name": ["A", "Central", "n/a"],
    "new-library:id": ["tpl-north-york", "TPL", "tpl north york"],
}.items() for text in texts]

BASES = {"circles": CIRCLE, "libraries": LIBRARY}


def the_form(page) -> list[dict]:
    """Each answer's verdict by the form's checks, and the YAML value the form writes for it."""
    return page.evaluate("""async (corpus) => {
        const base = document.querySelector("script[src$='contribute.js']").src;
        const { toYaml } = await import(base);
        const { rules, readText } = await import(new URL("contribute-checks.js", base));
        const form = document.querySelector("[data-contribute]");
        const specs = Object.fromEntries(JSON.parse(form.dataset.fields).map((spec) => [spec.name, spec]));
        const { valuesProblem } = rules(JSON.parse(form.dataset.checks), JSON.parse(form.dataset.messages));
        return corpus.map(([name, text]) => {
            const spec = specs[name];
            const value = readText(spec, text);
            return { problem: valuesProblem(spec, value),
                     yaml: toYaml([{ key: "value", value, type: spec.type, item: spec.item }]) };
        });
    }""", CORPUS)


def the_validator(name: str, value) -> list[str]:
    """The validator's errors about the field when a valid record gives ``value`` for it."""
    kind = "libraries" if name.startswith("new-library:") else "circles"
    path = name.removeprefix("new-library:")
    data = copy.deepcopy(parse(BASES[kind])[0])
    record_id = "python"
    if path == "schedule.dates":  # meeting dates replace weeks: the two together are a problem of their own
        del data["schedule"]["weeks"]
    if path == "id":
        record_id = value
    else:
        parent, _, key = path.rpartition(".")
        (data[parent] if parent else data)[key] = value
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    record = Record(kind, record_id, f"{kind}/{record_id}.yml", *parse(text))
    _, problems = check_record(record, load_schema()[kind])
    return [p.code for p in problems if p.is_error and (p.field == path or p.field.startswith(f"{path}["))]


def test_the_form_and_the_validator_accept_and_reject_the_same_answers(page, served_site, site):
    open_form(page, served_site, site)
    form = the_form(page)
    verdicts = {}
    for (name, text), answer in zip(CORPUS, form, strict=True):
        value = yaml.safe_load(answer["yaml"])["value"]  # as the form writes it
        verdicts[name, text] = (answer["problem"] == "", the_validator(name, value))
    disagree = {key: (form_ok, codes) for key, (form_ok, codes) in verdicts.items() if form_ok != (not codes)}
    assert disagree == {}
    # The corpus has both kinds of answer for every field.
    for name in {name for name, _ in CORPUS}:
        assert {ok for (field, _), (ok, _) in verdicts.items() if field == name} == {True, False}, name


def test_the_weekdays_offered_are_the_validators(page, served_site, site):
    open_form(page, served_site, site)
    offered = page.eval_on_selector_all("input[name='schedule.weekdays']", "inputs => inputs.map(i => i.value)")
    assert len(offered) == 7
    assert all(the_validator("schedule.weekdays", [day]) == [] for day in offered)
    assert the_validator("schedule.weekdays", ["tuesdays"]) == ["bad-weekday"]
