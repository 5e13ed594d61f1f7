"""Export stage: the pages a visitor can follow, each with an Atom feed and a calendar subscription.

Every country, town, network, library, topic and language page is listed once, here, with its
circles (:func:`followed_pages`); calendars.py and feeds.py make their files from this one list, so
that a page's feed and calendar are about the same circles, and every page of the list offers both
(theme/templates/partials/follow.html):

- ``<page>circles.ics`` (``browse/ca/toronto/circles.ics``): its circles that are in calendars
  (``Circle.in_calendars``), the 100 that meet soonest (calendars.soonest);
- ``feeds/<page without its last slash>.atom`` (``feeds/browse/ca/toronto.atom``,
  ``feeds/networks/<id>.atom``): its 25 most recently listed circles.

Both are in the site's first language, shared by every language's pages. Each list is made in one
pass over its owner's circles, so the work stays linear in the number of circles however many towns
there are. For the search page's near-me offer, :func:`town_files` writes ``search/towns.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from circles.directory.models import Circle, Directory, Place
from circles.exports.search import located
from circles.i18n import Texts, _
from circles.incremental.layer import Files
from circles.pages.browsing import group_topics


@dataclass(frozen=True)
class Followed:
    """A page that can be followed: its address names its feed and calendar."""

    url: str  # the page's address: ``browse/ca/toronto/``, ``topics/python/``
    name: str  # what the page is about, in the site's first language: ``Toronto``
    title: str  # its calendar's name: ``Learning circles in Toronto``
    circles: list[Circle]


def followed(owners: Iterable[Any], label: str, texts: Texts, name: Callable[[Any], str] = attrgetter("name"),
             circles: Callable[[Any], list[Circle]] = attrgetter("circles")) -> list[Followed]:
    """A :class:`Followed` for each owner with a ``url`` (its page); ``label``, a message with
    ``%(name)s``, names its calendar."""
    return [Followed(owner.url, name(owner), texts.gettext(label) % {"name": name(owner)}, circles(owner))
            for owner in owners]


def followed_pages(directory: Directory, texts: Texts) -> list[Followed]:
    """Every page with a feed and a calendar, with its circles, in the words of ``texts``."""
    topics, languages = group_topics(directory, texts)
    towns = [town for country in directory.countries for town in country.children]
    return [
        *followed(directory.countries, _("Learning circles in %(name)s"), texts, place_name(texts), place_circles),
        *followed(towns, _("Learning circles in %(name)s"), texts, circles=place_circles),
        *followed(directory.networks, _("Learning circles of %(name)s"), texts),
        # A library without a page of its own (DIRECTORY library_pages) has no circles to follow.
        *followed([lib for lib in directory.libraries if lib.has_page], _("Learning circles at %(name)s"), texts),
        *followed(topics, _("Circles about %(name)s"), texts),
        *followed(languages, _("Circles in %(name)s"), texts),
        *followed(directory.courses, _("Circles taking %(name)s"), texts, name=attrgetter("title")),
        # Another kind of page is one line more: records with a url, circles and a name (name= says where).
    ]


def place_name(texts: Texts) -> Callable[[Place], str]:
    """A country's name in the words of ``texts``, a town's as its records write it (templating.place_name)."""
    return lambda place: texts.country_name(place.country) if place.country else place.name


def place_circles(place: Place) -> list[Circle]:
    """The circles of a town's libraries, or of every town of a country."""
    return [circle for town in place.children or [place] for library in town.libraries for circle in library.circles]


def feed_path(url: str) -> str:
    """Where the feed of the page at ``url`` is: ``networks/x/`` → ``feeds/networks/x.atom``."""
    return f"feeds/{url.rstrip('/')}.atom"


def town_files(directory: Directory) -> Files:
    """``search/towns.json``: each town page by its address, with its name and the libraries of
    ``search/libraries.json`` in it (those with coordinates and a circle not archived): the search
    page offers to follow the town of the nearest library a near-me search finds."""
    towns = {}
    for country in directory.countries:
        for town in country.children:
            libraries = sorted(lib.id for lib in town.libraries if located(lib))
            if libraries:
                towns[town.url] = [town.name, libraries]

    def make(names: list[str]):
        for name in names:
            yield name, json.dumps(towns, sort_keys=True, separators=(",", ":")).encode("utf-8")

    return Files("followed-towns", {"search/towns.json": (towns,)}, make)
