"""Render stage: what every template gets besides its page's own context: the site's
translations, the filters that format words, dates and names, and page-independent globals.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache, partial
from types import SimpleNamespace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_name
from babel.numbers import format_decimal
from jinja2 import pass_eval_context
from jinja2.ext import InternationalizationExtension
from markupsafe import Markup

from circles.directory.models import CALENDAR_CIRCLES, Address, Circle, Place
from circles.directory.schedule import schedule_text
from circles.exports.ics import google_calendar
from circles.i18n import Language, Texts, _, name_order
from circles.pages.browsing import Crumb
from circles.pages.constant_words import use_words
from circles.pages.embeds import COMPACT_HEIGHT, FULL_HEIGHT
from circles.pages.structured import circle_data, course_data, json_ld, library_data, website_data
from circles.records.rules import spdx_licences
from circles.settings import map_settings, site_root


def tel_href(phone: str) -> str:
    """A ``tel:`` link target: only digits and a leading plus survive, and nothing
    after an extension or a second number (``ext. 3``, ``, 555 0101``)."""
    digits = re.sub(r"[^0-9]", "", re.split(r"[A-Za-z,;/]", phone)[0])
    return f"tel:{'+' if phone.strip().startswith('+') else ''}{digits}" if digits else ""


#: How a course's licence is said when it is not an SPDX identifier (schema: courses.licence).
LICENCE_LABELS = {"proprietary": _("Proprietary: its provider keeps every right to it"), "unknown": _("Not known")}


def licence(texts: Texts, value: str) -> SimpleNamespace:
    """A course's licence as a page shows it: its SPDX name with a link to the licence's text, our
    words for ``proprietary`` and ``unknown``, or the words a written-out course gives."""
    known = spdx_licences().get(value)
    if known:
        return SimpleNamespace(name=known.name, url=f"https://spdx.org/licenses/{value}.html", code=value)
    return SimpleNamespace(name=texts.gettext(LICENCE_LABELS[value]) if value in LICENCE_LABELS else value, url="",
                           code=value)


def timezone_name(locale: Locale, tz: str) -> str:
    """``Central Time`` for ``America/Chicago``; the IANA name when unknown."""
    try:
        return get_timezone_name(ZoneInfo(tz), "long", locale=locale)
    except (ZoneInfoNotFoundError, ValueError, LookupError):
        return tz


def template_filters(texts: Texts, schedule=None) -> dict:
    """The Jinja filters templates use for words, dates and names, in the language of ``texts``;
    ``schedule``: a circle's schedule in words in it (:func:`schedule_in`)."""
    # Ten thousand circles share a few hundred dates and a few dozen meeting
    # times, and Babel formatting dominates the build, so format each value once.
    format_day = lru_cache(maxsize=4096)(texts.date)
    format_times = lru_cache(maxsize=4096)(texts.time_range)
    return {
        "schedule": schedule or schedule_in(texts, own=True),
        "address_lines": partial(address_lines, texts),
        "place_name": partial(place_name, texts),
        "by_place_name": partial(by_place_name, texts),
        # A message marked in the code (``_()`` in a module), translated with no placeholders filled in.
        "translated": texts.gettext,
        "date": lambda value, width="long": format_day(_day(value), width),
        "datetime": texts.datetime,
        "time_range": lambda start, end: format_times(_clock(start), _clock(end)),
        "weekdays": texts.weekdays,
        "status_label": texts.status,
        "format_label": texts.format_label,
        "network_type": texts.network_type,
        "course_format": texts.course_format,
        "hours": lambda value: format_decimal(value, locale=texts.locale),
        "licence": partial(licence, texts),
        "topic_label": texts.topic,
        "language_name": texts.language_name,
        "country_name": texts.country_name,
        "join_list": texts.join,
        "timezone_name": partial(timezone_name, texts.locale),
        "tel_href": tel_href,
        "json_ld": json_ld,
    }


def schedule_in(texts: Texts, own: bool = False):
    """A circle's schedule in words in the language of ``texts`` ("les jeudis, 13:30 – 15:00, …"), each
    circle's put in words once: its page, listings, embeds and search all show it. In the directory's
    first language (``own``), the one the records were enriched in, it is the circle's own."""
    if own:
        return lambda circle: circle.schedule_text
    said: dict[str, str] = {}

    def schedule(circle: Circle) -> str:
        if circle.id not in said:
            said[circle.id] = schedule_text(texts, [m.start.date() for m in circle.meetings], circle.weekdays,
                                            circle.weekly, circle.first_meeting, circle.weeks)
        return said[circle.id]

    return schedule


def address_lines(texts: Texts, address: Address) -> list[str]:
    """A postal address, one line per entry, its country named in the page's language."""
    return address.lines_in(texts.country_name(address.country))


def place_name(texts: Texts, place: Place | Crumb) -> str:
    """A country's name in the page's language; a town's as the records write it."""
    return texts.country_name(place.country) if place.country else place.name


def by_place_name(texts: Texts, items: list, index: int | None = None) -> list:
    """Places (or tuples holding one at ``index``) in the order of their names in the page's language: the
    directory sorts its countries once, by their English names, and "États-Unis" is not where "United
    States" is."""
    def place(item):
        return item if index is None else item[index]

    return sorted(items, key=lambda item: (name_order(place_name(texts, place(item))), place(item).slug))


def open_graph_locale(locale: str) -> str:
    """Open Graph's language_TERRITORY for a locale: ``fr_FR`` for ``fr``, its likeliest territory
    when it names none (CLDR's likely subtags), ``en_CA`` for ``en_CA``."""
    own = Locale.parse(locale.replace("-", "_"))
    likely = get_global("likely_subtags")
    territory = own.territory or Locale.parse(likely.get(str(own)) or likely.get(own.language, own.language)).territory
    return f"{own.language}_{territory}" if territory else own.language


