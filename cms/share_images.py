"""Share images (Open Graph) of laureate pages.

A laureate page with a project image shares a 1200×630 rendition of it; one without gets a card
drawn here: the competition's accent colour, the award, the project's title and the institution
in the site's font. A card is drawn once per digest of what it shows and kept in the public media
storage, so a link pasted into a hundred chats costs one drawing.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
DEFAULT_ACCENT = "#0b4f8a"
MARGIN = 72
# Bumped when the drawing changes, so cards already stored are drawn again.
LAYOUT_VERSION = 2
FONTS = Path(settings.BASE_DIR) / "static" / "fonts"
# The site's Source Sans 3 comes in two subsets; Polish letters such as ą, ł, ż are in the
# "latin-ext" one, so each run of text is drawn with the subset that has its letters.
LATIN = FONTS / "source-sans-3-latin-wght-normal.woff2"
LATIN_EXT = FONTS / "source-sans-3-latin-ext-wght-normal.woff2"


@dataclass(frozen=True)
class Card:
    title: str
    institution: str
    award: str
    footer: str
    accent: str

    def digest(self) -> str:
        payload = json.dumps({**asdict(self), "v": LAYOUT_VERSION}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:32]

    @property
    def storage_name(self) -> str:
        return f"og/{self.digest()}.png"


def card_for(page) -> Card:
    """What the card of a laureate page shows, in the active language."""
    from django.utils.translation import gettext as _

    from scoring.results.snapshot import award_label

    edition = page.category.edition
    return Card(
        title=page.title,
        institution=page.institution_name,
        award=award_label(page.award),
        footer=_("%(competition)s %(year)s · %(category)s")
        % {
            "competition": edition.competition.name,
            "year": edition.year,
            "category": page.category.name,
        },
        accent=edition.competition.accent_colour,
    )


def card_png(card: Card) -> bytes:
    """The card's PNG, drawn on the first request and read back from storage afterwards."""
    name = card.storage_name
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            return stored.read()
    content = draw(card)
    default_storage.save(name, ContentFile(content))
    return content


def _is_extended(char: str) -> bool:
    return 0x0100 <= ord(char) <= 0x024F or 0x1E00 <= ord(char) <= 0x1EFF


class _Fonts:
    """The two subsets at one size and weight, and text measured and drawn across them."""

    def __init__(self, size: int, weight: str) -> None:
        self.latin = ImageFont.truetype(str(LATIN), size)
        self.extended = ImageFont.truetype(str(LATIN_EXT), size)
        for font in (self.latin, self.extended):
            font.set_variation_by_name(weight)

    def _runs(self, text: str):
        run, extended = "", None
        for char in text:
            is_ext = _is_extended(char)
            if run and is_ext != extended:
                yield run, self.extended if extended else self.latin
                run = ""
            run, extended = run + char, is_ext
        if run:
            yield run, self.extended if extended else self.latin

    def length(self, text: str) -> float:
        return sum(font.getlength(run) for run, font in self._runs(text))

    def draw(self, canvas: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, fill) -> None:
        x, y = xy
        for run, font in self._runs(text):
            canvas.text((x, y), run, font=font, fill=fill)
            x += font.getlength(run)


def _wrap(text: str, fonts: _Fonts, width: int, max_lines: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and fonts.length(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        while lines[-1] and fonts.length(lines[-1] + "…") > width:
            lines[-1] = lines[-1][:-1]
        lines[-1] = lines[-1].rstrip() + "…"
    return lines


def draw(card: Card) -> bytes:
    accent = card.accent or DEFAULT_ACCENT
    image = Image.new("RGB", (WIDTH, HEIGHT), accent)
    canvas = ImageDraw.Draw(image)
    white = (255, 255, 255)
    # A light band at the top carries the award, as the site's status tags do.
    canvas.rectangle((0, 0, WIDTH, 14), fill=white)
    label = _Fonts(40, "SemiBold")
    title = _Fonts(68, "Bold")
    body = _Fonts(38, "Regular")
    inner = WIDTH - 2 * MARGIN

    award_width = label.length(card.award) + 48
    canvas.rounded_rectangle((MARGIN, 70, MARGIN + award_width, 70 + 64), radius=32, fill=white)
    label.draw(canvas, (MARGIN + 24, 77), card.award, fill=accent)

    y = 170
    title_lines = _wrap(card.title, title, inner, 3)
    for line in title_lines:
        title.draw(canvas, (MARGIN, y), line, fill=white)
        y += 80
    y += 16
    # Above the footer's rule there is room for five lines: a long title leaves the institution one.
    for line in _wrap(card.institution, body, inner, 1 if len(title_lines) == 3 else 2):
        body.draw(canvas, (MARGIN, y), line, fill=white)
        y += 48
    canvas.line((MARGIN, HEIGHT - 110, WIDTH - MARGIN, HEIGHT - 110), fill=white, width=2)
    for line in _wrap(card.footer, body, inner, 1):
        body.draw(canvas, (MARGIN, HEIGHT - 90), line, fill=white)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
