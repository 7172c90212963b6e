"""Jury actions: appointments, recusals, score sheets. The server enforces every rule here."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from competition import lifecycle
from competition.lifecycle import Action
from competition.mail import render_email
from competition.models import Category, Criterion, Duty
from competition.tasks import send_email_task
from entries.models import Entry, EntryStatus

from . import conflicts, permissions
from .assignment.queries import may_open
from .models import (
    Recusal,
    RecusalKind,
    ReminderMailing,
    Score,
    ScoreSheet,
    ScoreSheetAudit,
    SheetStatus,
)
from .queries import juror_progress

logger = logging.getLogger("judging.scoring")


class StaleSheet(ValidationError):
    """The sheet changed since the form was loaded (another tab or device)."""


def _stale() -> StaleSheet:
    return StaleSheet(
        _(
            "This score sheet was changed elsewhere (another tab or device). "
            "The newest values are shown; check them and save again."
        ),
        code="stale",
    )


# Appointments ---------------------------------------------------------------------------------


@transaction.atomic
def appoint(*, category: Category, user, chair: bool = False) -> list:
    """Appoint `user`; as chair, the former chairs stay jurors and are returned."""
    lifecycle.lock(Action.APPOINT_JURY, category.edition_id)
    demoted = permissions.appoint_juror(category=category, user=user, chair=chair)
    conflicts.apply_for(juror=user, category=category)
    return demoted


@transaction.atomic
def invite_juror(*, category: Category, email: str, chair: bool = False):
    """Appoint an existing user, or create one and e-mail a link to set a password."""
    User = get_user_model()
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(username=email[:150], email=email)
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # A parallel invitation of the same address created the account first.
            user, created = User.objects.get(email__iexact=email), False
    appoint(category=category, user=user, chair=chair)
    if created:
        path = reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
        context = {"category": category, "link": f"{settings.WAGTAILADMIN_BASE_URL}{path}"}
        # Rendered now, inside the appointment's transaction (a bad name fails it whole);
        # sent by a task once it commits.
        subject, body = render_email("scoring/email/invitation", context)
        transaction.on_commit(lambda: send_email_task.enqueue(subject, body, [email]))
    return user


def confirm_email_from_reset_link(*, user) -> None:
    """A password set through a link mailed to the account's address proves the address.

    Invited jurors get such a link instead of a confirmation e-mail; without this they would be
    asked to confirm the same address again at their first login.
    """
    if not user.email:
        return
    address, _created = EmailAddress.objects.get_or_create(
        user=user,
        email__iexact=user.email,
        defaults={"email": user.email, "primary": True, "verified": True},
    )
    if not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


@transaction.atomic
def dismiss(*, category: Category, user) -> None:
    lifecycle.lock(Action.APPOINT_JURY, category.edition_id)
    permissions.revoke_juror(category=category, user=user)


# Recusals -------------------------------------------------------------------------------------


def _require_scoring_open(entry: Entry) -> None:
    lifecycle.score_verdict(entry.edition).require()


def active_recusal(*, juror, entry: Entry) -> Recusal | None:
    return Recusal.objects.filter(juror=juror, entry=entry, lifted_at__isnull=True).first()


@transaction.atomic
def declare_recusal(*, juror, entry: Entry, reason: str) -> Recusal:
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ValidationError({"reason": _("Give a short reason for the conflict of interest.")})
    if not permissions.can_score(juror, entry.category):
        raise ValidationError(_("You are not on the jury of this category."), code="not_juror")
    # The sheet row is locked so a submission racing this declaration is seen or waits.
    entry = Entry.objects.select_for_update().select_related("edition").get(pk=entry.pk)
    lifecycle.require(Action.RECUSE, entry.edition)
    sheets = ScoreSheet.objects.filter(juror=juror, entry=entry, status=SheetStatus.SUBMITTED)
    if sheets.filter(round=lifecycle.stage(entry.edition)).exists():
        raise ValidationError(
            _(
                "You have already submitted a score sheet for this entry. A conflict found now "
                "is recorded by the organisers: write to them."
            ),
            code="sheet_submitted",
        )
    recusal, created = Recusal.objects.get_or_create(
        juror=juror, entry=entry, defaults={"kind": RecusalKind.DECLARED, "reason": reason}
    )
    if not created and recusal.lifted_at is not None:
        recusal.kind, recusal.reason = RecusalKind.DECLARED, reason
        recusal.lifted_at, recusal.lifted_by, recusal.lift_justification = None, None, ""
        recusal.save()
    return recusal


@transaction.atomic
def record_late_conflict(*, juror, entry: Entry, by, reason: str) -> Recusal:
    """A conflict found after the juror scored: the organiser's decision, with a reason.

    The juror's sheet leaves the ranking, so a confirmation made before no longer matches it
    and the category's awards must be confirmed again before the freeze.
    """
    if not permissions.is_organiser(by, entry.edition.competition_id, Duty.RUN_JURY):
        raise ValidationError(_("Only an organiser records a late conflict."), code="forbidden")
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError(
            {"reason": _("Write why the conflict is recorded (at least 10 characters).")}
        )
    lifecycle.lock(Action.RECORD_LATE_CONFLICT, entry.edition_id)
    recusal, _created = Recusal.objects.update_or_create(
        juror=juror,
        entry=entry,
        defaults={
            "kind": RecusalKind.ORGANISER,
            "reason": f"{reason} ({by.get_username()})"[:300],
            "lifted_at": None,
            "lifted_by": None,
            "lift_justification": "",
        },
    )
    return recusal


@transaction.atomic
def lift_recusal(*, recusal: Recusal, by, justification: str) -> Recusal:
    justification = (justification or "").strip()
    if len(justification) < 10:
        raise ValidationError(
            {"justification": _("Lifting a conflict needs a written justification.")}
        )
    recusal = (
        Recusal.objects.select_for_update().select_related("entry__edition").get(pk=recusal.pk)
    )
    lifecycle.require(Action.LIFT_CONFLICT, recusal.entry.edition)
    recusal.lifted_at = timezone.now()
    recusal.lifted_by = by
    recusal.lift_justification = justification
    recusal.save()
    return recusal


# Score sheets ---------------------------------------------------------------------------------


def criteria_for(entry: Entry, round=None):
    """The entry's criteria in the round (None: the final, or the only round)."""
    return Criterion.objects.filter(
        Q(category__isnull=True) | Q(category_id=entry.category_id),
        edition_id=entry.edition_id,
        round=round,
    ).order_by("order", "pk")


