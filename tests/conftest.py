"""Shared fixtures: small real content trees and real Pelican builds into tmp_path."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

# Real-browser fixtures (browser, page, served_site), for every test module that needs them.
pytest_plugins = ["tests.browser"]

ROOT = Path(__file__).resolve().parents[1]
BUILD_DATE = dt.date(2026, 11, 22)

NETWORK = """\
name: Example Library System
type: library_system
website: https://www.lib.example.net/
countries: [CA]
languages: [en, fr]
contact: circles@lib.example.net
"""

# Toronto Reference Library: address and coordinates from City of Toronto Open Data,
# Library Branch General Information (2023).
LIBRARY = """\
name: Central Branch
network: net
website: https://www.lib.example.net/central
address:
  street: 789 Yonge Street
  city: Toronto
  region: ON
  postal_code: M4W 2G8
  country: CA
latitude: 43.671737
longitude: -79.386763
timezone: America/Toronto
"""

CIRCLE = """\
title: Python for beginners
library: central
course:
  title: Python Essentials 1
  provider: Cisco Networking Academy
language: en
topics: [python, programming]
schedule:
  start_date: 2026-12-01
  weeks: 6
  weekdays: [tuesday]
  start_time: 18:00
  duration: 90
signup: drop-in
"""


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``{"circles/x.yml": text}`` under ``root``; return root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def tree(tmp_path):
    """A valid minimal content tree; tests add or replace files."""

    def make(**files: str) -> Path:
        base = {"networks/net.yml": NETWORK, "libraries/central.yml": LIBRARY, "circles/python.yml": CIRCLE}
        base.update({k.replace("__", "/") + ".yml": v for k, v in files.items()})
        return write_tree(tmp_path / "content", {k: v for k, v in base.items() if v is not None})

    return make


def build(content: Path, output: Path, **overrides) -> Path:
    """A real Pelican build of ``content`` with the project's settings."""
    from pelican import Pelican
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / "pelicanconf.py"), override={
        "PATH": str(content), "OUTPUT_PATH": str(output), "BUILD_DATE": BUILD_DATE,
        "THEME": str(ROOT / "theme"), "PLUGIN_PATHS": [str(ROOT / "plugins")], **overrides,
    })
    Pelican(settings).run()
    return output
