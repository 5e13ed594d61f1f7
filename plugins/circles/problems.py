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
        self.report = format_text(self.problems)
        super().__init__(f"{summary(self.problems)} Nothing was built; the problems are listed above.")


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


# Output formats


def format_text(problems: list[Problem]) -> str:
    """``path:line: field: what is wrong — how to fix it``, one line each, then a summary."""
    lines = []
    for p in sorted(problems):
        where = f"{p.path}:{p.line}: " + (f"{p.field}: " if p.field else "")
        level = "" if p.is_error else "warning: "
        lines.append(f"{where}{level}{p.message}" + (f" — {p.hint}" if p.hint else ""))
    lines.append(summary(problems))
    return "\n".join(lines)


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


def format_github(problems: list[Problem]) -> str:
    """GitHub workflow commands, shown as annotations on the pull request's diff."""
    lines = []
    for p in sorted(problems):
        title = f"{p.field or 'file'}: {p.code}"
        text = p.message + (f" — {p.hint}" if p.hint else "")
        lines.append(
            f"::{p.severity} file={_escape_property(p.path)},line={p.line},"
            f"title={_escape_property(title)}::{_escape_data(text)}"
        )
    return "\n".join(lines)


def format_json(problems: list[Problem]) -> str:
    return json.dumps([asdict(p) for p in sorted(problems)], indent=2, ensure_ascii=False)


FORMATS = {"text": format_text, "github": format_github, "json": format_json}
