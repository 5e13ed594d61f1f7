"""The adversarial corpus (tests/adversarial/): hostile records next to valid ones.

Each case is either refused with problems that name its file, line and field, and never with a
traceback, while the valid records beside it stay valid; or accepted, and then everything it says
reaches the built site as inert text: no script, no event handler, no link that runs code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

import icalendar
import pytest
import yaml
from bs4 import BeautifulSoup
from lxml import etree

from circles.catalogue import CATALOGUE, FILES
from circles.records.validate import validate_tree
from circles.tools.cli import main
from tests.conftest import CIRCLE, LIBRARY, NETWORK, ROOT, build, write_tree

CORPUS = ROOT / "tests" / "adversarial"
#: The valid records every case is put next to, by path under content/.
VALID = {"networks/net.yml": NETWORK, "libraries/central.yml": LIBRARY, "circles/python.yml": CIRCLE}
CODES = {key.partition(":")[0] for key in CATALOGUE}
WHOLE_FILE_CODES = {key.partition(":")[0] for key in FILES}


@dataclass(frozen=True)
class Case:
    """One file of the corpus and what must become of it (see tests/adversarial/cases.yml)."""

    name: str
    kind: str
    target: str  # path under content/
    spec: dict

    @property
    def errors(self) -> list[list] | None:
        return self.spec.get("errors")

    @property
    def accept(self) -> dict | None:
        return self.spec.get("accept")

    @property
    def folder(self) -> str:
        return self.target.split("/", 1)[0]

    @property
    def id(self) -> str:
        return self.target.rsplit("/", 1)[-1].removesuffix(".yml")

    def content(self) -> bytes:
        """The file's bytes, with its markers replaced and in its encoding."""
        text = (CORPUS / f"{self.name}.yml").read_text(encoding="utf-8")
        replacements = dict(self.spec.get("replace", {}))
        if grow := self.spec.get("grow"):
            replacements[grow["marker"]] = "\n".join([grow["line"]] * grow["times"])
        for marker, chars in replacements.items():
            assert marker in text, f"{self.name}: no {marker} to replace"
            text = text.replace(marker, chars)
        return text.encode(self.spec.get("encode", "utf-8"))

    def put(self, content: Path) -> str:
        """Write the case into the content folder ``content``; return its path as problems show it."""
        path = content / self.target
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.spec.get("link"):
            outside = content.parent / "outside" / f"{self.name}.yml"
            outside.parent.mkdir(exist_ok=True)
            outside.write_bytes(self.content())
            path.symlink_to(outside)
        else:
            path.write_bytes(self.content())
        return f"{content.name}/{self.target}"


@cache
def corpus() -> tuple[Case, ...]:
    entries = yaml.safe_load((CORPUS / "cases.yml").read_text(encoding="utf-8"))
    return tuple(Case(name, spec["class"], spec.get("as", f"circles/{name}.yml"), spec) for name, spec in entries.items())


def cases(accepted: bool) -> list:
    return [pytest.param(case, id=f"{case.kind}:{case.name}") for case in corpus() if bool(case.accept) == accepted]


def accepted_tree(content: Path) -> Path:
    """The valid records and every accepted case of the corpus, in the content folder ``content``."""
    write_tree(content, VALID)
    for case in corpus():
        if case.accept:
            case.put(content)
    return content


def test_every_file_of_the_corpus_is_a_case():
    files = {path.stem for path in CORPUS.glob("*.yml")} - {"cases"}
    assert files == {case.name for case in corpus()}
    assert len(corpus()) >= 40
    for case in corpus():
        assert (case.errors is None) != (case.accept is None), case.name


# Refused: a clear problem, never a traceback, and the valid records still valid


