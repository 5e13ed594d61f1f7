"""Export stage: what search knows of each circle, and the files search needs.

What Pagefind indexes of a circle is a *search record* (``search_record``): a small page made
for it alone, at the circle page's path in the folder Pagefind reads, with the words a search
should find and the facets and result-card fields as ``data-pagefind-*`` attributes. The
published circle page carries none of it: at 50,000 circles that is 85 MB less to publish
(issue 20). Pagefind indexes the records in bundles (``search_bundles``, pagefind.py), and
``search/libraries.json`` gives the browser the coordinates it needs to sort by distance
without asking anyone where it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from circles.directory.models import Circle, Directory, Library
from circles.exports.pagefind import Bundle, Indexing, plan_bundles
from circles.i18n import FORMAT_LABELS, STATUS_LABELS, WEEKDAY_NAMES, Language, Texts, _

#: The facets, in the order the search page shows them, with their headings.
FACETS = {
    "status": _("Status"),
    "topic": _("Topic"),
    "course": _("Course"),
    "language": _("Language"),
    "weekday": _("Day"),
    "time": _("Time of day"),
    "format": _("Format"),
    "network": _("Network"),
}
#: A circle's status → its value in the Status facet; "past" is left out of searches unless asked for.
STATUS_GROUPS = {"open": "open", "full": "full", "in_progress": "in_progress", "completed": "past", "cancelled": "past"}
#: The Status facet's values, as each language's search page labels them.
GROUP_LABELS = {"open": _("Sign-up open"), "full": _("Full"), "in_progress": _("In progress"), "past": _("Past")}
TIMES = ((12, "morning"), (17, "afternoon"), (24, "evening"))
TIME_LABELS = {"morning": _("Morning"), "afternoon": _("Afternoon"), "evening": _("Evening")}
#: A word on every circle page, hidden from view. Searching it lists every circle from one
#: small index chunk, where Pagefind's filter-only search (an empty term) fetches every chunk.
EVERY_CIRCLE = "zqxcircle"

#: A circle's schedule in words in one language (pages/templating.py).
Schedule = Callable[[Circle], str]


def time_of_day(hour: int) -> str:
    """Morning before noon, afternoon before five, evening after."""
    return next(value for end, value in TIMES if hour < end)


def when_key(language: Language) -> str:
    """The result field holding a circle's schedule in ``language``: ``when`` in the first, ``when_fr``."""
    return f"when_{language.tag}" if language.prefix else "when"


def search_data(circle: Circle, schedules: dict[Language, Schedule]) -> dict[str, Any]:
    """The facets (``filters``), card fields (``meta``) and sort keys of one circle, in no language: one
    search index serves every language's search page (issue 21), so a facet's values are codes, which
    each page labels (:func:`value_labels`), and the schedule is given in each language (``schedules``)."""
    first = circle.first_meeting.start
    start = first.isoformat()  # of an aware time, a few microseconds each: made once
    upcoming = circle.next_meeting
    library = circle.library
    meta = {
        "title": circle.title,
        **{when_key(language): schedule(circle) for language, schedule in schedules.items()},
        "where": f"{library.name}, {library.address.city}" if library else "",
        "status": circle.status,
        "format": circle.format,
        "timezone": circle.timezone,
        "next": upcoming.start.isoformat() if upcoming and upcoming is not circle.first_meeting else start,
    }
    if library and library.latitude is not None:
        meta |= {"lat": f"{library.latitude:.5f}", "lon": f"{library.longitude:.5f}", "library": library.id}
    filters = {
        "status": [STATUS_GROUPS[circle.status]],
        "topic": circle.topics,
        "course": [circle.course.id] if circle.course.id else [],
        "language": [circle.language],
        "weekday": [WEEKDAY_NAMES[d] for d in circle.weekdays],
        "time": [time_of_day(first.hour)],
        "format": [circle.format],
        "network": [circle.network.name] if circle.network else [],
        "library": [library.id] if library else [],
    }
    return {"meta": meta, "filters": filters, "sort": {"start": start, "order": order_key(filters["status"], start)},
            "every": EVERY_CIRCLE}


