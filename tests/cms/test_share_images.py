from __future__ import annotations

import io

from PIL import Image as PillowImage

from cms.share_images import Card, _Fonts, _wrap, draw

LONG = Card(
    title="Poprawa jakości świadczenia usług publicznych w formie elektronicznej w Gminie "
    "Michałowice oraz cyfrowa transformacja urzędu i jednostek podległych",
    institution="Mazowieckie Biuro Planowania Regionalnego w Warszawie i jednostki organizacyjne",
    award="Wyróżnienie",
    footer="Samorządowy Lider Cyfryzacji 2024 · Ponad codzienność",
    accent="#00695c",
)


def test_share_card_is_1200_by_630_in_the_accent_colour():
    image = PillowImage.open(io.BytesIO(draw(LONG)))

    assert image.size == (1200, 630)
    assert image.getpixel((1180, 600)) == (0, 0x69, 0x5C)


def test_share_card_wraps_a_long_title_into_three_lines_ending_with_an_ellipsis():
    fonts = _Fonts(68, "Bold")

    lines = _wrap(LONG.title, fonts, 1200 - 2 * 72, 3)

    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(fonts.length(line) <= 1200 - 2 * 72 for line in lines)


def test_polish_letters_are_measured_with_the_latin_ext_subset():
    fonts = _Fonts(40, "Regular")

    # The "latin" subset has no ą: it would measure (and draw) it as its blank box.
    assert fonts.length("ą") == fonts.extended.getlength("ą") != fonts.latin.getlength("ą")
    assert fonts.length("Zażółć") == sum(
        font.getlength(text) for font, text in [(fonts.latin, "Za"), (fonts.extended, "ż")]
    ) + fonts.latin.getlength("ó") + fonts.extended.getlength("łć")


def test_share_card_digest_changes_with_what_it_shows():
    other = Card(**{**LONG.__dict__, "award": "I miejsce"})

    assert LONG.digest() != other.digest()
    assert LONG.storage_name.startswith("og/") and LONG.storage_name.endswith(".png")
