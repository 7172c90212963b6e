"""From the database to the engine and back: rankings, the chair's decisions, frozen snapshots."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from competition import lifecycle
from competition.lifecycle import Action
from competition.models import Award, AwardKind, Category, Criterion, Edition
from entries.models import Entry, EntryStatus

from . import aggregation, permissions
from .awards import award_place
from .models import (
    AwardDecision,
    Recusal,
    ResultSnapshot,
    Score,
    SheetStatus,
    TieDecision,
)
from .queries import jury_of_record

BOOTSTRAP_ROUNDS = 1000
AWARD_CHOICES = ("place_1", "place_2", "place_3", "place_4", "place_5", "distinction")


def scores_frame(categories) -> pd.DataFrame:
    """Long format from submitted sheets of eligible entries, without recused jurors.

    Ids stay the integers the database gives: the engine codes them without hashing and
    hands them back as strings, while 3M ids turned into `str` here cost seconds.
    """
    recused = Recusal.objects.filter(
        juror=OuterRef("sheet__juror"), entry=OuterRef("sheet__entry"), lifted_at__isnull=True
    )
    rows = (
        Score.objects.filter(
            sheet__entry__category__in=categories,
            sheet__entry__status=EntryStatus.ELIGIBLE,
            sheet__status=SheetStatus.SUBMITTED,
        )
        .exclude(Exists(recused))
        .values_list(
            "sheet__entry__category_id",
            "sheet__entry_id",
            "sheet__juror_id",
            "criterion_id",
            "value",
        )
    )
    frame = pd.DataFrame.from_records(
        list(rows), columns=["category", "entry", "juror", "criterion", "score"]
    )
    frame["score"] = frame["score"].astype(float)
    return frame


def criteria_frame(category: Category) -> pd.DataFrame:
    criteria = Criterion.objects.filter(
        Q(category__isnull=True) | Q(category=category), edition_id=category.edition_id
    )
    return pd.DataFrame(
        [
            {
                "criterion": str(c.pk),
                "weight": float(c.weight),
                "min": float(c.scale_min),
                "max": float(c.scale_max),
                "tiebreak_order": float(c.tiebreak_order) if c.tiebreak_order else math.nan,
            }
            for c in criteria
        ],
        columns=["criterion", "weight", "min", "max", "tiebreak_order"],
    )


def latest_tie_decision(category: Category) -> TieDecision | None:
    return category.tie_decisions.order_by("-decided_at", "-pk").first()


def latest_award_decision(category: Category) -> AwardDecision | None:
    return category.award_decisions.order_by("-confirmed_at", "-pk").first()


@dataclass
class CategoryResults:
    category: Category
    result: aggregation.CategoryResult | None
    entries: dict[str, Entry]
    criteria: dict[str, Criterion]
    tie_decision: TieDecision | None
    award_decision: AwardDecision | None

    @property
    def proposal(self) -> dict[str, str | None]:
        if self.result is None:
            return {}
        return {row.entry: row.award for row in self.result.entries.itertuples()}

    @property
    def confirmation_stale(self) -> bool:
        """The last confirmation was made on another ranking than the category has now.

        A confirmation records the proposal it was made on; anything that moved the ranking
        since (a late conflict, reopened criteria) makes it stale, and the category must be
        confirmed again before the freeze.
        """
        return self.award_decision is not None and self.award_decision.proposal != self.proposal


def compute(category: Category, *, bootstrap: int = BOOTSTRAP_ROUNDS) -> CategoryResults:
    """The category's ranking under the edition's method, with the other methods beside it."""
    edition = category.edition
    frame = scores_frame([category])
    criteria = criteria_frame(category)
    decision = latest_tie_decision(category)
    entries = {
        str(e.pk): e
        for e in Entry.objects.filter(
            category=category, status=EntryStatus.ELIGIBLE
        ).select_related("institution")
    }
    result = None
    if not frame.empty:
        result = aggregation.rank_category(
            frame.drop(columns=["category"]),
            criteria,
            method=edition.method,
            places=category.places,
            distinctions=category.max_distinctions,
            min_share=float(category.min_award_share)
            if category.min_award_share is not None
            else None,
            bootstrap=bootstrap,
            chair_decision=decision.order if decision else None,
            other_methods=True,
        )
    return CategoryResults(
        category=category,
        result=result,
        entries=entries,
        criteria={str(c.pk): c for c in Criterion.objects.filter(edition=edition)},
        tie_decision=decision,
        award_decision=latest_award_decision(category),
    )


@transaction.atomic
def record_tie_decision(
    *, category: Category, by, order: list[str], justification: str
) -> TieDecision:
    lifecycle.lock(Action.BREAK_TIE, category.edition_id)
    if not permissions.is_chair(by, category):
        raise ValidationError(_("Only the chair of the jury breaks ties."), code="not_chair")
    justification = (justification or "").strip()
    if not justification:
        raise ValidationError({"justification": _("Explain the decision in writing.")})
    current = compute(category, bootstrap=0)
    groups = current.result.unresolved_ties if current.result else []
    known = {entry for group in groups for entry in group}
    if not groups or set(order) != known or len(order) != len(known):
        raise ValidationError(
            _("Order exactly the entries that are tied and awaiting your decision."), code="order"
        )
    return TieDecision.objects.create(
        category=category, order=list(order), justification=justification, decided_by=by
    )


@transaction.atomic
def confirm_awards(
    *, category: Category, by, awards: dict[str, str | None], justification: str = ""
) -> AwardDecision:
    """Confirm the proposal; any difference from it needs a written justification."""
    lifecycle.lock(Action.CONFIRM_AWARDS, category.edition_id)
    if not (permissions.is_chair(by, category) or permissions.is_organiser(by)):
        raise ValidationError(
            _("Only the chair or an organiser confirms awards."), code="forbidden"
        )
    current = compute(category, bootstrap=0)
    if current.result is None:
        raise ValidationError(_("No submitted score sheets yet."), code="empty")
    if current.result.unresolved_ties and any(
        current.result.entries["award_pending"].fillna(False)
    ):
        raise ValidationError(
            _("A tie at an award boundary awaits the chair's decision."), code="pending_tie"
        )
    proposal = current.proposal
    unknown = set(awards) - set(proposal)
    bad_values = {v for v in awards.values() if v not in (None, *AWARD_CHOICES)}
    if unknown or bad_values:
        raise ValidationError(_("The awards name unknown entries or awards."), code="invalid")
    final = {entry: awards.get(entry, proposal[entry]) for entry in proposal}
    justification = (justification or "").strip()
    if final != proposal and not justification:
        raise ValidationError(
            {"justification": _("A change to the proposed awards needs a written justification.")}
        )
    return AwardDecision.objects.create(
        category=category,
        proposal=proposal,
        awards=final,
        justification=justification,
        confirmed_by=by,
    )


def confirmation_matches(category: Category) -> bool:
    """True when the category has a confirmation made on the ranking it has now."""
    computed = compute(category, bootstrap=0)
    return computed.award_decision is not None and not computed.confirmation_stale


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    if value is pd.NA:
        return None
    return value


def canonical_json(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def feminine_titles(user) -> bool:
    profile = getattr(user, "juror_profile", None)
    return bool(profile and profile.feminine_titles)


def _full_name(user) -> str:
    """How the protocol names a person: the full name, the login only when there is none."""
    return user.get_full_name() or user.get_username()


def jurors_who_scored(category: Mapping) -> list[dict]:
    """The jury a snapshot's category names in public: those who scored at least one entry.

    Snapshots frozen before the flag was recorded name their whole jury, as they did then.
    """
    return [juror for juror in category["jury"] if juror.get("scored", True)]


def _category_payload(results: CategoryResults) -> dict:
    category, result, decision = results.category, results.result, results.award_decision
    jury = jury_of_record(category)
    ranking = []
    totals = result.totals if result is not None else pd.DataFrame()
    for row in result.entries.to_dict("records") if result is not None else []:
        entry = results.entries[row["entry"]]
        ranking.append(
            {
                "entry": row["entry"],
                "number": entry.number,
                "title": entry.title,
                "institution": entry.institution.name,
                "institution_id": entry.institution_id,
                "aggregate": _clean(row["aggregate"]),
                "rank": _clean(row["rank"]),
                "position": _clean(row["position"]),
                "tie_break": _clean(row["tie_break"]),
                "proposed_award": _clean(row["award"]),
                "award": decision.awards.get(row["entry"]) if decision else _clean(row["award"]),
                "p_award": _clean(row["p_award"]),
                "rank_interval": [_clean(row["rank_low"]), _clean(row["rank_high"])],
                "juror_totals": {
                    str(j): _clean(totals.loc[row["entry"], j])
                    for j in totals.columns
                    if row["entry"] in totals.index and not pd.isna(totals.loc[row["entry"], j])
                },
            }
        )
    recusals = Recusal.objects.filter(entry__category=category, lifted_at__isnull=True).values_list(
        "juror_id", "entry_id", "kind", "reason", "entry__number", "entry__title"
    )
    # A juror whose every entry was recused (or who sent no sheet) is on the jury but scored none.
    scored = {str(juror) for juror in totals.columns if totals[juror].notna().any()}
    return {
        "id": category.pk,
        "name": category.name,
        "places": category.places,
        "max_distinctions": category.max_distinctions,
        "prizes": {str(p.place): str(p.amount) for p in category.prizes.all()},
        "jury": [
            {
                "id": m.user.pk,
                "name": _full_name(m.user),
                "chair": m.chair,
                "feminine": feminine_titles(m.user),
                "dismissed": m.dismissed,
                "scored": str(m.user.pk) in scored,
            }
            for m in jury
        ],
        # The entry's number and title too: the protocol names an entry nobody scored as well.
        "recusals": [
            {"juror": j, "entry": str(e), "kind": k, "reason": r, "number": n, "title": t}
            for j, e, k, r, n, t in recusals
        ],
        "agreement": {
            "krippendorff_alpha_interval": _clean(result.krippendorff_alpha_interval)
            if result
            else None,
            "icc": result.icc if result else None,
        },
        "ranking": ranking,
        "decisions": {
            "tie": {
                "order": results.tie_decision.order,
                "justification": results.tie_decision.justification,
                "by": results.tie_decision.decided_by.get_username(),
                "by_name": _full_name(results.tie_decision.decided_by),
                "at": results.tie_decision.decided_at.isoformat(),
            }
            if results.tie_decision
            else None,
            "awards": {
                "changed": decision.changed,
                "justification": decision.justification,
                "by": decision.confirmed_by.get_username(),
                "by_name": _full_name(decision.confirmed_by),
                "at": decision.confirmed_at.isoformat(),
            }
            if decision
            else None,
        },
    }


def build_payload(edition: Edition) -> dict:
    categories = list(edition.categories.order_by("sort_order", "name"))
    criteria = list(Criterion.objects.filter(edition=edition).order_by("order", "pk"))
    scores = scores_frame(categories)
    return {
        "competition": edition.competition.name,
        "edition": {
            "id": edition.pk,
            "number": edition.number,
            "label": str(edition.label),
            "year": edition.year,
        },
        "method": edition.method,
        "criteria": [
            {
                "id": c.pk,
                "name": c.name,
                "weight": str(c.weight),
                "min": str(c.scale_min),
                "max": str(c.scale_max),
                "category": c.category_id,
                "tiebreak_order": c.tiebreak_order,
            }
            for c in criteria
        ],
        "categories": [_category_payload(compute(c)) for c in categories],
        "scores": scores_payload(
            (
                (int(r.category), int(r.entry), int(r.juror), int(r.criterion), float(r.score))
                for r in scores.itertuples()
            ),
            categories=[c.pk for c in categories],
            criteria=[c.pk for c in criteria],
        ),
    }


ScoreRow = tuple[int, int, int, int, float]
MISSING = "-"


def scores_payload(
    rows: Iterable[ScoreRow], *, categories: Sequence[int], criteria: Sequence[int]
) -> list[dict]:
    """Every score of the snapshot, one text line per score sheet, a block per category.

    `rows` are (category, entry, juror, criterion, value). Each block is
    `{"category": id, "criteria": [ids], "sheets": "entry juror v1 v2 ...\\n..."}`: a line
    per sheet with its values in the block's criteria order ("-" where a criterion was
    not scored), sorted by entry and juror. One string per category, not a JSON number
    per score, because the protocol task parses the whole payload: 3M scores as JSON
    numbers take several hundred MB as Python objects, as text a few dozen. The text is
    still canonical (floats in `repr` form, which reads back exactly) and under the
    digest. `scoring.protocol.iter_scores` reads it back.
    """
    category_order = {pk: i for i, pk in enumerate(categories)}
    criterion_order = {pk: i for i, pk in enumerate(criteria)}
    unknown = len(criterion_order)

    def criterion_key(pk: int) -> tuple[int, int]:
        return criterion_order.get(pk, unknown), pk

    ordered = sorted(
        rows,
        key=lambda r: (category_order.get(r[0], len(category_order)), r[0], r[1], r[2]),
    )
    blocks = []
    for category, group in groupby(ordered, key=itemgetter(0)):
        sheet_rows = list(group)
        used = sorted({r[3] for r in sheet_rows}, key=criterion_key)
        lines = []
        for (entry, juror), sheet in groupby(sheet_rows, key=itemgetter(1, 2)):
            values = {r[3]: r[4] for r in sheet}
            texts = [repr(float(values[c])) if c in values else MISSING for c in used]
            lines.append(" ".join([str(entry), str(juror), *texts]))
        blocks.append({"category": category, "criteria": used, "sheets": "\n".join(lines)})
    return blocks


@transaction.atomic
def freeze_results(*, edition: Edition, by, reason: str = "") -> ResultSnapshot:
    """Freeze the confirmed results; freezing again supersedes the last snapshot, with a reason."""
    if not permissions.is_organiser(by):
        raise ValidationError(_("Only an organiser freezes results."), code="forbidden")
    previous = ResultSnapshot.objects.filter(edition=edition, superseded_by__isnull=True).first()
    edition = lifecycle.lock(Action.FREEZE if previous is None else Action.CORRECT, edition.pk)
    # The lock was taken after reading `previous`: read it again under the lock.
    previous = edition.snapshots.filter(superseded_by__isnull=True).first()
    if previous is not None and not (reason or "").strip():
        raise ValidationError(
            {"reason": _("A correction of frozen results needs a written reason.")}
        )
    categories = list(edition.categories.all())
    unconfirmed = [c.name for c in categories if latest_award_decision(c) is None]
    if unconfirmed:
        raise ValidationError(
            _("The awards of these categories are not confirmed yet: %(names)s.")
            % {"names": ", ".join(unconfirmed)},
            code="unconfirmed",
        )
    stale = [c.name for c in categories if not confirmation_matches(c)]
    if stale:
        raise ValidationError(
            _(
                "The ranking of these categories changed after their awards were confirmed; "
                "confirm them again: %(names)s."
            )
            % {"names": ", ".join(stale)},
            code="stale_confirmation",
        )
    return snapshot_and_freeze(edition=edition, by=by, previous=previous, reason=reason)


def snapshot_and_freeze(
    *,
    edition: Edition,
    by,
    previous: ResultSnapshot | None,
    reason: str,
    at: dt.datetime | None = None,
):
    """Build, hash and store the snapshot; callers have checked who and when."""
    payload = build_payload(edition)
    text = canonical_json(payload)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if previous is not None and previous.digest == digest:
        raise ValidationError(
            _("Nothing changed since the last snapshot; there is nothing to correct."),
            code="unchanged",
        )
    at = at or timezone.now()
    snapshot = ResultSnapshot.objects.create(
        created_at=at,
        edition=edition,
        payload=json.loads(text),
        digest=digest,
        created_by=by,
        supersedes=previous,
        reason=(reason or "").strip(),
    )
    edition.frozen_at = edition.frozen_at or at
    edition.save(update_fields=["frozen_at"])
    _record_awards(edition, payload)
    return snapshot


def _record_awards(edition: Edition, payload: dict) -> None:
    """Mirror the snapshot's awards into the competition's award table (archive, pages)."""
    for category in payload["categories"]:
        Award.objects.filter(category_id=category["id"]).delete()
        for row in category["ranking"]:
            award = row["award"]
            if not award:
                continue
            place = award_place(award)
            Award.objects.create(
                category_id=category["id"],
                institution_id=row["institution_id"],
                kind=AwardKind.PLACE if place else AwardKind.DISTINCTION,
                place=place,
                project_title=row["title"],
            )


def verify(snapshot: ResultSnapshot) -> bool:
    """True when the stored payload still hashes to the recorded digest."""
    return (
        hashlib.sha256(canonical_json(snapshot.payload).encode("utf-8")).hexdigest()
        == snapshot.digest
    )
