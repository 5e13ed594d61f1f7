"""The record ``circles new`` is writing: the answers so far, checked as they are given, then its
id and its YAML.

Every answer is checked by the rules of ``circles validate``: the draft is written out as YAML,
read back by the loader and checked, and only the problems the answers so far cause are kept.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slugify import slugify

from circles.directory.geocoding import GeoCache
from circles.problems import Problem, errors, problem
from circles.records.load import LoadError, Record, load_file, parse
from circles.records.placement import check_places
from circles.records.schema import Resource
from circles.records.validate import check_record, display_path
from circles.records.yamlwriter import field as yaml_field

KINDS = {"circle": "circles", "library": "libraries", "network": "networks", "course": "courses"}
KINDS_SINGULAR = {plural: singular for singular, plural in KINDS.items()}
ID_LENGTH = 60  # the schema allows 80; a file name people can read in a list stays shorter
FIRST_LINE = {
    "circles": "# A learning circle, listed in the Learning Circles Directory.",
    "libraries": "# A library where learning circles meet.",
    "networks": "# A network that runs learning circles.",
    "courses": "# A course that learning circles take together.",
}
# Fields whose schema description goes into the file as a comment: the ones a reader could misread.
COMMENTED = {"library", "network", "format", "topics", "language", "schedule.weekdays", "schedule.start_time",
             "schedule.duration", "timezone", "signup", "listed", "type", "countries", "languages", "contact",
             "address.country", "latitude", "course", "licence"}


class Again(Exception):
    """An answer that cannot be used as it is; the message is shown before asking again."""


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
            # A circle's course is an id or written out: "no course" waits until both were asked.
            found = [p for p in self.problems(trial) if p.field in asked and _key(p) not in self.accepted
                     and not (p.code == "missing" and p.field == "course" and "course.title" not in asked)]
        except LoadError as exc:  # e.g. an answer over the size limit of a whole record
            p = problem(exc.code, "", exc.line, **exc.params)
            raise Again(f"{p.message} — {p.hint}") from None
        if not errors(found):
            self.answers, self.asked = trial, asked
            self.accepted.update(_key(p) for p in found)
        return found


def _key(p: Problem) -> tuple[str, str, str]:
    return (p.field, p.code, p.message)


# The id


def suggest_id(draft: Draft) -> str:
    """``<library>-<title>-<yyyy-mm>`` for a circle, ``<network prefix>-<name>`` for a library, the name for a network
    and the title for a course."""
    if draft.kind == "circles":
        prefix = draft.get("library") or "-".join(filter(None, (_network_prefix(draft, draft.get("network")), "online")))
        suffix = (draft.get("schedule.start_date") or "")[:7]
        words = draft.get("title") or ""
    elif draft.kind == "libraries":
        prefix, suffix = _network_prefix(draft, draft.get("network")), ""
        words = slugify(draft.get("name") or "", stopwords=("library", "branch", "the")) or draft.get("name") or ""
    else:
        prefix, suffix, words = "", "", draft.get("name") or draft.get("title") or ""
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


# The YAML


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
        lines.extend(yaml_field(name, answers[path], column.type, column.item_type, indent))
    if resource.name == "libraries" and "latitude" not in answers:
        lines.append(f"# No coordinates yet: `circles geocode --write {record_id}` looks them up.")
    return "\n".join(lines) + "\n"


def nested(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers as the loader reads the record: ``{"schedule": {"start_date": …}}``."""
    data: dict[str, Any] = {}
    for path, value in answers.items():
        parent, _, name = path.rpartition(".")
        (data.setdefault(parent, {}) if parent else data)[name] = value
    return data


# Records already listed, to choose from


def record_label(data: dict[str, Any]) -> str:
    """A listed record as people know it: its name, and its town when it has an address."""
    address = data.get("address")
    city = address.get("city") if isinstance(address, dict) else None
    if "title" in data and "name" not in data:  # a course
        return f"{data.get('title') or '?'}" + (f", {data['provider']}" if isinstance(data.get("provider"), str) else "")
    return f"{data.get('name') or '?'}" + (f", {city}" if city else "")


def search_text(record_id: str, data: dict[str, Any]) -> str:
    """What a word typed to find a listed record is looked for in."""
    return f"{record_id} {record_label(data)}".lower()


def whole_words(words: list[str], text: str) -> bool:
    """Whether each word typed is a whole word of ``text`` (ids count whole and by their parts)."""
    found = set(text.split()) | set(re.split(r"[\W_]+", text))
    return all(word in found for word in words)


def existing_records(root: Path, kind: str) -> dict[str, dict[str, Any]]:
    """The data of every readable record of a kind, by id; unreadable ones are validate's business."""
    found = {}
    for path in sorted((root / kind).glob("*.yml")):
        record, _ = load_file(path, display_path(path), kind)
        if record is not None:
            found[record.id] = record.data
    return found


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
