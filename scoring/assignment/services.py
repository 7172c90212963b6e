"""Assignment actions: the rule, a proposal, its confirmation, moving one pair, jurors' marks.

Every change is checked against the life cycle under the edition's row lock and written to the
append-only `AssignmentAudit`. A pair whose score sheet is started (draft or submitted) is never
moved or dropped: re-running keeps it and counts it towards k and the juror's load.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from competition import lifecycle
from competition.lifecycle import Action
from competition.models import Category
from entries.models import Entry, EntryStatus

from .. import permissions
from ..models import Recusal, ScoreSheet
from . import queries, solver
from .models import (
    Assignment,
    AssignmentAudit,
    AssignmentPreference,
    AssignmentRule,
    JurorLoadCap,
)

# A message naming the entries short of jurors names this many; the count says the rest.
NAMED_AT_MOST = 20


class AssignmentError(ValidationError):
    """The assignment cannot be made as asked; the message says why, nothing was saved."""


def _lock(category: Category) -> Category:
    lifecycle.lock(Action.ASSIGN, category.edition_id)
    return Category.objects.select_related("assignment_rule", "edition").get(pk=category.pk)


def _pairs(pairs) -> list[list[int]]:
    return [list(pair) for pair in sorted(pairs)]


# The rule and the caps ------------------------------------------------------------------------


@transaction.atomic
def set_rule(*, category: Category, jurors_per_entry: int | None, by) -> AssignmentRule:
    """None: every juror scores every entry; k ≥ 2: k jurors per entry, once assigned."""
    if jurors_per_entry is not None and jurors_per_entry < 2:
        raise AssignmentError(_("At least two jurors score each entry."), code="k")
    category = _lock(category)
    old = queries.jurors_per_entry(category)
    rule, _created = AssignmentRule.objects.update_or_create(
        category=category, defaults={"jurors_per_entry": jurors_per_entry}
    )
    AssignmentAudit.objects.create(
        category=category,
        by=by,
        action=AssignmentAudit.Action.RULE,
        details={"old": old, "new": jurors_per_entry},
    )
    return rule


@transaction.atomic
def set_cap(*, category: Category, juror, max_entries: int | None, by) -> None:
    """A juror's most entries in the category; None lifts the cap."""
    category = _lock(category)
    if not permissions.can_score(juror, category):
        raise AssignmentError(_("This person is not on the jury of the category."), code="juror")
    if max_entries is None:
        JurorLoadCap.objects.filter(category=category, juror=juror).delete()
    else:
        JurorLoadCap.objects.update_or_create(
            category=category, juror=juror, defaults={"max_entries": max_entries}
        )
    AssignmentAudit.objects.create(
        category=category,
        by=by,
        action=AssignmentAudit.Action.CAP,
        details={"juror": juror.pk, "max_entries": max_entries},
    )


# Proposal -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    category: Category
    problem: solver.Problem
    solution: solver.Solution
    entries: list[Entry]
    jurors: list
    digest: str  # of the inputs and the pairs: a confirmation names what it saw

    @property
    def added(self) -> set[solver.Pair]:
        return set(self.solution.pairs - self.problem.current)

    @property
    def removed(self) -> set[solver.Pair]:
        return set(self.problem.current - self.solution.pairs)


