"""The build benchmark's anchors: as many pages as the directory writes, built by other tools.

- **Vanilla Pelican**: ``count`` Markdown articles (title, date, tags, a category, a few
  paragraphs) built by ``pelican`` with its default theme and default settings, except
  relative URLs; the articles are the only content.
- **Hugo plus Pagefind**: the same articles in a minimal Hugo site with a small layout of its own
  (no theme to download), built by ``hugo --quiet`` and indexed by ``python -m pagefind``.

Each function writes a site's sources and returns the commands that build it; build_bench.py
runs and times them. The text is invented from the synthetic directory's words, accents included.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import vocabulary as words

#: What the Hugo site looks like: one template for an article, one for every list (home,
#: section, tags, categories); Hugo's own RSS and sitemap as it makes them by default.
HUGO_CONFIG = """baseURL = "/"
relativeURLs = true
languageCode = "en"
title = "Anchor"
"""
HUGO_SINGLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>
<main><h1>{{ .Title }}</h1><p>{{ .Date.Format "2 January 2006" }}</p>{{ .Content }}
<ul>{{ range .Params.tags }}<li><a href="{{ (print "/tags/" (. | urlize)) | relURL }}">{{ . }}</a></li>{{ end }}</ul>
</main></body></html>
"""
HUGO_LIST = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</main></body></html>
"""


@dataclass
class Article:
    slug: str
    title: str
    date: dt.date
    category: str
    tags: list[str]
    paragraphs: list[str]


def articles(count: int, seed: int = 1) -> Iterator[Article]:
    """``count`` invented articles about courses, in the directory's five languages."""
    rng = random.Random(seed)
    for n in range(count):
        key, language, course, provider, topics, titles = rng.choice(words.COURSES)
        weeks = rng.choice((4, 6, 8))
        paragraphs = [rng.choice(words.OPENINGS[language]).format(course=course, weeks=weeks),
                      rng.choice(words.CLOSINGS[language]), rng.choice(words.ACCESSIBILITY[language])]
        yield Article(f"{key}-{n}", f"{rng.choice(titles)} ({n})",
                      dt.date(2026, 11, 22) - dt.timedelta(days=rng.randint(0, 700)), provider, list(topics), paragraphs)


#: The folder, under each anchor's own, that its site is written to.
OUTPUTS = {"pelican": "output", "hugo": "public"}


def pelican_site(folder: Path, count: int) -> list[list[str]]:
    """Write ``count`` articles and a settings file under ``folder``; the command that builds them."""
    content = folder / "content"
    content.mkdir(parents=True)
    for a in articles(count):
        (content / f"{a.slug}.md").write_text(
            f"Title: {a.title}\nDate: {a.date.isoformat()}\nCategory: {a.category}\nTags: {', '.join(a.tags)}\n\n"
            + "\n\n".join(a.paragraphs) + "\n", encoding="utf-8")
    (folder / "settings.py").write_text(
        'SITENAME = "Anchor"\nSITEURL = ""\nRELATIVE_URLS = True\nTIMEZONE = "UTC"\n', encoding="utf-8")
    pelican = str(Path(sys.executable).with_name("pelican"))
    return [[pelican, str(content), "--settings", str(folder / "settings.py"), "--output", str(folder / "output"),
             "--quiet"]]


def hugo_site(folder: Path, count: int) -> list[list[str]]:
    """Write ``count`` articles into a minimal Hugo site under ``folder``; the two commands that build and index it."""
    posts = folder / "content" / "posts"
    posts.mkdir(parents=True)
    for a in articles(count):
        (posts / f"{a.slug}.md").write_text(
            f"---\ntitle: {json.dumps(a.title, ensure_ascii=False)}\ndate: {a.date.isoformat()}\ncategories: [{json.dumps(a.category, ensure_ascii=False)}]\n"
            f"tags: {json.dumps(a.tags, ensure_ascii=False)}\n---\n\n" + "\n\n".join(a.paragraphs) + "\n",
            encoding="utf-8")
    layouts = folder / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (folder / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    return [["hugo", "--quiet", "--source", str(folder), "--destination", str(folder / "public")],
            [sys.executable, "-m", "pagefind", "--site", str(folder / "public"), "--silent"]]


def hugo_version() -> str | None:
    """Hugo's version line, or None when ``hugo`` is not installed."""
    if not shutil.which("hugo"):
        return None
    found = subprocess.run(["hugo", "version"], capture_output=True, text=True)
    return found.stdout.strip().split(" BuildDate")[0] or None
