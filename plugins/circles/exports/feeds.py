"""Export stage: Atom feeds of newly listed circles, for the whole directory (``feeds/circles.atom``)
and for every page that can be followed (exports/follow.py: ``feeds/networks/<id>.atom``,
``feeds/browse/ca/toronto.atom``, ``feeds/topics/python.atom``).

An entry's date is when its circle was listed: the record's ``listed`` date, else the
author date of the commit that first added its file (renames followed), else the build
date. Never the clock: the same records, history and build date give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import heapq
import logging
import re
import subprocess
from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from feedgenerator import Atom1Feed

from circles.directory.models import Circle, Directory
from circles.exports.follow import Followed, feed_path
from circles.i18n import Texts, _
from circles.incremental.layer import Files
from circles.settings import content_root, directory_settings, site_root, site_url

log = logging.getLogger(__name__)

FOLDER = "feeds"
#: Entries per feed outside Pelican; in a build, Pelican's FEED_MAX_ITEMS (default 100, None for all) rules.
FEED_ENTRIES = 100
#: A followed page's feed (a network's, a town's) holds its newest circles only: a reader has seen the
#: older ones, and five hundred networks' feeds of a hundred circles each are 40 MB to publish (issue 20).
PAGE_FEED_ENTRIES = 25
#: The date in every tag: URI; fixed, so that ids never change (RFC 4151 allows a year).
TAG_DATE = "2026"
# Characters XML 1.0 cannot carry; validation rejects them in records, this keeps the feed well-formed regardless.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class _Feed(Atom1Feed):
    """An Atom feed whose ``updated`` is its newest entry's date, or a given date when it is empty."""

    def __init__(self, *args, empty_date: dt.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_date = empty_date

    def latest_post_date(self) -> dt.datetime:
        # feedgenerator would use the clock for an empty feed; a build must not.
        return max((item["updateddate"] for item in self.items), default=self.empty_date)


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def first_committed(folder: Path) -> dict[str, dt.datetime]:
    """When each file of ``folder`` was first committed, by file name, following renames; ``{}`` without history.

    One ``git log`` for the whole folder, oldest first, rather than one ``--follow`` per
    file: ten thousand circles must not mean ten thousand processes.
    """
    try:
        shallow, prefix = _git(folder, "rev-parse", "--is-shallow-repository", "--show-prefix").splitlines()
        if shallow == "true":  # a shallow clone dates every old file to its newest commit: no history is better
            return {}
        lines = _git(folder, "-c", "core.quotePath=false", "log", "--reverse", "-M", "--diff-filter=AR",
                     "--name-status", "--format=@%aI", "--", ".").splitlines()
    except (OSError, subprocess.SubprocessError, ValueError):
        return {}
    found: dict[str, dt.datetime] = {}
    when = None
    for line in lines:
        if line.startswith("@"):
            when = dt.datetime.fromisoformat(line[1:]).astimezone(dt.UTC)
        elif line and when is not None:
            status, *paths = line.split("\t")
            if status.startswith("R"):  # a renamed file keeps the date its old name was first committed
                found[paths[-1]] = found.pop(paths[0], when)
            else:
                found.setdefault(paths[-1], when)
    return {path.removeprefix(prefix): date for path, date in found.items() if path.startswith(prefix)}


def _git(folder: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True, timeout=120)
    return result.stdout


def listing_dates(directory: Directory, settings: dict[str, Any]) -> dict[str, dt.datetime]:
    """Each circle's listing date (UTC): ``listed``, else its file's first commit, else the build date."""
    build = dt.datetime.combine(directory.build_date, dt.time(), dt.UTC)
    unlisted = [c for c in directory.circles if c.listed is None]
    history = first_committed(content_root(settings) / "circles") if unlisted else {}
    undated = [c.id for c in unlisted if f"{c.id}.yml" not in history]
    if undated:
        log.warning("%d circle(s) without a listed date or git history are dated %s in the feeds; "
                    "add listed: YYYY-MM-DD to them, e.g. %s", len(undated), directory.build_date, undated[0])
    return {c.id: dt.datetime.combine(c.listed, dt.time(), dt.UTC) if c.listed else history.get(f"{c.id}.yml", build)
            for c in directory.circles}


def newest_first(circles: list[Circle], dates: dict[str, dt.datetime]) -> list[Circle]:
    """Most recently listed first; circles listed the same moment by id, so the order never wavers."""
    return sorted(sorted(circles, key=lambda c: c.id), key=lambda c: dates[c.id], reverse=True)


def feed_files(directory: Directory, settings: dict[str, Any], followed: Iterable[Followed]) -> Files:
    """``feeds/circles.atom`` and the feed of each followed page, each made from its circles and their dates."""
    limit = settings.get("FEED_MAX_ITEMS", FEED_ENTRIES)
    dates = listing_dates(directory, settings)
    texts = Texts(directory_settings(settings)["locale"])
    newest = newest_first(directory.circles, dates)
    feed = Feeds(settings, texts, dates, dt.datetime.combine(directory.build_date, dt.time(), dt.UTC))
    sitename = settings.get("SITENAME", "")
    feeds = {"circles.atom": (texts.gettext(_("%(site)s: newly listed circles")) % {"site": sitename}, "", newest[:limit])}
    # Each page's newest by their place in the directory's order, not by sorting every page's circles
    # anew: a country's feed is the first few of thousands.
    place = {circle.id: n for n, circle in enumerate(newest)}
    entries = PAGE_FEED_ENTRIES if limit is None else min(limit, PAGE_FEED_ENTRIES)
    for page in followed:
        title = texts.gettext(_("%(name)s: newly listed circles")) % {"name": page.name}
        circles = heapq.nsmallest(entries, page.circles, key=lambda c: place[c.id])
        feeds[feed_path(page.url).removeprefix(f"{FOLDER}/")] = (title, page.url, circles)
    sources = {f"{FOLDER}/{name}": (title, page, circles, [dates[c.id] for c in circles])
               for name, (title, page, circles) in feeds.items()}

    def make(names: list[str]):
        for name in names:
            yield name, feed.atom(name.removeprefix(f"{FOLDER}/"), *feeds[name.removeprefix(f"{FOLDER}/")])

    return Files("feeds", sources, make)


class Feeds:
    """Writes Atom feeds of circles for one build: links, ids and words shared by every feed."""

    def __init__(self, settings: dict[str, Any], texts: Texts, dates: dict[str, dt.datetime], build: dt.datetime):
        self.settings = settings
        root = site_root(settings)
        parts = urlsplit(root) if root else None
        # tag: URIs name the site's host and path, so two directories on one host never share an id.
        self.tag_authority = parts.hostname if parts else "localhost"
        self.tag_path = parts.path.rstrip("/") if parts else ""
        self.texts, self.dates, self.build = texts, dates, build
        self.sitename = settings.get("SITENAME", "")
        self.lang = directory_settings(settings)["locale"].replace("_", "-")
        self.entries: dict[str, dict[str, Any]] = {}

    def link(self, path: str, feed_path: str) -> str:
        """A page's address: absolute when SITEURL is, else relative to the feed file, as Atom resolves it."""
        return site_url(self.settings, path, otherwise="../" * feed_path.count("/") + path)

    def tag(self, path: str) -> str:
        return f"tag:{self.tag_authority},{TAG_DATE}:{self.tag_path}/{path}"

    def atom(self, name: str, title: str, page: str, circles: list[Circle]) -> bytes:
        feed_path = f"{FOLDER}/{name}"
        feed = _Feed(title=_text(title), link=self.link(page, feed_path), description="", language=self.lang,
                     author_name=_text(self.sitename), feed_url=self.link(feed_path, feed_path),
                     feed_guid=self.tag(feed_path), empty_date=self.build)
        for circle in circles:
            self.add_entry(feed, circle, feed_path)
        return (feed.writeString("utf-8") + "\n").encode("utf-8")

    def add_entry(self, feed: _Feed, circle: Circle, feed_path: str) -> None:
        feed.add_item(link=self.link(circle.url, feed_path), **self.entry(circle))

    def entry(self, circle: Circle) -> dict[str, Any]:
        """An entry's values but its link (relative to each feed): a circle is in up to seven feeds."""
        if circle.id not in self.entries:
            when = self.dates[circle.id]
            self.entries[circle.id] = dict(
                title=_text(circle.title), description=_text(escape(self.summary(circle))),
                content=_text(self.content(circle)), unique_id=self.tag(circle.url), pubdate=when, updateddate=when,
                author_name=_text(circle.network.name if circle.network else self.sitename),
                categories=[_text(t) for t in circle.topics],
            )
        return self.entries[circle.id]

    def where(self, circle: Circle) -> str:
        library = circle.library
        return f"{library.name}, {library.address.city}" if library else self.texts.gettext("Online")

    def summary(self, circle: Circle) -> str:
        """When, where and the status, as text: Atom's summary is typed html here, so it is escaped where used."""
        return f"{circle.schedule_text} · {self.where(circle)} · {self.texts.status(circle.status)}"

    def content(self, circle: Circle) -> str:
        """The entry as HTML: every record value escaped, the description as sanitized at enrich."""
        course = circle.course
        course_html = escape(course.title) + (f" ({escape(course.provider)})" if course.provider else "")
        if course.website:
            course_html = f'<a href="{escape(course.website)}">{course_html}</a>'
        parts = [
            f"<p>{escape(circle.schedule_text)}</p>",
            f"<p>{escape(self.where(circle))}</p>",
            f"<p>{escape(self.texts.status(circle.status))}</p>",
            f"<p>{escape(self.texts.gettext(_('Course')))}: {course_html}</p>",
            circle.description_html,
        ]
        return "\n".join(p for p in parts if p)
