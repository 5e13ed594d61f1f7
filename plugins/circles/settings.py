"""Settings: one namespaced ``DIRECTORY`` dict in pelicanconf.py, merged over defaults.

Unknown keys are reported by name at start-up, so a typo never passes silently.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from circles.i18n import known_language
from circles.problems import CirclesError

#: Every DIRECTORY setting, its default, and what it is for (docs/settings.md is made from this).
DIRECTORY_DEFAULTS: dict[str, tuple[Any, str]] = {
    "languages": (["en"], "The languages of the site's words and of how dates and times are written, as CLDR locales (en, en_CA, fr, es, sw). The first is the directory's own: its pages are at the site's root, and its calendars, feeds and open data are in it; each other one has every page again under its code (fr/, en-ca/), with a language switcher on each page. docs/translating.md tells how to add one."),
    "sample": (False, "True when the records are examples: every page then says so."),
    "content": ("content", "Folder holding networks/, libraries/ and circles/, relative to the project."),
    "upcoming_on_home": (12, "How many upcoming circles the home page lists."),
    "archive_after_months": (12, "Months after its last meeting when a circle leaves search, the past list and its library's and network's pages for the archive (archive/); its own page stays."),
    "library_pages": ("with_circles", "Which libraries get a page, an embed page and a calendar of their own: with_circles, those with a circle (current, past or archived); all, every library. A library without a page is listed by name, address and website on its town's and its network's pages."),
    "toolkit": ("toolkit", "Folder of the open toolkit's guides and forms, relative to the content folder; the toolkit section is left out when it does not exist."),
    "toolkit_pdfs": (True, "Print the toolkit's guides and forms to PDF, one file each and one for the whole toolkit; False leaves the PDFs out of the downloads."),
    "flyer_pdfs": (True, "Print each circle's flyer to PDF (A4 and Letter) with WeasyPrint; False skips the PDFs, which take most of the build time of a large directory and about 32 kB a current circle (870 MB at 27,000 current circles, beyond GitHub Pages' 1 GB): a directory of thousands of circles turns them off."),
    "search_bundle_size": (2500, "Most circles in one part (bundle) of the search index; two thirds as many from the build date's month on, where circles are listed and changed. A larger directory is indexed in bundles of whole months, one at a time: Pagefind holds a bundle in memory (about 120 kB a circle), and a rebuild indexes again only the bundles that changed. Each bundle adds a small download to a search."),
    "repository": ("", "The directory's GitHub repository as owner/name: List your circle opens GitHub's new-file page there, pre-filled. Empty hides that button; the page then asks to copy or download the file."),
    "branch": ("main", "The branch of that repository that new listings are proposed to."),
}


#: The values of DIRECTORY's ``library_pages``.
LIBRARY_PAGES = ("with_circles", "all")


#: Every GEOCODING setting: where `circles geocode` looks addresses up (docs/settings.md).
GEOCODING_DEFAULTS: dict[str, tuple[Any, str]] = {
    "provider": ("nominatim", "geopy geocoder to use, by geopy's service name (nominatim, photon, arcgis, …)."),
    "domain": ("nominatim.openstreetmap.org", "Host of the geocoding service, for a self-hosted Nominatim."),
    "scheme": ("https", "https, or http for a service on the local network."),
    "user_agent": ("learning-circles-directory/0.1 (+https://github.com/)",
                   "Identifies the directory to the service; Nominatim's usage policy asks for a contact address."),
    "options": ({}, "Other keyword arguments for the geopy geocoder, such as an api_key."),
    "min_delay_seconds": (1.0, "Pause between requests; Nominatim's usage policy allows one per second."),
    "max_retries": (2, "Retries after a timeout, HTTP 429 or a 5xx answer."),
    "error_wait_seconds": (5.0, "Pause before retrying after an error."),
    "timeout": (10, "Seconds to wait for each answer."),
    "cache": ("geocache.json", "The committed cache of looked-up addresses, relative to the content folder."),
}


#: Every MAP setting: the tiles behind Leaflet's maps (docs/settings.md).
MAP_DEFAULTS: dict[str, tuple[Any, str]] = {
    "tiles": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
              "Tile URL template for Leaflet; {s}, {z}, {x} and {y} are filled in by Leaflet."),
    "attribution": ('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
                    "Credit shown on every map, as the tile server's licence requires (HTML, from settings only)."),
    "max_zoom": (19, "Closest zoom the tile server offers."),
}


class SettingsError(CirclesError):
    pass


def namespaced(settings: dict[str, Any], name: str, defaults: dict[str, tuple[Any, str]]) -> dict[str, Any]:
    """A dict setting merged over its defaults; unknown keys are an error naming them."""
    given = settings.get(name) or {}
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        hint = f"; write languages: [{given['locale']!r}] instead of locale" if name == "DIRECTORY" and "locale" in unknown else ""
        raise SettingsError(f"unknown {name} setting(s): {', '.join(unknown)} (known: {', '.join(defaults)}){hint}")
    merged = {key: default for key, (default, _) in defaults.items()}
    merged.update(given)
    return merged


def directory_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The ``DIRECTORY`` setting merged over the defaults."""
    options = namespaced(settings, "DIRECTORY", DIRECTORY_DEFAULTS)
    languages = options["languages"]
    if isinstance(languages, str) or not languages or not all(isinstance(tag, str) and known_language(tag) for tag in languages):
        raise SettingsError(f"DIRECTORY languages must be a list of locales such as ['en', 'fr'], not {languages!r}")
    options["locale"] = languages[0]  # the directory's own language
    if options["library_pages"] not in LIBRARY_PAGES:
        raise SettingsError(f"DIRECTORY library_pages must be one of {', '.join(LIBRARY_PAGES)}, "
                            f"not {options['library_pages']!r}")
    return options


