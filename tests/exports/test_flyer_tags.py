"""Flyer PDFs are tagged for screen readers (PDF/UA-1), with their language and title, on both papers."""

from __future__ import annotations

import pypdf
import pytest

from circles.exports.flyers import PAPER
from tests.conftest import CIRCLE, LIBRARY, NETWORK, build, write_tree


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("flyer-tags")
    content = write_tree(root / "content", {"networks/net.yml": NETWORK, "libraries/central.yml": LIBRARY,
                                            "circles/python.yml": CIRCLE})
    return build(content, root / "output", DIRECTORY={"flyer_pdfs": True, "toolkit_pdfs": False})


@pytest.mark.parametrize("paper", PAPER)
def test_every_flyer_pdf_is_tagged_with_its_language_and_title(site, paper):
    reader = pypdf.PdfReader(site / "circles" / "python" / f"flyer-{paper}.pdf")
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en" and reader.metadata.title.startswith("Flyer: Python for beginners")
    assert b'pdfuaid:part="1"' in catalog["/Metadata"].get_object().get_data()
    # The structure holds the flyer's heading and the QR code with its text for those who cannot see it.
    kinds, alternatives = set(), []
    stack = [catalog["/StructTreeRoot"].get_object()]
    while stack:
        node = stack.pop()
        if isinstance(node, pypdf.generic.ArrayObject):
            stack.extend(item.get_object() for item in node)
            continue
        if not isinstance(node, pypdf.generic.DictionaryObject):
            continue
        kinds.add(node.get("/S"))
        if node.get("/S") == "/Figure":
            alternatives.append(node.get("/Alt"))
        kid = node.get("/K")
        if kid is not None:
            stack.append(kid.get_object())
    assert "/H1" in kinds and "/Figure" in kinds
    assert alternatives == ["QR code of this circle's page"]
    assert len(reader.pages) == 1
