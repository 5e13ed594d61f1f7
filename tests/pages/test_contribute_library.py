""""My library is not listed" (issue 23): the form writes the library's file too, and both pass the validator."""

from __future__ import annotations

import shutil
from urllib.parse import parse_qs, urlparse

from circles.problems import errors
from circles.records.load import parse
from circles.records.validate import validate_tree
from tests.pages.test_contribute import IN_PERSON, REPOSITORY, content, fill, open_form, site

__all__ = ["content", "site"]  # the built site and its content, shared with test_contribute.py

#: Howe Library, Hanover (New Hampshire), as the IMLS Public Libraries Survey FY2019 outlet file lists it
#: (../shared/data/us_imls_pls_fy19_outlets.csv, FSCSKEY NH0218); the survey gives no website.
LIBRARY_FIELDS = {
    "#f-new-library-name": "Howe Library",
    "#f-new-library-phone": "603-643-4120",
    "#f-new-library-address-street": "13 South Street",
    "#f-new-library-address-city": "Hanover",
    "#f-new-library-address-region": "NH",
    "#f-new-library-address-postal-code": "03755",
    "#f-new-library-accessibility": "Step-free entrance.",
}


def test_a_library_not_listed_is_written_too_and_both_files_pass_the_validator(page, served_site, site, content,
                                                                              tmp_path):
    open_form(page, served_site, site)
    assert page.locator('[data-group="new-library"]').is_hidden()
    fill(page, IN_PERSON, {"#f-library": "*"})
    assert page.locator('[data-group="new-library"]').is_visible()
    fill(page, LIBRARY_FIELDS, {"#f-new-library-address-country": "US"})
    assert page.locator("#f-new-library-address-country option[value='US']").inner_text() == "United States"
    page.click("button[type=submit]")
    assert page.locator("[data-status]").inner_text() == "The listing is ready."
    library_id, circle_id = page.input_value("#f-new-library-id"), page.input_value("#f-id")
    assert library_id == "howe-library"
    assert circle_id == "howe-library-python-the-basics-2026-12"
    library_text = page.locator("[data-library-yaml]").inner_text()
    circle_text = page.locator("[data-yaml]").inner_text()
    assert page.locator("[data-library-file-name]").inner_text() == f"content/libraries/{library_id}.yml"
    assert page.locator('[data-preview="where"]').inner_text() == "Howe Library, Hanover"

    tree = shutil.copytree(content, tmp_path / "content")
    (tree / "libraries" / f"{library_id}.yml").write_text(library_text, encoding="utf-8")
    (tree / "circles" / f"{circle_id}.yml").write_text(circle_text, encoding="utf-8")
    problems = validate_tree(tree).problems
    assert [p.flat() for p in errors(problems)] == []
    # No coordinates are made up: the town places the library until the building is (a warning says how).
    assert [p.code for p in problems if p.path.endswith(f"{library_id}.yml")] == ["approximate"]

    library, _ = parse(library_text)
    assert library["address"] == {"street": "13 South Street", "city": "Hanover", "region": "NH",
                                  "postal_code": "03755", "country": "US"}
    assert "latitude" not in library and "id" not in library
    assert parse(circle_text)[0]["library"] == library_id


def test_the_two_files_are_proposed_in_one_pull_request(page, served_site, site):
    open_form(page, served_site, site)
    fill(page, IN_PERSON, {"#f-library": "*"})
    fill(page, LIBRARY_FIELDS, {"#f-new-library-address-country": "US"})
    steps = page.locator(".two-files ol li").all_inner_texts()
    assert len(steps) == 5 and "Add the library on GitHub" in steps[0] and "patch-1" in steps[1]
    assert "Add file" in steps[2] and "content/circles/" in steps[2] and "Commit directly to your branch" in steps[3]
    # The library goes to GitHub first; the circle's own button, which would open a second pull request, steps aside.
    assert page.locator("[data-github]").is_hidden()
    href = urlparse(page.get_attribute("[data-library-github]", "href"))
    assert href.path == f"/{REPOSITORY}/new/main"
    query = parse_qs(href.query)
    assert query["filename"] == ["content/libraries/howe-library.yml"]
    assert query["value"] == [page.locator("[data-library-yaml]").inner_text()]
    page.select_option("#f-library", "central")  # a listed library after all: one file again
    assert page.locator(".two-files").is_hidden() and page.locator("[data-github]").is_visible()
    assert "library: central" in page.locator("[data-yaml]").inner_text()


def test_a_new_library_is_not_one_already_listed(page, served_site, site):
    open_form(page, served_site, site)
    fill(page, IN_PERSON, {"#f-library": "*"})
    page.fill("#f-new-library-name", "Central")
    page.click("button[type=submit]")
    assert "already listed" in page.locator("#f-new-library-id-error").inner_text()
    assert "Hanover" not in page.locator("[data-summary]").inner_text()
    assert page.locator("#f-new-library-address-city-error").inner_text() == "City is required."
    assert page.locator("#f-library-error").inner_text() == ""  # the picker's choice is made
