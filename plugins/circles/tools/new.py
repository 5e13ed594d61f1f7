"""``circles new``: write a new record by answering questions, one at a time.

Each answer is checked as it is given, by the rules of ``circles validate`` (tools/draft.py
holds the record being written), and the problems it caused are shown before the question
is asked again. The questions, their help and their choices come from
schema/datapackage.json. Nothing is written until the last answer.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from circles.directory.geocoding import GeoCache
from circles.i18n import WEEKDAY_NAMES
from circles.problems import CirclesError, errors, format_text, problem
from circles.records.load import parse
from circles.records.schema import Column, closest, load_schema
from circles.records.validate import display_path, validate_tree
from circles.settings import GEOCODING_DEFAULTS, content_root, geocoding_settings, read_project_settings
from circles.tools.draft import (
    KINDS,
    KINDS_SINGULAR,
    Again,
    Draft,
    console_ask,
    existing_records,
    free_id,
    nested,
    record_label,
    render,
    search_text,
    suggest_id,
    whole_words,
)

SHOWN = 10  # existing records listed at a time when choosing one
ASK = Callable[[str], str]
SAY = Callable[[str], None]


@dataclass(frozen=True)
class Question:
    """One question of ``circles new``: a field of the schema, and how it is asked here."""

    path: str  # the field's YAML path, e.g. schedule.start_date
    default: Callable[[Draft], str | None] | None = None
    pick: str = ""  # choose an id among the existing records of this kind
    required: Callable[[Draft], bool] = lambda draft: False  # needed here though optional in the schema
    when: Callable[[Draft], bool] = lambda draft: True
    note: str = ""


def _text(value: Any) -> str | None:
    """A default taken from another record: its text, or the first item of its list; nothing else."""
    value = value[0] if isinstance(value, list) and value else value
    return value if isinstance(value, str) and value.strip() else None


def _language(draft: Draft) -> str:
    return _text(draft.network().get("languages")) or "en"


def _weekday(draft: Draft) -> str | None:
    try:
        return WEEKDAY_NAMES[dt.date.fromisoformat(draft.get("schedule.start_date")).weekday()]
    except (TypeError, ValueError):
        return None


def _without_library(draft: Draft) -> bool:
    return not draft.get("library")


def _unlisted(draft: Draft) -> bool:
    """A course not chosen among the listed ones, written out instead."""
    return not draft.get("course")


QUESTIONS = {
    "circles": [
        Question("title"),
        Question("format", default=lambda d: "in_person"),
        Question("library", pick="libraries", required=lambda d: d.get("format") != "online"),
        Question("network", pick="networks", when=_without_library, required=_without_library),
        Question("timezone", when=_without_library, required=_without_library),
        Question("course", pick="courses", note="Enter skips it when the course is not listed yet: then describe it."),
        Question("course.title", when=_unlisted, required=_unlisted),
        Question("course.provider", when=_unlisted), Question("course.url", when=_unlisted),
        Question("topics", note="Separate them with commas."),
        Question("language", default=_language),
        Question("schedule.start_date"),
        Question("schedule.weekdays", default=_weekday, note="Separate several days with commas."),
        Question("schedule.start_time", default=lambda d: "18:00"),
        Question("schedule.duration", default=lambda d: "90"),
        Question("schedule.weeks", default=lambda d: "6", required=lambda d: True),
        Question("schedule.skip", note="Holidays and other weeks off, YYYY-MM-DD, separated by commas."),
        Question("room"),
        Question("signup", default=lambda d: _text(d.library().get("website")) or _text(d.network().get("website"))),
        Question("capacity"),
        Question("facilitators", note="Separate them with commas."),
        Question("description"),
    ],
    "libraries": [
        Question("name"),
        Question("network", pick="networks"),
        Question("address.street"),
        Question("address.city"),
        Question("address.region"),
        Question("address.postal_code"),
        Question("address.country", default=lambda d: _text(d.network().get("countries"))),
        Question("phone"),
        Question("website"),
        Question("latitude", note="Leave it empty to have `circles geocode --write <id>` look it up later."),
        Question("longitude", when=lambda d: bool(d.get("latitude")), required=lambda d: True),
        Question("accessibility"),
        Question("description"),
    ],
    "courses": [
        Question("title"), Question("provider"), Question("url"), Question("language", default=lambda d: "en"),
        Question("licence", note="proprietary: free to take, not to reuse. The SPDX list: https://spdx.org/licenses/"),
        Question("format", default=lambda d: "course"), Question("topics", note="Separate them with commas."),
        Question("weeks"), Question("hours_per_week"), Question("prerequisites"), Question("description"),
    ],
    "networks": [
        Question("name"),
        Question("type"),
        Question("website"),
        Question("countries", note="Separate several with commas."),
        Question("languages", note="Separate several with commas."),
        Question("contact"),
        Question("description"),
    ],
}


# Asking


def new_record(kind: str, root: Path, ask: ASK, say: SAY = print, *, cache: GeoCache | None = None,
               today: dt.date | None = None) -> tuple[Path, str]:
    """Ask for a record of ``kind`` (circles, libraries, networks); return its path and its YAML text.

    ``ask`` shows a prompt and returns the answer; it raises EOFError or
    KeyboardInterrupt to stop, and then nothing is returned.
    """
    draft = Draft(load_schema()[kind], root, cache or GeoCache(root / GEOCODING_DEFAULTS["cache"][0]),
                  {k: existing_records(root, k) for k in KINDS.values()}, today or dt.date.today())
    if kind == "circles":
        draft.answers.update({"listed": draft.today.isoformat(), "last_verified": draft.today.isoformat()})
    say(f"New {KINDS_SINGULAR[kind]}: answer each question; Enter takes the value in [brackets], "
        "Ctrl-C stops without writing anything.")
    for question in QUESTIONS[kind]:
        if question.when(draft):
            _ask(question, draft, ask, say)
    draft.id = _ask_id(draft, ask, say)
    path = root / kind / f"{draft.id}.yml"
    text = render(draft.resource, draft.answers, draft.id)
    if parse(text)[0] != nested(draft.answers):  # pragma: no cover - would be a bug in render()
        raise CirclesError("the record could not be written so that it reads back as answered; nothing was written")
    return path, text


def _ask(question: Question, draft: Draft, ask: ASK, say: SAY) -> None:
    column = draft.resource.columns[question.path]
    required = column.required or question.required(draft)
    default = question.default(draft) if question.default else None
    say("")
    say(column.description + (f" For example: {column.example}" if not default and "enum" not in column.constraints else ""))
    if question.note:
        say(question.note)
    for i, choice in enumerate(column.constraints.get("enum", ()), 1):
        say(f"  {i}. {choice}")
    if question.pick:
        say(_listing(question, draft, sorted(draft.existing[question.pick])))
    prompt = column.title + (f" [{default}]" if default else "" if required else " (Enter skips it)") + ": "
    while True:
        raw = ask(prompt).strip() or (default or "")
        try:
            if not raw and required:
                raise Again(f"this one is needed: type a value, e.g. {column.example}")
            if any("\ud800" <= c <= "\udfff" for c in raw):  # bytes input() could not decode
                raise Again("the answer is not valid text; check that the terminal uses UTF-8")
            found = draft.answer(question.path, _value(question, column, raw, draft, say))
        except Again as again:
            say(f"  {again}")
            continue
        for p in found:
            say(f"  {'' if p.is_error else 'warning: '}{p.message}" + (f" — {p.hint}" if p.hint else ""))
        if not errors(found):
            return


def _value(question: Question, column: Column, raw: str, draft: Draft, say: SAY) -> Any:
    """The answer as it goes into the file: text, a list of texts, or None for none."""
    if not raw:
        return None
    if question.pick:
        return _pick(question, raw, draft, say)
    choices = column.constraints.get("enum", ())
    if raw.isdigit() and 1 <= int(raw) <= len(choices):
        return choices[int(raw) - 1]
    if column.is_list:
        return [item.strip() for item in raw.split(",") if item.strip()] or None
    return raw


def _pick(question: Question, raw: str, draft: Draft, say: SAY) -> str:
    """An existing id, from the id itself, a number in the last list shown, or words to search for."""
    options = draft.existing[question.pick]
    if raw in options:
        return raw
    shown = draft.shown.get(question.path, [])
    if raw.isdigit() and 1 <= int(raw) <= len(shown):
        choice = shown[int(raw) - 1]
        say(f"  → {choice}")
        return choice
    words = raw.lower().split()
    found = [i for i, data in sorted(options.items()) if all(w in search_text(i, data) for w in words)]
    if len(found) == 1 and whole_words(words, search_text(found[0], options[found[0]])):
        say(f"  → {found[0]}: {record_label(options[found[0]])}")
        return found[0]
    if found:
        # Part of a word ("centra", "tpl-parkdal") may be a mistyped id: ask, never take the nearest (issue 23).
        lead = "" if len(found) > 1 else f"no {KINDS_SINGULAR[question.pick]} is called '{raw}'; did you mean this one?\n"
        raise Again(lead + _listing(question, draft, found))
    close = closest(raw, sorted(options))
    raise Again(f"no {KINDS_SINGULAR[question.pick]} matches '{raw}'" + (f" — did you mean '{close}'?" if close else
                                                                          " — type part of its name, id or town"))


def _listing(question: Question, draft: Draft, ids: list[str]) -> str:
    draft.shown[question.path] = ids[:SHOWN]
    if not ids:
        return f"There are no {question.pick} yet; `circles new {KINDS_SINGULAR[question.pick]}` adds one."
    lines = [f"  {n}. {i}: {record_label(draft.existing[question.pick][i])}" for n, i in enumerate(ids[:SHOWN], 1)]
    more = len(ids) - SHOWN
    tail = f"…and {more} more. " if more > 0 else ""
    return "\n".join([*lines, f"{tail}Type a number, an id, or a word of the name or town to search."])


# The id


def _ask_id(draft: Draft, ask: ASK, say: SAY) -> str:
    column = draft.resource.columns["id"]
    suggestion = free_id(draft.root / draft.kind, suggest_id(draft))
    say("")
    say(f"File name (id): {column.description}")
    while True:
        record_id = ask(f"Id [{suggestion}]: ").strip() or suggestion
        if column.read(record_id)[1]:
            p = problem("bad-format", "", 0, "id", value=f"'{record_id}'", description=column.description,
                        example=column.example)
            say(f"  {p.message} — {p.hint}")
        elif (draft.root / draft.kind / f"{record_id}.yml").exists() or record_id in draft.existing[draft.kind]:
            other = free_id(draft.root / draft.kind, record_id)
            say(f"  {display_path(draft.root / draft.kind / f'{record_id}.yml')} already exists — "
                f"choose another id, e.g. {other}")
        else:
            return record_id


# The command


def new_command(word: str, content: Path | None, dry_run: bool, ask: ASK | None = None, say: SAY = print) -> int:
    """Ask, write the record (or print it with ``dry_run``), then validate it; 0 when it is valid."""
    settings = read_project_settings()
    root = content or content_root(settings)
    if not root.is_dir():
        raise CirclesError(f"the content folder {display_path(root)} does not exist; "
                           "run the command from the repository's top folder or give --content")
    cache = GeoCache(root / geocoding_settings(settings)["cache"])
    try:
        path, text = new_record(KINDS[word], root, ask or console_ask, say, cache=cache)
    except (EOFError, KeyboardInterrupt) as stop:
        print("\ncircles new: stopped; nothing was written.", file=sys.stderr)
        return 130 if isinstance(stop, KeyboardInterrupt) else 1
    if dry_run:
        say("")
        say(text.rstrip("\n"))
        say(f"(dry run: {display_path(path)} was not written)")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        raise CirclesError(f"{display_path(path)} appeared while you were answering; nothing was written") from None
    say("")
    say(f"Wrote {display_path(path)}")
    problems = validate_tree(root, only={path.resolve()}, cache=cache).problems
    say(format_text(problems) if problems else "Checked: no problems.")
    return 1 if errors(problems) else 0