def weighted_total(criteria, sheet: ScoreSheet | None) -> dict[str, Decimal]:
    """The juror total Σ w·s of the sheet's scores so far, and the most it can reach."""
    values = {s.criterion_id: s.value for s in sheet.scores.all()} if sheet else {}
    total = sum((c.weight * values[c.pk] for c in criteria if c.pk in values), Decimal(0))
    most = sum((c.weight * c.scale_max for c in criteria), Decimal(0))
    # Two decimals without trailing zeros (20.5, 30), as the page's script writes it.
    return {
        key: Decimal(Criterion.plain(number.quantize(Decimal("0.01"))))
        for key, number in (("value", total), ("max", most))
    }


def _parse_scores(
    entry: Entry, raw: Mapping[str, object], *, complete: bool, round=None
) -> dict[int, Decimal]:
    criteria = {c.pk: c for c in criteria_for(entry, round)}
    errors: dict[str, list[str]] = {}
    values: dict[int, Decimal] = {}
    for key, value in raw.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            pk = None
        if pk not in criteria:
            errors.setdefault("__all__", []).append(_("Unknown criterion: %(key)s.") % {"key": key})
            continue
        criterion = criteria[pk]
        if value in (None, ""):
            continue
        try:
            number = Decimal(str(value).replace(",", "."))
        except InvalidOperation:
            errors[f"score_{pk}"] = [_("Enter a number.")]
            continue
        if not number.is_finite() or not criterion.accepts(number):
            errors[f"score_{pk}"] = [
                _("Enter a value from %(min)s to %(max)s in steps of %(step)s.")
                % criterion.scale_display
            ]
            continue
        values[pk] = number
    if complete:
        for pk in criteria:
            if pk not in values and f"score_{pk}" not in errors:
                errors[f"score_{pk}"] = [_("Score every criterion before submitting.")]
    if errors:
        raise ValidationError(errors, code="invalid_scores")
    return values


COMMENT_MAX_LENGTH = Score._meta.get_field("comment").max_length


