"""exports/qrcode.py makes segno's QR codes, module for module, for every version an address can need."""

import io
import random

import pytest
import segno
from PIL import Image

from circles.exports.flyers import QR_MASK, qr_png
from circles.exports.qrcode import qr_matrix
from tests.exports.test_flyers import decoded

ADDRESS = "https://example.github.io/learning-circles/fr/circles/gcl-gulfport-harbourside-wellbeing-2027-05/"


def texts() -> list[str]:
    """Addresses of every length up to version 40, with accents and other scripts (byte mode in
    ISO 8859-1 or UTF-8), digits only (numeric mode) and capitals (alphanumeric mode)."""
    rng = random.Random(24)
    letters = "abcdefghijklmnopqrstuvwxyz-/0123456789éñ日本"
    found = [ADDRESS, "a", "https://x/é/ü/日本/", "0123456789" * 5, "HTTPS://EXAMPLE.ORG/A-B"]
    found += ["https://example.org/" + "".join(rng.choice(letters) for _ in range(rng.randint(1, 400)))
              for _ in range(300)]
    # Longer than any address, to every version: exports/qrcode.py's tables hold for them all.
    found += ["https://example.org/" + "".join(rng.choice(letters[:27]) for _ in range(length))
              for length in range(400, 2300, 40)]
    return found


@pytest.mark.parametrize("mask", [QR_MASK, 0, 7])
def test_the_modules_are_segnos(mask):
    versions = set()
    for text in texts():
        code = segno.make(text, error="m", micro=False, mask=mask)
        versions.add(code.version)
        assert [bytes(row) for row in qr_matrix(text, mask)] == [bytes(row) for row in code.matrix], text
    assert versions == set(range(1, 41))


def test_the_png_decodes_to_the_address():
    for text in (ADDRESS, "https://x/é/ü/日本/"):
        png = qr_png(text)
        assert len(png) < 1000
        assert decoded(Image.open(io.BytesIO(png))) == [text]
