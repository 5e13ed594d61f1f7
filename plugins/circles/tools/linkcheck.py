"""``circles linkcheck``: the links of the listings checked (weblinks.py), reported as text for people or
as Markdown for the issue the weekly workflow keeps (.github/workflows/linkcheck.yml)."""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from circles.problems import CirclesError
from circles.records.validate import validate_paths
from circles.settings import content_root, geocoding_settings
from circles.tools.weblinks import _SAFE, BROKEN, OFFLINE_AFTER, OK, REDIRECTED, Result, Use, check_links, collect_links

# Reports


def _uses_text(uses: list[Use]) -> str:
    return ", ".join(f"{use} ({use.field})" for use in uses)


def format_text(results: list[Result]) -> str:
    """One entry per link that needs a look, then a count of all."""
    lines = []
    for r in results:
        if r.status != OK:
            lines.append(f"{r.status}: {r.url} — {r.reason}")
            lines.append(f"  used in {_uses_text(r.uses)}")
    lines.append(tally(results))
    return "\n".join(lines)


def tally(results: list[Result]) -> str:
    if not results:
        return "No links to check."
    counts = {s: sum(r.status == s for r in results) for s in (BROKEN, REDIRECTED, OK)}
    total = len(results)
    return (f"Checked {total} link{'s' * (total != 1)}: {counts[BROKEN]} broken, "
            f"{counts[REDIRECTED]} redirected, {counts[OK]} fine.")


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def _code(text: str) -> str:
    """Text as a code span inside a table cell."""
    return "`" + _cell(text).replace("`", "'") + "`"


def _md_link(url: str) -> str:
    # Percent-encoding leaves no character that could end the link, the code span or the cell.
    safe = quote(url, safe=_SAFE.replace("[]", ""))
    return f"[`{safe}`]({safe})"


def format_markdown(results: list[Result]) -> str:
    """A report for an issue: a table of broken links, then one of redirected links."""
    parts = [tally(results)]
    sections = (
        (BROKEN, "Broken links", "What is wrong",
         "Fix each listing (the file and line are given), or remove the link when there is no new address."),
        (REDIRECTED, "Redirected links", "Leads to",
         "These still work; write the new address in when it is the lasting one."),
    )
    for status, heading, column, advice in sections:
        rows = [r for r in results if r.status == status]
        if not rows:
            continue
        parts += ["", f"### {heading}", "", advice, "", f"| Link | {column} | Used in |", "|---|---|---|"]
        for r in rows:
            uses = "<br>".join(f"{_code(str(use))} ({use.field})" for use in r.uses)
            detail = _md_link(r.final) if r.final else _cell(r.reason)
            parts.append(f"| {_md_link(r.url)} | {detail} | {uses} |")
    return "\n".join(parts)


FORMATS = {"text": format_text, "markdown": format_markdown}


# The command


def gather(settings: dict[str, Any], paths: list[Path]) -> dict[str, list[Use]]:
    """The links of the records under ``paths`` (default: the content folder), read by the validator."""
    for path in paths:
        if not path.exists():
            raise CirclesError(f"{path}: no such file or folder")
    if not paths and not content_root(settings).is_dir():
        raise CirclesError(f"{content_root(settings)}: the content folder does not exist; run the command from the project's folder")
    only = {p.resolve() for p in paths} if paths else None
    links: dict[str, list[Use]] = defaultdict(list)
    for data in validate_paths(paths, settings):
        for url, uses in collect_links(data, only).items():
            links[url].extend(uses)
    return dict(links)


def linkcheck_command(settings: dict[str, Any], paths: list[Path], fmt: str = "text", timeout: float = 10.0,
                      delay: float = 1.0, out: Callable[[str], None] = print) -> int:
    """Check the links and print the report; 1 when any link is broken, else 0."""
    if not 0 < timeout <= 600:
        raise CirclesError(f"--timeout must be more than 0 and at most 600 seconds, not {timeout:g}")
    if not 0 <= delay <= 600:
        raise CirclesError(f"--delay must be from 0 to 600 seconds, not {delay:g}")
    links = gather(settings, paths)
    if links:
        print(f"Checking {len(links)} link{'s' * (len(links) != 1)}…", file=sys.stderr)
    results = check_links(links, timeout=timeout, delay=delay, user_agent=geocoding_settings(settings)["user_agent"])
    if len(results) >= OFFLINE_AFTER and all(r.status == BROKEN and r.code is None for r in results):
        raise CirclesError(f"no server answered for any of the {len(results)} links: is this computer online? "
                           f"(the first: {results[0].reason})")
    out(FORMATS[fmt](results))
    return 1 if any(r.status == BROKEN for r in results) else 0
