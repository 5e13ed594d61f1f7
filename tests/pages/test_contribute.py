"""List your circle: a form made from schema/, and the record it writes in a real Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from bs4 import BeautifulSoup

from circles.pages.contribute import IMPORTED, LATER, PICKER_HELP, TODAY, URL
from circles.problems import errors
from circles.records.load import parse
from circles.records.schema import load_schema
from circles.records.validate import validate_tree
from tests.conftest import CIRCLE, LIBRARY, NETWORK, ROOT, build, write_tree

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REPOSITORY = "example-org/circles-directory"
# A second library, so the picker is seen to list more than one.
EAST = (LIBRARY.replace("Central Branch", "East Branch").replace("789 Yonge Street", "137 Main Street")
        .replace("43.671737", "43.681012").replace("-79.386763", "-79.350407"))


PY4E = """\
title: Python for Everybody
provider: Dr. Charles Severance
url: https://www.py4e.com/
language: en
licence: CC-BY-3.0
"""


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    files = {"networks/net.yml": NETWORK, "libraries/central.yml": LIBRARY, "libraries/east.yml": EAST,
             "circles/python.yml": CIRCLE, "courses/python-for-everybody.yml": PY4E}
    return write_tree(tmp_path_factory.mktemp("contribute") / "content", files)


@pytest.fixture(scope="module")
def site(content, tmp_path_factory):
    """The small directory, built with a repository to propose listings to."""
    return build(content, tmp_path_factory.mktemp("site") / "output",
                 DIRECTORY={"flyer_pdfs": False, "repository": REPOSITORY, "branch": "main"})


def soup(output, url=URL):
    return BeautifulSoup((output / url / "index.html").read_text(encoding="utf-8"), "lxml")


def asked_columns():
    return [c for c in load_schema()["circles"].columns.values()
            if c.name not in LATER + TODAY and not c.name.startswith(IMPORTED)]


# The page as built


def test_the_form_has_a_field_for_every_asked_schema_field(site):
    page = soup(site)
    form = page.select_one("[data-contribute]")
    for column in asked_columns():
        controls = form.select(f'[name="{column.yaml}"]')
        assert controls, f"no control for {column.yaml}"
        first = controls[0]
        if first.get("type") == "checkbox":
            group = first.find_parent("fieldset")
            label, help_id = group.legend.get_text(" ", strip=True), group["aria-describedby"]
        else:
            label = page.select_one(f'label[for="{first["id"]}"]').get_text(" ", strip=True)
            help_id = first["aria-describedby"]
        assert label.startswith(column.title), column.yaml
        # The pickers say what to choose in a librarian's words; the schema's speak of files in content/.
        assert PICKER_HELP.get(column.name, column.description) in page.find(id=help_id).get_text(" ", strip=True)
        assert first.has_attr("required") == column.required, column.yaml
        if first.name == "input" and first["type"] in ("text", "url"):
            assert first["placeholder"] == column.example.strip("[]"), column.yaml
        if "enum" in column.constraints:
            assert [o["value"] for o in first.select("option") if o["value"]] == column.constraints["enum"]
        for key in ("minimum", "maximum"):
            if key in column.constraints:
                assert first[key[:3]] == str(column.constraints[key]), column.yaml
    assert page.find(attrs={"name": "course.title"}).find_parent("fieldset").legend.get_text(strip=True) == \
        "A course that is not listed yet"
    assert page.find(attrs={"name": "schedule.start_time"})["type"] == "time"
    assert not [p.get_text() for p in form.select(".field__help") if "content/" in p.get_text()]
    imported = [c.yaml for c in load_schema()["circles"].columns.values() if c.name.startswith(IMPORTED)]
    for name in [*LATER, *TODAY, *imported]:
        assert not form.select(f'[name="{name}"]'), f"{name} is not for the librarian to fill in"


def test_the_library_picker_lists_the_directorys_libraries(site):
    page = soup(site)
    libraries = [(o["value"], o.get_text(strip=True)) for o in page.select('select[name="library"] option') if o["value"]]
    assert libraries == [("*", "My library is not listed"),  # first: the common case for a new library
                         ("central", "Central Branch — Toronto (central)"), ("east", "East Branch — Toronto (east)")]
    networks = [(o["value"], o.get_text(strip=True)) for o in page.select('select[name="network"] option') if o["value"]]
    assert networks == [("net", "Example Library System (net)")]


def test_every_page_links_to_the_page(site):
    for url in ("", "search/", URL):
        link = soup(site, url).select_one(f'.site-nav a[href$="{URL}"]')
        assert link and link.get_text(strip=True) == "List your circle"
        assert link.get("aria-current") == ("page" if url == URL else None)


def test_the_other_ways_are_explained_on_the_page(site):
    page = soup(site)
    other = page.select_one(".other-ways").get_text(" ", strip=True)
    assert "circles new circle" in other and "Create new file" in other
    links = [a["href"] for a in page.select(".other-ways a")]
    assert f"https://github.com/{REPOSITORY}/blob/main/CONTRIBUTING.md" in links
    assert page.select_one("[data-github]")["href"] == f"https://github.com/{REPOSITORY}"
    assert page.select_one(".contribute")["hidden"] is not None  # until the script shows it


def test_without_a_repository_the_page_asks_to_copy_the_file(content, tmp_path):
    page = soup(build(content, tmp_path / "output", DIRECTORY={"flyer_pdfs": False}))
    assert page.select_one("[data-github]") is None
    assert "Copy the file or download it" in page.select_one(".contribute-preview").get_text(" ", strip=True)
    assert "CONTRIBUTING.md" in page.select_one(".other-ways").get_text(" ", strip=True)
    assert json.loads(page.select_one("[data-contribute]")["data-config"])["repository"] == ""


# In the browser

IN_PERSON = {
    "#f-title": "Python: the basics",
    "#f-course-title": "Python Essentials 1",
    "#f-course-provider": "Cisco Networking Academy",
    "#f-course-url": "https://www.netacad.com/courses/python-essentials-1",
    "#f-topics": "python, programming",
    "#f-language": "en",
    "#f-schedule-start-date": "2026-12-01",
    "#f-schedule-weeks": "6",
    "#f-schedule-start-time": "18:00",
    "#f-schedule-duration": "90",
    "#f-schedule-skip": "2026-12-22",
    "#f-facilitators": "Amina, Luis",
    "#f-signup": "drop-in",
    "#f-description": "Write your first programs.\n\n- NO experience needed\n- bring: a laptop # or borrow one",
}


def open_form(page, served_site, site):
    page.goto(f"{served_site(site)}{URL}")
    page.wait_for_selector("[data-contribute]", state="visible")
    return page


def fill(page, values: dict[str, str], selects: dict[str, str] = {}):  # noqa: B006 - read only
    for selector, value in values.items():
        page.fill(selector, value)
    for selector, value in selects.items():
        page.select_option(selector, value)


def written(page) -> tuple[str, str]:
    """The suggested file name and the YAML as the page shows them."""
    return page.input_value("#f-id"), page.locator("[data-yaml]").inner_text()


@pytest.mark.parametrize("variant, selects, extra, expected_id", [
    ("in person", {"#f-library": "central"}, {}, "central-python-the-basics-2026-12"),
    ("online", {"#f-format": "online", "#f-network": "net"}, {"#f-timezone": "America/Toronto"},
     "net-python-the-basics-2026-12"),
])
def test_the_form_writes_a_record_that_passes_the_validator(page, served_site, site, content, tmp_path,
                                                            variant, selects, extra, expected_id):
    open_form(page, served_site, site)
    fill(page, {**IN_PERSON, **extra}, selects)
    # The weekday follows the start date, a Tuesday, until the librarian picks days.
    assert page.is_checked("#f-schedule-weekdays-tuesday")
    assert page.locator("input[name='schedule.weekdays']:checked").count() == 1
    page.click("button[type=submit]")
    assert page.locator("[data-status]").inner_text() == "The listing is ready."
    file_id, text = written(page)
    assert file_id == expected_id

    tree = shutil.copytree(content, tmp_path / "content")
    record = tree / "circles" / f"{file_id}.yml"
    record.write_text(text, encoding="utf-8")
    data = validate_tree(tree)
    assert [p.flat() for p in data.problems if p.path.endswith(record.name)] == []
    assert errors(data.problems) == []

    record_data, _ = parse(text)
    assert record_data["title"] == "Python: the basics"
    assert record_data["schedule"]["start_time"] == "18:00"
    assert record_data["schedule"]["weekdays"] == ["tuesday"]
    assert record_data["description"] == IN_PERSON["#f-description"]
    assert ("library" in record_data) == (variant == "in person")

    href = urlparse(page.get_attribute("[data-github]", "href"))
    query = parse_qs(href.query)
    assert (href.scheme, href.netloc, href.path) == ("https", "github.com", f"/{REPOSITORY}/new/main")
    assert query["filename"] == [f"content/circles/{expected_id}.yml"]
    assert query["value"] == [text]


def test_a_listed_course_is_chosen_and_named_by_its_id(page, served_site, site, content, tmp_path):
    open_form(page, served_site, site)
    unlisted = {key: value for key, value in IN_PERSON.items() if not key.startswith("#f-course")}
    page.click("button[type=submit]")  # nothing filled in: the course is asked for
    assert "Choose the course" in page.locator("#f-course-error").inner_text()
    fill(page, unlisted, {"#f-library": "central", "#f-course": "python-for-everybody"})
    assert page.locator('[data-group="course"]').is_hidden()  # the fields of a course not listed step aside
    page.click("button[type=submit]")
    assert page.locator("[data-status]").inner_text() == "The listing is ready."
    assert page.locator('[data-preview="course"]').inner_text() == "Python for Everybody, by Dr. Charles Severance"
    file_id, text = written(page)
    assert parse(text)[0]["course"] == "python-for-everybody" and "title: Python for Everybody" not in text
    tree = shutil.copytree(content, tmp_path / "content")
    (tree / "circles" / f"{file_id}.yml").write_text(text, encoding="utf-8")
    assert errors(validate_tree(tree).problems) == []


def test_the_file_can_be_copied_and_downloaded(page, served_site, site):
    base = served_site(site)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
    page.goto(f"{base}{URL}")
    fill(page, IN_PERSON, {"#f-library": "central"})
    file_id, text = written(page)
    page.click("[data-copy]")
    page.wait_for_function("() => document.querySelector('[data-status]').textContent.startsWith('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == text
    with page.expect_download() as download:
        page.click("[data-download]")
    assert download.value.suggested_filename == f"{file_id}.yml"
    assert download.value.path().read_text(encoding="utf-8") == text


def test_a_listing_too_long_for_a_link_names_only_the_file(page, served_site, site):
    open_form(page, served_site, site)
    fill(page, {**IN_PERSON, "#f-description": "Week by week: “variables”, loops & functions.\n" * 100},
         {"#f-library": "central"})
    query = parse_qs(urlparse(page.get_attribute("[data-github]", "href")).query)
    assert query == {"filename": ["content/circles/central-python-the-basics-2026-12.yml"]}


def test_the_preview_shows_the_listing(page, served_site, site):
    open_form(page, served_site, site)
    fill(page, IN_PERSON, {"#f-library": "central"})
    preview = page.locator(".listing-preview")
    assert preview.locator("h3").inner_text() == "Python: the basics"
    facts = preview.locator("dd").all_inner_texts()
    assert facts[0].startswith("Tuesdays, 6:00") and "6 weeks from December 1, 2026" in facts[0]
    assert facts[1:] == ["Central Branch, Toronto", "Python Essentials 1, by Cisco Networking Academy"]
    page.fill("#f-title", "<b>Bold</b> & co")
    assert preview.locator("h3").inner_text() == "<b>Bold</b> & co"  # text, never markup


def test_problems_are_shown_next_to_each_field_and_summed_up(page, served_site, site):
    open_form(page, served_site, site)
    page.click("button[type=submit]")
    summary = page.locator("[data-summary]")
    assert summary.is_visible() and "things to fix" in summary.locator("h2").inner_text()
    assert page.evaluate("document.activeElement.id") == "f-title"  # the first problem has the focus
    assert page.locator("#f-title-error").inner_text() == "Title is required."
    assert "f-title-error" in page.get_attribute("#f-title", "aria-describedby")
    assert page.get_attribute("#f-title", "aria-invalid") == "true"
    assert "Choose the library" in page.locator("#f-library-error").inner_text()

    page.fill("#f-signup", "sometime")
    page.fill("#f-course-url", "www.netacad.com")
    assert "https://" in page.locator("#f-course-url-error").inner_text()
    assert "drop-in" in page.locator("#f-signup-error").inner_text()
    page.fill("#f-title", "Python for beginners")
    assert page.locator("#f-title-error").inner_text() == ""
    assert page.get_attribute("#f-title", "aria-describedby") == "f-title-help"

    # Online: the library is no longer needed, the network is.
    page.select_option("#f-format", "online")
    assert page.locator("#f-library-error").inner_text() == ""
    assert "required for an online circle" in page.locator("#f-network-error").inner_text()

    # A start date on another day than the one ticked.
    page.fill("#f-schedule-start-date", "2026-12-01")
    page.check("#f-schedule-weekdays-friday")
    page.uncheck("#f-schedule-weekdays-tuesday")
    assert "is a Tuesday" in page.locator("#f-schedule-weekdays-error").inner_text()

    # Nothing leaves the page while something is wrong.
    pages = len(page.context.pages)
    page.click("[data-github]")
    assert len(page.context.pages) == pages and page.evaluate("document.activeElement.id") == "f-network"


def test_a_problem_shows_once_the_field_is_left(page, served_site, site):
    open_form(page, served_site, site)
    page.fill("#f-schedule-duration", "5")
    assert page.locator("#f-schedule-duration-error").inner_text() == ""  # not while typing
    page.locator("#f-schedule-duration").press("Tab")
    assert page.locator("#f-schedule-duration-error").inner_text() == "Duration (minutes) must be between 15 and 480."
    assert not page.locator("[data-summary]").is_visible()


def test_the_file_name_is_suggested_until_it_is_typed(page, served_site, site):
    open_form(page, served_site, site)
    fill(page, {"#f-title": "Café & Code", "#f-schedule-start-date": "2027-01-12"}, {"#f-library": "east"})
    assert page.input_value("#f-id") == "east-cafe-code-2027-01"
    assert page.locator("[data-file-name]").inner_text() == "content/circles/east-cafe-code-2027-01.yml"
    page.fill("#f-id", "east-coding-cafe")
    page.fill("#f-title", "Café and Code")
    assert page.input_value("#f-id") == "east-coding-cafe"


# Strings that YAML 1.1 or 1.2 would read as something else, or not at all, when written plainly.
TRICKY = ["NO", "no", "Yes", "on", "OFF", "true", "null", "~", "18:30", "0123", "1e3", "0x1F", "+1", "-1", ".5",
          "2027-01-12", "1_000", "a: b", "a #b", "#hash", "- dash", "? q", "[x]", "{x}", "'q'", '"q"', "@at", "`tick",
          "!tag", "&anchor", "*alias", "%pct", "|pipe", ">fold", " lead", "trail ", "end:", "tab\there",
          "line\u2028sep", "nel\u0085", "über café", "emoji 🎉", "5120 Yonge Street", "416-395-5535", "C:\\path",
          "back\\slash", "quote \" inside", "plain words, with a comma", "x" * 3]


def test_the_yaml_reads_back_as_typed(page, served_site, site):
    open_form(page, served_site, site)
    text = page.evaluate("""async (values) => {
        const { toYaml } = await import(document.querySelector("script[src$='contribute.js']").src);
        const entries = values.map((value, i) => ({ key: `k${i}`, value, type: "string" }));
        entries.push({ key: "items", value: values, type: "list", item: "string" });
        entries.push({ key: "group", type: "mapping", value: [
            { key: "text", value: "First line: yes\\n\\n- NO\\n  indented # not a comment", type: "string" }] });
        return toYaml(entries) + "\\n";
    }""", TRICKY)
    expected = {f"k{i}": value for i, value in enumerate(TRICKY)}
    expected["items"] = TRICKY
    expected["group"] = {"text": "First line: yes\n\n- NO\n  indented # not a comment"}
    assert yaml.safe_load(text) == expected
    assert parse(text)[0] == expected
    assert "k0: \"NO\"" in text and "k17: \"a: b\"" in text and "text: |-" in text


def test_without_javascript_the_page_explains_the_other_ways(browser, served_site, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{served_site(site)}{URL}")
    assert not page.locator("[data-contribute]").is_visible()
    notice = page.locator(".contribute-noscript")  # inside <noscript>, which text locators pass over
    assert notice.is_visible() and notice.inner_text().startswith("This form needs JavaScript")
    assert page.get_by_role("heading", name="Other ways to list a circle").is_visible()
    assert page.get_by_text("circles new circle").is_visible()
    context.close()


def test_no_accessibility_violations(browser, served_site, site):
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed: run `npm ci`")
        pytest.skip("axe-core is not installed (npm ci)")
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 900})
    context.route(re.compile(r"^https://"), lambda route: route.abort())
    page = context.new_page()
    open_form(page, served_site, site)
    fill(page, {"#f-course-url": "http://example.com"}, {"#f-library": "central"})
    page.click("button[type=submit]")  # with problems shown
    page.add_script_tag(path=str(AXE))
    report = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})""")
    context.close()
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in report["violations"]] == []


