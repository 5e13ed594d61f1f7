"""Settings: one namespaced ``DIRECTORY`` dict in pelicanconf.py, merged over defaults.

Unknown keys are reported by name at start-up, so a typo never passes silently.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from .problems import CirclesError

#: Every DIRECTORY setting, its default, and what it is for (docs/settings.md is made from this).
DIRECTORY_DEFAULTS: dict[str, tuple[Any, str]] = {
    "locale": ("en", "Locale of the site's words and of how dates and times are written (a CLDR locale such as en, en_CA, fr)."),
    "sample": (False, "True when the records are examples: every page then says so."),
    "content": ("content", "Folder holding networks/, libraries/ and circles/, relative to the project."),
    "upcoming_on_home": (12, "How many upcoming circles the home page lists."),
}


class SettingsError(CirclesError):
    pass


def directory_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The ``DIRECTORY`` setting merged over the defaults; unknown keys are an error."""
    given = settings.get("DIRECTORY") or {}
    unknown = sorted(set(given) - set(DIRECTORY_DEFAULTS))
    if unknown:
        raise SettingsError(f"unknown DIRECTORY setting(s): {', '.join(unknown)} "
                            f"(known: {', '.join(DIRECTORY_DEFAULTS)})")
    merged = {key: default for key, (default, _) in DIRECTORY_DEFAULTS.items()}
    merged.update(given)
    return merged


def build_date(settings: dict[str, Any]) -> dt.date:
    """``BUILD_DATE`` (a date or YYYY-MM-DD), else ``SOURCE_DATE_EPOCH``, else today (UTC).

    Statuses and next meetings are relative to it, so a build is reproducible.
    """
    value = settings.get("BUILD_DATE")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value:
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise SettingsError(f"BUILD_DATE must be YYYY-MM-DD, not {value!r}") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (ValueError, OverflowError):
            raise SettingsError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch!r}") from None
    return dt.datetime.now(dt.UTC).date()


def content_root(settings: dict[str, Any]) -> Path:
    """The content folder: ``PATH`` from Pelican when set, else DIRECTORY's ``content``."""
    return Path(settings.get("PATH") or directory_settings(settings)["content"])


def read_project_settings(path: str = "pelicanconf.py") -> dict[str, Any]:
    """Pelican's settings for the command line, without starting Pelican."""
    if not Path(path).is_file():
        return {}
    from pelican.settings import read_settings

    return read_settings(path)