def _problem(category: Category) -> tuple[solver.Problem, list[Entry], list]:
    k = queries.jurors_per_entry(category)
    if k is None:
        raise AssignmentError(
            _("In this category every juror scores every entry: there is nothing to assign."),
            code="no_rule",
        )
    entries = list(
        Entry.objects.filter(category=category, status=EntryStatus.ELIGIBLE)
        .select_related("institution")
        .order_by("sequence", "pk")
    )
    jurors = list(permissions.jurors_of(category))
    entry_ids, juror_ids = [e.pk for e in entries], [j.pk for j in jurors]
    conflicts = frozenset(
        Recusal.objects.filter(
            entry__in=entry_ids, juror__in=juror_ids, lifted_at__isnull=True
        ).values_list("juror_id", "entry_id")
    )
    started = frozenset(
        ScoreSheet.objects.filter(entry__in=entry_ids, juror__in=juror_ids).values_list(
            "juror_id", "entry_id"
        )
    )
    current = frozenset(
        Assignment.objects.filter(entry__in=entry_ids, juror__in=juror_ids).values_list(
            "juror_id", "entry_id"
        )
    )
    preferences = {
        (j, e): solver.Preference(level)
        for j, e, level in AssignmentPreference.objects.filter(
            entry__in=entry_ids, juror__in=juror_ids
        ).values_list("juror_id", "entry_id", "level")
    }
    caps = dict(
        JurorLoadCap.objects.filter(category=category, juror__in=juror_ids).values_list(
            "juror_id", "max_entries"
        )
    )
    problem = solver.Problem(
        entries=tuple(entry_ids),
        jurors=tuple(juror_ids),
        k=k,
        conflicts=conflicts,
        preferences=preferences,
        fixed=started - conflicts,
        current=current,
        caps=caps,
    )
    return problem, entries, jurors


def _infeasible(error: solver.Infeasible, entries: list[Entry], k: int) -> AssignmentError:
    if error.reason == "entries":
        named = [e for e in entries if e.pk in set(error.short)]
        listed = "; ".join(str(e) for e in named[:NAMED_AT_MOST])
        if len(named) > NAMED_AT_MOST:
            more = len(named) - NAMED_AT_MOST
            listed += " " + ngettext("and %(more)d more", "and %(more)d more", more) % {
                "more": more
            }
        return AssignmentError(
            ngettext(
                "%(count)d entry has fewer than %(k)d jurors without a conflict of interest: "
                "%(entries)s. Lower the number of jurors per entry or appoint more jurors. "
                "Nothing was saved.",
                "%(count)d entries have fewer than %(k)d jurors without a conflict of "
                "interest: %(entries)s. Lower the number of jurors per entry or appoint more "
                "jurors. Nothing was saved.",
                len(named),
            )
            % {"count": len(named), "k": k, "entries": listed},
            code="short",
        )
    if error.reason == "empty":
        return AssignmentError(
            _("The category has no eligible entries to assign yet."), code="empty"
        )
    if error.reason == "caps":
        return AssignmentError(
            _(
                "The jurors' caps leave fewer places than the entries need (%(k)d jurors each). "
                "Raise a cap or appoint more jurors. Nothing was saved."
            )
            % {"k": k},
            code="caps",
        )
    return AssignmentError(
        _(
            "No assignment keeps the jurors' loads within one of each other (or within their "
            "caps) with these conflicts of interest. Appoint more jurors or change the caps. "
            "Nothing was saved."
        ),
        code="loads",
    )


