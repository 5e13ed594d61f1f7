"""Hints that say what to write, and the privacy rules (issue 23)."""

import pytest

from circles.records.rules import full_name, personal_address
from circles.records.validate import validate_tree
from tests.conftest import CIRCLE, LIBRARY, NETWORK


def found(content, code):
    """``(field, message, hint, severity)`` of each problem ``code`` in the tree."""
    return [(p.field, p.message, p.hint, p.severity) for p in validate_tree(content).problems if p.code == code]


# Privacy: warnings, with the rule and why

@pytest.mark.parametrize("entry", ["Priya Smith, MLIS", "Smith, Priya", "Priya Smith", "Dr Priya", "Ms. Priya",
                                   "Priya PhD", "Mary Ann Smith"])
def test_a_full_name_or_title_is_not_a_first_name(entry):
    assert full_name(entry)


@pytest.mark.parametrize("entry", ["Priya", "Mary Ann", "Jean Luc", "Priya S.", "Amina", "Ma"])
def test_first_names_pass(entry):
    assert not full_name(entry)


def test_a_facilitator_full_name_warns(tree):
    circle = CIRCLE + 'facilitators: ["Priya Smith, MLIS", Amina, Mary Ann]\n'
    assert found(tree(circles__python=circle), "full-name") == [
        ("facilitators", "'Priya Smith, MLIS' looks like a full name or a title",
         "use first names only: the page is public and indexed for good", "warning")]


@pytest.mark.parametrize("address", ["amina.smith@gmail.com", "amina@yahoo.co.uk", "luis@hotmail.fr", "ana@proton.me",
                                     "bob@gmx.de", "amina.smith@tpl.ca", "mailto:kim@outlook.com"])
def test_a_personal_address(address):
    assert personal_address(address.removeprefix("mailto:"))


@pytest.mark.parametrize("address", ["circles@tpl.ca", "learning.circles@tpl.ca", "info@mail.library.org",
                                     "events@live-music.org", "circles2026@library.ca"])
def test_an_organizations_address(address):
    assert not personal_address(address)


def test_a_personal_contact_or_signup_warns(tree):
    network = NETWORK.replace("contact: circles@lib.example.net", "contact: amina.smith@gmail.com")
    circle = CIRCLE.replace("signup: drop-in", "signup: mailto:priya.smith@lib.example.net")
    problems = found(tree(networks__net=network, circles__python=circle), "personal-email")
    assert [(field, severity) for field, _, _, severity in problems] == [("signup", "warning"), ("contact", "warning")]
    assert problems[1][1:3] == ("'amina.smith@gmail.com' looks like a person's own address",
                                "use the library's or network's own address (circles@…): a personal one gets spam "
                                "and leaves with the person")


def test_an_organizations_contact_passes(tree):
    assert found(tree(), "personal-email") == []


# Hints that say what to do

def test_a_file_name_is_given_its_new_name(tree):
    assert found(tree(**{"circles__Python Class Março": CIRCLE}), "bad-format") == [
        ("id", "a file name holds only lowercase letters, digits and hyphens", "rename it to python-class-marco.yml",
         "error")]


@pytest.mark.parametrize("old, new, field, bare", [
    ("  start_time: 18:00\n", "  start_time: “18:00”\n", "schedule.start_time", "start_time: 18:00"),
    ("language: en\n", "language: «en»\n", "language", "language: en"),
    ("signup: drop-in\n", "signup: ‘drop-in’\n", "signup", "signup: drop-in"),
])
def test_curly_quotes_are_named(tree, old, new, field, bare):
    value = new.split(": ", 1)[1].strip()
    assert found(tree(circles__python=CIRCLE.replace(old, new)), "curly-quotes") == [
        (field, f"{value} is written with curly quotes", f"remove them: {bare}", "error")]


@pytest.mark.parametrize("name, code", [("Canada", "CA"), ("canada", "CA"), ("Kenya", "KE"), ("Mexique", "MX"),
                                        ("México", "MX"), ("mexico", "MX"), ("Reino Unido", "GB"), ("ufalme wa muungano", "GB")])
def test_a_country_name_gets_its_code(tree, name, code):
    library = LIBRARY.replace("  country: CA", f"  country: {name}")
    assert [hint for _, _, hint, _ in found(tree(libraries__central=library), "bad-format")] == [
        f"did you mean '{code}'?"]


def test_a_network_country_name_gets_its_code(tree):
    network = NETWORK.replace("countries: [CA]", "countries: [Canada]")
    assert [hint for _, _, hint, _ in found(tree(networks__net=network), "unknown-country")] == ["did you mean 'CA'?"]


def test_out_of_range_says_what_to_write(tree):
    circle = CIRCLE.replace("  duration: 90\n", "  duration: 10\n")
    assert found(tree(circles__python=circle), "out-of-range") == [
        ("schedule.duration", "'10' is outside 15 to 480", "write a number from 15 to 480, e.g. 90", "error")]


def test_a_date_out_of_range_says_to_check_the_year(tree):
    circle = CIRCLE.replace("start_date: 2026-12-01", "start_date: 0226-12-01")
    hints = [hint for _, _, hint, _ in found(tree(circles__python=circle), "out-of-range")]
    assert hints == ["check the year: write a date from 2000-01-01 to 2099-12-31"]
