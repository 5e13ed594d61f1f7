"""Export stage: robots.txt, and sitemap.xml when the site has a public address.

The sitemap lists every page meant to be found on its own: not embeds (made for other sites'
iframes), flyers (made to print) or the 404 page. Search engines need absolute addresses,
so a build without an absolute SITEURL (``make html``) writes no sitemap. A page of a site in
several languages is listed in each, with its alternates in all of them (``xhtml:link``, as its
``<link rel="alternate" hreflang>`` say). A sitemap holds at most 50,000 addresses
(sitemaps.org): a larger site's are split into ``sitemaps/1.xml``, … with ``sitemap.xml`` their index.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from circles.i18n import Language
from circles.settings import site_root, site_url

#: Pages left out of the sitemap, by their path in the output, within their language's folder.
LEFT_OUT = ("embed/", "404.html")
#: The most addresses one sitemap file may hold (sitemaps.org).
PER_FILE = 50_000
URLSET = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
          ' xmlns:xhtml="http://www.w3.org/1999/xhtml">\n')


def write_sitemap(settings: dict[str, Any], output: Path, languages: list[Language], files: list[str]) -> None:
    """robots.txt, and the sitemap of the pages written as ``files`` (their paths in the output, in the
    site's first language: each other language has them all)."""
    robots = "User-agent: *\nAllow: /\n"
    folder = output / "sitemaps"
    for old in folder.glob("*.xml") if folder.is_dir() else []:
        old.unlink()
    if site_root(settings):
        pages = sorted(page_path(file) for file in files if listed(file))
        entries = [entry for page in pages for entry in url_entries(settings, page, languages)]
        files = [entries[i: i + PER_FILE] for i in range(0, len(entries), PER_FILE)] or [[]]
        if len(files) == 1:
            (output / "sitemap.xml").write_text(f"{URLSET}{''.join(files[0])}</urlset>\n", encoding="utf-8")
        else:
            folder.mkdir(exist_ok=True)
            for number, part in enumerate(files, 1):
                (folder / f"{number}.xml").write_text(f"{URLSET}{''.join(part)}</urlset>\n", encoding="utf-8")
            parts = "".join(f"  <sitemap><loc>{escape(site_url(settings, f'sitemaps/{n}.xml'))}</loc></sitemap>\n"
                            for n in range(1, len(files) + 1))
            (output / "sitemap.xml").write_text('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns='
                                                f'"http://www.sitemaps.org/schemas/sitemap/0.9">\n{parts}</sitemapindex>\n',
                                                encoding="utf-8")
        robots += f"Sitemap: {site_url(settings, 'sitemap.xml')}\n"
    (output / "robots.txt").write_text(robots, encoding="utf-8")


def url_entries(settings: dict[str, Any], page: str, languages: list[Language]) -> list[str]:
    """The page's ``<url>`` in each language, each naming all of them as alternates."""
    if len(languages) < 2:
        return [f"  <url><loc>{escape(site_url(settings, page))}</loc></url>\n"]
    links = "".join(f"<xhtml:link rel=\"alternate\" hreflang={quoteattr(language.tag)} "
                    f"href={quoteattr(site_url(settings, language.prefix + page))}/>" for language in languages)
    links += f"<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href={quoteattr(site_url(settings, page))}/>"
    return [f"  <url><loc>{escape(site_url(settings, language.prefix + page))}</loc>{links}</url>\n"
            for language in languages]


def listed(file: str) -> bool:
    return not file.startswith(LEFT_OUT) and "/flyer/" not in file


def page_path(file: str) -> str:
    """``circles/x/index.html`` → ``circles/x/``; the home page is the empty path."""
    return file[: -len("index.html")] if file.endswith("index.html") else file
