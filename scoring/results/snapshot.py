"""The frozen results as one typed contract: what every reader of a snapshot works with.

A `ResultSnapshot` stores its payload as canonical JSON under a SHA-256 digest (built by
`scoring.results.payload`). Everything that reads one — the announcement and laureate pages,
the archive's award table, the protocol — goes through `Snapshot.of(...)` here, and award
codes ("place_2", "distinction") are parsed and labelled by `AwardCode` and nowhere else.
Snapshots are immutable: keys added later (a juror's "scored", "feminine") are read with the
defaults the older snapshots meant.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..queries import jury_function

if TYPE_CHECKING:
    from ..models import ResultSnapshot

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


@dataclass(frozen=True)
class JurorOfRecord:
    """A juror as the snapshot names them: the published jury and the protocol's signatories."""

    id: int
    name: str
    chair: bool
    feminine: bool | None  # None: frozen before the flag was recorded
    dismissed: bool
    scored: bool

    @property
    def function(self) -> str:
        """ "przewodnicząca jury", "członek jury"."""
        return jury_function(chair=self.chair, feminine=self.feminine)

    @classmethod
    def of(cls, data: Mapping) -> JurorOfRecord:
        return cls(
            id=data["id"],
            name=data["name"],
            chair=data.get("chair", False),
            feminine=data.get("feminine"),
            dismissed=data.get("dismissed", False),
            # Snapshots frozen before the flag was recorded name their whole jury.
            scored=data.get("scored", True),
        )


@dataclass(frozen=True)
class RankedEntry:
    entry: int
    number: str
    title: str
    institution: str
    institution_id: int
    position: int | None
    aggregate: float | None
    award: AwardCode | None  # as confirmed by the chair
    proposed_award: AwardCode | None  # as the ranking proposed it

    @classmethod
    def of(cls, data: Mapping) -> RankedEntry:
        return cls(
            entry=int(data["entry"]),
            number=data.get("number") or "",
            title=data.get("title") or "",
            institution=data.get("institution") or "",
            institution_id=data.get("institution_id"),
            position=data.get("position"),
            aggregate=data.get("aggregate"),
            award=AwardCode.parse(data.get("award")),
            proposed_award=AwardCode.parse(data.get("proposed_award")),
        )


@dataclass(frozen=True)
class Laureate:
    """An awarded entry of a category, with the prize its place carries."""

    ranked: RankedEntry
    prize: Decimal | None

    @property
    def award(self) -> AwardCode:
        assert self.ranked.award is not None
        return self.ranked.award


@dataclass(frozen=True)
class CategoryOutcome:
    id: int
    name: str
    places: int
    prizes: Mapping[int, Decimal]  # by place
    jury: tuple[JurorOfRecord, ...]
    ranking: tuple[RankedEntry, ...]

    @classmethod
    def of(cls, data: Mapping) -> CategoryOutcome:
        return cls(
            id=data["id"],
            name=data["name"],
            places=data.get("places", 3),
            prizes={int(place): Decimal(amount) for place, amount in data["prizes"].items()},
            jury=tuple(JurorOfRecord.of(juror) for juror in data["jury"]),
            ranking=tuple(RankedEntry.of(row) for row in data["ranking"]),
        )

    @property
    def laureates(self) -> list[Laureate]:
        """Awarded entries: places in order, then distinctions, each by position."""
        awarded = [row for row in self.ranking if row.award is not None]
        awarded.sort(key=lambda row: (row.award, row.position or 0))
        return [
            Laureate(row, self.prizes.get(row.award.place) if row.award.place else None)
            for row in awarded
        ]

    @property
    def published_jury(self) -> list[JurorOfRecord]:
        """Who the public pages name: the jurors who scored, the chair first."""
        scored = [juror for juror in self.jury if juror.scored]
        return sorted(scored, key=lambda juror: not juror.chair)


@dataclass(frozen=True)
class Snapshot:
    """A frozen snapshot's payload, read once into types."""

    digest: str
    categories: tuple[CategoryOutcome, ...]

    @classmethod
    def of(cls, snapshot: ResultSnapshot) -> Snapshot:
        return cls(
            digest=snapshot.digest,
            categories=tuple(CategoryOutcome.of(c) for c in snapshot.payload["categories"]),
        )

    @property
    def awarded_entries(self) -> list[int]:
        return [row.entry for c in self.categories for row in c.ranking if row.award]


def canonical_json(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest_of(payload: dict) -> str:
    """The SHA-256 of a frozen record's payload in its canonical form (jury or people's choice)."""
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def jurors_who_scored(category: Mapping) -> list[dict]:
    """The jury a snapshot's category names in public: those who scored at least one entry.

    Snapshots frozen before the flag was recorded name their whole jury, as they did then.
    """
    return [juror for juror in category["jury"] if juror.get("scored", True)]


def verify(snapshot: ResultSnapshot) -> bool:
    """True when the stored payload still hashes to the recorded digest."""
    return digest_of(snapshot.payload) == snapshot.digest
