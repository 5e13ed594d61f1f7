"""``circles new``: write a new record by answering questions, one at a time.

Each answer is checked as it is given, by the rules of ``circles validate``: the
draft is written out as YAML, read back by the loader and checked, and the
problems the answer caused are shown before the question is asked again. The
questions, their help and their choices come from schema/datapackage.json.
Nothing is written until the last answer.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from slugify import slugify

from circles.directory.geocoding import GeoCache
from circles.i18n import WEEKDAY_NAMES
from circles.problems import CirclesError, Problem, errors, format_text, problem
from circles.records.load import LoadError, Record, load_file, parse
from circles.records.placement import check_places
from circles.records.schema import Column, Resource, closest, load_schema
from circles.records.validate import check_record, display_path, validate_tree
from circles.settings import GEOCODING_DEFAULTS, content_root, geocoding_settings, read_project_settings

KINDS = {"circle": "circles", "library": "libraries", "network": "networks"}
KINDS_SINGULAR = {plural: singular for singular, plural in KINDS.items()}
ID_LENGTH = 60  # the schema allows 80; a file name people can read in a list stays shorter
SHOWN = 10  # existing records listed at a time when choosing one
FIRST_LINE = {
    "circles": "# A learning circle, listed in the Learning Circles Directory.",
    "libraries": "# A library where learning circles meet.",
    "networks": "# A network that runs learning circles.",
}
# Fields whose schema description goes into the file as a comment: the ones a reader could misread.
COMMENTED = {"library", "network", "format", "topics", "language", "schedule.weekdays", "schedule.start_time",
             "schedule.duration", "timezone", "signup", "listed", "type", "countries", "languages", "contact",
             "address.country", "latitude"}
ASK = Callable[[str], str]
SAY = Callable[[str], None]


class Again(Exception):
    """An answer that cannot be used as it is; the message is shown before asking again."""


@dataclass(frozen=True)
class Question:
    path: str  # the field's YAML path, e.g. schedule.start_date
    default: Callable[[Draft], str | None] | None = None
    pick: str = ""  # choose an id among the existing records of this kind
    required: Callable[[Draft], bool] = lambda draft: False  # needed here though optional in the schema
    when: Callable[[Draft], bool] = lambda draft: True
    note: str = ""


@dataclass
class Draft:
    """The answers so far, and what they are checked against."""

    resource: Resource
    root: Path
    cache: GeoCache
    existing: dict[str, dict[str, dict[str, Any]]]  # kind → id → data of the records already there
    today: dt.date
    answers: dict[str, Any] = field(default_factory=dict)
    asked: set[str] = field(default_factory=set)
    accepted: set[tuple[str, str, str]] = field(default_factory=set)  # warnings already shown
    shown: dict[str, list[str]] = field(default_factory=dict)  # ids last listed, per question
    id: str = "new"

    @property
    def kind(self) -> str:
        return self.resource.name

    def get(self, path: str) -> Any:
        return self.answers.get(path)

    def library(self) -> dict[str, Any]:
        return self.existing["libraries"].get(self.get("library") or "", {})

    def network(self) -> dict[str, Any]:
        network = self.get("network") or self.library().get("network") or ""
        return self.existing["networks"].get(network if isinstance(network, str) else "", {})

    def problems(self, answers: dict[str, Any]) -> list[Problem]:
        """Every problem of the record these answers would make."""
        data, lines = parse(render(self.resource, answers, self.id))
        record = Record(self.kind, self.id, f"{self.kind}/{self.id}.yml", data, lines)
        row, found = check_record(record, self.resource)
        if self.kind == "libraries":
            found.extend(check_places({self.id: record}, {self.id: row}, self.cache))
        return found

    def answer(self, path: str, value: Any) -> list[Problem]:
        """Take the answer unless it causes an error; return the problems it causes."""
        trial = {k: v for k, v in self.answers.items() if k != path}
        if value:
            trial[path] = value
        asked = self.asked | {path}
        try:
            found = [p for p in self.problems(trial) if p.field in asked and _key(p) not in self.accepted]
        except LoadError as exc:  # e.g. an answer over the size limit of a whole record
            p = problem(exc.code, "", exc.line, **exc.params)
            raise Again(f"{p.message} — {p.hint}") from None
        if not errors(found):
            self.answers, self.asked = trial, asked
            self.accepted.update(_key(p) for p in found)
        return found


def _key(p: Problem) -> tuple[str, str, str]:
    return (p.field, p.code, p.message)


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


QUESTIONS = {
    "circles": [
        Question("title"),
        Question("format", default=lambda d: "in_person"),
        Question("library", pick="libraries", required=lambda d: d.get("format") != "online"),
        Question("network", pick="networks", when=_without_library, required=_without_library),
        Question("timezone", when=_without_library, required=_without_library),
        Question("course.title"),
        Question("course.provider"),
        Question("course.url"),
        Question("topics", note="Separate them with commas."),
        Question("language", default=_language),
        Question("schedule.start_date"),
        Question("schedule.weekdays", default=_weekday, note="Separate several days with commas."),
        Question("schedule.start_time", default=lambda d: "18:00"),
        Question("schedule.duration", default=lambda d: "90"),
        Question("schedule.weeks", default=lambda d: "6", required=lambda d: True),
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
                  {k: _existing(root, k) for k in KINDS.values()}, today or dt.date.today())
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
    if parse(text)[0] != _nested(draft.answers):  # pragma: no cover - would be a bug in render()
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
    found = [i for i, data in sorted(options.items()) if all(w in _search_text(i, data) for w in words)]
    if len(found) == 1:
        say(f"  → {found[0]}: {_label(options[found[0]])}")
        return found[0]
    if found:
        raise Again(_listing(question, draft, found))
    close = closest(raw, sorted(options))
    raise Again(f"no {KINDS_SINGULAR[question.pick]} matches '{raw}'" + (f" — did you mean '{close}'?" if close else
                                                                          " — type part of its name, id or town"))


def _listing(question: Question, draft: Draft, ids: list[str]) -> str:
    draft.shown[question.path] = ids[:SHOWN]
    if not ids:
        return f"There are no {question.pick} yet; `circles new {KINDS_SINGULAR[question.pick]}` adds one."
    lines = [f"  {n}. {i}: {_label(draft.existing[question.pick][i])}" for n, i in enumerate(ids[:SHOWN], 1)]
    more = len(ids) - SHOWN
    tail = f"…and {more} more. " if more > 0 else ""
    return "\n".join([*lines, f"{tail}Type a number, an id, or a word of the name or town to search."])


def _label(data: dict[str, Any]) -> str:
    address = data.get("address")
    city = address.get("city") if isinstance(address, dict) else None
    return f"{data.get('name') or '?'}" + (f", {city}" if city else "")


def _search_text(record_id: str, data: dict[str, Any]) -> str:
    return f"{record_id} {_label(data)}".lower()


def _existing(root: Path, kind: str) -> dict[str, dict[str, Any]]:
    """The data of every readable record of a kind, by id; unreadable ones are validate's business."""
    found = {}
    for path in sorted((root / kind).glob("*.yml")):
        record, _ = load_file(path, display_path(path), kind)
        if record is not None:
            found[record.id] = record.data
    return found


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


