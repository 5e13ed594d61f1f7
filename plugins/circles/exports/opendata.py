"""Export stage: what the open data in ``data/`` says, a frictionless Data Package plus GeoJSON and
JSON; datafiles.py writes the files.

The published descriptor is schema/datapackage.json with the same resources, fields
and keys, a title, the licence and the build date, and a few columns computed at build
time: their names start with ``derived_`` and they carry ``"x-derived": true``, so a
reader always knows which values a contributor wrote. The CSVs hold the validated rows.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from functools import cache
from typing import Any

from circles.directory.models import STATUSES, Circle, Library
from circles.i18n import WEEKDAY_NAMES, _
from circles.records.schema import SCHEMA_PATH
from circles.settings import site_root, site_url

FOLDER = "data"
#: Said before the description of each column the build adds (DERIVED_FIELDS); both are translated on the
#: open data page (pages/site.py) and published as the schema writes them.
DERIVED_NOTE = _("Derived at build time, not written in the record:")


def _derived(name: str, type_: str, title: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"name": f"derived_{name}", "type": type_, "title": title, "description": f"{DERIVED_NOTE} {description}",
            "x-derived": True, **extra}


def _coordinates() -> list[dict[str, Any]]:
    return [
        _derived("latitude", "number", _("Latitude used"), _("the latitude the map uses: the record's, else the committed "
                 "geocoding cache's, else the town centre from the offline gazetteer."),
                 constraints={"minimum": -90, "maximum": 90}),
        _derived("longitude", "number", _("Longitude used"), _("the longitude the map uses: the record's, else the "
                 "committed geocoding cache's, else the town centre from the offline gazetteer."),
                 constraints={"minimum": -180, "maximum": 180}),
        _derived("coordinates_approximate", "boolean", _("Approximate location"),
                 _("true when the point is only the town centre, false when it is the building.")),
    ]


#: The columns each resource gains in the published package, documented where they are published.
DERIVED_FIELDS: dict[str, list[dict[str, Any]]] = {
    "networks": [_derived("url", "string", _("Page"), _("the network's page on this site."))],
    "libraries": [
        *_coordinates(),
        _derived("coordinates_source", "string", _("Coordinates used from"), _("where the coordinates used come from.")),
        _derived("timezone", "string", _("Timezone used"), _("the record's timezone, else the one at its coordinates.")),
        _derived("url", "string", _("Page"), _("the library's page on this site; empty for a library without circles, "
                 "which has none unless the directory gives every library a page.")),
    ],
    "courses": [
        _derived("circle_count", "integer", _("Circles"), _("how many circles in this directory take the course.")),
        _derived("url", "string", _("Page"), _("the course's page on this site.")),
    ],
    "circles": [
        _derived("status", "string", _("Status on the build date"),
                 _("open (sign-up open), full, in_progress, completed or cancelled, on the date the data was built."),
                 constraints={"required": True, "enum": list(STATUSES)}),
        _derived("network", "string", _("Network used"), _("the network given, else the library's network.")),
        _derived("timezone", "string", _("Timezone used"), _("the timezone given, else the library's.")),
        _derived("first_meeting", "datetime", _("First meeting"), _("start of the first meeting, local time with its UTC offset.")),
        _derived("last_meeting", "datetime", _("Last meeting"), _("start of the last meeting, local time with its UTC offset.")),
        _derived("next_meeting", "datetime", _("Next meeting"),
                 _("start of the first meeting on or after the build date; empty when none is left or it is cancelled.")),
        _derived("meeting_count", "integer", _("Meetings"), _("how many times it meets, after skipped dates.")),
        _derived("meeting_dates", "list", _("All meeting dates"), _("every meeting date, after skipped dates."), itemType="date"),
        *_coordinates(),
        _derived("url", "string", _("Page"), _("the circle's page on this site.")),
    ],
}


def published_descriptor(settings: dict[str, Any], build_date: dt.date) -> dict[str, Any]:
    """The Data Package descriptor as published, without file sizes and hashes (datafiles.py adds them)."""
    source = _schema_descriptor()
    sitename = settings.get("SITENAME") or source["title"]
    package: dict[str, Any] = {
        "name": source["name"],
        "title": f"{sitename}: open data",
        "description": (f"Networks, libraries, courses and learning circles listed in {sitename} on {build_date.isoformat()}. "
                        "Nested record fields are columns named after the mapping, such as address_city; columns "
                        "whose names start with derived_ are computed at build time."),
        # CalVer without leading zeros, so that it is also a valid semantic version.
        "version": f"{build_date.year}.{build_date.month}.{build_date.day}",
        "created": f"{build_date.isoformat()}T00:00:00Z",
        "licenses": source["licenses"],
    }
    if site_root(settings):
        package["homepage"] = site_url(settings, f"{FOLDER}/")
    package["resources"] = [_published_resource(r) for r in source["resources"]]
    return package


@cache
def _schema_descriptor() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _published_resource(resource: dict[str, Any]) -> dict[str, Any]:
    """One resource as a CSV file: the source's keys and fields, the YAML-only ``x-`` properties left out."""
    published = {k: copy.deepcopy(v) for k, v in resource.items() if not k.startswith("x-")}
    published.update(format="csv", mediatype="text/csv", encoding="utf-8")
    schema = published["schema"]
    schema["fields"] = [*schema["fields"], *copy.deepcopy(DERIVED_FIELDS[resource["name"]])]
    if resource["name"] == "circles":  # the network used is an id of a network too
        schema["foreignKeys"].append({"fields": ["derived_network"], "reference": {"resource": "networks", "fields": ["id"]}})
    return published