def map_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The ``MAP`` setting merged over the defaults."""
    return namespaced(settings, "MAP", MAP_DEFAULTS)


def geocoding_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The ``GEOCODING`` setting merged over the defaults."""
    return namespaced(settings, "GEOCODING", GEOCODING_DEFAULTS)


def build_date(settings: dict[str, Any]) -> dt.date:
    """The day the build is as of: ``BUILD_DATE``'s (in UTC when it has a time), else
    ``SOURCE_DATE_EPOCH``'s, else today (UTC). Calendars, feeds and open data are stamped with it."""
    as_of = _as_of(settings)
    return as_of.astimezone(dt.UTC).date() if isinstance(as_of, dt.datetime) else as_of


def build_moment(settings: dict[str, Any]) -> dt.datetime | None:
    """The moment statuses and next meetings are relative to (aware, UTC when not told), so a
    meeting that has ended is past; None when ``BUILD_DATE`` is a date alone, which keeps the
    day's rule: a meeting on that day has not ended. Either way a build is reproducible."""
    as_of = _as_of(settings)
    return as_of if isinstance(as_of, dt.datetime) else None


def _as_of(settings: dict[str, Any]) -> dt.date | dt.datetime:
    value = settings.get("BUILD_DATE")
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return value
    if value:
        text = str(value)
        try:
            parsed = dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
        except ValueError:
            raise SettingsError(f"BUILD_DATE must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS±HH:MM (or Z), not {value!r}") from None
        return _as_of({"BUILD_DATE": parsed})
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError):
            raise SettingsError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch!r}") from None
    return dt.datetime.now(dt.UTC)


def site_root(settings: dict[str, Any]) -> str:
    """SITEURL without a trailing slash when it is the site's public address (http or https, as in
    publishconf.py); "" when it is not, as in a local build with relative links."""
    siteurl = (settings.get("SITEURL") or "").rstrip("/")
    return siteurl if siteurl.startswith(("https://", "http://")) else ""


def site_url(settings: dict[str, Any], path: str, otherwise: str | None = None) -> str:
    """The public address of ``path`` (relative to the site root, as a record's ``url``).

    Without a public address, ``otherwise``; when that is not given, ``path`` itself, a link
    relative to the site root.
    """
    root = site_root(settings)
    if root:
        return f"{root}/{path}"
    return path if otherwise is None else otherwise


def content_root(settings: dict[str, Any]) -> Path:
    """The content folder: ``PATH`` from Pelican when set, else DIRECTORY's ``content``."""
    return Path(settings.get("PATH") or directory_settings(settings)["content"])


def cache_path(settings: dict[str, Any]) -> Path:
    """The geocoding cache file; a relative path is inside the content folder."""
    path = Path(geocoding_settings(settings)["cache"])
    return path if path.is_absolute() else content_root(settings) / path


def read_project_settings(path: str = "pelicanconf.py") -> dict[str, Any]:
    """Pelican's settings for the command line, without starting Pelican."""
    if not Path(path).is_file():
        return {}
    from pelican.settings import read_settings

    return read_settings(path)
