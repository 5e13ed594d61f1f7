"""Shared fixtures: small real content trees and real Pelican builds into tmp_path."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import textwrap
from pathlib import Path

import pytest

# Real-browser fixtures (browser, page, served_site), for every test module that needs them.
pytest_plugins = ["tests.browser"]

ROOT = Path(__file__).resolve().parents[1]
BUILD_DATE = dt.date(2026, 11, 22)


class NetworkAccessError(RuntimeError):
    """The build or a test reached for another machine. Not an OSError, so no handler of
    network failures can mistake it for a site that is down and carry on."""


def _is_local(host: str | bytes | None) -> bool:
    """Whether ``host`` names this machine: loopback, localhost, or no host at all (a listening socket)."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not host or host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def _loopback_only(address):
    """``address`` when it stays on this machine (loopback, or a Unix socket's path); else NetworkAccessError."""
    host = address[0] if isinstance(address, tuple) else None
    if isinstance(host, (str, bytes)) and not _is_local(host):
        raise NetworkAccessError(f"tried to connect to {address!r}: nothing may leave this machine in tests or builds")
    return address


def _is_address(host) -> bool:
    try:
        ipaddress.ip_address(host.decode() if isinstance(host, bytes) else host)
    except (ValueError, AttributeError, UnicodeDecodeError):
        return False
    return True


@pytest.fixture(scope="session", autouse=True)
def no_network():
    """No network at build or test time: connecting anywhere but loopback, or looking up any name
    but localhost, raises NetworkAccessError. Chromium's requests are not Python's: the ``page``
    fixture of tests/browser.py stops those."""
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex
    create_connection, getaddrinfo = socket.create_connection, socket.getaddrinfo

    def lookup(host, *args, **kwargs):
        if not (_is_local(host) or _is_address(host)):  # an address literal needs no lookup; connect() judges it
            raise NetworkAccessError(f"tried to look up {host!r}: nothing may leave this machine in tests or builds")
        return getaddrinfo(host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", lambda sock, address: connect(sock, _loopback_only(address)))
        patch.setattr(socket.socket, "connect_ex", lambda sock, address: connect_ex(sock, _loopback_only(address)))
        patch.setattr(socket, "create_connection",
                      lambda address, *args, **kwargs: create_connection(_loopback_only(address), *args, **kwargs))
        patch.setattr(socket, "getaddrinfo", lookup)
        yield


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


def build(content: Path, output: Path, every_language: bool = False, **overrides) -> Path:
    """A real Pelican build of ``content`` with the project's settings, from scratch: without the
    content cache pelicanconf.py turns on, which would keep every test's keys in the project's
    cache/. A test of rebuilds passes ``CACHE_CONTENT`` and ``LOAD_CONTENT_CACHE`` with a
    ``CACHE_PATH`` of its own.

    The site is built in English only, a quarter of the work, unless the test gives DIRECTORY
    itself or asks for ``every_language`` (pelicanconf.py's, as ``make html`` builds them)."""
    from pelican import Pelican
    from pelican.settings import read_settings

    if "DIRECTORY" not in overrides and not every_language:
        overrides["DIRECTORY"] = {**read_settings(str(ROOT / "pelicanconf.py"))["DIRECTORY"], "languages": ["en"]}
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={
        "PATH": str(content), "OUTPUT_PATH": str(output), "BUILD_DATE": BUILD_DATE,
        "THEME": str(ROOT / "theme"), "PLUGIN_PATHS": [str(ROOT / "plugins")],
        "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False, **overrides,
    })
    Pelican(settings).run()
    return output
