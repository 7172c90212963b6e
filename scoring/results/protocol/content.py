"""What the protocol says, read once from a frozen snapshot; the workbook and the PDF both write it.

Everything a person reads is resolved here, in the active language: entries by number, title and
institution (never by id), people by full name with their function, methods, tie-break steps and
awards by their Polish labels, moments in Warsaw time. The writers only lay it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from competition.models import AggregationMethod
from entries.questions import jury_answers

from ...models import RecusalKind, ResultSnapshot
from ...queries import juror_label, jury_function, tie_break_label
from ..snapshot import award_label

# The jury sits in Warsaw: a legal record gives the time its signatories' clocks showed.
PROTOCOL_TIME_ZONE = ZoneInfo("Europe/Warsaw")
MOMENT_FORMAT = "j E Y, H:i"  # "4 grudnia 2026, 14:05"


def local_moment(moment: dt.datetime | str | None) -> str:
    if not moment:
        return ""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return dateformat.format(timezone.localtime(moment, PROTOCOL_TIME_ZONE), MOMENT_FORMAT)


def iter_scores(scores: list[dict | list]) -> Iterator[tuple[int, int, int, int, float]]:
    """The (category, entry, juror, criterion, value) rows of a snapshot's `scores`, lazily.

    Reads the blocks `scoring.results.scores_payload` writes. Snapshots frozen before that
    form hold a list per score; they are immutable, so they are read as such.
    """
    for block in scores:
        if isinstance(block, list):
            category, entry, juror, criterion, value = block
            yield category, entry, juror, criterion, value
            continue
        category, criteria = block["category"], block["criteria"]
        for line in block["sheets"].splitlines():
            entry, juror, *values = line.split(" ")
            for criterion, value in zip(criteria, values, strict=True):
                if value != "-":  # a criterion not scored on this sheet
                    yield category, int(entry), int(juror), criterion, float(value)


@dataclass(frozen=True)
class EntryRef:
    number: str
    title: str
    institution: str

    def __str__(self) -> str:
        text = " ".join(part for part in (self.number, self.title) if part)
        return f"{text} ({self.institution})" if self.institution else text


@dataclass(frozen=True)
class Exclusion:
    """A conflict of interest that kept a juror from scoring an entry."""

    entry: EntryRef
    kind: str
    reason: str

    def __str__(self) -> str:
        why = (
            f"{self.reason} ({self.kind})"
            if self.reason and self.kind
            else self.reason or self.kind
        )
        return f"{self.entry}: {why}" if why else str(self.entry)


@dataclass(frozen=True)
class JurorRecord:
    id: int
    name: str  # with "(dismissed)" where it applies
    function: str
    chair: bool
    dismissed: bool
    scored: int  # entries of the category the juror's totals count for
    exclusions: tuple[Exclusion, ...]


@dataclass(frozen=True)
class RankingRow:
    position: int | None
    rank: int | None
    entry: EntryRef
    aggregate: float | None
    juror_totals: tuple[float | None, ...]  # in the order of CategoryContent.jury
    p_award: float | None
    interval: str
    tie_break: str
    award: str
    # The pre-selection weighted in (0–1), which ranked the final; None without a weight.
    combined: float | None = None


@dataclass(frozen=True)
class Decision:
    category: str
    what: str
    details: tuple[str, ...]
    by: str
    at: str
    justification: str


@dataclass(frozen=True)
class CategoryContent:
    id: int
    name: str
    jury: tuple[JurorRecord, ...]  # those who scored: the jury of record
    idle: tuple[JurorRecord, ...]  # appointed, scored nothing (every entry excluded, or no sheet)
    chairs: tuple[str, ...]
    tie_break_steps: tuple[str, ...]
    ranking: tuple[RankingRow, ...]
    decisions: tuple[Decision, ...]

    @property
    def exclusions(self) -> list[tuple[JurorRecord, Exclusion]]:
        return [(j, x) for j in (*self.jury, *self.idle) for x in j.exclusions]


@dataclass(frozen=True)
class Signatory:
    name: str
    function: str


@dataclass(frozen=True)
class ProtocolContent:
    competition: str
    edition: str
    method: str
    frozen_at: str
    frozen_by: str
    digest: str
    reason: str
    categories: tuple[CategoryContent, ...]
    signatories: tuple[Signatory, ...]
    # For the score matrix, which the workbook streams from the snapshot.
    entries: Mapping[int, EntryRef] = field(default_factory=dict)
    juror_names: Mapping[int, str] = field(default_factory=dict)
    criteria: Mapping[int, str] = field(default_factory=dict)
    category_names: Mapping[int, str] = field(default_factory=dict)
    # Answers to the entry form's questions marked "for the jury", by entry id.
    answers: Mapping[int, list[tuple[str, str]]] = field(default_factory=dict)
    # The pre-selection as the snapshot recorded it (payload["preselection"]), or None.
    preselection: Mapping | None = None

    @property
    def decisions(self) -> list[Decision]:
        return [d for c in self.categories for d in c.decisions]

    @property
    def entries_with_answers(self) -> list[tuple[EntryRef, list[tuple[str, str]]]]:
        return [(self.entries[pk], answers) for pk, answers in self.answers.items()]


def _method_label(code: str) -> str:
    try:
        return str(AggregationMethod(code).label)
    except ValueError:  # a method retired after the snapshot was frozen
        return code


def _kind_label(code: str | None) -> str:
    try:
        return str(RecusalKind(code).label) if code else ""
    except ValueError:
        return code or ""


def _person(decision: Mapping) -> str:
    # Snapshots frozen before names were recorded name the decision's author by login.
    return decision.get("by_name") or decision["by"]


def _tie_break_steps(category: Mapping, criteria: list[Mapping]) -> tuple[str, ...]:
    """The order in which the rules separate equal aggregates, as the engine applied them."""
    ordered = sorted(
        (
            c
            for c in criteria
            if c.get("tiebreak_order") and c["category"] in (None, category["id"])
        ),
        key=lambda c: (c["tiebreak_order"], c["id"]),
    )
    names = {str(c["id"]): c["name"] for c in criteria}
    codes = [f"criterion:{c['id']}" for c in ordered] + ["first_places", "chair"]
    return tuple(f"{n}. {tie_break_label(code, names)}" for n, code in enumerate(codes, start=1))


def _category(
    category: Mapping, criteria: list[Mapping], entries: dict[int, EntryRef]
) -> CategoryContent:
    ranking = category["ranking"]
    names = {str(c["id"]): c["name"] for c in criteria}
    scored = {str(j["id"]): 0 for j in category["jury"]}
    for row in ranking:
        for juror in row["juror_totals"]:
            scored[juror] = scored.get(juror, 0) + 1
    exclusions: dict[int, list[Exclusion]] = {}
    for recusal in category["recusals"]:
        entry = entries.get(int(recusal["entry"])) or EntryRef(
            recusal.get("number", ""), recusal.get("title", ""), ""
        )
        exclusions.setdefault(recusal["juror"], []).append(
            Exclusion(entry, _kind_label(recusal.get("kind")), recusal.get("reason", ""))
        )
    records = [
        JurorRecord(
            id=j["id"],
            name=juror_label(j["name"], dismissed=j.get("dismissed", False)),
            function=jury_function(chair=j["chair"], feminine=j.get("feminine")),
            chair=j["chair"],
            dismissed=j.get("dismissed", False),
            scored=scored.get(str(j["id"]), 0),
            exclusions=tuple(exclusions.get(j["id"], ())),
        )
        for j in category["jury"]
    ]
    # Snapshots frozen before the flag was recorded count their whole jury, as they did then.
    jury = tuple(r for r, j in zip(records, category["jury"], strict=True) if j.get("scored", True))
    rows = []
    for row in ranking:
        low, high = row["rank_interval"]
        rows.append(
            RankingRow(
                position=row["position"],
                rank=row["rank"],
                entry=entries[int(row["entry"])],
                aggregate=row["aggregate"],
                juror_totals=tuple(row["juror_totals"].get(str(j.id)) for j in jury),
                p_award=row["p_award"],
                interval=f"{low}–{high}" if low is not None else "",
                tie_break=tie_break_label(row["tie_break"], names),
                award=award_label(row["award"]),
                combined=row.get("combined"),
            )
        )
    return CategoryContent(
        id=category["id"],
        name=category["name"],
        jury=jury,
        idle=tuple(r for r in records if r not in jury),
        chairs=tuple(r.name for r in records if r.chair),
        tie_break_steps=_tie_break_steps(category, criteria),
        ranking=tuple(rows),
        decisions=_decisions(category, entries),
    )


def _decisions(category: Mapping, entries: dict[int, EntryRef]) -> tuple[Decision, ...]:
    decisions = []
    tie = category["decisions"]["tie"]
    if tie:
        decisions.append(
            Decision(
                category=category["name"],
                what=_("Tie broken by the chair; the order decided:"),
                details=tuple(
                    f"{n}. {entries.get(int(e), EntryRef(e, '', ''))}"
                    for n, e in enumerate(tie["order"], start=1)
                ),
                by=_person(tie),
                at=local_moment(tie["at"]),
                justification=tie["justification"],
            )
        )
    awards = category["decisions"]["awards"]
    if awards:
        details = []
        for row in category["ranking"]:
            entry = entries[int(row["entry"])]
            proposed = row.get("proposed_award", row["award"])
            if row["award"] != proposed:
                details.append(
                    _("%(entry)s: proposed %(proposed)s, awarded %(awarded)s")
                    % {
                        "entry": entry,
                        "proposed": award_label(proposed) or _("no award"),
                        "awarded": award_label(row["award"]) or _("no award"),
                    }
                )
            elif row["award"]:
                details.append(f"{award_label(row['award'])}: {entry}")
        decisions.append(
            Decision(
                category=category["name"],
                what=_("Awards changed from the proposal")
                if awards["changed"]
                else _("Awards confirmed as proposed"),
                details=tuple(details),
                by=_person(awards),
                at=local_moment(awards["at"]),
                justification=awards["justification"],
            )
        )
    return tuple(decisions)


def _signatories(categories: tuple[CategoryContent, ...]) -> tuple[Signatory, ...]:
    """Who signs: the chairs, then every serving juror who scored, each once."""
    chairs: dict[int, Signatory] = {}
    members: dict[int, Signatory] = {}
    for category in categories:
        for juror in (*category.jury, *category.idle):
            if juror.chair and not juror.dismissed:
                chairs.setdefault(juror.id, Signatory(juror.name, juror.function))
        for juror in category.jury:
            if not juror.chair and not juror.dismissed:
                members.setdefault(juror.id, Signatory(juror.name, juror.function))
    return (*chairs.values(), *(s for pk, s in members.items() if pk not in chairs))


def build_content(snapshot: ResultSnapshot) -> ProtocolContent:
    """The protocol of `snapshot` in the active language."""
    payload = snapshot.payload
    edition = payload["edition"]
    entries = {
        int(row["entry"]): EntryRef(row["number"] or "", row["title"], row["institution"])
        for category in payload["categories"]
        for row in category["ranking"]
    }
    categories = tuple(_category(c, payload["criteria"], entries) for c in payload["categories"])
    frozen_by = snapshot.created_by
    return ProtocolContent(
        competition=payload["competition"],
        edition=f"{edition['label']} ({edition['year']})",
        method=_method_label(payload["method"]),
        frozen_at=local_moment(snapshot.created_at),
        frozen_by=frozen_by.get_full_name() or frozen_by.get_username(),
        digest=snapshot.digest,
        reason=snapshot.reason,
        categories=categories,
        signatories=_signatories(categories),
        entries=entries,
        juror_names={
            j["id"]: juror_label(j["name"], dismissed=j.get("dismissed", False))
            for c in payload["categories"]
            for j in c["jury"]
        },
        criteria={c["id"]: c["name"] for c in payload["criteria"]},
        category_names={c["id"]: c["name"] for c in payload["categories"]},
        answers=jury_answers(entries),
        preselection=payload.get("preselection"),
    )
