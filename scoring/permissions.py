"""Every django-guardian call of the project lives here.

Jurors and chairs hold object permissions on a Category. A request builds one
ObjectPermissionChecker, prefetches the categories once, and asks it per row.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm, get_objects_for_user, get_users_with_perms, remove_perm

from competition.models import Category, Competition, Duty, Team

from .models import CategoryUserObjectPermission

logger = logging.getLogger("judging.scoring")

SCORE = "score_category"
CHAIR = "chair_category"


def _full(codename: str) -> str:
    return f"competition.{codename}"


@transaction.atomic
def appoint_juror(*, category: Category, user, chair: bool = False) -> list:
    """A chair also scores; automatic conflicts are applied by the caller's service.

    Returns the chairs the new chair replaced (see `make_chair`).
    """
    assign_perm(SCORE, user, category)
    logger.info(
        "juror appointed",
        extra={"category_id": category.pk, "user_id_appointed": user.pk, "chair": chair},
    )
    return make_chair(category=category, user=user) if chair else []


@transaction.atomic
def make_chair(*, category: Category, user) -> list:
    """One chair per category: `user` becomes it, the former chairs stay on the jury.

    The category's row is locked first, so concurrent appointments queue behind each other
    and the last one wins; without it, eight simultaneous requests left two or three chairs.
    """
    Category.objects.select_for_update().filter(pk=category.pk).exists()
    demoted = [chair for chair in chairs_of(category) if chair.pk != user.pk]
    for chair in demoted:
        remove_perm(CHAIR, chair, category)
    assign_perm(CHAIR, user, category)
    return demoted


@transaction.atomic
def revoke_juror(*, category: Category, user) -> None:
    remove_perm(SCORE, user, category)
    remove_perm(CHAIR, user, category)
    logger.info("juror revoked", extra={"category_id": category.pk, "user_id_revoked": user.pk})


@transaction.atomic
def revoke_chair(*, category: Category, user) -> None:
    remove_perm(CHAIR, user, category)


def categories_for_juror(user) -> QuerySet[Category]:
    """Categories the person may score (chairs included), straight from the permission table."""
    if not user.is_authenticated:
        return Category.objects.none()
    return get_objects_for_user(
        user, _full(SCORE), klass=Category, use_groups=False, with_superuser=False
    )


def categories_chaired_by(user) -> QuerySet[Category]:
    if not user.is_authenticated:
        return Category.objects.none()
    return get_objects_for_user(
        user, _full(CHAIR), klass=Category, use_groups=False, with_superuser=False
    )


def jurors_of(category: Category) -> QuerySet:
    """Everyone appointed to score the category, chairs included."""
    users = get_users_with_perms(
        category, only_with_perms_in=[SCORE], with_superusers=False, with_group_users=False
    )
    return get_user_model().objects.filter(pk__in=users.values("pk")).order_by("username")


def chairs_of(category: Category) -> QuerySet:
    users = get_users_with_perms(
        category, only_with_perms_in=[CHAIR], with_superusers=False, with_group_users=False
    )
    return get_user_model().objects.filter(pk__in=users.values("pk")).order_by("username")


def checker_for(user, categories) -> ObjectPermissionChecker:
    """One checker per request, with the categories' permissions fetched in one query."""
    checker = ObjectPermissionChecker(user)
    checker.prefetch_perms(categories)
    return checker


def can_score(user, category: Category, checker: ObjectPermissionChecker | None = None) -> bool:
    if not user.is_authenticated:
        return False
    checker = checker or ObjectPermissionChecker(user)
    return checker.has_perm(SCORE, category)


def is_chair(user, category: Category, checker: ObjectPermissionChecker | None = None) -> bool:
    if not user.is_authenticated:
        return False
    checker = checker or ObjectPermissionChecker(user)
    return checker.has_perm(CHAIR, category)


# Organiser teams -------------------------------------------------------------------------------
# A team member sees and runs only the competitions of their teams; superusers see everything.
# Every admin and site view that shows or changes a competition's data asks these helpers, so a
# competition of another team is simply not found (404), as for anyone else.