#: Turns an ISO time into one that sorts the other way round: its digits from 9 down (the rest keep their place).
BACKWARDS = str.maketrans("0123456789", "9876543210")


def order_key(status: list[str], start: str) -> str:
    """The order search lists circles in (issue 23): upcoming and running ones first, soonest start
    first, past ones after, most recent first. Past circles go by their start too, not their end:
    the search index's bundles are in start order (pagefind.py), so the browser joins a bundle's
    past circles to the next one's by searching the bundles newest first (search.js)."""
    past = status == [STATUS_GROUPS["completed"]]
    return f"1{start.translate(BACKWARDS)}" if past else f"0{start}"


def search_record(circle: Circle, data: dict[str, Any], texts: list[Texts]) -> bytes:
    """What Pagefind reads of one circle (``data``: its :func:`search_data`): the words of its page
    that a search should find (title, status, format and language, schedule, place, description,
    course, topics, facilitators, network), not the labels and instructions every circle page has,
    so that "download" or "facilitators" do not find every circle. Its labels are given in each of the
    site's languages (``texts``), so that "mardi" and "martes" find it as "Tuesday" does."""
    library, course, lang = circle.library, circle.course, escape(circle.language)
    hidden = "".join([
        *(f'<span data-pagefind-meta="{key}">{escape(value)}</span>' for key, value in data["meta"].items()),
        *(f'<span data-pagefind-filter="{key}">{escape(value)}</span>' for key, values in data["filters"].items() for value in values),
        *(f'<span data-pagefind-sort="{key}">{escape(value)}</span>' for key, value in data["sort"].items()),
    ])
    words = [value for key, value in data["meta"].items() if key.startswith("when")]
    for words_of in texts:
        words += [words_of.status(circle.status), words_of.format_label(circle.format),
                  words_of.language_name(circle.language),
                  *(label for topic in circle.topics if (label := words_of.topic(topic)) != topic)]
    if library:
        words += [library.name, circle.room, *library.address.lines]
    words += [course.title, course.provider, *circle.topics, *circle.facilitators,
              circle.network.name if circle.network else ""]
    body = "".join(f"<p>{escape(word)}</p>" for word in dict.fromkeys(words) if word)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><main data-pagefind-body>'
            f'<div hidden data-pagefind-ignore>{hidden}</div><span hidden data-pagefind-weight="0.1">{data["every"]}</span>'
            f'<h1 lang="{lang}">{escape(circle.title)}</h1>{body}'
            f'<div lang="{lang}">{circle.description_html}</div></main></body></html>').encode()


def search_bundles(directory: Directory, size: int, searched: dict[str, dict[str, Any]]) -> list[Bundle]:
    """The circle pages search indexes, in bundles of at most ``size`` (smaller from the build date's
    month on: pagefind.py), by the start that search sorts on (``searched``: each circle's :func:`search_data`)."""
    return plan_bundles(((record_path(c), searched[c.id]["sort"]["start"])
                         for c in directory.circles if not c.archived), size, f"{directory.build_date:%Y-%m}")


def record_path(circle: Circle) -> str:
    """Where a circle's search record is, in the folder Pagefind reads: its page's file, which Pagefind
    gives as the result's address, and by which the layer says the page is unchanged (pagefind.Indexing's
    ``unchanged``; tests/exports/test_bundles.py holds the two together)."""
    return f"{circle.url}index.html"


def located(library: Library) -> bool:
    """Whether search places the library (``search/libraries.json``): it has coordinates and a circle
    that search lists (not archived)."""
    return library.latitude is not None and any(not circle.archived for circle in library.circles)


def write_search(directory: Directory, output: Path, indexing: Indexing) -> None:
    """Wait for Pagefind (``indexing``, started once the pages were written) and write the
    libraries' coordinates."""
    indexing.finish()
    # Only where a circle search lists meets: a country's whole list of branches is tens of
    # thousands of libraries, most without a circle (issue 20).
    points = {lib.id: [round(lib.latitude, 5), round(lib.longitude, 5)] for lib in directory.libraries if located(lib)}
    folder = output / "search"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "libraries.json").write_text(json.dumps(points, sort_keys=True, separators=(",", ":")), encoding="utf-8")


