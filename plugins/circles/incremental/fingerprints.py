"""Fingerprints: a short digest of everything a file is made from, for the incremental layer (layer.py).

A file's *key* is a hash of the values it is made from: for a page, its template and context. A
record counts by the bytes of its validated row, with the rows of the records it shows (a circle
page shows its library and network; a library page its circles). Every key also holds the
*stamp*: the code, templates and settings of the build, so that a change to any of them changes
every key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import marshal
import operator
import pickle
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from circles.directory.models import Circle, Course, Directory, Library, Network, Place
from circles.incremental.store import installed_packages

#: Bump when the format of the kept keys changes.
FORMAT = 1
SCALARS = (str, int, float, bool, type(None), dt.date, dt.time, dt.timedelta)
#: Values written as their type and repr, which says all of them (Markup is a str, a datetime a date; a
#: time zone's repr is its name).
WRITTEN = (*SCALARS, Decimal, dt.tzinfo)
#: Records, which count by their fingerprints.
MODELS = (Circle, Course, Library, Network, Place)


class Uncacheable(Exception):
    """A page's context holds something this module cannot fingerprint: render it every time."""


#: For each dataclass met: its name, and what gives the tuple of its fields' values.
_FIELDS: dict[type, tuple[str, Callable[[Any], tuple]]] = {}


def _named_fields(kind: type) -> tuple[str, Callable[[Any], tuple]]:
    return f"{kind.__module__}.{kind.__qualname__}", _getter(kind)


def _getter(kind: type) -> Callable[[Any], tuple]:
    names = [f.name for f in dataclasses.fields(kind)]
    if len(names) == 1:  # attrgetter of one name gives the value, not a tuple
        return lambda obj: (getattr(obj, names[0]),)
    return operator.attrgetter(*names) if names else lambda obj: ()


def _plain_digest(row: dict[str, Any] | None) -> bytes:
    """A record's validated row, plain data (strings, numbers, dates, lists), pickled by pickle's own C code."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: the bytes follow the values, not which of them are one object
    pickler.dump(row)
    return _hash(b"v", buffer.getvalue())


def _hash(*parts: bytes) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(len(part).to_bytes(4, "little"))
        digest.update(part)
    return digest.digest()


def record_name(record: Any) -> str:
    """A record's name among the fingerprints kept between builds: its kind and id (``Circle:ml-python-2026-03``)."""
    return f"{type(record).__name__}:{record.id}"


