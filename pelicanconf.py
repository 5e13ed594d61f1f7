"""Pelican settings for building the directory locally (`make html`).

Pelican here is only the frame: the `circles` plugin reads the YAML records
and writes every page itself, so Pelican's own blog machinery is switched off.
"""

SITENAME = "Learning Circles Directory"
# Empty while developing; publishconf.py sets the public address.
SITEURL = ""
# Links relative to each page, so output/ can be opened from disk or served under any path.
RELATIVE_URLS = True

PATH = "content"
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["circles"]

TIMEZONE = "UTC"
DEFAULT_LANG = "en"

# The plugin owns the directory's content; Pelican must not pick up records
# as articles or pages, nor copy content/ into the output (the theme's own
# static files still come via THEME_STATIC_PATHS).
ARTICLE_PATHS = []
PAGE_PATHS = []
STATIC_PATHS = []
DIRECT_TEMPLATES = []
# No blog: no per-author, category, tag or archive pages.
AUTHOR_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
TAG_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAGS_SAVE_AS = ""

# Pelican's feeds describe articles, of which there are none.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
FEED_ATOM = None
FEED_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None

# Rebuilds (docs/settings.md, "Rebuilds"): each build keeps in CACHE_PATH what lets the next one
# write again only what changed: 14.3 % of a full build's time after one changed circle, at 10,000
# circles (benchmarks/RESULTS.md). Every kept key covers the code, templates, settings and build
# date it was made with, so what an older build kept is never taken for current.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
# Beside output/, ignored by git; `make clean` deletes both, `make html CACHE=...` puts it elsewhere.
CACHE_PATH = "cache"
# Pelican's default, stated because rebuilds need it: output/ is kept, and the build itself removes
# the files of records that are gone (docs/settings.md, "Rebuilds").
DELETE_OUTPUT_DIRECTORY = False

# The moment statuses and next meetings are computed against: a date ("2026-11-22", a meeting
# that day has not ended) or a date and time ("2026-11-22T15:00:00Z"). None means now, or
# SOURCE_DATE_EPOCH when set, so that a rebuild is reproducible.
BUILD_DATE = None

# Where `circles geocode` looks up libraries without coordinates (docs/settings.md).
# The build itself never goes online: it reads coordinates from the records, the
# committed cache (content/geocache.json) or the offline gazetteer.
GEOCODING = {
    "provider": "nominatim",
    "domain": "nominatim.openstreetmap.org",
    # Nominatim's usage policy asks for an identifying user agent with a contact.
    "user_agent": "learning-circles-directory/0.1 (+https://github.com/)",
}

# The maps' tiles (docs/settings.md). These are the defaults: OpenStreetMap's tile server,
# whose usage policy suits a small directory; a busy one should use its own tiles. The page's
# Content-Security-Policy follows `tiles` by itself.
MAP = {
    "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    # HTML: the credit the tile server's licence asks for, shown on every map.
    "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    "max_zoom": 19,
}

# Settings of the circles plugin; every key is documented in docs/settings.md.
DIRECTORY = {
    # Language of the site's own words and date formats (circles keep their own).
    "languages": ["en", "fr", "es", "sw"],
    # True while the bundled example records are shown: every page says so.
    "sample": True,
}