def _day(value: dt.date) -> dt.date:
    """The calendar date of a date or datetime (what Babel formats of either)."""
    return value.date() if isinstance(value, dt.datetime) else value


def _clock(value: dt.datetime | dt.time) -> dt.time:
    return value.time() if isinstance(value, dt.datetime) else value


def language_environment(env):
    """A Jinja environment for the pages of another language: ``env``'s loader, extensions, filters
    and globals, with a template cache, globals and filters of its own to set for it."""
    overlay = env.overlay(cache_size=400)  # a cache of its own: a template is bound to its environment
    overlay.globals, overlay.filters = dict(env.globals), dict(env.filters)
    # The overlay's i18n extension is a copy bound to it, but the install method it copied from ``env``
    # is still the original's, which would put this language's words into ``env``'s globals.
    i18n = next(ext for ext in overlay.extensions.values() if isinstance(ext, InternationalizationExtension))
    overlay.install_gettext_translations = i18n._install
    return overlay


def words_once(translations):
    """Jinja's newstyle ``gettext`` (jinja2.ext._make_new_gettext), with each message translated and
    marked up once per language rather than on every call, and ``_`` calling it straight instead of
    through ``_gettext_alias``. Same results: a Markup where autoescaping is on, %-formatted with the
    variables given, even none (so "%%" is "%").

    It answers the calls left when templates are rendered: those with variables or a message that is
    not a plain string; a plain ``_("…")`` is compiled as its words (pages/constant_words.py).

    Why (issue 24): templates call it about 40 times a page; at 10,000 circles, 923,000 calls took 18 s
    of a 238 s single-process profile, each going through ``Context.call`` three times, the catalogue
    and ``Markup``. Measured side by side at 10,000 circles (benchmarks/README.md): the pages stage went
    from 17.3 s and 17.5 s to 14.9 s and 14.6 s, the output byte for byte the same.
    """
    marked: dict[str, Markup] = {}
    plain: dict[str, str] = {}
    done: dict[str, Markup] = {}  # messages without variables, already formatted

    @pass_eval_context
    def gettext(eval_ctx, string: str, /, **variables):
        if not eval_ctx.autoescape:
            found = plain.get(string)
            if found is None:
                found = plain[string] = translations.gettext(string)
            return found % variables
        if not variables and (ready := done.get(string)) is not None:
            return ready
        found = marked.get(string)
        if found is None:
            found = marked[string] = Markup(translations.gettext(string))
        if variables:
            return found % variables
        ready = done[string] = found % variables
        return ready

    return gettext


def tile_source(tiles: str) -> str:
    """Where the map's tiles come from (MAP ``tiles``), as a Content-Security-Policy source: the scheme and host
    of the tile URL, with a wildcard for Leaflet's {s} subdomains; "" for tiles on this site ('self')."""
    scheme, sep, rest = tiles.partition("://")
    if not sep and not tiles.startswith("//"):
        return ""
    host = (rest if sep else tiles[2:]).split("/", 1)[0]
    if "{s}" in host and "." in host:
        host = "*." + host.split(".", 1)[1]
    return f"{scheme}://{host}" if sep else host


def content_policy(tiles: str) -> str:
    """The Content-Security-Policy of every page (base.html, flyer.html, embed.html): 'wasm-unsafe-eval' lets
    Pagefind compile its WebAssembly and allows no JavaScript eval; images may also come from the tile server.
    Made once a build, not by each page (issue 24: a partial imported with context for it was 5 % of a page)."""
    source = tile_source(tiles)
    return Markup("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' "
                  "data:{}; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"
                  ).format(f" {source}" if source else "")


def configure_environment(env, options: dict, settings: dict, build_date: dt.date, language: Language,
                          languages: list[Language], texts: Texts, schedule) -> None:
    """Give templates the translations, filters and page-independent values of ``language``, one of
    the site's ``languages``, whose words are ``texts`` and schedules ``schedule`` (:func:`schedule_in`).

    ``options`` is the merged DIRECTORY setting; ``settings`` Pelican's.
    """
    env.install_gettext_translations(texts.translations, newstyle=True)
    use_words(env, language.tag, texts.translations)
    env.globals["gettext"] = env.globals["_"] = words_once(texts.translations)
    env.filters.update(template_filters(texts, schedule))
    env.globals.update(
        lang=language.tag,
        site_language=language,
        site_languages=languages if len(languages) > 1 else [],
        text_dir=texts.locale.text_direction,
        sample=options["sample"],
        build_date=build_date,
        # Canonical links need the public address even when page links are relative.
        site_root=site_root(settings),
        content_policy=content_policy(map_settings(settings)["tiles"]),
        tile_host=tile_source(map_settings(settings)["tiles"]).split("://", 1)[-1].removeprefix("*."),
        og_locale=open_graph_locale(language.locale),
        og_alternates=[open_graph_locale(other.locale) for other in languages if other != language],
        # Each page's schema.org data (pages/structured.py), written with the json_ld filter.
        circle_data=circle_data, course_data=course_data, library_data=library_data, website_data=website_data,
        google_calendar=google_calendar,  # a circle's "Add to Google Calendar" link (exports/ics.py)
        calendar_circles=CALENDAR_CIRCLES,  # the most circles a page's calendar holds
        # The iframe heights the embed code gives (pages/embeds.py).
        embed_heights={"full": FULL_HEIGHT, "compact": COMPACT_HEIGHT},
    )
