"""The ``circles`` command: check records and regenerate the references in docs/.

Errors reach people here, once, as messages; never as a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from circles.problems import FORMATS, REPEATED, WARNINGS, CirclesError, Problem, errors, problem, summary
from circles.settings import read_project_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="circles", description="Tools for the Learning Circles Directory.")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("validate", help="check records and report every problem")
    check.add_argument("paths", nargs="*", type=Path, help="record files or folders (default: the content folder)")
    check.add_argument("--format", choices=sorted(FORMATS), default="text", help="text for people, github for pull requests, json for tools")
    check.add_argument("--warnings", choices=WARNINGS, default="summary",
                       help=f"summary: one line for a kind of warning found more than {REPEATED} times (the default); "
                            "all: each one; none: only counted. json lists each one")

    geocode = commands.add_parser("geocode", help="look up coordinates of libraries that have none")
    geocode.add_argument("ids", nargs="*", help="library ids to look up (default: every library without coordinates)")
    geocode.add_argument("--write", action="store_true", help="write the coordinates into the files and the cache")

    links = commands.add_parser("linkcheck", help="check that the web links of listings still answer (needs the network)")
    links.add_argument("paths", nargs="*", type=Path, help="record files or folders (default: the content folder)")
    links.add_argument("--format", choices=["text", "markdown"], default="text", help="text for people, markdown for an issue")
    links.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each answer (default: 10)")
    links.add_argument("--delay", type=float, default=1.0, help="seconds between two requests to the same host (default: 1)")

    new = commands.add_parser("new", help="write a new record by answering questions")
    new.add_argument("kind", choices=["circle", "library", "network", "course"], help="what to add")
    new.add_argument("--content", type=Path, help="the content folder (default: from pelicanconf.py)")
    new.add_argument("--dry-run", action="store_true", help="print the record instead of writing it")

    moving = commands.add_parser("courses", help="move the courses written out in circles into files of content/courses/")
    moving.add_argument("--write", action="store_true", help="write the course files and name them in the circles")
    moving.add_argument("--content", type=Path, help="the content folder (default: from pelicanconf.py)")

    bring = commands.add_parser("import", help="add or update records from a list of libraries, another directory or a "
                                                "library's calendar")
    into = argparse.ArgumentParser(add_help=False)
    into.add_argument("--content", type=Path, help="the content folder (default: from pelicanconf.py)")
    into.add_argument("--dry-run", action="store_true", help="report what would change and write nothing")
    kinds = bring.add_subparsers(dest="kind", required=True)
    listed = kinds.add_parser("libraries", parents=[into], help="a list (CSV or GeoJSON) of libraries, with a mapping file")
    listed.add_argument("file", type=Path, help="the list: a .csv file (any encoding and delimiter) or a .geojson file")
    listed.add_argument("--mapping", type=Path, required=True, help="the mapping file (YAML): which column fills which field")
    federate = kinds.add_parser("directory", parents=[into], help="another directory's networks, libraries and current circles")
    federate.add_argument("source", help="its data/datapackage.json, or its site: an https:// address or a local path")
    federate.add_argument("--prefix", default="", help="the start of new ids (default: from its host name, or its name)")
    federate.add_argument("--name", default="", help="its name in provenance.source, the same at every import (default: its package's title)")
    federate.add_argument("--max-size", type=float, default=64.0, help="megabytes a file may have (default: 64)")
    federate.add_argument("--timeout", type=float, default=60.0, help="seconds a file may take to arrive (default: 60)")
    feed = kinds.add_parser("calendar", parents=[into], help="a library's iCalendar feed: its weekly series as draft circles")
    feed.add_argument("source", help="the feed (.ics): an https:// address or a local path")
    feed.add_argument("--library", required=True, help="the id of the library the circles meet at (a file in content/libraries/)")
    feed.add_argument("--name", default="", help="the calendar's name in provenance.source, the same at every import (default: its X-WR-CALNAME)")
    feed.add_argument("--language", default="", help="the circles' language, a BCP 47 tag (default: the first of the library's network)")
    feed.add_argument("--max-size", type=float, default=16.0, help="megabytes the feed may have (default: 16)")
    feed.add_argument("--timeout", type=float, default=60.0, help="seconds the feed may take to arrive (default: 60)")
    every = kinds.add_parser("all", help="every import listed in the configuration file, one after the other")
    every.add_argument("--config", type=Path, default=Path("imports.yml"), help="the list of imports (default: imports.yml)")
    every.add_argument("--content", type=Path, help="the content folder (default: from pelicanconf.py)")
    every.add_argument("--dry-run", action="store_true", help="report what would change and write nothing")

    docs = commands.add_parser("docs", help="write docs/records.md from schema/ and docs/errors.md from the problem catalogue")
    docs.add_argument("--check", action="store_true", help="exit 1 if either file is out of date")
    docs.add_argument("--dir", type=Path, default=Path("docs"), help="the folder to write them in (default: docs)")

    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            return validate(args.paths, args.format, args.warnings)
        if args.command == "new":
            from circles.tools.new import new_command

            return new_command(args.kind, args.content, args.dry_run)
        if args.command == "courses":
            from circles.tools.courses import courses_command

            settings = read_project_settings()
            return courses_command({**settings, "PATH": str(args.content)} if args.content else settings, args.write)
        if args.command == "geocode":
            from circles.tools.geocode import geocode_command

            return geocode_command(read_project_settings(), args.ids, args.write)
        if args.command == "linkcheck":
            from circles.tools.linkcheck import linkcheck_command

            return linkcheck_command(read_project_settings(), args.paths, args.format, args.timeout, args.delay)
        if args.command == "import" and args.kind == "directory":
            from circles.tools.importing.report import directory_command

            return directory_command(read_project_settings(), args.source, prefix=args.prefix, name=args.name,
                                     dry_run=args.dry_run, content=args.content, max_size=args.max_size,
                                     timeout=args.timeout)
        if args.command == "import" and args.kind == "calendar":
            from circles.tools.importing.report import calendar_command

            return calendar_command(read_project_settings(), args.source, args.library, name=args.name,
                                    language=args.language, dry_run=args.dry_run, content=args.content,
                                    max_size=args.max_size, timeout=args.timeout)
        if args.command == "import" and args.kind == "all":
            from circles.tools.importing.scheduled import all_command

            return all_command(read_project_settings(), args.config, dry_run=args.dry_run, content=args.content)
        if args.command == "import":
            from circles.tools.importing.report import import_command

            return import_command(read_project_settings(), args.file, args.mapping, args.dry_run, args.content)
        return write_docs(args.dir, args.check)
    except CirclesError as exc:
        print(f"circles: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug of ours: say so plainly; CIRCLES_DEBUG=1 shows the traceback
        if os.environ.get("CIRCLES_DEBUG"):
            raise
        print(f"circles: internal error ({type(exc).__name__}: {exc}). Please report it; "
              "run again with CIRCLES_DEBUG=1 for details.", file=sys.stderr)
        return 70


def validate(paths: list[Path], fmt: str, warnings: str = "summary") -> int:
    from circles.records.validate import validate_paths

    problems = [p for data in validate_paths(paths, read_project_settings()) for p in data.problems]
    problems = sorted(problems + missing(paths))
    report = FORMATS[fmt](problems, warnings)
    if report:
        print(report)
    if fmt == "github" and problems:
        print(summary(problems), file=sys.stderr)
    return 1 if errors(problems) else 0


def missing(paths: list[Path]) -> list[Problem]:
    """The paths given that do not exist, as errors: else finding nothing there would read "No problems found"."""
    from circles.records.schema import closest
    from circles.records.validate import display_path

    def near(path: Path) -> str:  # a misspelt file name
        try:
            return closest(path.name, sorted(os.listdir(path.parent)))
        except OSError:
            return ""

    return [problem("no-such-file", display_path(p), 1, suggestion=near(p)) for p in paths if not os.path.lexists(p)]


def write_docs(folder: Path, check: bool) -> int:
    from circles.tools.docs import error_reference, field_reference

    stale = 0
    for name, make in (("records.md", field_reference), ("errors.md", error_reference)):
        output, text = folder / name, make()
        if check:
            if not output.is_file() or output.read_text(encoding="utf-8") != text:
                print(f"{output} is out of date: run 'circles docs' and commit the result", file=sys.stderr)
                stale = 1
            continue
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        print(f"wrote {output}")
    return stale


def run() -> None:  # console-script entry point
    sys.exit(main())
