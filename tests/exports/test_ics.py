"""exports/ics.py writes a circle's events as iCalendar text itself, for speed (issue 24): it must give
the very bytes icalendar gives for the same events (calendars.circle_events), for every circle of the
sample, of the adversarial corpus, of crafted schedules and zones, and of a synthetic directory,
on a site with a public address and on one without."""

from __future__ import annotations

import random

import pytest
from icalendar import Calendar, vText
from icalendar.parser import _foldline

from benchmarks.synth import generate
from circles.directory.assemble import assemble_directory
from circles.exports import ics
from circles.exports.calendars import Site, circle_events, event_text
from circles.exports.follow import followed_pages
from tests.conftest import BUILD_DATE, CIRCLE, ROOT, write_tree
from tests.exports.test_calendars import LIBRARY_YML, NETWORK_YML, SCHEDULE
from tests.records.test_adversarial import accepted_tree

ONLINE = "format: online\nsignup: drop-in\nnetwork: net\n"
LONG = "Écrire ensemble, pas à pas : " + "atelier d’écriture; " * 6
#: Zones written with "Z" (UTC, GMT) and with a TZID icalendar writes as it is (Etc/GMT+3).
CRAFTED = {
    "networks/net.yml": NETWORK_YML, "libraries/central.yml": LIBRARY_YML,
    "circles/spring.yml": CIRCLE.replace("2026-12-01", "2027-03-02"),
    **{f"circles/{name}.yml": ONLINE + SCHEDULE.format(start="2026-12-02", extra="weeks: 3\n  skip: [2026-12-09]")
       + f"title: '{title}'\nlanguage: {language}\ncourse: {{title: Course}}\ntimezone: {zone}\n"
       for name, title, language, zone in [
           ("utc", "Around the world", "en", "UTC"), ("gmt", "Greenwich", "en-GB", "GMT"),
           ("etc", "Three hours west", "pt-BR", "Etc/GMT+3"), ("long", LONG, "fr", "Europe/Paris"),
           ("cjk", "一起学习 Python：每周三晚上，" * 4, "zh-Hans", "Asia/Shanghai"),
           ("emoji", "Book club 📚📚 " * 8, "en", "America/Toronto")]},
    "circles/dates.yml": ONLINE + SCHEDULE.format(start="2026-11-30", extra="dates: [2026-11-30, 2026-12-14, 2027-01-04]")
    + "title: On chosen days\nlanguage: en\ncourse: {title: Course}\ntimezone: America/Toronto\n",
}
TREES = ["sample", "adversarial", "crafted", "synthetic"]
SITES = {"relative": {}, "public": {"SITEURL": "https://example.github.io/directory", "RELATIVE_URLS": False}}


@pytest.fixture(scope="module")
def trees(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("ics")
    synthetic = folder / "synthetic"
    generate(synthetic, circles=300, libraries=60)
    return {"sample": ROOT / "content", "adversarial": accepted_tree(folder / "adversarial"),
            "crafted": write_tree(folder / "crafted", CRAFTED), "synthetic": synthetic}


def built(folder, address: str):
    """The directory of the records in ``folder``, and what its calendars share, on the site ``address`` names."""
    settings = {"PATH": str(folder), "BUILD_DATE": BUILD_DATE, **SITES[address]}
    directory = assemble_directory(settings)
    return directory, Site.from_settings(settings, directory.build_date)


@pytest.mark.parametrize("address", SITES)
@pytest.mark.parametrize("tree", TREES)
def test_the_text_is_what_icalendar_writes(trees, tree, address):
    directory, site = built(trees[tree], address)
    assert len(directory.circles) > 5
    for circle in directory.circles:
        # Written here, not handed back to icalendar (which would make the comparison say nothing).
        assert ics.writable(circle, ics.Times(circle.first_meeting.start)), circle.id
        assert event_text(circle, site)[0] == b"".join(event.to_ical() for event in circle_events(circle, site)), circle.id



def calendar_lines_by_icalendar(name: str, page_url: str, source: str) -> str:
    own = Calendar()
    own.add("name", vText(name))
    own.add("x-wr-calname", vText(name))
    if page_url:
        own.add("url", page_url)
        own.add("source", source, parameters={"VALUE": "URI"})
    return own.to_ical().decode().removeprefix("BEGIN:VCALENDAR\r\n").removesuffix("END:VCALENDAR\r\n")


@pytest.mark.parametrize("address", SITES)
@pytest.mark.parametrize("tree", TREES)
def test_a_calendars_own_lines_are_what_icalendar_writes(trees, tree, address):
    """Every calendar's name and addresses (each circle's, each followed page's) as icalendar writes them."""
    directory, site = built(trees[tree], address)
    owners = [(circle.title, circle.url) for circle in directory.circles]
    owners += [(page.title, page.url) for page in followed_pages(directory, site.texts)]
    made, expected = {}, {}
    for name, url in owners:
        page_url, source = (site.url(url), site.url(f"{url}circles.ics")) if site.root else ("", "")
        made[url] = ics.calendar_lines(name, page_url, source)
        expected[url] = calendar_lines_by_icalendar(name, page_url, source)
    assert made == expected
    assert any(len(line.encode()) > 70 for text in made.values() for line in text.split("\r\n"))

def test_lines_are_folded_as_icalendar_folds_them():
    """Every length around the limit, with a backslash or caret at each place a fold could split it."""
    rng = random.Random(24)
    lines = [prefix + "x" * n + mark + "y" * m
             for prefix in ("DESCRIPTION:", "X:") for n in range(60, 160) for mark in ("\\", "\\n", "^", "\\\\")
             for m in (0, 1, 80)]
    alphabet = "ab\\^;,é中📚 "
    lines += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 300))) for _ in range(3000)]
    for line in lines:
        assert ics.fold(line) == _foldline(line), line

