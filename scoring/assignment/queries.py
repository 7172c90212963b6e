"""What the assignment screens and the jury panel read: the rule, the pairs, the inputs."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from competition.models import Category
from entries.models import Entry, EntryStatus

from .models import Assignment, AssignmentRule


def jurors_per_entry(category: Category) -> int | None:
    """k, or None when every juror scores every entry (no rule, or a rule without k).

    Reads `category.assignment_rule` as loaded with `select_related("assignment_rule")`, so a
    page that loaded its category that way asks nothing more.
    """
    try:
        return category.assignment_rule.jurors_per_entry
    except AssignmentRule.DoesNotExist:
        return None


def assigned_only(category: Category) -> bool:
    return jurors_per_entry(category) is not None


def assigned(juror) -> Exists:
    """For an entry queryset: the juror is assigned to the entry."""
    return Exists(Assignment.objects.filter(entry=OuterRef("pk"), juror=juror))


def visible_to_juror(juror, category: Category, round=None) -> Q:
    """The filter on a category's entries that leaves those the juror may open in the round
    (None: the final), among the round's entries (`scoring.rounds.queries.stage_entries`)."""
    from ..rounds.queries import assignment_applies

    if assignment_applies(category, round):
        return Q(Exists(Assignment.objects.filter(entry=OuterRef("pk"), juror=juror)))
    return Q()


def may_open(juror, entry: Entry) -> bool:
    """Whether the entry is the juror's to open in the round jurors work in now: in a final
    after a pre-selection, the finalists; otherwise always in "everyone scores", else assigned.
    """
    from competition.lifecycle import preselection_of, stage

    from ..rounds.queries import in_final

    if preselection_of(entry.edition) is not None and stage(entry.edition) is None:
        return Entry.objects.filter(pk=entry.pk).filter(in_final()).exists()
    if not assigned_only(entry.category):
        return True
    return Assignment.objects.filter(juror=juror, entry=entry).exists()


def eligible_entries(category: Category):
    return Entry.objects.filter(category=category, status=EntryStatus.ELIGIBLE)
