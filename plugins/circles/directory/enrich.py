"""Enrich stage: validated rows into linked models, relative to one build date.

Derived here and never stored: statuses, meeting dates, next meetings, the
timezone and network a circle inherits from its library, the browse tree.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import markdown
import nh3

from circles.directory.geocoding import GeoCache, locate
from circles.directory.geography import country_timezone, timezone_at
from circles.directory.models import Address, Circle, Course, Directory, Library, Network, Provenance, Signup
from circles.directory.places import browse_tree
from circles.directory.schedule import meeting_dates, meetings, next_meeting, schedule_text, status_at, week_count
from circles.i18n import WEEKDAY_NAMES, Texts
from circles.records.validate import Dataset

#: Markdown in records may use only these tags; everything else is stripped to text.
ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "code", "blockquote"}


#: One parser for every description: building one costs more than most conversions.
_MARKDOWN = markdown.Markdown(output_format="html")
#: A paragraph Markdown would only wrap in <p>: one line, no markup character, not starting
#: like a list, quote, heading or code block, with no space at either end. Most descriptions
#: are such paragraphs; tests/directory/test_markdown.py checks that both ways agree.
_PLAIN_PARAGRAPH = re.compile(r"[^\s\x00-\x1f\x7f*_`\[\]!\\#<>&+=\-\d][^\x00-\x1f\x7f*_`\[\]!\\#<>&]*(?<!\s)")


def render_markdown(text: str | None) -> str:
    """Contributor Markdown to sanitized HTML: a small allow-list, only http(s)/mailto links."""
    if not text:
        return ""
    paragraphs = text.split("\n\n")
    if all(_PLAIN_PARAGRAPH.fullmatch(paragraph) for paragraph in paragraphs):
        html = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    else:
        html = _MARKDOWN.reset().convert(text)
    return sanitize(html)


#: Made once: nh3.clean would build the same rules again for each of 10,000 descriptions, 13 µs a call
#: against 6 µs (issue 24).
_CLEANER = nh3.Cleaner(tags=ALLOWED_TAGS, attributes={"a": {"href"}}, url_schemes={"https", "http", "mailto"},
                       link_rel="noopener noreferrer nofollow")


def sanitize(html: str) -> str:
    """Only the allowed tags, and links to http(s) and mailto, marked as not endorsed."""
    return _CLEANER.clean(html)


def archive_cutoff(today: dt.date, months: int) -> dt.date:
    """The day ``months`` before ``today`` (the last day of that month when it is shorter)."""
    month = today.year * 12 + today.month - 1 - months
    year, month = divmod(month, 12)
    for day in range(today.day, 27, -1):
        try:
            return dt.date(year, month + 1, day)
        except ValueError:
            continue
    return dt.date(year, month + 1, min(today.day, 28))


def enrich(data: Dataset, today: dt.date, texts: Texts, cache: GeoCache, archive_after_months: int = 12,
           library_pages: str = "with_circles", now: dt.datetime | None = None) -> Directory:
    """The linked directory as of ``today``; statuses and next meetings as of ``now`` when the build
    knows its time (a meeting that has ended is past), else of ``today`` (one on that day is not)."""
    rows = data.rows
    sources = {kind: {i: r.path for i, r in recs.items()} for kind, recs in data.records.items()}
    networks = {i: _network(r, sources["networks"][i]) for i, r in sorted(rows["networks"].items())}
    libraries = {i: _library(r, sources["libraries"][i], networks, texts, cache)
                 for i, r in sorted(rows["libraries"].items())}
    courses = {i: _course(r, sources["courses"][i]) for i, r in sorted(rows.get("courses", {}).items())}
    circles = [_circle(r, sources["circles"][i], libraries, networks, courses, now or today, texts)
               for i, r in sorted(rows["circles"].items())]

    for library in libraries.values():
        if library.network:
            library.network.libraries.append(library)
    for circle in circles:
        if circle.library:
            circle.library.circles.append(circle)
        if circle.network:
            circle.network.circles.append(circle)
        if circle.course.id:
            circle.course.circles.append(circle)
    for owner in (*libraries.values(), *networks.values(), *courses.values()):
        owner.circles = _listing_order(owner.circles)
    for library in libraries.values():
        # Archived circles count: their pages stay and link to their library (issue 20).
        library.has_page = library_pages == "all" or bool(library.circles)

    cutoff = archive_cutoff(today, archive_after_months)
    for circle in circles:
        circle.archived = not circle.is_current and circle.last_meeting.start.date() < cutoff
    upcoming = sorted((c for c in circles if c.is_current), key=lambda c: c.sort_key)
    ended = sorted((c for c in circles if not c.is_current), key=lambda c: (c.last_meeting.start, c.id), reverse=True)
    online = _listing_order([c for c in circles if c.library is None and not c.archived])
    return Directory(today, list(networks.values()), list(libraries.values()), circles, list(courses.values()),
                     browse_tree(list(libraries.values())), upcoming, [c for c in ended if not c.archived],
                     online, archive=[c for c in ended if c.archived])


def _listing_order(circles: list[Circle]) -> list[Circle]:
    """Current circles first, soonest first; then past ones, most recent first."""
    current = sorted((c for c in circles if c.is_current), key=lambda c: c.sort_key)
    ended = sorted((c for c in circles if not c.is_current), key=lambda c: (c.last_meeting.start, c.id), reverse=True)
    return current + ended


def _network(row: dict[str, Any], source: str) -> Network:
    contact = row["contact"] or ""
    return Network(
        id=row["id"], name=row["name"], source=source, type=row["type"] or "", website=row["website"] or "",
        countries=row["countries"], languages=row["languages"], contact=contact, contact_href=_href(contact),
        description_html=render_markdown(row["description"]),
    )


def _library(row: dict[str, Any], source: str, networks: dict[str, Network], texts: Texts, cache: GeoCache) -> Library:
    address = Address(
        city=row["address_city"], country=row["address_country"], street=row["address_street"] or "",
        region=row["address_region"] or "", postal_code=row["address_postal_code"] or "",
        country_name=texts.country_name(row["address_country"]),
    )
    # At worst at its town's centre; a town the gazetteer lacks leaves it on no map (validation warned).
    where = locate(row, cache)
    timezone = row["timezone"] or (where and timezone_at(where.latitude, where.longitude)) or country_timezone(
        row["address_country"], row["address_region"] or "")
    return Library(
        id=row["id"], name=row["name"], source=source, address=address, network=networks.get(row["network"]),
        website=row["website"] or "", phone=row["phone"] or "",
        latitude=where.latitude if where else None, longitude=where.longitude if where else None,
        coordinates_source=where.source if where else "", approximate=bool(where and where.approximate),
        timezone=timezone, accessibility=row["accessibility"] or "",
        description_html=render_markdown(row["description"]),
    )


def _course(row: dict[str, Any], source: str) -> Course:
    return Course(
        title=row["title"], provider=row["provider"], website=row["url"] or "", language=row["language"],
        licence=row["licence"], id=row["id"], source=source, format=row["format"] or "course",
        topics=sorted(set(row["topics"])), weeks=row["weeks"], hours_per_week=row["hours_per_week"],
        cost=row["cost"] or "free", description_html=render_markdown(row["description"]),
        accessibility=row["accessibility"] or "", prerequisites=row["prerequisites"] or "",
    )


def _written_out(row: dict[str, Any]) -> Course:
    """The course of a circle whose course has no file yet, as the circle writes it."""
    return Course(row["course_title"] or "", row["course_provider"] or "", row["course_url"] or "",
                  row["course_language"] or "", row["course_licence"] or "")


def _circle(row: dict[str, Any], source: str, libraries: dict[str, Library], networks: dict[str, Network],
            courses: dict[str, Course], now: dt.date | dt.datetime, texts: Texts) -> Circle:
    library = libraries.get(row["library"] or "")
    network = networks.get(row["network"] or "") or (library.network if library else None)
    timezone = row["timezone"] or (library.timezone if library else "") or "UTC"
    weekdays = sorted({WEEKDAY_NAMES.index(d.strip().lower()) for d in row["schedule_weekdays"]})
    dates = meeting_dates(row["schedule_start_date"], weekdays, weeks=row["schedule_weeks"],
                          end=row["schedule_end_date"], dates=row["schedule_dates"], skip=row["schedule_skip"])
    if not dates:  # every date skipped: keep the start so the circle still has a page
        dates = [row["schedule_start_date"]]
    all_meetings = meetings(dates, row["schedule_start_time"], row["schedule_duration"], timezone)
    state = status_at(all_meetings, row["status"], now)
    weekly = not row["schedule_dates"]
    weeks = row["schedule_weeks"] or week_count(dates)
    text = schedule_text(texts, dates, weekdays, weekly, all_meetings[0], weeks)
    language = row["language"]
    return Circle(
        id=row["id"], title=row["title"], source=source, format=row["format"] or "in_person",
        course=courses.get(row.get("course") or "") or _written_out(row),
        language=language, timezone=timezone,
        meetings=all_meetings, skipped=sorted(row["schedule_skip"]), weekdays=weekdays or [dates[0].weekday()],
        duration=row["schedule_duration"], status=state, schedule_text=text, signup=_signup(row["signup"]),
        library=library, network=network, topics=sorted(set(row["topics"])),
        next_meeting=next_meeting(all_meetings, state, now), room=row["room"] or "",
        facilitators=row["facilitators"], capacity=row["capacity"], cost=row["cost"] or "free",
        description_html=render_markdown(row["description"]), accessibility=row["accessibility"] or "",
        listed=row["listed"], last_verified=row["last_verified"], provenance=_provenance(row),
        weekly=weekly, weeks=weeks,
    )


def _provenance(row: dict[str, Any]) -> Provenance | None:
    """Where an imported circle comes from; its link only when a web address (validated: http or https)."""
    source, url = row.get("provenance_source"), row.get("provenance_url") or ""
    if not source:
        return None
    return Provenance(source, url if url.startswith(("https://", "http://")) else "")


def _href(contact: str) -> str:
    """A safe link for a validated contact: https:// (or http://) as is, an email as mailto:."""
    if contact.startswith(("https://", "http://")):
        return contact
    if contact.startswith("mailto:"):
        return contact
    return f"mailto:{contact}" if "@" in contact else ""


def _signup(value: str) -> Signup:
    if value.strip().lower() in ("drop-in", "drop in", "dropin"):
        return Signup("drop-in", value)
    href = _href(value)
    return Signup("email" if href.startswith("mailto:") else "url", value, href)
