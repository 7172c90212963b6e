"""The project's own admin templates draw icon buttons the way Wagtail's styles expect."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
BUTTON = re.compile(r'<(?:a|button)\b[^>]*class="(button[^"]*)"[^>]*>(.*?)</(?:a|button)>', re.S)


def test_admin_buttons_with_an_icon_are_wagtail_icon_buttons():
    # A bare `.button` with an SVG icon gets no icon size: the icon fills the bar, the label leaves.
    found = []
    for template in sorted(TEMPLATES.glob("*/admin/**/*.html")):
        for classes, content in BUTTON.findall(template.read_text()):
            if "{% icon" in content:
                found.append(
                    (template.name, set(re.findall(r"[\w-]+", classes)), "wrapped=1" in content)
                )

    assert found
    assert [
        (name, sorted({"bicolor", "button--icon"} - classes), wrapped)
        for name, classes, wrapped in found
        if not {"bicolor", "button--icon"} <= classes or not wrapped
    ] == []