def _digest(problem: solver.Problem, pairs) -> str:
    inputs = {
        "k": problem.k,
        "entries": list(problem.entries),
        "jurors": list(problem.jurors),
        "pairs": _pairs(pairs),
        "current": _pairs(problem.current),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def propose(*, category: Category) -> Proposal:
    """The solver's assignment for the category as it is now; nothing is saved."""
    problem, entries, jurors = _problem(category)
    try:
        solution = solver.solve(problem)
    except solver.Infeasible as error:
        raise _infeasible(error, entries, problem.k) from None
    return Proposal(
        category=category,
        problem=problem,
        solution=solution,
        entries=entries,
        jurors=jurors,
        digest=_digest(problem, solution.pairs),
    )


@transaction.atomic
def confirm(*, category: Category, digest: str, by) -> Proposal:
    """Save the proposal the organiser saw (named by its digest); refused if anything changed."""
    category = _lock(category)
    proposal = propose(category=category)
    if proposal.digest != digest:
        raise AssignmentError(
            _(
                "Entries, jurors or conflicts changed since the proposal was shown. "
                "Look at the new proposal and confirm it again. Nothing was saved."
            ),
            code="stale",
        )
    save_pairs(category=category, proposal=proposal, by=by)
    return proposal


def save_pairs(*, category: Category, proposal: Proposal, by) -> None:
    """Write the proposal's pairs: started sheets were fixed in it, so only free pairs move."""
    removed, added = proposal.removed, proposal.added
    for juror_id, entry_id in removed:
        Assignment.objects.filter(juror_id=juror_id, entry_id=entry_id).delete()
    Assignment.objects.bulk_create(
        [Assignment(juror_id=j, entry_id=e) for j, e in sorted(added)], ignore_conflicts=True
    )
    AssignmentAudit.objects.create(
        category=category,
        by=by,
        action=AssignmentAudit.Action.CONFIRM,
        added=_pairs(added),
        removed=_pairs(removed),
        details={
            "k": proposal.problem.k,
            "cost": proposal.solution.cost,
            "lower_bound": proposal.solution.lower_bound,
            "connected": proposal.solution.connected,
        },
    )


# By hand --------------------------------------------------------------------------------------


@transaction.atomic
def move(*, entry: Entry, from_juror, to_juror, by) -> Assignment:
    """Give one juror's pair to another juror of the category, with every rule checked again."""
    category = _lock(entry.category)
    if queries.jurors_per_entry(category) is None:
        raise AssignmentError(
            _("In this category every juror scores every entry: there is nothing to move."),
            code="no_rule",
        )
    entry = Entry.objects.select_for_update().get(pk=entry.pk, category=category)
    names = {"entry": str(entry), "from": str(from_juror), "to": str(to_juror)}
    pair = Assignment.objects.filter(juror=from_juror, entry=entry).first()
    if pair is None:
        raise AssignmentError(
            _("%(from)s is not assigned to %(entry)s.") % names, code="not_assigned"
        )
    if ScoreSheet.objects.filter(juror=from_juror, entry=entry).exists():
        raise AssignmentError(
            _("%(from)s has started a score sheet for %(entry)s: the pair stays.") % names,
            code="started",
        )
    if not permissions.can_score(to_juror, category):
        raise AssignmentError(
            _("%(to)s is not on the jury of the category.") % names, code="not_juror"
        )
    if Assignment.objects.filter(juror=to_juror, entry=entry).exists():
        raise AssignmentError(
            _("%(to)s is already assigned to %(entry)s.") % names, code="duplicate"
        )
    if Recusal.objects.filter(juror=to_juror, entry=entry, lifted_at__isnull=True).exists():
        raise AssignmentError(
            _("%(to)s has a conflict of interest with %(entry)s.") % names, code="conflict"
        )
    pair.delete()
    moved = Assignment.objects.create(juror=to_juror, entry=entry)
    AssignmentAudit.objects.create(
        category=category,
        by=by,
        action=AssignmentAudit.Action.MOVE,
        added=[[to_juror.pk, entry.pk]],
        removed=[[from_juror.pk, entry.pk]],
    )
    return moved


# Jurors' marks --------------------------------------------------------------------------------


@transaction.atomic
def mark_preferences(*, juror, category: Category, levels: Mapping[int, str | None]) -> int:
    """Store the juror's marks (entry id → level, None clears); returns how many are set."""
    lifecycle.require(Action.MARK_PREFERENCES, category.edition)
    if not permissions.can_score(juror, category):
        raise AssignmentError(_("You are not on the jury of this category."), code="not_juror")
    if Assignment.objects.filter(entry__category=category).exists():
        raise AssignmentError(
            _("The entries of this category are already assigned; marks no longer change it."),
            code="assigned",
        )
    known = set(
        Entry.objects.filter(
            category=category, status=EntryStatus.ELIGIBLE, pk__in=list(levels)
        ).values_list("pk", flat=True)
    )
    if set(levels) - known:
        raise AssignmentError(_("Some of these entries are not in the category."), code="entry")
    AssignmentPreference.objects.filter(juror=juror, entry__in=list(levels)).delete()
    AssignmentPreference.objects.bulk_create(
        AssignmentPreference(juror=juror, entry_id=entry_id, level=level)
        for entry_id, level in levels.items()
        if level
    )
    return AssignmentPreference.objects.filter(juror=juror, entry__category=category).count()