def _parse_comments(
    entry: Entry,
    raw: Mapping[str, object],
    values: dict[int, Decimal] | None,
    *,
    complete: bool,
    round=None,
) -> dict[int, str]:
    """The comments beside the scores; where a criterion asks for one, required to submit.

    A comment lives on its score, so one without a score is refused rather than dropped
    (`values` None: the scores themselves were refused, so that check waits).
    """
    criteria = {c.pk: c for c in criteria_for(entry, round)}
    errors: dict[str, list[str]] = {}
    comments: dict[int, str] = {}
    for key, value in raw.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            pk = None
        if pk not in criteria:
            errors.setdefault("__all__", []).append(_("Unknown criterion: %(key)s.") % {"key": key})
            continue
        text = str(value or "").strip()
        if not text:
            continue
        if len(text) > COMMENT_MAX_LENGTH:
            errors[f"comment_{pk}"] = [
                _("Write at most %(n)d characters.") % {"n": COMMENT_MAX_LENGTH}
            ]
        elif values is not None and pk not in values:
            errors[f"comment_{pk}"] = [_("Give a score for this criterion to keep its comment.")]
        else:
            comments[pk] = text
    if complete:
        for pk, criterion in criteria.items():
            if criterion.comment_required and pk not in comments and f"comment_{pk}" not in errors:
                errors[f"comment_{pk}"] = [_("Comment on this criterion before submitting.")]
    if errors:
        raise ValidationError(errors, code="invalid_comments")
    return comments


def _snapshot(sheet: ScoreSheet | None) -> dict:
    if sheet is None or sheet.pk is None:
        return {}
    scores = list(sheet.scores.all())
    snapshot = {
        "status": sheet.status,
        "justification": sheet.justification,
        "scores": {str(s.criterion_id): str(s.value) for s in scores},
    }
    # Only where a juror commented: the log of editions without comments stays as it was.
    comments = {str(s.criterion_id): s.comment for s in scores if s.comment}
    if comments:
        snapshot["comments"] = comments
    return snapshot


@transaction.atomic
def save_score_sheet(
    *,
    juror,
    entry: Entry,
    scores: Mapping[str, object],
    justification: str,
    version: int,
    submit: bool,
    comments: Mapping[str, object] | None = None,
) -> ScoreSheet:
    """Save a draft or submit; a save based on an older `version` is refused, never merged.

    The sheet is the juror's in the round jurors work in now (`lifecycle.stage`): in the
    pre-selection its sheet, then a fresh one in the final.

    `comments` are the per-criterion comments by criterion id, as `scores`; None keeps the
    stored ones (a caller that does not show them does not wipe them).
    """
    # Locking the entry orders this save after a recusal declared at the same moment.
    entry = (
        Entry.objects.select_for_update(of=("self",))
        .select_related("edition__preselection", "category")
        .get(pk=entry.pk)
    )
    round = lifecycle.stage(entry.edition)
    if not permissions.can_score(juror, entry.category):
        raise ValidationError(_("You are not on the jury of this category."), code="not_juror")
    if entry.status != EntryStatus.ELIGIBLE:
        raise ValidationError(_("Only eligible entries are scored."), code="not_eligible")
    if active_recusal(juror=juror, entry=entry):
        raise ValidationError(
            _("You declared a conflict of interest with this entry."), code="recused"
        )
    if not may_open(juror, entry):
        raise ValidationError(_("This entry is not assigned to you."), code="not_assigned")
    _require_scoring_open(entry)
    if comments is None:
        comments = dict(
            Score.objects.filter(sheet__juror=juror, sheet__entry=entry, sheet__round=round)
            .exclude(comment="")
            .values_list("criterion_id", "comment")
        )
    # Scores and comments are checked together: a juror fixes every criterion in one go.
    errors: dict[str, list] = {}
    try:
        values = _parse_scores(entry, scores, complete=submit, round=round)
    except ValidationError as error:
        values, errors = None, dict(error.error_dict)
    try:
        notes = _parse_comments(entry, comments, values, complete=submit, round=round)
    except ValidationError as error:
        for field, found in error.error_dict.items():
            errors[field] = [*errors.get(field, []), *found]
    if errors:
        raise ValidationError(errors, code="invalid_scores")
    justification = (justification or "").strip()
    minimum = entry.edition.min_justification_length
    if submit and len(justification) < minimum:
        raise ValidationError(
            {
                "justification": ngettext(
                    "Write a justification of at least %(n)d character.",
                    "Write a justification of at least %(n)d characters.",
                    minimum,
                )
                % {"n": minimum}
            },
            code="justification",
        )

    sheet = ScoreSheet.objects.filter(juror=juror, entry=entry, round=round).first()
    if sheet is not None and sheet.status == SheetStatus.SUBMITTED and not submit:
        raise ValidationError(
            _("This sheet is already submitted; change the scores and submit it again."),
            code="submitted",
        )
    before = _snapshot(sheet)
    current = sheet.version if sheet else 0
    if version != current:
        raise _stale()
    status = SheetStatus.SUBMITTED if submit else SheetStatus.DRAFT
    now = timezone.now()
    if sheet is None:
        try:
            with transaction.atomic():
                sheet = ScoreSheet.objects.create(
                    juror=juror,
                    entry=entry,
                    round=round,
                    status=status,
                    justification=justification,
                    version=1,
                    submitted_at=now if submit else None,
                )
        except IntegrityError:
            raise _stale() from None
    else:
        updated = ScoreSheet.objects.filter(pk=sheet.pk, version=version).update(
            status=status,
            justification=justification,
            version=version + 1,
            updated_at=now,
            submitted_at=now if submit else sheet.submitted_at,
        )
        if updated != 1:
            raise _stale()
        sheet.refresh_from_db()
    sheet.scores.exclude(criterion_id__in=values).delete()
    for criterion_id, value in values.items():
        Score.objects.update_or_create(
            sheet=sheet,
            criterion_id=criterion_id,
            defaults={"value": value, "comment": notes.get(criterion_id, "")},
        )
    ScoreSheetAudit.objects.create(
        sheet=sheet,
        by=juror,
        action="submit" if submit else "save",
        old_values=before,
        new_values=_snapshot(sheet),
    )
    return sheet


