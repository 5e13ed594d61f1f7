"""Words and dates for people: gettext for strings, Babel for dates and times.

Every user-facing string in code goes through :func:`Texts.gettext` and every
date through Babel, so that a translation only needs a catalogue in
``plugins/circles/translations/<locale>/LC_MESSAGES/messages.po``, compiled when the site is
built (:func:`catalogue`; no ``.mo`` is committed). docs/translating.md is for translators.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_interval
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).parent / "translations"

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


# Plural weekday names are not in CLDR, so they are messages of our own.
_WEEKDAYS_PLURAL = (_("Mondays"), _("Tuesdays"), _("Wednesdays"), _("Thursdays"), _("Fridays"), _("Saturdays"), _("Sundays"))

STATUS_LABELS = {
    "open": _("Sign-up open"),
    "full": _("Full"),
    "in_progress": _("In progress"),
    "completed": _("Completed"),
    "cancelled": _("Cancelled"),
}

FORMAT_LABELS = {"in_person": _("In person"), "online": _("Online"), "hybrid": _("Hybrid")}
#: What kind of organization a network is (schema: networks.type).
NETWORK_TYPE_LABELS = {"library_system": _("Library system"), "consortium": _("Consortium"),
                       "national_service": _("National library service"), "program_partner": _("Program partner")}
#: What a course is made of (schema: courses.format).
COURSE_FORMAT_LABELS = {"course": _("Online course"), "book": _("Book"), "video_series": _("Video series"),
                        "other": _("Other")}

#: Labels of the topics circles use most, translated like every other word of the site; a topic
#: not listed here is shown as its record writes it (circle.topics are ids such as small-business).
TOPIC_LABELS = {
    "agriculture": _("Agriculture"),
    "art": _("Art"),
    "budgeting": _("Budgeting"),
    "careers": _("Careers"),
    "communication": _("Communication"),
    "computers": _("Computers"),
    "conversation": _("Conversation"),
    "cooking": _("Cooking"),
    "creative-writing": _("Creative writing"),
    "css": _("CSS"),
    "data-analysis": _("Data analysis"),
    "digital-literacy": _("Digital literacy"),
    "digital-skills": _("Digital skills"),
    "english": _("English"),
    "entrepreneurship": _("Entrepreneurship"),
    "esl": _("English as a second language"),
    "excel": _("Excel"),
    "fiction": _("Fiction"),
    "gardening": _("Gardening"),
    "genealogy": _("Family history"),
    "health": _("Health"),
    "history": _("History"),
    "html": _("HTML"),
    "it-careers": _("IT careers"),
    "javascript": _("JavaScript"),
    "language-learning": _("Language learning"),
    "languages": _("Languages"),
    "linux": _("Linux"),
    "money": _("Money"),
    "nutrition": _("Nutrition"),
    "personal-finance": _("Personal finance"),
    "photography": _("Photography"),
    "programming": _("Programming"),
    "psychology": _("Psychology"),
    "public-speaking": _("Public speaking"),
    "python": _("Python"),
    "small-business": _("Small business"),
    "spreadsheets": _("Spreadsheets"),
    "study-skills": _("Study skills"),
    "web": _("The web"),
    "wellbeing": _("Wellbeing"),
    "writing": _("Writing"),
}


@cache
def _read(locale: str) -> tuple[Path, Catalog] | None:
    """The catalogue of ``locale`` (``fr``, or ``fr_CA`` falling back to ``fr``) and its file, or None."""
    for name in dict.fromkeys((locale, locale.split("_")[0])):
        path = TRANSLATIONS_DIR / name / "LC_MESSAGES" / "messages.po"
        if path.is_file():
            with path.open("rb") as po:
                return path, read_po(po, locale=name)
    return None


@cache
def catalogue(locale: str) -> NullTranslations:
    """The site's words in ``locale``: its ``.po`` compiled in memory, without fuzzy entries; no
    translation (English) when there is none."""
    found = _read(locale)
    if found is None:
        return NullTranslations()
    path, messages = found
    compiled = io.BytesIO()
    write_mo(compiled, messages, use_fuzzy=False)
    compiled.seek(0)
    translations = Translations(compiled)
    translations.files = [str(path)]  # what the record cache depends on (incremental/recordcache.py)
    return translations


def untranslated(locale: str) -> list[str]:
    """The messages of ``locale``'s catalogue that have no translation yet (shown in English), in the
    catalogue's order; none for English, or for a language without a catalogue (all English)."""
    found = _read(locale)
    if found is None:
        return []
    return [message.id if isinstance(message.id, str) else message.id[0] for message in found[1]
            if message.id and (message.fuzzy or not all(message.string if isinstance(message.string, tuple)
                                                        else [message.string]))]


def clear_catalogues() -> None:
    """Forget the catalogues read, after their files changed (the tests' own catalogues)."""
    _read.cache_clear()
    catalogue.cache_clear()


