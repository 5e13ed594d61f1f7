"""Render stage: what a page says of itself to search engines, as schema.org JSON-LD (issue 22).

Each function gives plain dicts; :func:`json_ld` writes them into a page's
``<script type="application/ld+json">``. Addresses start from ``pages``, the address of the
page's language's folder ending in ``/``: absolute (``https://…/fr/``) when the site has a
public address, else relative to the page (``../../fr/``), which JSON-LD resolves against the
page as a browser does a link. Times are the models' own, in the circle's time zone.
"""

from __future__ import annotations

import json
import re
from typing import Any

from babel import Locale
from babel.numbers import get_currency_symbol, get_territory_currencies
from markupsafe import Markup

from circles.directory.geography import zone_countries
from circles.directory.models import Circle, Course, Library, Network
from circles.directory.schedule import weekly_exdates

SCHEMA = "https://schema.org"
#: schema.org's days, Monday first like ``date.weekday()``.
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ATTENDANCE = {"in_person": "OfflineEventAttendanceMode", "online": "OnlineEventAttendanceMode",
              "hybrid": "MixedEventAttendanceMode"}
COURSE_MODE = {"in_person": "onsite", "online": "online", "hybrid": "blended"}
#: A circle that has ended or was cancelled can no longer be joined.
AVAILABILITY = {"open": "InStock", "in_progress": "InStock", "full": "SoldOut"}
#: A cost such as "$20", "20 EUR" or "KSh 500": a symbol or code on either side of an amount.
PRICE = re.compile(r"\s*([^\d\s.,]*)\s*(\d+(?:[.,]\d{1,2})?)\s*([^\d\s.,]*)\s*")
#: What a JSON string may hold that would end a script element or a line of JavaScript.
UNSAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def json_ld(data: dict[str, Any]) -> Markup:
    """``data`` as the text of a ``<script type="application/ld+json">``, the same bytes for the same data.

    Every ``<``, ``>`` and ``&`` is written as a JSON escape, so no contributed text can close the
    element or open a comment in it (``</script>``, ``<!--``), whatever the HTML parser makes of it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # Replaced one character at a time: str.translate with a table looked up every character of the
    # text, 38 µs of a circle page's 100 µs of schema.org data (issue 24).
    for unsafe, escaped in UNSAFE:
        if unsafe in text:
            text = text.replace(unsafe, escaped)
    return Markup(text)


def circle_data(circle: Circle, pages: str) -> dict[str, Any]:
    """A circle as an event (Google's event results) that is also one run of a course."""
    schedule, organizer = weekly_schedule(circle), circle.network or circle.library
    # Facilitators are left out: only their first names are public, and a search engine needs none.
    return compact({
        **course_instance(circle, pages),
        "@context": SCHEMA,
        "@type": ["Event", "CourseInstance"],
        "name": circle.title,
        "description": Markup(circle.description_html).striptags(),
        "eventStatus": f"{SCHEMA}/{'EventCancelled' if circle.status == 'cancelled' else 'EventScheduled'}",
        "eventAttendanceMode": f"{SCHEMA}/{ATTENDANCE[circle.format]}",
        "eventSchedule": schedule,
        "courseSchedule": schedule,
        "offers": offer(circle, pages),
        "organizer": organizer and organization(organizer, pages),
    })


def course_instance(circle: Circle, pages: str) -> dict[str, Any]:
    """What a circle is as one run of its course: also what a course's page lists of each."""
    first, last = circle.first_meeting, circle.last_meeting
    return {
        "@type": "CourseInstance",
        "url": pages + circle.url,
        "startDate": first.start.isoformat(),
        "endDate": last.end.isoformat(),
        "inLanguage": circle.language,
        "courseMode": COURSE_MODE[circle.format],
        "courseWorkload": f"PT{circle.duration * len(circle.meetings)}M",
        "location": location(circle, pages),
    }


def weekly_schedule(circle: Circle) -> dict[str, Any] | None:
    """The weekly rule the circle's calendar has (exports/calendars.py), None for a list of dates."""
    left_out = weekly_exdates(circle)
    if left_out is None:
        return None
    first = circle.first_meeting
    return compact({
        "@type": "Schedule",
        "repeatFrequency": "P1W",
        "byDay": [f"{SCHEMA}/{DAYS[day]}" for day in circle.weekdays],
        "startTime": first.start.time().isoformat(),
        "endTime": first.end.time().isoformat(),
        "duration": f"PT{circle.duration}M",
        "startDate": first.start.date().isoformat(),
        "endDate": circle.last_meeting.start.date().isoformat(),
        "scheduleTimezone": circle.timezone,
        "exceptDate": [day.isoformat() for day in left_out],
    })


def location(circle: Circle, pages: str) -> dict[str, Any] | list[dict[str, Any]]:
    """The library as a place, the meetings' link as a virtual location; both for a hybrid circle."""
    # The meetings' own link comes with signing up: the sign-up page, or the circle's, stands for it.
    online = {"@type": "VirtualLocation", "url": signup_url(circle) or pages + circle.url}
    if circle.library is None or circle.format == "online":  # a circle in person has a library (records/rules.py)
        return online
    place = {"@type": "Place", "name": circle.library.name, **place_parts(circle.library, pages)}
    return [place, online] if circle.format == "hybrid" else place


def place_parts(library: Library, pages: str) -> dict[str, Any]:
    """A library's address, coordinates and page, as a place or a library has them."""
    address = library.address
    parts: dict[str, Any] = {"address": compact({
        "@type": "PostalAddress", "streetAddress": address.street, "addressLocality": address.city,
        "addressRegion": address.region, "postalCode": address.postal_code, "addressCountry": address.country})}
    if library.latitude is not None and library.longitude is not None:
        parts["geo"] = {"@type": "GeoCoordinates", "latitude": round(library.latitude, 6),
                        "longitude": round(library.longitude, 6)}
    if library.has_page:
        parts["url"] = pages + library.url
    elif library.website:
        parts["url"] = library.website
    return parts


def offer(circle: Circle, pages: str) -> dict[str, Any]:
    """Joining: free or at its cost, while there are places; where to sign up."""
    data = {"@type": "Offer", "availability": f"{SCHEMA}/{AVAILABILITY.get(circle.status, 'Discontinued')}",
            "url": signup_url(circle) or pages + circle.url, "validFrom": circle.listed and circle.listed.isoformat()}
    cost, currency = circle.cost.strip(), local_currency(circle)
    if cost.lower() == "free":
        data.update(price=0, priceCurrency=currency)
    elif found := PRICE.fullmatch(cost):
        before, amount, after = found.groups()
        data.update(price=amount.replace(",", "."), priceCurrency=stated_currency(before or after, currency))
    else:
        data["description"] = cost  # no amount a search engine could read
    return compact(data)


def stated_currency(symbol: str, local: str | None) -> str | None:
    """The currency a cost names: by its code (EUR), by a symbol of the local currency ("$" for USD,
    or for CAD, whose symbol is "CA$"), or by one only a single currency has ("€"); else None."""
    if re.fullmatch(r"[A-Z]{3}", symbol):
        return symbol
    if local and (not symbol or symbol.casefold() in get_currency_symbol(local, "en").casefold()):
        return local
    named = [code for code, sign in Locale("en").currency_symbols.items() if sign == symbol]  # "€", not "$"
    return named[0] if len(named) == 1 else None


def local_currency(circle: Circle) -> str | None:
    """The currency of the country a circle meets in: its library's, its network's only one, or
    its time zone's only one (an online circle); None when that leaves a doubt."""
    network = circle.network
    countries = ({circle.library.address.country} if circle.library else
                 set(network.countries) if network and len(network.countries) == 1 else
                 zone_countries().get(circle.timezone, frozenset()))
    if len(countries) != 1:
        return None
    found = get_territory_currencies(min(countries), circle.first_meeting.start.date())
    return found[0] if found else None


def signup_url(circle: Circle) -> str:
    """The sign-up page, when signing up is on a web page."""
    return circle.signup.href if circle.signup.kind == "url" else ""


def organization(owner: Network | Library, pages: str) -> dict[str, Any]:
    """A network, or a library, by name and page: what runs a circle, what a library is part of."""
    if isinstance(owner, Library):
        return {"@type": "Library", "name": owner.name, **place_parts(owner, pages)}
    return compact({"@type": "Organization", "name": owner.name, "url": pages + owner.url, "sameAs": owner.website})


def library_data(library: Library, pages: str) -> dict[str, Any]:
    """A library's page: where it is, how to call it, the network it is part of."""
    return compact({"@context": SCHEMA, "@type": "Library", "name": library.name, **place_parts(library, pages),
                    "telephone": library.phone, "sameAs": library.website,
                    "parentOrganization": library.network and organization(library.network, pages)})


def website_data(name: str, pages: str, language: str) -> dict[str, Any]:
    """The site, in one language, and how to search it (the search page reads ``q``)."""
    return {
        "@context": SCHEMA, "@type": "WebSite", "name": name, "url": pages, "inLanguage": language,
        "potentialAction": {"@type": "SearchAction", "query-input": "required name=search_term_string",
                            "target": {"@type": "EntryPoint", "urlTemplate": f"{pages}search/?q={{search_term_string}}"}},
    }


def course_data(course: Course, circles: list[Circle], pages: str) -> dict[str, Any]:
    """A course's page: the course, its provider, and each circle taking it as one of its runs."""
    described = Markup(course.description_html).striptags() if course.description_html else ""
    return compact({
        "@context": SCHEMA, "@type": "Course", "name": course.title, "url": pages + course.url,
        # Search engines require a description: the course's own, else what the page is.
        "description": described or (f"{course.title}, {course.provider}" if course.provider else course.title),
        "inLanguage": course.language,
        "provider": course.provider and {"@type": "Organization", "name": course.provider},
        "sameAs": course.website,
        "hasCourseInstance": [course_instance(circle, pages) for circle in circles],
    })


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without its empty values."""
    return {key: value for key, value in data.items() if value not in ("", None, [])}
