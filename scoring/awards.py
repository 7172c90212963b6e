"""An award as the results store it ("place_2", "distinction") and as people read it ("II miejsce").

The aggregation engine writes the codes; everything else parses and labels them here and only
here: the results pages, the protocol, the announcement and the laureate pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

DISTINCTION = "distinction"
PLACE_PREFIX = "place_"
# What a chair may give when confirming: places I–V and a distinction.
AWARD_CHOICES = ("place_1", "place_2", "place_3", "place_4", "place_5", DISTINCTION)

_ROMAN = [
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
]  # fmt: skip


def roman(number: int) -> str:
    """Polish competitions number places in Roman numerals: I miejsce, II miejsce."""
    if number < 1:
        raise ValueError(f"no Roman numeral for {number}")
    digits = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        digits.append(letters * count)
    return "".join(digits)


def _english_ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


@dataclass(frozen=True, order=True)
class AwardCode:
    """A place (1, 2, 3…) or a distinction (place None); places sort before distinctions."""

    is_distinction: bool
    place: int | None

    @classmethod
    def parse(cls, code: str | None) -> AwardCode | None:
        if not code:
            return None
        if code == DISTINCTION:
            return cls(is_distinction=True, place=None)
        if code.startswith(PLACE_PREFIX) and code[len(PLACE_PREFIX) :].isdigit():
            place = int(code[len(PLACE_PREFIX) :])
            if place >= 1:
                return cls(is_distinction=False, place=place)
        raise ValueError(f"not an award code: {code!r}")

    @classmethod
    def for_place(cls, place: int) -> AwardCode:
        return cls(is_distinction=False, place=place)

    @property
    def code(self) -> str:
        return DISTINCTION if self.is_distinction else f"{PLACE_PREFIX}{self.place}"

    @property
    def label(self) -> str:
        """ "II miejsce" / "2nd place", "Wyróżnienie" / "Distinction", in the active language."""
        if self.is_distinction:
            return _("Distinction")
        assert self.place is not None
        language = get_language() or "pl"
        ordinal = _english_ordinal(self.place) if language.startswith("en") else roman(self.place)
        return _("%(ordinal)s place") % {"ordinal": ordinal}

    def __str__(self) -> str:
        return self.code


def award_label(code: str | None) -> str:
    """The label of a stored code, or "" for no award."""
    award = AwardCode.parse(code)
    return award.label if award else ""


def award_place(code: str | None) -> int | None:
    award = AwardCode.parse(code)
    return award.place if award else None