class Texts:
    """Translations and locale-aware formatting for one site locale."""

    def __init__(self, locale: str = "en"):
        self.locale = Locale.parse(locale.replace("-", "_"))
        self.translations: NullTranslations = catalogue(str(self.locale))
        # Babel's formatting is slow next to looking up the few dates and clock times circles share.
        self._formatted: dict[tuple, str] = {}

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    # Dates and times

    def date(self, value: dt.date, width: str = "long") -> str:
        """``3 March 2026`` in the site's locale (``full`` adds the weekday)."""
        key = ("date", value, width)
        if key not in self._formatted:
            self._formatted[key] = format_date(value, width, locale=self.locale)
        return self._formatted[key]

    def datetime(self, value: dt.datetime, width: str = "full") -> str:
        """A weekday, date and time, for one meeting."""
        return format_datetime(value, f"{self.locale.date_formats[width].pattern}, {self.locale.time_formats['short'].pattern}", locale=self.locale)

    def time_range(self, start: dt.datetime | dt.time, end: dt.datetime | dt.time) -> str:
        """``6:00 – 7:30 PM``: the clock follows the locale (12 or 24 hours)."""
        start_t = start.time() if isinstance(start, dt.datetime) else start
        end_t = end.time() if isinstance(end, dt.datetime) else end
        key = ("times", start_t, end_t)
        if key not in self._formatted:
            skeleton = "Hm" if self.uses_24_hours else "hm"
            self._formatted[key] = format_interval(start_t, end_t, skeleton, locale=self.locale)
        return self._formatted[key]

    @cached_property
    def weekday_names(self) -> tuple[str, ...]:
        """``Monday`` to ``Sunday`` (Babel builds its table again at each ask)."""
        days = self.locale.days["format"]["wide"]
        return tuple(days[d] for d in range(7))

    @cached_property
    def uses_24_hours(self) -> bool:
        return "H" in self.locale.time_formats["short"].pattern

    def weekdays(self, days: list[int]) -> str:
        """``Tuesdays and Thursdays``."""
        key = ("weekdays", *sorted(days))
        if key not in self._formatted:
            self._formatted[key] = self.join([self.gettext(_WEEKDAYS_PLURAL[d]) for d in key[1:]])
        return self._formatted[key]

    def join(self, items: list[str]) -> str:
        from babel.lists import format_list

        return format_list(items, locale=self.locale) if items else ""

    # Names

    def language_name(self, tag: str) -> str:
        """``Swahili`` for ``sw``; the tag itself when CLDR does not know it."""
        key = ("language", tag)
        if key not in self._formatted:
            try:
                self._formatted[key] = Locale.parse(tag.replace("-", "_")).get_display_name(self.locale) or tag
            except (ValueError, UnknownLocaleError):
                self._formatted[key] = tag
        return self._formatted[key]

    def country_name(self, code: str) -> str:
        return self.locale.territories.get(code, code)

    def status(self, status: str) -> str:
        return self.gettext(STATUS_LABELS[status])

    def format_label(self, fmt: str) -> str:
        return self.gettext(FORMAT_LABELS[fmt])

    def network_type(self, kind: str) -> str:
        return self.gettext(NETWORK_TYPE_LABELS[kind])

    def course_format(self, fmt: str) -> str:
        return self.gettext(COURSE_FORMAT_LABELS.get(fmt, COURSE_FORMAT_LABELS["other"]))

    def topic(self, topic: str) -> str:
        """A topic's label (``Small business`` for ``small-business``), or the topic as written."""
        return self.gettext(TOPIC_LABELS[topic]) if topic in TOPIC_LABELS else topic


@dataclass(frozen=True)
class Language:
    """One language of the site: the first is served at the site's root, each other under its
    code (``fr/``, ``pt-br/``). Made by :func:`site_languages`."""

    locale: str  # a CLDR locale, as DIRECTORY["languages"] lists it: fr, en_CA
    prefix: str  # "" for the first; "fr/" for another
    tag: str  # the BCP 47 tag, for lang and hreflang: en-CA
    name: str  # the language's name in itself, as a language switcher shows it: Français


def site_languages(locales: list[str]) -> list[Language]:
    """The site's languages, in DIRECTORY["languages"]'s order."""
    languages = []
    for i, locale in enumerate(locales):
        own = Locale.parse(locale.replace("-", "_"))
        name = own.get_display_name(own) or locale
        tag = language_tag(locale)
        languages.append(Language(locale, f"{tag.lower()}/" if i else "", tag, name[:1].upper() + name[1:]))
    return languages


def known_language(tag: str) -> bool:
    """True when CLDR knows the BCP 47 tag's language."""
    try:
        Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True


def language_tag(tag: str) -> str:
    """A BCP 47 tag in its usual case, with hyphens (RFC 5646, 2.1.1), so that one language has one page
    whichever way its records write it: ``pt-BR`` for ``pt_br`` or ``PT-br``, ``zh-Hant-TW``."""
    parts = tag.replace("_", "-").split("-")
    cased = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            cased.append(part.title())
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            cased.append(part.upper())
        else:
            cased.append(part.lower())
    return "-".join(cased)


def name_order(name: str) -> str:
    """A name as lists sort it in every language: its letters without their accents, case folded, so that
    "États-Unis" comes between "Espagne" and "France" and "Île-de-France" beside "Iowa" (code point
    order put both after "Zambie"). Ties are left to the caller (a slug or an id)."""
    if name.isascii():  # most names: nothing to take apart (0.1 µs a name, not 1.8)
        return name.lower()
    return "".join(char for char in unicodedata.normalize("NFKD", name) if not unicodedata.combining(char)).casefold()


def known_country(code: str) -> bool:
    return code in Locale("en").territories and code.isalpha() and len(code) == 2