def suggest_id(draft: Draft) -> str:
    """``<library>-<title>-<yyyy-mm>`` for a circle, ``<network prefix>-<name>`` for a library, the name for a network."""
    if draft.kind == "circles":
        prefix = draft.get("library") or "-".join(filter(None, (_network_prefix(draft, draft.get("network")), "online")))
        suffix = (draft.get("schedule.start_date") or "")[:7]
        words = draft.get("title") or ""
    elif draft.kind == "libraries":
        prefix, suffix = _network_prefix(draft, draft.get("network")), ""
        words = slugify(draft.get("name") or "", stopwords=("library", "branch", "the")) or draft.get("name") or ""
    else:
        prefix, suffix, words = "", "", draft.get("name") or ""
    room = max(ID_LENGTH - len(prefix) - len(suffix) - 2, 12)
    # words the prefix already says are left out: tpl-north-york-central-python, not …-central-python-north-york
    middle = slugify(words, max_length=room, word_boundary=True, stopwords=prefix.split("-"))
    parts = [prefix, middle or slugify(words, max_length=room, word_boundary=True), suffix]
    return "-".join(p for p in parts if p)[:80].strip("-") or KINDS_SINGULAR[draft.kind]


def _network_prefix(draft: Draft, network: str | None) -> str:
    """The first word every library of the network starts with (tpl for toronto-public-library), else initials."""
    if not network:
        return ""
    ids = [i for i, data in draft.existing["libraries"].items() if data.get("network") == network]
    firsts = {i.split("-")[0] for i in ids}
    if len(ids) > 1 and len(firsts) == 1:
        return firsts.pop()
    words = [w for w in network.split("-") if w not in ("of", "the", "and", "de", "la", "le", "du")]
    return "".join(w[0] for w in words) if len(words) > 1 else network