# How a row of each model reaches its competition.
_COMPETITION_PATHS = {
    "competition.competition": "pk",
    "competition.edition": "competition",
    "competition.category": "edition__competition",
    "competition.criterion": "edition__competition",
    "competition.preselectionround": "edition__competition",
    "scoring.shortlist": "round__edition__competition",
    "competition.prize": "category__edition__competition",
    "competition.award": "category__edition__competition",
    "entries.entry": "edition__competition",
    "entries.attachment": "entry__edition__competition",
    "entries.question": "edition__competition",
    "entries.answer": "entry__edition__competition",
    "entries.entriesexport": "edition__competition",
    "scoring.recusal": "entry__edition__competition",
    "scoring.scoresheet": "entry__edition__competition",
    "scoring.scoresheetaudit": "sheet__entry__edition__competition",
    "scoring.assignmentaudit": "category__edition__competition",
    "scoring.resultsnapshot": "edition__competition",
    "scoring.protocolexport": "snapshot__edition__competition",
    "scoring.remindermailing": "category__edition__competition",
    "cms.diplomaarchive": "snapshot__edition__competition",
    "cms.publicvote": "edition__competition",
    "cms.vote": "poll__edition__competition",
    "scoring.categoryuserobjectpermission": "content_object__edition__competition",
    "cms.announcementpage": "edition__competition",
}


def is_scoped(model) -> bool:
    """Whether rows of `model` belong to a competition, and so to its teams."""
    return model._meta.label_lower in _COMPETITION_PATHS


def organised_competitions(user, duty: Duty | str | None = None) -> QuerySet[Competition]:
    """The competitions of the user's teams (with `duty`: of the teams that have it)."""
    if not user.is_authenticated:
        return Competition.objects.none()
    if user.is_superuser:
        return Competition.objects.all()
    teams = Team.objects.filter(group__user=user)
    if duty:
        teams = teams.filter(**{Duty(duty).value: True})
    return Competition.objects.filter(teams__in=teams)


def organised(queryset: QuerySet, user, duty: Duty | str | None = None) -> QuerySet:
    """`queryset` (or a manager) narrowed to the competitions the user organises.

    Superusers get everything. The competitions are a subquery: no query of their own.
    """
    queryset = queryset.all()
    if user.is_authenticated and user.is_superuser:
        return queryset
    path = _COMPETITION_PATHS[queryset.model._meta.label_lower]
    lookup = "pk__in" if path == "pk" else f"{path}__in"
    return queryset.filter(**{lookup: organised_competitions(user, duty).values("pk")})


def is_organiser(user, competition_id: int | None = None, duty: Duty | str | None = None) -> bool:
    """Whether the user is in an organiser team, or organises the competition given (with
    `duty`: in a team that has it). Superusers organise everything.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if competition_id is None:
        teams = Team.objects.filter(group__user=user)
        return (teams.filter(**{Duty(duty).value: True}) if duty else teams).exists()
    return organised_competitions(user, duty).filter(pk=competition_id).exists()


# Admin helpers --------------------------------------------------------------------------------


class Jury:
    """One category's jury: everyone who scores (chairs included), and the chairs."""

    def __init__(self) -> None:
        self.jurors: list = []
        self.chairs: list = []


def juries_of(categories) -> dict[int, Jury]:
    """The juries of a page of categories in one query; `jurors_of` would ask once per row."""
    juries = {category.pk: Jury() for category in categories}
    grants = (
        CategoryUserObjectPermission.objects.filter(
            content_object_id__in=list(juries),
            permission__content_type__app_label="competition",
            permission__codename__in=[SCORE, CHAIR],
        )
        .select_related("user", "permission")
        .order_by("user__username", "pk")
    )
    for grant in grants:
        jury = juries[grant.content_object_id]
        if grant.permission.codename == SCORE:
            jury.jurors.append(grant.user)
        else:
            jury.chairs.append(grant.user)
    return juries


def juror_profiles_for(user, profiles: QuerySet) -> QuerySet:
    """Profiles of the jurors of the user's competitions, and of people on no jury yet (a profile
    is often made before the appointment); superusers see every profile."""
    if user.is_authenticated and user.is_superuser:
        return profiles
    appointed = CategoryUserObjectPermission.objects.filter(permission__codename=SCORE)
    ours = organised(appointed, user)
    return profiles.filter(
        Q(user__in=ours.values("user_id")) | ~Q(user__in=appointed.values("user_id"))
    )


def appointed_people(organiser=None) -> QuerySet:
    """Everyone on at least one jury, for the organiser's choices: of their competitions."""
    grants = CategoryUserObjectPermission.objects.filter(permission__codename=SCORE)
    if organiser is not None:
        grants = organised(grants, organiser, Duty.RUN_JURY)
    return get_user_model().objects.filter(pk__in=grants.values("user_id")).order_by("username")