# Reminders ------------------------------------------------------------------------------------


def jurors_missing_sheets(category: Category) -> list:
    """Jurors with at least one eligible, non-recused entry they have not submitted."""
    jurors = list(permissions.jurors_of(category))
    progress = juror_progress(category, jurors)
    return [juror for juror in jurors if progress[juror.pk].missing > 0]


def request_reminders(*, category: Category, by) -> ReminderMailing:
    """Record a reminder mailing for the worker to send (`scoring.tasks.send_reminders_task`)."""
    mailing = ReminderMailing.objects.create(category=category, requested_by=by)
    logger.info(
        "reminders requested",
        extra={"mailing_id": mailing.pk, "category_id": category.pk, "by": by.pk},
    )
    return mailing


def due_reminders(*, now: dt.datetime | None = None) -> list[ReminderMailing]:
    """The scheduled reminders: one mailing a day per category while its scoring closes soon.

    Run each morning (deploy/systemd/judging-reminders.timer). A category gets a mailing when its
    edition is in scoring, scoring closes within REMINDER_DAYS_BEFORE_CLOSE days, some juror has
    a sheet missing, and no mailing (by hand or scheduled) went out for it since midnight in
    Warsaw. The worker sends them (`send_reminders_task`).
    """
    now = now or timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    soon = now + dt.timedelta(days=settings.REMINDER_DAYS_BEFORE_CLOSE)
    categories = Category.objects.filter(
        edition__scoring_opens_at__lte=now,
        edition__scoring_closes_at__gt=now,
        edition__scoring_closes_at__lte=soon,
    ).select_related("edition")
    sent_today = set(
        ReminderMailing.objects.filter(requested_at__gte=midnight).values_list(
            "category_id", flat=True
        )
    )
    mailings = []
    for category in categories:
        if category.pk in sent_today or not lifecycle.allowed(
            Action.REMIND_JURORS, category.edition, at=now
        ):
            continue
        if jurors_missing_sheets(category):
            mailings.append(ReminderMailing.objects.create(category=category, requested_by=None))
    logger.info("scheduled reminders", extra={"mailings": len(mailings)})
    return mailings


def send_reminders(*, mailing: ReminderMailing) -> int:
    """Send the mailing one juror at a time, each message counted, so its page shows progress."""
    category = mailing.category

    def work() -> dict:
        jurors = [juror for juror in jurors_missing_sheets(category) if juror.email]
        mailing.mark(recipients=len(jurors))
        for sent, juror in enumerate(jurors, start=1):
            context = {
                "category": category,
                "juror": juror,
                "site_url": settings.WAGTAILADMIN_BASE_URL,
            }
            subject, body = render_email("scoring/email/reminder", context)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [juror.email])
            mailing.mark(sent=sent, progress=sent * 100 // len(jurors))
        return {}

    mailing.run(work)
    return mailing.sent


# Admin helpers --------------------------------------------------------------------------------


@transaction.atomic
def appoint_chair(*, category: Category, user) -> list:
    """One chair per category: the new chair replaces the others, who stay on the jury."""
    lifecycle.lock(Action.CHANGE_CHAIR, category.edition_id)
    if permissions.can_score(user, category):
        return permissions.make_chair(category=category, user=user)
    return appoint(category=category, user=user, chair=True)
