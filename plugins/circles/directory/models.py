"""The enriched records that templates and exports consume.

Built once by :mod:`circles.directory.enrich` from validated rows; never parsed again.
Cross-links (network ⇄ library ⇄ circle) are plain attributes, so a template
walks them without lookups and nothing in a template is quadratic.

Every model is a dataclass with slots: no dictionary of attributes for each of the millions of
objects of a large directory (issue 24: at 50,000 circles the build's main process held 496 MB after
enriching the records instead of 579). A model therefore takes no attribute that is not a field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import EllipsisType
from typing import Any

#: Circle statuses, in the order listings show them.
STATUSES = ("open", "full", "in_progress", "completed", "cancelled")
#: Statuses of circles that have not ended.
CURRENT = frozenset({"open", "full", "in_progress"})


@dataclass(slots=True)
class Address:
    city: str
    country: str  # ISO 3166-1 alpha-2
    street: str = ""
    region: str = ""
    postal_code: str = ""
    country_name: str = ""

    @property
    def lines(self) -> list[str]:
        """The address as a postal block, one line per entry."""
        return self.lines_in(self.country_name)

    def lines_in(self, country_name: str) -> list[str]:
        """The postal block with the country named ``country_name`` (in a page's language)."""
        locality = " ".join(p for p in (self.city + ("," if self.region else ""), self.region, self.postal_code) if p)
        return [line for line in (self.street, locality, country_name) if line]


@dataclass(slots=True)
class Network:
    id: str
    name: str
    source: str
    type: str = ""
    website: str = ""
    countries: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    contact: str = ""
    contact_href: str = ""
    description_html: str = ""
    # The records that link back are left out of a record's repr: the directory is one web of links,
    # and a failing test printed the whole of it, for minutes.
    libraries: list[Library] = field(default_factory=list, repr=False)
    circles: list[Circle] = field(default_factory=list, repr=False)

    @property
    def url(self) -> str:
        return f"networks/{self.id}/"


@dataclass(slots=True)
class Library:
    id: str
    name: str
    source: str
    address: Address
    network: Network | None = None
    website: str = ""
    phone: str = ""
    latitude: float | None = None
    longitude: float | None = None
    coordinates_source: str = ""
    approximate: bool = False
    timezone: str = ""
    accessibility: str = ""
    description_html: str = ""
    circles: list[Circle] = field(default_factory=list, repr=False)
    #: Whether it has a page, an embed and a calendar of its own (DIRECTORY ``library_pages``); without
    #: them it is listed by name, address and website, and nothing may link to ``url``.
    has_page: bool = True

    @property
    def url(self) -> str:
        return f"libraries/{self.id}/"

    @property
    def current(self) -> int:
        """How many of its circles are current (open, full or in progress), as its town and the list of libraries count them."""
        return sum(circle.is_current for circle in self.circles)


@dataclass(slots=True)
class Place:
    """A country or a city in the browse tree."""

    slug: str
    name: str
    url: str
    libraries: list[Library] = field(default_factory=list, repr=False)
    children: list[Place] = field(default_factory=list, repr=False)
    circle_count: int = 0
    country: str = ""  # a country's ISO code, for its name in each language; "" for a town


@dataclass(slots=True)
class Course:
    """A course that circles take: a file of content/courses/ (with an ``id`` and a page), or written
    out in a circle whose course is not listed yet (no id, no page)."""

    title: str
    provider: str = ""
    website: str = ""  # the course's own page, where a participant starts it
    language: str = ""
    licence: str = ""  # an SPDX identifier, "proprietary" or "unknown"; free text in a written-out course
    id: str = ""
    source: str = ""
    format: str = "course"
    topics: list[str] = field(default_factory=list)
    weeks: int | None = None
    hours_per_week: float | None = None
    cost: str = "free"
    description_html: str = ""
    accessibility: str = ""
    prerequisites: str = ""
    circles: list[Circle] = field(default_factory=list, repr=False)  # in listing order: current first

    @property
    def url(self) -> str:
        """The course's page in this directory; empty for a course written out in a circle."""
        return f"courses/{self.id}/" if self.id else ""


#: How long after its last meeting a circle keeps its calendar file and its place in its library's
#: and network's calendars (Circle.in_calendars).
CALENDAR_DAYS = 90
#: The most circles the calendar of a list of them holds (a topic's, a town's, the upcoming circles'):
#: those meeting soonest (exports/calendars.soonest). A subscription is for what is coming, which a
#: topic's thousands of weekly series would bury, and a calendar app fetches the file whole every day.
#: With 50,000 circles the calendars of topics, languages, courses, countries and upcoming circles were
#: 219 MB of a 1,620 MB site, over the 1 GB that GitHub Pages publishes; held to this many, 9 MB (issue 24).
CALENDAR_CIRCLES = 100


@dataclass(slots=True)
class Meeting:
    start: dt.datetime  # timezone-aware, in the circle's timezone
    end: dt.datetime


@dataclass(slots=True)
class Signup:
    kind: str  # "url", "email" or "drop-in"
    value: str
    href: str = ""  # https:// or mailto: link; empty for drop-in


@dataclass(slots=True)
class Provenance:
    """Where an imported record comes from: a directory's name, and the record's page there."""

    source: str
    url: str = ""  # http(s), or empty


@dataclass(slots=True)
class Circle:
    id: str
    title: str
    source: str
    format: str
    course: Course
    language: str
    timezone: str
    meetings: list[Meeting]
    skipped: list[dt.date]
    weekdays: list[int]  # 0 = Monday
    duration: int  # minutes
    status: str  # one of STATUSES
    schedule_text: str  # in the directory's first language; other languages: pages/templating.py
    signup: Signup
    library: Library | None = None
    network: Network | None = None
    topics: list[str] = field(default_factory=list)
    next_meeting: Meeting | None = None
    room: str = ""
    facilitators: list[str] = field(default_factory=list)
    capacity: int | None = None
    cost: str = "free"
    description_html: str = ""
    accessibility: str = ""
    listed: dt.date | None = None
    last_verified: dt.date | None = None
    archived: bool = False  # ended long enough ago to leave the listings and search for the archive
    provenance: Provenance | None = None  # listed by another directory (circles import directory)
    weekly: bool = True  # meets on weekdays (schedule.weekdays), not on a list of dates
    weeks: int = 0  # how many weeks the schedule says, for its words in each language
    #: What a weekly rule of its meetings leaves out, once schedule.weekly_exdates has worked it out; ``...`` until then.
    exdates: list[dt.date] | None | EllipsisType = field(default=..., init=False, repr=False, compare=False)

    @property
    def url(self) -> str:
        return f"circles/{self.id}/"

    @property
    def first_meeting(self) -> Meeting:
        return self.meetings[0]

    @property
    def last_meeting(self) -> Meeting:
        return self.meetings[-1]

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT

    def in_calendars(self, today: dt.date) -> bool:
        """Whether the circle has a calendar file and is in its library's and network's: while it is
        current, and for CALENDAR_DAYS after its last meeting (a cancelled one's file says so meanwhile).
        Older circles stay on the pages; a subscription brings what is coming, and every past
        circle's file would make the site grow without end (issue 20)."""
        return self.is_current or self.last_meeting.start.date() >= today - dt.timedelta(days=CALENDAR_DAYS)

    @property
    def sort_key(self) -> tuple:
        """Upcoming first by next meeting, then by start, then by id."""
        when = self.next_meeting or self.first_meeting
        return (when.start.astimezone(dt.UTC), self.id)


@dataclass(slots=True)
class Directory:
    """Everything the site is built from, relative to one build date."""

    build_date: dt.date
    networks: list[Network]
    libraries: list[Library]
    circles: list[Circle]
    courses: list[Course]  # the files of content/courses/, by id; a course written out in a circle is not here
    countries: list[Place]
    upcoming: list[Circle]  # open, full or in progress; soonest next meeting first
    past: list[Circle]  # completed or cancelled, not yet archived; most recent first
    online: list[Circle]  # circles with no library, any status, current first
    archive: list[Circle] = field(default_factory=list)  # archived circles, most recent first
    #: The validated rows by kind and id, as contributors wrote them: the open data publishes these.
    rows: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
