"""Export stage: robots.txt, and sitemap.xml when the site has a public address.

The sitemap lists every page meant to be found on its own: not embeds (made for other sites'
iframes), flyers (made to print) or the 404 page. Search engines need absolute addresses,
so a build without an absolute SITEURL (``make html``) writes no sitemap.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from circles.settings import site_root, site_url

#: Pages left out of the sitemap, by their path in the output.
LEFT_OUT = ("embed/", "404.html")


def write_sitemap(settings: dict[str, Any], output: Path) -> None:
    robots = "User-agent: *\nAllow: /\n"
    if site_root(settings):
        pages = sorted(page_path(path, output) for path in output.rglob("*.html") if listed(path, output))
        urls = "".join(f"  <url><loc>{escape(site_url(settings, page))}</loc></url>\n" for page in pages)
        (output / "sitemap.xml").write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                                            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                                            f"{urls}</urlset>\n", encoding="utf-8")
        robots += f"Sitemap: {site_url(settings, 'sitemap.xml')}\n"
    (output / "robots.txt").write_text(robots, encoding="utf-8")


def listed(path: Path, output: Path) -> bool:
    relative = path.relative_to(output).as_posix()
    return not relative.startswith(LEFT_OUT) and "/flyer/" not in relative and not relative.startswith("pagefind/")


def page_path(path: Path, output: Path) -> str:
    """``circles/x/index.html`` → ``circles/x/``; the home page is the empty path."""
    relative = path.relative_to(output).as_posix()
    return relative[: -len("index.html")] if relative.endswith("index.html") else relative
