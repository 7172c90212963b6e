"""Queryset helpers: whose entries a person may see, what a dashboard needs."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from competition.models import Institution

from .models import Answer, Entry, EntryStatus, Membership, MembershipStatus, Question


def approved_institutions(user) -> QuerySet[Institution]:
    if not user.is_authenticated:
        return Institution.objects.none()
    return Institution.objects.filter(
        is_approved=True,
        memberships__user=user,
        memberships__status=MembershipStatus.APPROVED,
    ).distinct()


def memberships_of(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("institution")


def entries_for_applicant(user) -> QuerySet[Entry]:
    """Entries of every institution the person acts for (approved), with what a list shows."""
    return (
        Entry.objects.filter(institution__in=approved_institutions(user))
        .select_related("edition__competition", "category", "institution")
        .annotate(attachment_count=Count("attachments"))
        .order_by("-edition__year", "edition__competition__name", "category__sort_order", "pk")
    )


def active_entries_in_category(*, institution, category) -> QuerySet[Entry]:
    """Entries that count towards the per-institution limit (withdrawn ones do not)."""
    return Entry.objects.filter(institution=institution, category=category).exclude(
        status=EntryStatus.WITHDRAWN
    )


def eligible_entries(category) -> QuerySet[Entry]:
    return Entry.objects.filter(category=category, status=EntryStatus.ELIGIBLE)


def questions_of(edition) -> QuerySet[Question]:
    """Every question of an edition's entry form, hidden ones too, in the form's order."""
    return Question.objects.filter(edition=edition).select_related("category")


def questions_for_entry(entry: Entry) -> QuerySet[Question]:
    """The questions an entry's form asks now: the edition's and its category's, not hidden."""
    return questions_of(entry.edition_id).filter(
        Q(category__isnull=True) | Q(category_id=entry.category_id), hidden=False
    )


def answers_by_question(entry: Entry) -> dict[int, Answer]:
    return {answer.question_id: answer for answer in entry.answers.all()}