def _place(library: Library | None) -> dict[str, Any]:
    if library is None or library.latitude is None:
        return {}
    return {"derived_latitude": library.latitude, "derived_longitude": library.longitude,
            "derived_coordinates_approximate": library.approximate}


def library_values(library: Library, settings: dict[str, Any]) -> dict[str, Any]:
    return {**_place(library), "derived_coordinates_source": library.coordinates_source or None,
            "derived_timezone": library.timezone or None,
            "derived_url": site_url(settings, library.url) if library.has_page else None}


def circle_values(circle: Circle, settings: dict[str, Any]) -> dict[str, Any]:
    return {
        "derived_status": circle.status,
        "derived_network": circle.network.id if circle.network else None,
        "derived_timezone": circle.timezone,
        "derived_first_meeting": circle.first_meeting.start,
        "derived_last_meeting": circle.last_meeting.start,
        "derived_next_meeting": circle.next_meeting.start if circle.next_meeting else None,
        "derived_meeting_count": len(circle.meetings),
        "derived_meeting_dates": [m.start.date() for m in circle.meetings],
        **_place(circle.library if circle.format != "online" else None),
        "derived_url": site_url(settings, circle.url),
    }


def feature(circle: Circle, settings: dict[str, Any]) -> dict[str, Any] | None:
    """An RFC 7946 Feature, a Point at its library, for a circle that meets in person; None for another."""
    library = circle.library
    if circle.format == "online" or library is None or library.latitude is None:
        return None
    return {
        "type": "Feature",
        "id": circle.id,
        # RFC 7946: longitude first; six decimals are about ten centimetres.
        "geometry": {"type": "Point", "coordinates": [round(float(library.longitude), 6), round(float(library.latitude), 6)]},
        "properties": _feature_properties(circle, library, settings),
    }


def _feature_properties(circle: Circle, library: Library, settings: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": circle.id, "title": circle.title, "url": site_url(settings, circle.url), "status": circle.status,
        "format": circle.format, "language": circle.language, "topics": circle.topics,
        "start_date": circle.first_meeting.start.date().isoformat(),
        "end_date": circle.last_meeting.start.date().isoformat(),
        "next_meeting": circle.next_meeting.start.isoformat() if circle.next_meeting else None,
        "schedule": circle.schedule_text, "timezone": circle.timezone,
        "library": library.id, "library_name": library.name, "city": library.address.city,
        "country": library.address.country, "network": circle.network.id if circle.network else None,
        "approximate": library.approximate,
    }


def circle_json(circle: Circle, row: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """A circle with its whole derived schedule, as circles.json lists it."""
    library = circle.library
    course = circle.course
    return {
        "id": circle.id, "title": circle.title, "url": site_url(settings, circle.url), "status": circle.status,
        "format": circle.format, "language": circle.language, "topics": circle.topics,
        "network": circle.network.id if circle.network else None, "library": library.id if library else None,
        "venue": _venue(library) if library else None, "room": circle.room or None,
        "course": {"id": course.id or None, "title": course.title, "provider": course.provider or None,
                   "url": course.website or None, "language": course.language or None,
                   "licence": course.licence or None},
        "schedule": _schedule(circle, row),
        "signup": {"kind": circle.signup.kind, "value": circle.signup.value, "href": circle.signup.href or None},
        "capacity": circle.capacity, "cost": row.get("cost"), "facilitators": circle.facilitators,
        # As written (Markdown): contributors' text, to escape or sanitize before showing as HTML. (The
        # sanitized HTML is the circle page's; fifty thousand copies of it here were 12 MB, issue 20.)
        "description": row.get("description"),
        "accessibility": circle.accessibility or None,
        "listed": _iso(circle.listed), "last_verified": _iso(circle.last_verified),
    }


def _venue(library: Library) -> dict[str, Any]:
    return {"name": library.name, "street": library.address.street or None, "city": library.address.city,
            "region": library.address.region or None, "postal_code": library.address.postal_code or None,
            "country": library.address.country,
            "latitude": None if library.latitude is None else float(library.latitude),
            "longitude": None if library.longitude is None else float(library.longitude),
            "approximate": library.approximate}


def _schedule(circle: Circle, row: dict[str, Any]) -> dict[str, Any]:
    start_time = row.get("schedule_start_time")
    return {
        "text": circle.schedule_text, "timezone": circle.timezone,
        "weekdays": [WEEKDAY_NAMES[d] for d in circle.weekdays], "start_time": start_time.strftime("%H:%M") if start_time else None,
        "duration": circle.duration, "skipped": [d.isoformat() for d in circle.skipped],
        # Each meeting's start; every meeting lasts ``duration`` minutes (directory/schedule.py).
        "meetings": [m.start.isoformat() for m in circle.meetings],
        "next_meeting": circle.next_meeting.start.isoformat() if circle.next_meeting else None,
    }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
