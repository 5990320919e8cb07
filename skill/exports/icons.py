"""The skill's store icons: a warm heart on deep blue, drawn at 108 and 512 pixels.

Alexa's skill store needs a 108 x 108 and a 512 x 512 PNG. They are drawn here rather than
kept as artwork, so `nocontact model` writes them with the rest of the skill package and a
test notices when the committed files drift. Pillow loads only here, never in the skill.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

# skill.json field -> (path inside the skill package, edge in pixels)
ICONS = {
    "smallIconUri": ("assets/images/icon-108.png", 108),
    "largeIconUri": ("assets/images/icon-512.png", 512),
}
BACKGROUND = (29, 43, 54)
HEART = (245, 239, 230)
SUPERSAMPLE = 4  # drawn this many times larger, then scaled down for smooth edges


def icon_uris() -> dict[str, str]:
    """skill.json's icon fields, pointing at the files the ASK CLI uploads from the package."""
    return {field: f"file://{path}" for field, (path, _) in ICONS.items()}


def draw_icon(size: int) -> Image:
    """The icon at `size` x `size` pixels, RGB."""
    from PIL import Image, ImageDraw

    edge = size * SUPERSAMPLE
    image = Image.new("RGB", (edge, edge), BACKGROUND)
    draw = ImageDraw.Draw(image)
    radius, spread, top, tip = 0.18 * edge, 0.155 * edge, 0.41 * edge, (edge / 2, 0.77 * edge)
    outline = []
    for side in (-1, 1):
        centre = (edge / 2 + side * spread, top)
        draw.ellipse(
            (centre[0] - radius, top - radius, centre[0] + radius, top + radius), fill=HEART
        )
        outline.append(_tangent_point(tip, centre, radius, side))
    draw.polygon([outline[0], (edge / 2, top), outline[1], tip], fill=HEART)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def _tangent_point(
    tip: tuple[float, float], centre: tuple[float, float], radius: float, side: int
) -> tuple[float, float]:
    """Where a line from `tip` touches the circle on its outer `side` (-1 left, 1 right)."""
    dx, dy = centre[0] - tip[0], centre[1] - tip[1]
    distance = math.hypot(dx, dy)
    angle = math.atan2(dy, dx) + side * math.asin(radius / distance)
    reach = math.sqrt(distance**2 - radius**2)
    return tip[0] + reach * math.cos(angle), tip[1] + reach * math.sin(angle)


def icon_png(size: int) -> bytes:
    """The icon at `size` pixels as PNG bytes."""
    buffer = io.BytesIO()
    draw_icon(size).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def write_icons(package: Path) -> list[Path]:
    """Write every icon under the skill package folder; returns the paths written."""
    written = []
    for path, size in ICONS.values():
        target = package / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(icon_png(size))
        written.append(target)
    return written