@pytest.mark.parametrize("case", cases(accepted=False))
def test_a_hostile_record_is_refused_with_a_clear_problem(case, tree, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shown = case.put(tree())
    data = validate_tree(Path("content"))
    # The case's errors, and none in the valid records beside it.
    assert [p.flat() for p in data.problems if p.is_error] == [(shown, *error) for error in case.errors]
    for target in VALID:
        folder, file = target.split("/")
        assert file.removesuffix(".yml") in data.rows[folder], f"{target} is still read"
    for p in data.problems:
        assert p.line >= 1 and p.code in CODES and p.message and p.hint, p
        assert p.field or p.code in WHOLE_FILE_CODES, f"{p.code} names no field"

    assert main(["validate", "content"]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in out + err
    assert "\x1b" not in out + err, "the report never repeats a control character"
    for line, field, _ in case.errors:
        assert f"{shown}:{line}: {field}{': ' if field else ''}" in out


# Accepted: valid, and shown as text


@pytest.mark.parametrize("case", cases(accepted=True))
def test_an_accepted_hostile_record_is_valid(case, tree, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case.put(tree())
    data = validate_tree(Path("content"))
    assert [p.flat() for p in data.problems if p.is_error] == []
    assert case.id in data.rows[case.folder]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The valid records and every accepted case, built once."""
    content = accepted_tree(tmp_path_factory.mktemp("hostile") / "content")
    # Every library with a page of its own: the hostile ones have no circle, and their pages are checked.
    return build(content, content.parent / "output", DIRECTORY={"sample": True, "library_pages": "all"})


def html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def newlines(text: str) -> str:
    """Text as an HTML parser hands it back: every line break is a line feed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@pytest.mark.parametrize("case", cases(accepted=True))
def test_an_accepted_hostile_record_is_shown_as_text(case, site):
    page = html(site / case.accept["page"] / "index.html")
    text = page.get_text()
    for expected in case.accept["shows"]:
        assert newlines(expected) in text, expected
    assert inert(page) == []


#: Attributes whose value the browser loads or follows as a URL.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "srcset", "xlink:href", "background", "cite"}
#: Elements that run code or bring in another document; the theme uses none of them.
ACTIVE_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "base", "style", "template"}
CODE_SCHEMES = re.compile(r"^(javascript|data|vbscript):", re.IGNORECASE)
DATA_SCRIPTS = {"application/json", "application/ld+json"}


def inert(page: BeautifulSoup) -> list[str]:
    """Whatever in a page could run code or style from a record: empty for a safe page."""
    found = []
    for element in page.find_all(True):
        name = element.name
        if name in ACTIVE_ELEMENTS:
            found.append(f"<{name}>")
        if name == "script" and element.get("type") not in DATA_SCRIPTS:
            src = element.get("src", "")
            if not src or urlparse(src).netloc:
                found.append(f"<script src={src!r}>{element.string or ''}")
        if name == "meta" and element.get("http-equiv", "").lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
        found += [f"<{name} {attribute}={value!r}>" for attribute, value in element.attrs.items() if active(attribute, value)]
    return found


def active(attribute: str, value: str | list[str]) -> bool:
    """An event handler, a style, or a URL that runs code (browsers ignore spaces and controls in the scheme)."""
    attribute = attribute.lower()
    if attribute.startswith("on") or attribute == "style":
        return True
    values = value if isinstance(value, list) else [value]
    return attribute in URL_ATTRIBUTES and any(CODE_SCHEMES.match(re.sub(r"[\s\x00-\x1f]", "", v)) for v in values)


def test_the_inert_check_sees_each_kind_of_active_markup():
    page = BeautifulSoup('<p onclick="x()">a</p><script>x()</script><a href=" JaVa\tScript:x()">b</a><svg></svg>'
                         '<div style="color: red"></div><script src="https://cdn.example.org/x.js"></script>'
                         '<script src="../theme/js/map.js"></script><script type="application/json">{}</script>', "lxml")
    assert len(inert(page)) == 6


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def policy(page: BeautifulSoup) -> dict[str, str]:
    meta = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None, "no Content-Security-Policy"
    return {d.split()[0]: " ".join(d.split()[1:]) for d in meta["content"].split(";") if d.strip()}


def test_no_page_of_the_site_can_run_what_a_record_says(site):
    found, external = {}, 0
    for path in pages(site):
        page = html(path)
        csp = policy(page)
        problems = inert(page)
        for directive in ("script-src", "style-src"):
            source = csp.get(directive, csp.get("default-src", ""))
            if not source or "'unsafe-inline'" in source or "'unsafe-eval'" in source:
                problems.append(f"{directive} {source!r}")
        # The site has no address of its own in this build: every absolute link leads elsewhere.
        for link in page.find_all(["a", "area"], href=re.compile(r"^\s*https?://", re.IGNORECASE)):
            external += 1
            if not {"noopener", "noreferrer"} <= set(link.get("rel") or []):
                problems.append(f"external link without rel=noopener noreferrer: {link['href']}")
        if problems:
            found[path.relative_to(site).as_posix()] = problems
    assert found == {}
    # The records' links (course, sign-up, websites) and the OpenStreetMap links of the venues.
    assert external > len(list(site.glob("circles/*/index.html"))), "the links of the records were checked"
    assert {"circles/python/index.html", "libraries/central/index.html", "networks/net/index.html",
            "embed/networks/hostile-net/index.html", "circles/hostile-circle/flyer/index.html"} <= {
        path.relative_to(site).as_posix() for path in pages(site)}, "every page is written, the valid ones too"


def test_markdown_keeps_only_its_allowed_tags_and_safe_links(site):
    from circles.directory.enrich import ALLOWED_TAGS

    for page in ("circles/markdown-html/", "libraries/links-branch/", "networks/hostile-net/"):
        prose = html(site / page / "index.html").select(".prose")
        assert prose, page
        for element in (e for block in prose for e in block.find_all(True)):
            assert element.name in ALLOWED_TAGS, (page, str(element))
            assert set(element.attrs) <= {"href", "rel", "title", "lang"}, (page, str(element))  # nh3 keeps title and lang
            if "href" in element.attrs:
                assert urlparse(element["href"]).scheme in ("https", "http", "mailto"), (page, str(element))
                assert {"noopener", "noreferrer"} <= set(element["rel"]), (page, str(element))


def test_line_breaks_in_a_title_stay_inside_one_calendar_property(site):
    title = newlines("Injected\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected event\r\nURL:javascript:alert(1)")
    events = icalendar.Calendar.from_ical((site / "circles/ics/circle.ics").read_bytes()).walk("VEVENT")
    assert events and {newlines(str(event["SUMMARY"])) for event in events} == {title}
    for path in site.rglob("*.ics"):
        for event in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            assert str(event["SUMMARY"]) != "injected event" and "ATTENDEE" not in event, path
            assert not CODE_SCHEMES.match(str(event.get("URL", ""))), path


def test_feeds_and_data_stay_well_formed_and_keep_titles_as_text(site):
    title = "</script><script>window.__pwned('online title')</script> Online ]]> <!-- circle"
    feed_titles = []
    for path in [*site.rglob("*.atom"), *site.rglob("*.xml")]:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        assert not tree.xpath("//*[local-name()='script']"), path
        feed_titles += tree.xpath("//*[local-name()='entry']/*[local-name()='title']/text()")
    assert title in feed_titles
    found = ""
    for path in [*site.rglob("*.json"), *site.rglob("*.geojson")]:
        if "pagefind" not in path.parts:
            found += json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
    assert json.dumps(title, ensure_ascii=False) in found