class Fingerprints:
    """Digests of the objects templates receive: records by their rows and the rows they show, and other
    dataclasses by their fields, each once per build; lists, tuples, dicts and sets by what they hold,
    plain values (:data:`WRITTEN`, bytes) as they are, within a file's key (:meth:`key`); anything else is
    :class:`Uncacheable`.

    Speed (issue 24): a rebuild of 10,000 circles fingerprints 12,000 records, 23,000 page contexts and
    19,000 other files' values (13,000 of them lists of circles: a calendar's, a feed's). They were
    pickled, with a call back into Python for every record, string and list the pickler met; joining the
    records' digests instead, and pickling rows in C alone (:func:`_plain_digest`), the three took
    0.71 s instead of 1.16 s of a 5 s rebuild.
    """

    def __init__(self, directory: Directory):
        self.rows = directory.rows
        self.memo: dict[int, bytes] = {}
        self.records: dict[int, bytes] = {}  # the records' own, by id, for the lists that hold them
        self.keep: list[Any] = []  # holds every memoised object, so that no id is reused
        self.rows_seen: dict[tuple[str, str], bytes] = {}  # a library's row is asked for by each of its circles

    def row(self, kind: str, record_id: str | None) -> bytes:
        if record_id is None:
            return b"-"
        key = (kind, record_id)
        if key not in self.rows_seen:
            self.rows_seen[key] = _plain_digest(self.rows.get(kind, {}).get(record_id))
        return self.rows_seen[key]

    def of_records(self, directory: Directory) -> dict[str, bytes]:
        """Work out every record's fingerprint now, before processes are forked, so that they all have them;
        each by its kind and id (``Circle:ml-python-2026-03``)."""
        return {record_name(record): self.of(record)
                for record in (*directory.networks, *directory.libraries, *directory.courses, *directory.circles)}

    def key(self, parts: tuple) -> bytes:
        """The key of a file made from ``parts``: the values written out once (:meth:`_value`), records and
        other dataclasses as their fingerprints, and hashed once. Raises :class:`Uncacheable` for a value it
        cannot fingerprint, RecursionError for one that holds itself.

        Speed (issue 24): a rebuild of 10,000 circles keys 52,600 files. Digesting each list, tuple and dict
        on its own, a hash and a join at each level, took 0.35 s; written out by marshal's C code and hashed
        once, 0.25 s. Version 2 of marshal's format refers to no object met before, so the bytes follow the
        values alone, not which of them are one object.
        """
        return hashlib.blake2b(marshal.dumps(self._value(parts), 2), digest_size=16).digest()

    def _value(self, value: Any) -> Any:
        """``value`` as marshal writes it, each kind told apart: str, int, float, bool and None as they are;
        bytes only for a fingerprint (a record's, another dataclass's); a list as a list; anything else as a
        tuple that names its kind first: ``("t", [...])`` for a tuple, ``("d", [key, value, ...])`` for a
        dict in its order (the order a template loops in), ``("e", [...])`` for a set, sorted (a set's own
        order varies by process), ``("b", data)`` for bytes, ``("w", type, repr)`` for Markup, dates and
        the other :data:`WRITTEN` values."""
        kind = type(value)
        if kind is str or kind is int or kind is bool or kind is float or value is None:
            return value
        records = self.records
        found = records.get(id(value))
        if found is not None:
            return found
        if kind is list:  # most often records only (a calendar's, a feed's), all fingerprinted already
            digests = [records.get(id(item)) for item in value]
            return [self._value(item) for item in value] if None in digests else digests
        if kind is tuple:
            return ("t", [self._value(item) for item in value])
        if kind is dict:
            return ("d", [part for name, item in value.items() for part in (self._value(name), self._value(item))])
        if kind is set or kind is frozenset:
            return ("e", sorted(marshal.dumps(self._value(item), 2) for item in value))
        if kind is bytes:
            return ("b", value)
        if isinstance(value, WRITTEN):
            return ("w", kind.__name__, repr(value))
        return self.of(value)

    def of(self, value: Any) -> bytes:
        """The fingerprint of a record or another dataclass, worked out once per build (the object is kept,
        so that its id stays its own)."""
        key = id(value)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self._digest(value)
            self.keep.append(value)
            if isinstance(value, MODELS):
                self.records[key] = found
        return found

    def _digest(self, value: Any) -> bytes:
        if isinstance(value, Circle):
            library, network = value.library, value.network
            return _hash(b"c", self.row("circles", value.id), self.row("libraries", library and library.id),
                         self.row("networks", library and library.network and library.network.id),
                         self.row("networks", network and network.id), self.row("courses", value.course.id or None),
                         # what the build's moment makes of it: a meeting that ended an hour ago changes both
                         f"{value.status} {value.next_meeting and value.next_meeting.start.isoformat()}".encode())
        if isinstance(value, Course):  # a course written out in a circle is made of its circle's row
            if not value.id:
                return _hash(b"w", self.key((value.title, value.provider, value.website, value.language, value.licence)))
            return _hash(b"k", self.row("courses", value.id), self._joined(value.circles))
        if isinstance(value, Library):
            network = value.network
            return _hash(b"l", self.row("libraries", value.id), self.row("networks", network and network.id),
                         self._joined(value.circles))
        if isinstance(value, Network):
            return _hash(b"n", self.row("networks", value.id), self._joined(value.libraries),
                         self._joined(value.circles))
        if isinstance(value, Place):
            return _hash(b"p", self.key((value.slug, value.name, value.url, value.circle_count)),
                         self._joined(value.libraries), self._joined(value.children))
        kind = type(value)
        if kind in _FIELDS or dataclasses.is_dataclass(value) and not isinstance(value, type):
            name, fields = _FIELDS.get(kind) or _FIELDS.setdefault(kind, _named_fields(kind))
            return _hash(b"f", name.encode(), self.key(fields(value)))
        raise Uncacheable(kind.__name__)

    def _joined(self, records: list) -> bytes:
        """The fingerprints of records, which are all of one length, one after the other."""
        return b"".join(map(self.of, records))


def build_stamp(settings: dict[str, Any], env, extra: Iterable[Path] = ()) -> bytes:
    """What every page depends on: the plugin's code, the theme's templates, the settings and
    the template globals (build date, locale, ...), the packages installed, and files such as the
    geocoding cache."""
    code = Path(__file__).parents[1]  # the whole package
    files = sorted(p for p in code.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    files += sorted(p for p in (Path(settings["THEME"]) / "templates").rglob("*") if p.is_file())
    files += [p for p in extra if p.is_file()]
    simple = {k: v for k, v in settings.items() if _plain(v)}
    parts = [json.dumps(simple, sort_keys=True, default=str).encode(),
             json.dumps({k: v for k, v in env.globals.items() if _plain(v)}, sort_keys=True, default=str).encode(),
             installed_packages()]
    parts += [p.as_posix().encode() + p.read_bytes() for p in files]
    return _hash(str(FORMAT).encode(), *parts)


def _plain(value: Any) -> bool:
    if isinstance(value, SCALARS):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False
