"""Problems are data: a code, a place (file, line, field) and a message with a fix.

Checks *yield* :class:`Problem` objects, made by :func:`problem` from the templates
in :mod:`circles.catalogue`; one report prints them all, as text for people, as
GitHub workflow annotations for pull requests, or as JSON for tools.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

# The catalogue has a module of its own for its length; Kind and the severities are part of this one's interface.
from circles.catalogue import CATALOGUE, DID_YOU_MEAN, ERROR, WARNING, Kind  # noqa: F401
from circles.i18n import Texts

# Templates are translated when a problem is made, into the locale set here.
_texts = Texts("en")


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str  # the YAML path a contributor edits, e.g. "schedule.start_date"; "" for the whole file
    code: str
    message: str  # what is wrong
    hint: str = ""  # how to fix it
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def flat(self) -> tuple[str, int, str, str]:
        """The identity of a problem, for tests: ``(path, line, field, code)``."""
        return (self.path, self.line, self.field, self.code)


def set_locale(locale: str) -> None:
    """Write the messages and hints of problems made from now on in ``locale``."""
    global _texts
    _texts = Texts(locale)


def problem(code: str, path: str, line: int, field: str = "", **params: Any) -> Problem:
    """The problem ``code`` (a key of the catalogue) at ``path:line``, its templates filled in.

    The templates get ``field`` and ``params``. A non-empty ``suggestion`` (a close
    match) makes the hint "did you mean '…'?". An unknown code raises KeyError: a bug.
    """
    kind = CATALOGUE[code]
    values = {"field": field, **params}
    hint = DID_YOU_MEAN if params.get("suggestion") else kind.hint
    return Problem(path, line, field, code.partition(":")[0], _texts.gettext(kind.message).format(**values),
                   _texts.gettext(hint).format(**values), kind.severity)


class CirclesError(Exception):
    """An error a person can act on; the CLI prints it without a traceback."""


class InvalidRecords(CirclesError):
    """Records with errors: nothing is published until they are fixed."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        self.report = format_text(self.problems, "summary")
        super().__init__(f"{summary(self.problems)} Nothing was built; the problems are listed above.")


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


# Output formats

#: How warnings are listed (``circles validate --warnings``): each one, one line per kind when a kind
#: is repeated more than REPEATED times, or none (they are still counted). JSON always lists each one.
WARNINGS = ("summary", "all", "none")
#: A kind of warning found more often than this is summarised: a whole country's libraries gave 618
#: "uses http://" warnings (issue 20) that hid the errors.
REPEATED = 5
#: Warnings that are each a task on one file, listed one by one however many there are: a draft says
#: what is left to fill in (issue 20).
TASKS = frozenset({"draft"})


def listed(problems: list[Problem], warnings: str = "all") -> tuple[list[Problem], list[list[Problem]]]:
    """The problems to list one by one, sorted, and the warnings summarised, each kind's as a list."""
    problems = sorted(problems)
    if warnings == "all":
        return problems, []
    kinds: dict[str, list[Problem]] = {}
    for p in problems:
        if not p.is_error:
            kinds.setdefault(p.code, []).append(p)
    folded = {code for code, found in kinds.items()
              if warnings == "none" or (len(found) > REPEATED and code not in TASKS)}
    one_by_one = [p for p in problems if p.is_error or p.code not in folded]
    return one_by_one, [] if warnings == "none" else [kinds[code] for code in sorted(folded)]


def format_text(problems: list[Problem], warnings: str = "all") -> str:
    """``path:line: field: what is wrong — how to fix it``, one line each, then a summary."""
    one_by_one, summarised = listed(problems, warnings)
    lines = [text_line(p) for p in one_by_one]
    lines += [f"warning: {summary_line(found)}" for found in summarised]
    lines.append(summary(problems))
    return "\n".join(lines)


def text_line(p: Problem, level: bool = True) -> str:
    """One problem as ``path:line: field: [warning: ]what is wrong — how to fix it``."""
    where = f"{p.path}:{p.line}: " + (f"{p.field}: " if p.field else "")
    return f"{where}{'warning: ' * (level and not p.is_error)}{p.message}" + (f" — {p.hint}" if p.hint else "")


def summary_line(found: list[Problem]) -> str:
    """One line for many warnings of one kind: how many, in how many files, and the first of them."""
    files = len({p.path for p in found})
    return (f"{len(found)} × {found[0].code} in {files} file{'s' * (files != 1)} "
            f"('circles validate --warnings all' lists each), the first: {text_line(found[0], level=False)}")


def summary(problems: list[Problem]) -> str:
    n_errors = len(errors(problems))
    n_warnings = len(problems) - n_errors
    files = len({p.path for p in problems})
    if not problems:
        return "No problems found."
    parts = [f"{n_errors} error{'s' * (n_errors != 1)}"] if n_errors or not n_warnings else []
    if n_warnings:
        parts.append(f"{n_warnings} warning{'s' * (n_warnings != 1)}")
    return f"{' and '.join(parts)} in {files} file{'s' * (files != 1)}."


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: list[Problem], warnings: str = "all") -> str:
    """GitHub workflow commands, shown as annotations on the pull request's diff; a summarised kind of
    warning is one annotation on the run, with no file."""
    one_by_one, summarised = listed(problems, warnings)
    lines = []
    for p in one_by_one:
        title = f"{p.field or 'file'}: {p.code}"
        text = p.message + (f" — {p.hint}" if p.hint else "")
        lines.append(
            f"::{p.severity} file={_escape_property(p.path)},line={p.line},"
            f"title={_escape_property(title)}::{_escape_data(text)}"
        )
    for found in summarised:
        lines.append(f"::warning title={_escape_property(found[0].code)}::{_escape_data(summary_line(found))}")
    return "\n".join(lines)


def format_json(problems: list[Problem], warnings: str = "all") -> str:
    """Every problem, whatever ``warnings`` says: tools count and filter them themselves."""
    return json.dumps([asdict(p) for p in sorted(problems)], indent=2, ensure_ascii=False)


FORMATS = {"text": format_text, "github": format_github, "json": format_json}
