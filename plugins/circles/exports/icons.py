"""Export stage: the site's icons, drawn at build time from the theme's ``images/favicon.svg``.

- ``favicon.ico`` (16, 32 and 48 pixels) at the site's root, where browsers ask for it whatever a page
  links to (issue 23 item 10: every first visit was a 404);
- ``apple-touch-icon.png`` (180 pixels, opaque: a phone rounds its corners itself);
- ``share.png`` (1200 × 630), the image social sites show with a link to any page (base.html).

The SVG is the one drawing: a rounded square and circles, which Pillow draws again here at four
times the size and then scales down, to smooth their edges. No text, so no font the machine may
lack; and Pillow writes no date into these files, so the same SVG gives the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from PIL import Image, ImageDraw

from circles.incremental.layer import Files

SVG = "{http://www.w3.org/2000/svg}"
#: Drawn this many times larger, then scaled down: smooth edges without an SVG renderer.
SUPERSAMPLE = 4
ICO_SIZES = (16, 32, 48)
TOUCH_SIZE = 180
SHARE_SIZE = (1200, 630)


@dataclass(frozen=True)
class Mark:
    """The drawing of favicon.svg: its square and its dots, in the units of its viewBox."""

    size: float  # the viewBox's width (and height)
    fill: str  # the square's colour
    corner: float  # the radius of its corners
    dots: tuple[tuple[float, float, float, str], ...]  # cx, cy, r and colour of each

    @classmethod
    def parse(cls, svg: str) -> Mark:
        root = ElementTree.fromstring(svg)
        square = root.find(f"{SVG}rect")
        dots = tuple((float(dot.get("cx")), float(dot.get("cy")), float(dot.get("r")), dot.get("fill"))
                     for dot in root.iter(f"{SVG}circle"))
        return cls(float(root.get("viewBox").split()[2]), square.get("fill"), float(square.get("rx", 0)), dots)

    def draw(self, size: tuple[int, int], mark: int, rounded: bool) -> Image.Image:
        """The mark ``mark`` pixels wide in the middle of an image of ``size``: on a transparent
        background with its rounded square (``rounded``), or on the square's colour edge to edge."""
        width, height = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
        scale = mark * SUPERSAMPLE / self.size
        left, top = (width - mark * SUPERSAMPLE) / 2, (height - mark * SUPERSAMPLE) / 2
        image = Image.new("RGBA" if rounded else "RGB", (width, height), (0, 0, 0, 0) if rounded else self.fill)
        pen = ImageDraw.Draw(image)
        if rounded:
            pen.rounded_rectangle((left, top, left + mark * SUPERSAMPLE - 1, top + mark * SUPERSAMPLE - 1),
                                  radius=self.corner * scale, fill=self.fill)
        for cx, cy, r, fill in self.dots:
            x, y = left + cx * scale, top + cy * scale
            pen.ellipse((x - r * scale, y - r * scale, x + r * scale, y + r * scale), fill=fill)
        return image.resize(size, Image.Resampling.LANCZOS)


def icon_files(settings: dict[str, Any]) -> Files:
    """The icons and the share image, made again when favicon.svg changes."""
    svg = (Path(settings["THEME"]) / "static" / "images" / "favicon.svg").read_text(encoding="utf-8")
    makers = {"favicon.ico": favicon, "apple-touch-icon.png": touch_icon, "share.png": share_image}

    def make(wanted: list[str]):
        mark = Mark.parse(svg)
        yield from ((name, makers[name](mark)) for name in wanted)

    return Files("icons", {name: (svg,) for name in makers}, make)


def favicon(mark: Mark) -> bytes:
    # Each size drawn for itself: Pillow's own scaling of the largest would blur the smallest.
    largest, *others = [mark.draw((size, size), size, rounded=True) for size in reversed(ICO_SIZES)]
    return _saved(largest, "ICO", sizes=[(size, size) for size in ICO_SIZES], append_images=others)


def touch_icon(mark: Mark) -> bytes:
    return _saved(mark.draw((TOUCH_SIZE, TOUCH_SIZE), TOUCH_SIZE, rounded=False), "PNG")


def share_image(mark: Mark) -> bytes:
    return _saved(mark.draw(SHARE_SIZE, SHARE_SIZE[1] * 3 // 4, rounded=False), "PNG")


def _saved(image: Image.Image, kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, optimize=kind == "PNG", **options)
    return buffer.getvalue()
