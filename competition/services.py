"""Business actions on competitions and the people who run them."""

from __future__ import annotations

import logging

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from . import lifecycle
from .lifecycle import Action
from .models import Edition

logger = logging.getLogger("judging.competition")

ORGANISERS_GROUP = "Organisers"
_ORGANISER_MODELS = (
    "competition",
    "edition",
    "category",
    "criterion",
    "institution",
    "prize",
    "award",
)
# Organisers read and formally check entries and decide on applicants; entries are never added
# or deleted in the admin (applicants submit them, paper ones come through the import). They
# write each edition's entry form questions (deleting only until the first submission).
_ORGANISER_ENTRIES_PERMISSIONS = (
    "view_entry",
    "change_entry",
    "view_membership",
    "change_membership",
    "view_attachment",
    "view_question",
    "add_question",
    "change_question",
    "delete_question",
    "view_answer",
)
# Organisers run the jury: they appoint and dismiss jurors, keep juror profiles, lift conflicts of
# interest (never add or delete them) and read the score sheets' audit log.
_ORGANISER_SCORING_PERMISSIONS = (
    "view_categoryuserobjectpermission",
    "add_categoryuserobjectpermission",
    "change_categoryuserobjectpermission",
    "delete_categoryuserobjectpermission",
    "view_jurorprofile",
    "add_jurorprofile",
    "change_jurorprofile",
    "view_recusal",
    "change_recusal",
    "view_scoresheetaudit",
)


@transaction.atomic
def ensure_organiser_group() -> Group:
    """The group whose members run competitions in the Wagtail admin."""
    group, _created = Group.objects.get_or_create(name=ORGANISERS_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label="competition", content_type__model__in=_ORGANISER_MODELS
    )
    permissions |= Permission.objects.filter(
        content_type__app_label="entries", codename__in=_ORGANISER_ENTRIES_PERMISSIONS
    )
    permissions |= Permission.objects.filter(
        content_type__app_label="scoring", codename__in=_ORGANISER_SCORING_PERMISSIONS
    )
    permissions |= Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    group.permissions.add(*permissions)
    return group


# The organiser's phase actions -----------------------------------------------------------------
# Freezing makes the snapshot, so it lives with the results (scoring.results.freeze_results);
# publishing and archiving only move the edition on, once the life cycle allows it.


@transaction.atomic
def publish_results(*, edition: Edition, by) -> Edition:
    """The laureate announcement went live: the edition's results are public from now on."""
    if Edition.objects.filter(pk=edition.pk, published_at__isnull=False).exists():
        return edition
    edition = lifecycle.lock(Action.PUBLISH, edition.pk)
    edition.published_at = timezone.now()
    edition.save(update_fields=["published_at"])
    logger.info(
        "results published", extra={"edition_id": edition.pk, "by": getattr(by, "pk", None)}
    )
    return edition


@transaction.atomic
def archive_edition(*, edition: Edition, by) -> Edition:
    edition = lifecycle.lock(Action.ARCHIVE, edition.pk)
    edition.archived_at = timezone.now()
    edition.save(update_fields=["archived_at"])
    logger.info("edition archived", extra={"edition_id": edition.pk, "by": by.pk})
    return edition


@transaction.atomic
def reopen_rules(*, edition: Edition, by, reason: str) -> Edition:
    """The documented correction: criteria and award rules may change again until the freeze.

    Every confirmation made on the old rules goes stale if the ranking moves, so the freeze
    refuses until the categories are confirmed again.
    """
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError(
            {"reason": _("Write why the criteria are reopened (at least 10 characters).")}
        )
    edition = lifecycle.lock(Action.REOPEN_RULES, edition.pk)
    edition.rules_reopened_at = timezone.now()
    edition.save(update_fields=["rules_reopened_at"])
    log(instance=edition, action="competition.rules_reopened", user=by, data={"reason": reason})
    return edition
