"""A circle page's facts: what the circle and its library say, each once."""

from bs4 import BeautifulSoup

from tests.conftest import CIRCLE, LIBRARY, build

STEP_FREE = "Step-free entrance; laptops to borrow."


def facts(tree, tmp_path, circle_access: str, library_access: str) -> list[str]:
    content = tree(libraries__central=LIBRARY + f"accessibility: {library_access}\n",
                   circles__python=CIRCLE + f"accessibility: {circle_access}\n")
    site = build(content, tmp_path / "site")
    soup = BeautifulSoup((site / "circles" / "python" / "index.html").read_text(), "html.parser")
    label = next(dt for dt in soup.select("dl.facts dt") if dt.get_text() == "Accessibility")
    found = []
    for sibling in label.find_next_siblings():
        if sibling.name != "dd":
            break
        found.append(sibling.get_text())
    return found


def test_access_the_library_repeats_is_said_once(tree, tmp_path):
    assert facts(tree, tmp_path, STEP_FREE, STEP_FREE) == [STEP_FREE]


def test_access_of_the_circle_and_of_its_library_are_both_said(tree, tmp_path):
    assert facts(tree, tmp_path, "Captions on the videos.", STEP_FREE) == ["Captions on the videos.", STEP_FREE]
