"""The store icons: the sizes Alexa's listing requires, committed as the code draws them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from skill.exports.icons import BACKGROUND, HEART, ICONS, draw_icon

PACKAGE = Path(__file__).resolve().parents[3] / "skill-package"


@pytest.mark.parametrize(("path", "size"), ICONS.values(), ids=ICONS.keys())
def test_the_committed_icon_is_a_png_of_the_required_size(path: str, size: int) -> None:
    with Image.open(PACKAGE / path) as icon:
        assert (icon.format, icon.size, icon.mode) == ("PNG", (size, size), "RGB")


@pytest.mark.parametrize(("path", "size"), ICONS.values(), ids=ICONS.keys())
def test_the_committed_icon_is_what_the_code_draws_so_run_nocontact_model(
    path: str, size: int
) -> None:
    with Image.open(PACKAGE / path) as icon:
        difference = ImageChops.difference(icon.convert("RGB"), draw_icon(size))
    # Resampling may differ by a step between Pillow builds; a changed drawing differs by far more.
    assert max(high for _, high in difference.getextrema()) <= 2


def test_the_heart_sits_in_the_middle_inside_the_circle_alexa_crops_icons_to() -> None:
    icon = draw_icon(512)
    assert icon.getpixel((256, 256)) == HEART
    for corner in ((0, 0), (511, 0), (0, 511), (511, 511), (256, 60), (256, 452)):
        assert icon.getpixel(corner) == BACKGROUND
    heart = ImageChops.difference(icon, Image.new("RGB", icon.size, BACKGROUND)).getbbox()
    left, top, right, bottom = heart
    corners = ((left, top), (right, top), (left, bottom), (right, bottom))
    assert all((x - 256) ** 2 + (y - 256) ** 2 < 256**2 for x, y in corners)