# The form and the checker use one rule (issue 23): the same answers pass and fail in both.
LANGUAGE_ANSWERS = ["en", "fr", "pt-BR", "zh-Hant-TW", "sw-KE", "af-NA", "fra", "EN", "zz", "xx-YY", "q",
                    "english", "en--US", "i-klingon"]


def test_the_form_and_the_checker_agree_on_languages(page, served_site, site):
    from circles.records.codes import is_language_tag

    open_form(page, served_site, site)
    fill(page, IN_PERSON, {"#f-library": "central"})
    page.click("button[type=submit]")
    verdicts = {}
    for answer in LANGUAGE_ANSWERS:
        page.fill("#f-language", answer)
        page.locator("#f-language").blur()
        verdicts[answer] = page.locator("#f-language-error").inner_text() == ""
    assert verdicts == {answer: is_language_tag(answer) for answer in LANGUAGE_ANSWERS}
    assert not verdicts["zz"] and verdicts["pt-BR"]


def test_ticking_another_day_replaces_the_start_dates_and_says_so(page, served_site, site):
    open_form(page, served_site, site)
    fill(page, IN_PERSON, {"#f-library": "central"})
    assert page.is_checked("#f-schedule-weekdays-tuesday")  # from the start date
    page.check("#f-schedule-weekdays-thursday")
    assert not page.is_checked("#f-schedule-weekdays-tuesday")
    assert "Tuesday was unticked" in page.locator('[data-field="schedule.weekdays"] [data-note]').inner_text()
    page.check("#f-schedule-weekdays-tuesday")  # both days, now that the librarian says so
    assert page.locator("input[name='schedule.weekdays']:checked").count() == 2
