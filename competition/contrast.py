"""A competition's accent colour, and the WCAG 2.1 contrast it must keep.

The accent colours links on white, button labels drawn white on it, and links on the site's light
grey panels. Polish public bodies' sites must meet WCAG 2.1 AA, so an organiser's brand colour
that is too light is refused when the competition is saved, not found later by an audit.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# The backgrounds the accent meets in static/css/site.css: white and --color-surface-alt.
BACKGROUNDS = ("#ffffff", "#f2f5f8")
# WCAG 2.1 success criterion 1.4.3 (AA) for normal-size text.
AA_TEXT = 4.5


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of a "#rrggbb" colour (sRGB, linearised)."""
    channels = []
    for start in (1, 3, 5):
        value = int(colour[start : start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def lowest_contrast(colour: str) -> float:
    """The accent's contrast on the lightest background it is drawn on or against."""
    return min(contrast_ratio(colour, background) for background in BACKGROUNDS)


def validate_accent_colour(value: str) -> None:
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(
            _("Enter the colour as # and six hexadecimal digits, e.g. #0b4f8a."),
            code="invalid_colour",
        )
    ratio = lowest_contrast(value)
    if ratio < AA_TEXT:
        raise ValidationError(
            _(
                "The colour %(colour)s is too light: its contrast with the white and light grey "
                "backgrounds is %(ratio)s:1, and WCAG 2.1 AA needs at least %(needed)s:1 for "
                "text and buttons. Choose a darker shade."
            ),
            code="low_contrast",
            params={
                "colour": value,
                # Rounded down, so a colour shown as 4.5:1 is never one that fails.
                "ratio": number_format(int(ratio * 100) / 100, 2),
                "needed": number_format(AA_TEXT, 1),
            },
        )
