"""Every django-guardian call of the project lives here.

Jurors and chairs hold object permissions on a Category. A request builds one
ObjectPermissionChecker, prefetches the categories once, and asks it per row.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm, get_objects_for_user, get_users_with_perms, remove_perm

from competition.models import Category

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


def is_organiser(user) -> bool:
    """Organisers run editions in the admin; they see every category's results."""
    return user.is_authenticated and user.has_perm("competition.change_edition")


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


def appointed_people() -> QuerySet:
    """Everyone on at least one jury, for the organiser's choices."""
    return (
        get_user_model()
        .objects.filter(
            pk__in=CategoryUserObjectPermission.objects.filter(permission__codename=SCORE).values(
                "user_id"
            )
        )
        .order_by("username")
    )