def first_view(directory: Directory, searched: dict[str, dict[str, Any]], page: int = 20) -> dict[str, Any]:
    """What the search page shows before anything is typed, worked out here rather than searched
    in the browser: the first upcoming and current circles, soonest first, and each facet's counts.

    The counts are those of the browser's own searches: Status over every circle (it is the facet
    that hides past circles), every other facet over circles that are not past. ``searched``
    holds each circle's :func:`search_data`, as its page has it.
    """
    entries = sorted(((c, searched[c.id]) for c in directory.circles if not c.archived),
                     key=lambda e: (e[1]["sort"]["order"], e[0].id))
    past = STATUS_GROUPS["completed"]  # the value every ended circle has
    showing = [(c, data) for c, data in entries if data["filters"]["status"] != [past]]
    counts: dict[str, dict[str, int]] = {key: {} for key in FACETS}
    totals: dict[str, dict[str, int]] = {key: {} for key in FACETS}
    for _circle, data in entries:
        filters = data["filters"]
        ended = filters["status"] == [past]
        for key in FACETS:
            total, count = totals[key], counts[key]
            for value in filters[key]:
                total[value] = total.get(value, 0) + 1
                if not ended or key == "status":
                    count[value] = count.get(value, 0) + 1
    return {"count": len(showing), "results": [{"url": c.url, "meta": data["meta"]} for c, data in showing[:page]],
            "counts": counts, "totals": totals}


def search_facets(texts: Texts) -> list[list[str]]:
    """``[key, heading]`` of each facet in display order (a list: JSON objects lose their order)."""
    return [[key, texts.gettext(heading)] for key, heading in FACETS.items()]


def value_labels(texts: Texts, directory: Directory) -> dict[str, dict[str, str]]:
    """What each facet's values are called on a search page in the language of ``texts`` (a value not
    listed, such as a network's name or a topic without a label, is shown as it is)."""
    languages = {circle.language for circle in directory.circles}
    topics = {topic for circle in directory.circles for topic in circle.topics}
    return {
        "status": {value: texts.gettext(label) for value, label in GROUP_LABELS.items()},
        "topic": {topic: label for topic in sorted(topics) if (label := texts.topic(topic)) != topic},
        "course": {course.id: course.title for course in directory.courses},  # in its own words, any page
        "language": {tag: texts.language_name(tag) for tag in sorted(languages)},
        "weekday": dict(zip(WEEKDAY_NAMES, texts.weekday_names)),
        "time": {value: texts.gettext(label) for value, label in TIME_LABELS.items()},
        "format": {value: texts.format_label(value) for value in FORMAT_LABELS},
    }


def search_messages(texts: Texts) -> dict[str, str]:
    """The words search.js shows, translated here; ``{name}`` fields are filled in by the script."""
    one, other = (texts.ngettext("%(num)d circle", "%(num)d circles", n) % {"num": 0} for n in (1, 2))
    words = {
        "count_one": one.replace("0", "{count}", 1), "count_other": other.replace("0", "{count}", 1),
        "searching": _("Searching…"),
        "none": _("No circles match. Try another word, fewer filters or a wider radius."),
        "none_near": _("No circles within {radius} of {place}."),
        "near": _("{count} within {radius} of {place}, nearest first"),
        "away": _("{distance} away"),
        "online": _("Online"),
        "when": _("When"),
        "where": _("Where"),
        "local": _("Your time"),
        "distance": _("Distance"),
        "unsupported": _("This browser cannot share its location here. Type a town instead."),
        "unknown_place": _("No town called “{place}” is known here. Check the spelling, or add the country: London, CA."),
        "locating": _("Finding your location…"),
        "denied": _("Your browser did not share your location. Type a town instead."),
        "unavailable": _("Your location could not be found. Type a town instead."),
        "timeout": _("Finding your location took too long. Type a town instead."),
        "my_location": _("your location"),
        "clear": _("Clear filters"),
        "unavailable_search": _("Search is not available right now. Browse by topic or place instead."),
        "suggest": _("Did you mean {word}?"),
    }
    return {**{key: texts.gettext(value) if key not in ("count_one", "count_other") else value
               for key, value in words.items()},
            **{f"status_{status}": texts.status(status) for status in STATUS_LABELS}}
