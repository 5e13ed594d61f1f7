"""A real Pelican build of the bundled sample directory, parsed and checked page by page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from tests.conftest import BUILD_DATE, ROOT, build

CONTENT = ROOT / "content"
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
LABELS = {"open": "Sign-up open", "full": "Full", "in_progress": "In progress",
          "completed": "Completed", "cancelled": "Cancelled"}


def records(kind: str) -> list[tuple[str, dict]]:
    # BaseLoader keeps every scalar as text, as the project's loader does.
    return [(p.stem, yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.BaseLoader))
            for p in sorted((CONTENT / kind).glob("*.yml"))]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(CONTENT, tmp_path_factory.mktemp("site") / "output")


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "lxml")


@pytest.mark.parametrize("kind", ["networks", "libraries", "circles"])
def test_every_record_has_its_page(site, kind):
    for record_id, data in records(kind):
        soup = page(site, f"{kind}/{record_id}")
        assert soup.h1.get_text(strip=True) == (data.get("title") or data["name"]).strip()


def expected_status(dates: list[dt.date], override: str | None) -> str:
    if override == "cancelled":
        return "cancelled"
    if dates[-1] < BUILD_DATE:
        return "completed"
    if dates[0] < BUILD_DATE:
        return "in_progress"
    return override or "open"


@pytest.mark.parametrize("record_id, data", records("circles"), ids=[r for r, _ in records("circles")])
def test_circle_page_schedule_and_status(site, record_id, data):
    soup = page(site, f"circles/{record_id}")
    schedule = data["schedule"]
    shown = [dt.datetime.fromisoformat(t["datetime"]) for t in soup.select("ol.meetings time")]
    dates = [s.date() for s in shown]
    start = dt.date.fromisoformat(schedule["start_date"])
    skipped = {dt.date.fromisoformat(d) for d in schedule.get("skip", [])}
    # Checked against the record's own facts, not against the code that computed them.
    assert dates == sorted(dates) and dates[0] >= start
    assert not skipped & set(dates)
    assert all(s.strftime("%H:%M") == schedule["start_time"] for s in shown)
    if "dates" in schedule:
        assert dates == sorted({dt.date.fromisoformat(d) for d in schedule["dates"]} - skipped)
    else:
        days = {WEEKDAYS.index(d) for d in schedule.get("weekdays") or [WEEKDAYS[start.weekday()]]}
        assert {d.weekday() for d in dates} <= days
        if start not in skipped:
            assert dates[0] == start
        if "weeks" in schedule:
            assert len({d.isocalendar()[:2] for d in dates}) == int(schedule["weeks"])
        if "end_date" in schedule:
            end = dt.date.fromisoformat(schedule["end_date"])
            assert dates[-1] <= end and (end - dates[-1]).days < 7
    status = expected_status(dates, data.get("status"))
    assert soup.select_one(".page-header .badge").get_text(strip=True) == LABELS[status]
    next_shown = soup.select_one(".schedule__next time")
    upcoming = [s for s in shown if s.date() >= BUILD_DATE]
    if status in ("completed", "cancelled"):
        assert next_shown is None
    else:
        assert dt.datetime.fromisoformat(next_shown["datetime"]) == upcoming[0]


def test_schedule_in_words(site):
    soup = page(site, "circles/cpl-harold-washington-linux-essentials-2027-01")
    text = soup.select_one(".schedule__text").get_text(" ", strip=True).replace("\u2009", " ").replace("\u202f", " ")
    assert text == "Mondays and Wednesdays, 6:00 – 8:00 PM, 6 weeks from January 11, 2027"


def test_the_site_says_the_circles_are_examples(site):
    for path in ("", "circles/cpl-harold-washington-linux-essentials-2027-01", "browse"):
        assert "examples" in page(site, path).select_one(".sample-notice").get_text()


def test_upcoming_and_past_split_every_circle(site):
    upcoming = {a["href"].rstrip("/").rsplit("/", 1)[-1] for a in page(site, "upcoming").select("main a[href*='circles/']")}
    past = {a["href"].rstrip("/").rsplit("/", 1)[-1] for a in page(site, "past").select("main a[href*='circles/']")}
    assert upcoming.isdisjoint(past)
    assert upcoming | past == {r for r, _ in records("circles")}


def test_browse_by_country_and_city(site):
    soup = page(site, "browse/ke")
    cities = [a.get_text(strip=True) for a in soup.select("main a[href*='browse/ke/']")]
    assert {"Kisumu", "Nairobi", "Nakuru"} <= set(cities)
    kisumu = page(site, "browse/ke/kisumu")
    assert kisumu.select_one("main a[href*='libraries/knls-kisumu']")


def test_approximate_location_is_said(site):
    assert "approximate" in page(site, "libraries/knls-kisumu").get_text().lower()


def test_markup_from_records_is_sanitized(tmp_path, tree):
    from tests.conftest import CIRCLE

    evil = CIRCLE + 'description: "<script>alert(1)</script> <a href=\\"javascript:alert(2)\\">x</a> **ok**"\n'
    evil = evil.replace("title: Python for beginners", "title: \"<img src=x onerror=alert(3)>\"")
    out = build(tree(circles__python=evil), tmp_path / "out")
    html = (out / "circles/python/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "javascript:" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(3)&gt;" in html and "<strong>ok</strong>" in html


def all_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_is_well_formed_for_assistive_technology(site):
    for path in all_pages(site):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        where = path.relative_to(site)
        # Embeds live inside another site's page: no chrome of ours, so no landmarks or skip link.
        embedded = where.as_posix().startswith("embed/")
        assert soup.html.get("lang"), where
        assert len(soup.find_all("h1")) <= 1 if embedded else len(soup.find_all("h1")) == 1, where
        for landmark in () if embedded else ("header", "nav", "main", "footer"):
            assert soup.find(landmark), f"{where}: no <{landmark}>"
        levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), f"{where}: heading levels skip {levels}"
        ids = [tag["id"] for tag in soup.find_all(id=True)]
        assert len(ids) == len(set(ids)), f"{where}: duplicate ids"
        assert embedded or (soup.select_one("a.skip-link[href='#main']") and soup.find(id="main")), where
        # A JSON-LD data block is never run (pages/structured.py).
        assert not soup.find("script", src=False, type=lambda kind: kind != "application/ld+json"), f"{where}: inline script"
        assert not soup.find(attrs={"style": True}) and not soup.find("style"), f"{where}: inline style"
        handlers = [name for tag in soup.find_all(True) for name in tag.attrs if name.startswith("on")]
        assert handlers == [], f"{where}: inline event handlers {handlers}"
        for link in soup.select("a[href^='http']"):
            assert "noopener" in link.get("rel", []), f"{where}: {link['href']} without rel=noopener"