def free_id(folder: Path, record_id: str) -> str:
    """``record_id``, or ``record_id-2``, ``-3``… when a file of that name exists."""
    candidate, n = record_id, 1
    while (folder / f"{candidate}.yml").exists():
        n += 1
        candidate = f"{record_id}-{n}"
    return candidate


# Writing


def render(resource: Resource, answers: dict[str, Any], record_id: str) -> str:
    """The record as commented YAML, fields in the schema's order."""
    lines = [FIRST_LINE[resource.name] + " Its fields are explained in docs/records.md."]
    group = ""
    for path, column in resource.columns.items():
        if path not in answers:
            continue
        parent, _, name = path.rpartition(".")
        if parent and parent != group:
            lines.append(f"{parent}:")
        group = parent
        indent = "  " if parent else ""
        if path in COMMENTED:
            options = column.constraints.get("enum")
            lines.append(f"{indent}# {column.description}" + (f" One of: {', '.join(options)}." if options else ""))
        lines.extend(indent + line for line in _field(name, answers[path], column))
    if resource.name == "libraries" and "latitude" not in answers:
        lines.append(f"# No coordinates yet: `circles geocode --write {record_id}` looks them up.")
    return "\n".join(lines) + "\n"


def _field(name: str, value: Any, column: Column) -> list[str]:
    if isinstance(value, list):
        return [f"{name}: [{', '.join(_scalar(v, column, flow=True) for v in value)}]"]
    if len(value) > 80 and value == " ".join(value.split()) and value.isprintable():  # long prose reads best folded
        return [f"{name}: >-", *("  " + line for line in textwrap.wrap(value, 88, break_long_words=False,
                                                                          break_on_hyphens=False))]
    return [f"{name}: {_scalar(value, column)}"]


def _scalar(text: str, column: Column, flow: bool = False) -> str:
    """Plain when every YAML reader takes it as meant, else double-quoted: "18:00", "02134", "NO"."""
    try:
        read = yaml.safe_load(text)
    except Exception:  # not only YAMLError: 2027-13-01 fails in the date constructor; any failure means quote
        read = None
    typed = (column.item_type if column.is_list else column.type) in ("date", "integer", "number")
    plain = isinstance(read, (int, float, dt.date)) and not isinstance(read, bool) if typed else read == text
    if plain and text == text.strip() and text.isprintable() and not (flow and re.search(r"[,\[\]{}]", text)):
        return text
    # JSON strings are YAML double-quoted scalars; invisible characters are escaped so that they show
    return "".join(c if c.isprintable() else _escape(c) for c in json.dumps(text, ensure_ascii=False))


def _escape(char: str) -> str:
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"


def _nested(answers: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for path, value in answers.items():
        parent, _, name = path.rpartition(".")
        (data.setdefault(parent, {}) if parent else data)[name] = value
    return data


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


def console_ask(prompt: str) -> str:
    """``input()`` on a terminal; otherwise one line of standard input per answer, echoed."""
    if sys.stdin.isatty():
        return input(prompt)
    sys.stdout.write(prompt)
    line = sys.stdin.readline()
    if not line:
        sys.stdout.write("\n")
        raise EOFError
    answer = line.rstrip("\r\n")
    print(answer)
    return answer
