"""Business actions on competitions and the people who run them."""

from __future__ import annotations

import logging

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from . import lifecycle
from .lifecycle import Action
from .models import Duty, Edition, Team

logger = logging.getLogger("judging.competition")

# The model permissions a team's group holds. Which competitions they reach is the team's
# business (scoring.permissions.organised): these only say what kind of thing a member may do.
# Every member may look at the team's competitions, their entries, jury and results.
_VIEW_PERMISSIONS = {
    "competition": (
        "view_competition",
        "view_edition",
        "view_category",
        "view_criterion",
        "view_preselectionround",
        "view_prize",
        "view_award",
        "view_institution",
    ),
    "entries": ("view_entry", "view_attachment", "view_question", "view_answer"),
    "scoring": (
        "view_categoryuserobjectpermission",
        "view_jurorprofile",
        "view_recusal",
        "view_scoresheetaudit",
        "view_assignmentaudit",
    ),
    "wagtailadmin": ("access_admin",),
}
# Competitions themselves are made by a superuser, who gives them to teams; a team changes its own.
_DUTY_PERMISSIONS = {
    Duty.SET_UP: {
        # Each edition's entry form questions (deleted only until the first submission).
        "entries": ("add_question", "change_question", "delete_question"),
        "competition": (
            "change_competition",
            *(
                f"{action}_{model}"
                for model in (
                    "edition",
                    "category",
                    "criterion",
                    "preselectionround",
                    "prize",
                    "award",
                )
                for action in ("add", "change", "delete")
            ),
        ),
    },
    # Entries are never added or deleted in the admin (applicants submit them, paper ones come
    # through the import); institutions and applicants are decided with the formal check.
    Duty.FORMAL_CHECK: {
        "entries": ("change_entry", "view_membership", "change_membership"),
        "competition": ("add_institution", "change_institution", "delete_institution"),
    },
    # Appointing and dismissing jurors, juror profiles, lifting conflicts (never adding them).
    Duty.RUN_JURY: {
        "scoring": (
            "add_categoryuserobjectpermission",
            "change_categoryuserobjectpermission",
            "delete_categoryuserobjectpermission",
            "add_jurorprofile",
            "change_jurorprofile",
            "change_recusal",
        ),
    },
}

# Sent after a team is saved: the site package grants the Wagtail page permissions on the team's
# competition pages (cms.wagtail_hooks), which this app does not know of.
team_saved = Signal()


def team_permissions(team: Team) -> QuerySet[Permission]:
    grants: dict[str, set[str]] = {app: set(names) for app, names in _VIEW_PERMISSIONS.items()}
    for duty, apps in _DUTY_PERMISSIONS.items():
        if team.has_duty(duty):
            for app, names in apps.items():
                grants.setdefault(app, set()).update(names)
    query = Q()
    for app, names in grants.items():
        query |= Q(content_type__app_label=app, codename__in=names)
    return Permission.objects.filter(query)


def _team_record(team: Team) -> dict:
    return {
        "members": sorted(team.group.user_set.values_list("username", flat=True)),
        "competitions": sorted(team.competitions.values_list("name", flat=True)),
        "duties": [duty.value for duty in Duty if team.has_duty(duty)],
    }


@transaction.atomic
def save_team(*, team: Team, members, competitions, by) -> Team:
    """Create or change a team: its members, competitions and the permissions its duties give.

    The change goes into the admin's history with what it added and removed.
    """
    name = team.name.strip()
    clashing = Group.objects.filter(name=name)
    if team.pk:
        clashing = clashing.exclude(team=team)
    if clashing.exists():
        raise ValidationError(
            {"name": _("A group of users with this name already exists; choose another name.")},
            code="name_taken",
        )
    before = None
    if team.pk is None:
        team.group = Group.objects.create(name=name)
    else:
        before = _team_record(Team.objects.select_related("group").get(pk=team.pk))
        if team.group.name != name:
            team.group.name = name
            team.group.save(update_fields=["name"])
    team.name = name
    team.save()
    team.competitions.set(competitions)
    team.group.user_set.set(members)
    team.group.permissions.set(team_permissions(team))
    team_saved.send(sender=Team, team=team)
    after = _team_record(team)
    changes = {
        key: {
            "added": sorted(set(after[key]) - set(before[key] if before else [])),
            "removed": sorted(set(before[key]) - set(after[key])) if before else [],
        }
        for key in after
    }
    log(instance=team, action="competition.team_changed", user=by, data=changes)
    logger.info("team saved", extra={"team_id": team.pk, "by": getattr(by, "pk", None)})
    return team


@transaction.atomic
def delete_team(*, team: Team, by) -> None:
    """The team goes with its group: its former members keep no permission it gave them."""
    group = team.group
    log(
        instance=team,
        action="wagtail.delete",
        user=by,
        deleted=True,
        data={"members": sorted(group.user_set.values_list("username", flat=True))},
    )
    team.delete()
    group.delete()  # GroupPagePermission rows go with it (CASCADE)
    logger.info("team deleted", extra={"team_id": team.pk, "by": getattr(by, "pk", None)})


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
