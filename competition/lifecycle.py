"""The life cycle of an edition: one table that says which action is allowed in which phase.

Screens ask it what to offer (and, when an action is not possible, why and from when); services
ask the same question inside their transaction, so a forged POST meets the same answer as the
button that was never shown. Who may act (a juror of the category, its chair, an organiser) is
the permissions module's question; this module answers only *when*.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Edition, Phase, PreselectionRound


class Role(enum.StrEnum):
    APPLICANT = "applicant"
    JUROR = "juror"
    CHAIR = "chair"
    ORGANISER = "organiser"


class Action(enum.StrEnum):
    EDIT_ENTRY = "edit_entry"  # create, change, submit, attachments
    WITHDRAW_ENTRY = "withdraw_entry"
    FORMAL_CHECK = "formal_check"
    IMPORT_ENTRIES = "import_entries"
    APPOINT_JURY = "appoint_jury"
    RECUSE = "recuse"
    LIFT_CONFLICT = "lift_conflict"
    CHANGE_CHAIR = "change_chair"
    SCORE = "score"  # save or submit a score sheet
    REMIND_JURORS = "remind_jurors"
    RECORD_LATE_CONFLICT = "record_late_conflict"
    BREAK_TIE = "break_tie"
    CONFIRM_AWARDS = "confirm_awards"
    FREEZE = "freeze"
    CORRECT = "correct"  # freeze again with a reason, superseding the snapshot
    PUBLISH = "publish"
    ARCHIVE = "archive"
    EDIT_RULES = "edit_rules"  # criteria (scale, step, weight) and categories' award rules
    REOPEN_RULES = "reopen_rules"  # a recorded correction that lets EDIT_RULES happen again
    EDIT_EDITION = "edit_edition"
    ASSIGN = "assign"  # the rule (k jurors per entry), the proposal, moving a pair by hand
    MARK_PREFERENCES = "mark_preferences"  # a juror's "chcę oceniać" / "mogę" / "wolę nie"


P = Phase
BEFORE_SCORING = frozenset({P.DRAFT, P.CALL_OPEN, P.FORMAL_CHECK, P.SUBMISSION_CLOSED})


@dataclass(frozen=True)
class Rule:
    action: Action
    phases: frozenset[Phase]
    roles: frozenset[Role]
    label: Promise
    # Phases where the action is allowed again after an organiser's recorded correction.
    reopened: frozenset[Phase] = frozenset()


# The one table. Phases are listed in the order an edition lives through them.
RULES: dict[Action, Rule] = {
    rule.action: rule
    for rule in (
        Rule(Action.EDIT_ENTRY, frozenset({P.CALL_OPEN}), frozenset({Role.APPLICANT}),
             _("changing and submitting entries")),
        Rule(Action.WITHDRAW_ENTRY, frozenset({P.CALL_OPEN}), frozenset({Role.APPLICANT}),
             _("withdrawing an entry")),
        Rule(Action.FORMAL_CHECK, frozenset({P.FORMAL_CHECK, P.SUBMISSION_CLOSED}),
             frozenset({Role.ORGANISER}), _("the formal check")),
        Rule(Action.IMPORT_ENTRIES, frozenset({P.CALL_OPEN, P.FORMAL_CHECK}),
             frozenset({Role.ORGANISER}), _("importing entries")),
        # Until the freeze: appointing or dismissing after scoring moves no score (a dismissed
        # juror's submitted sheets stay), and a jury may need a replacement until the end.
        Rule(Action.APPOINT_JURY, BEFORE_SCORING | {P.SCORING, P.DELIBERATION},
             frozenset({Role.ORGANISER}), _("appointing the jury")),
        Rule(Action.RECUSE, frozenset({P.FORMAL_CHECK, P.SUBMISSION_CLOSED, P.SCORING}),
             frozenset({Role.JUROR, Role.CHAIR}), _("declaring a conflict of interest")),
        Rule(Action.LIFT_CONFLICT, BEFORE_SCORING | {P.SCORING}, frozenset({Role.ORGANISER}),
             _("lifting a conflict of interest")),
        Rule(Action.CHANGE_CHAIR, BEFORE_SCORING | {P.SCORING, P.DELIBERATION},
             frozenset({Role.ORGANISER}), _("changing the chair")),
        Rule(Action.SCORE, frozenset({P.SCORING}), frozenset({Role.JUROR, Role.CHAIR}),
             _("scoring entries")),
        Rule(Action.REMIND_JURORS, frozenset({P.SCORING}), frozenset({Role.CHAIR, Role.ORGANISER}),
             _("reminding jurors")),
        Rule(Action.RECORD_LATE_CONFLICT, frozenset({P.SCORING, P.DELIBERATION}),
             frozenset({Role.ORGANISER}), _("recording a conflict found later")),
        # After the freeze, decisions feed only a correction: the snapshot stays as it is until
        # an organiser freezes again with a written reason.
        Rule(Action.BREAK_TIE, frozenset({P.DELIBERATION, P.FROZEN}), frozenset({Role.CHAIR}),
             _("breaking a tie")),
        Rule(Action.CONFIRM_AWARDS, frozenset({P.DELIBERATION, P.FROZEN}),
             frozenset({Role.CHAIR, Role.ORGANISER}), _("confirming the awards")),
        Rule(Action.FREEZE, frozenset({P.DELIBERATION}), frozenset({Role.ORGANISER}),
             _("freezing the results")),
        Rule(Action.CORRECT, frozenset({P.FROZEN}), frozenset({Role.ORGANISER}),
             _("correcting frozen results")),
        Rule(Action.PUBLISH, frozenset({P.FROZEN}), frozenset({Role.ORGANISER}),
             _("publishing the results")),
        Rule(Action.ARCHIVE, frozenset({P.PUBLISHED}), frozenset({Role.ORGANISER}),
             _("archiving the edition")),
        Rule(Action.EDIT_RULES, BEFORE_SCORING, frozenset({Role.ORGANISER}),
             _("changing criteria and award rules"), reopened=frozenset({P.SCORING, P.DELIBERATION})),
        Rule(Action.REOPEN_RULES, frozenset({P.SCORING, P.DELIBERATION}),
             frozenset({Role.ORGANISER}), _("reopening criteria for a correction")),
        Rule(Action.EDIT_EDITION, BEFORE_SCORING | {P.SCORING, P.DELIBERATION},
             frozenset({Role.ORGANISER}), _("changing the edition")),
        # Until scoring closes: entries added and jurors dismissed late are assigned again;
        # sheets already started are never moved (scoring.assignment.services).
        Rule(Action.ASSIGN, BEFORE_SCORING | {P.SCORING}, frozenset({Role.ORGANISER}),
             _("assigning entries to jurors")),
        Rule(Action.MARK_PREFERENCES, frozenset({P.FORMAL_CHECK, P.SUBMISSION_CLOSED, P.SCORING}),
             frozenset({Role.JUROR, Role.CHAIR}), _("marking which entries you want to score")),
    )
}  # fmt: skip

# The date each date-driven phase starts at; the later phases start with an organiser's action.
PHASE_STARTS = {
    P.CALL_OPEN: "call_opens_at",
    P.FORMAL_CHECK: "submission_deadline",
    P.SUBMISSION_CLOSED: "formal_check_ends_at",
    P.SCORING: "scoring_opens_at",
    P.DELIBERATION: "scoring_closes_at",
}
# The order an edition lives through (the formal check comes before the gap until scoring).
ORDER = [
    P.DRAFT, P.CALL_OPEN, P.FORMAL_CHECK, P.SUBMISSION_CLOSED, P.SCORING, P.DELIBERATION,
    P.FROZEN, P.PUBLISHED, P.ARCHIVED,
]  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    """The answer for one action now: allowed, or why not and from when."""

    action: Action | RoundAction
    phase: Phase
    allowed: bool
    reason: str = ""
    opens_at: dt.datetime | None = None

    def __bool__(self) -> bool:
        return self.allowed

    def require(self) -> None:
        """Raise the reason as a ValidationError; services call it inside their transaction."""
        if not self.allowed:
            raise ValidationError(self.reason, code=f"phase_{self.action}")


def _when(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _reason(
    rule: Rule, edition: Edition, phase: Phase, at: dt.datetime
) -> tuple[str, dt.datetime | None]:
    label = rule.label
    current = Phase(phase).label
    later = [p for p in ORDER if p in rule.phases and ORDER.index(p) > ORDER.index(phase)]
    if later:
        first = later[0]
        field = PHASE_STARTS.get(first)
        opens = getattr(edition, field) if field else None
        if opens is not None and opens > at:
            return (
                _(
                    "This step (%(action)s) becomes possible on %(when)s; the edition is now "
                    "in the phase “%(phase)s”."
                )
                % {"action": label, "phase": current, "when": _when(opens)},
                opens,
            )
        return (
            _("This step (%(action)s) becomes possible in the phase “%(next)s”; the edition is "
              "now in the phase “%(phase)s”.")
            % {"action": label, "phase": current, "next": first.label},
            None,
        )  # fmt: skip
    return (
        _(
            "This step (%(action)s) is no longer possible; the edition is now in the phase "
            "“%(phase)s”."
        )
        % {"action": label, "phase": current},
        None,
    )


def verdict(action: Action, edition: Edition, *, at: dt.datetime | None = None) -> Verdict:
    at = at or timezone.now()
    phase = edition.phase_at(at)
    rule = RULES[action]
    if phase in rule.phases:
        return Verdict(action=action, phase=phase, allowed=True)
    if phase in rule.reopened and edition.rules_reopened_at is not None:
        return Verdict(action=action, phase=phase, allowed=True)
    reason, opens_at = _reason(rule, edition, phase, at)
    return Verdict(action=action, phase=phase, allowed=False, reason=str(reason), opens_at=opens_at)


def require(action: Action, edition: Edition, *, at: dt.datetime | None = None) -> None:
    """Services call this inside their transaction, after locking what they change."""
    verdict(action, edition, at=at).require()


def lock(action: Action, edition_id: int) -> Edition:
    """Lock the edition's row, then ask the policy under the lock; returns the locked edition.

    Every action that changes an edition's results or phase goes through here inside its
    transaction, so two of them (a confirmation and a freeze, a recusal and a submission) are
    serialised on one row and each sees the phase the other left.
    """
    edition = Edition.objects.select_for_update().get(pk=edition_id)
    require(action, edition)
    return edition


def allowed(action: Action, edition: Edition, *, at: dt.datetime | None = None) -> bool:
    return verdict(action, edition, at=at).allowed


def verdicts(edition: Edition, *, at: dt.datetime | None = None) -> dict[str, Verdict]:
    """Every action's verdict, keyed by name, for templates: `can.freeze`, `can.score.reason`."""
    at = at or timezone.now()
    return {action.value: verdict(action, edition, at=at) for action in Action}


# Rounds -------------------------------------------------------------------------------------
# An edition may score in two rounds: a pre-selection round (its own window, criteria and sheets)
# between the formal check and the final, which is the edition's own scoring window. The
# edition's phase is unchanged by it (the pre-selection runs while the edition is "submission
# closed"); what the round allows is asked here, beside the edition's table.


class RoundAction(enum.StrEnum):
    EDIT_ROUND = "edit_round"  # its rule, window and criteria
    SCORE_ROUND = "score_round"
    CLOSE_ROUND = "close_round"
    CONFIRM_SHORTLIST = "confirm_shortlist"


ROUND_LABELS: dict[RoundAction, Promise] = {
    RoundAction.EDIT_ROUND: _("changing the pre-selection round"),
    RoundAction.SCORE_ROUND: _("scoring in the pre-selection round"),
    RoundAction.CLOSE_ROUND: _("closing the pre-selection round"),
    RoundAction.CONFIRM_SHORTLIST: _("confirming the shortlist"),
}


def preselection_of(edition: Edition) -> PreselectionRound | None:
    """The edition's pre-selection round or None; free when loaded with
    `select_related("preselection")` (a missing row is remembered by the instance too)."""
    try:
        return edition.preselection
    except PreselectionRound.DoesNotExist:
        return None


def stage(edition: Edition, *, at: dt.datetime | None = None) -> PreselectionRound | None:
    """The round jurors work in now: the pre-selection until it is closed, then the final
    (None). An edition without a pre-selection is always in its final."""
    return open_round(preselection_of(edition), at=at)


def open_round(
    round: PreselectionRound | None, *, at: dt.datetime | None = None
) -> PreselectionRound | None:
    """`stage` for an edition whose pre-selection (or None) the caller loaded already."""
    at = at or timezone.now()
    if round is None or round.is_closed_at(at):
        return None
    return round


def round_verdict(
    action: RoundAction, round: PreselectionRound, *, at: dt.datetime | None = None
) -> Verdict:
    at = at or timezone.now()
    edition = round.edition
    phase = edition.phase_at(at)
    closed = round.is_closed_at(at)
    label = ROUND_LABELS[action]
    if action == RoundAction.EDIT_ROUND:
        allowed, opens = at < round.opens_at and phase in BEFORE_SCORING, None
    elif action == RoundAction.SCORE_ROUND:
        allowed, opens = round.opens_at <= at and not closed, round.opens_at
    elif action == RoundAction.CLOSE_ROUND:
        allowed, opens = round.opens_at <= at and round.closed_at is None, round.opens_at
    else:  # CONFIRM_SHORTLIST: after the round closes, until the final's scoring closes
        allowed, opens = closed and phase in BEFORE_SCORING | {P.SCORING}, None
        if not closed:
            return Verdict(
                action=action,
                phase=phase,
                allowed=False,
                reason=str(
                    _("This step (%(action)s) becomes possible when the pre-selection closes.")
                    % {"action": label}
                ),
            )
    if allowed:
        return Verdict(action=action, phase=phase, allowed=True)
    if opens is not None and at < opens:
        reason = _("This step (%(action)s) becomes possible on %(when)s.") % {
            "action": label,
            "when": _when(opens),
        }
        return Verdict(
            action=action, phase=phase, allowed=False, reason=str(reason), opens_at=opens
        )
    reason = _("This step (%(action)s) is no longer possible: the pre-selection round is closed.")
    if action == RoundAction.CONFIRM_SHORTLIST or action == RoundAction.EDIT_ROUND:
        reason = _(
            "This step (%(action)s) is no longer possible; the edition is now in the phase “%(phase)s”."
        )
    return Verdict(
        action=action,
        phase=phase,
        allowed=False,
        reason=str(reason % {"action": label, "phase": Phase(phase).label}),
    )


def score_verdict(edition: Edition, *, at: dt.datetime | None = None) -> Verdict:
    """May jurors score now, in the round they work in (`stage`)."""
    round = stage(edition, at=at)
    if round is not None:
        return round_verdict(RoundAction.SCORE_ROUND, round, at=at)
    return verdict(Action.SCORE, edition, at=at)


def round_verdicts(
    round: PreselectionRound, *, at: dt.datetime | None = None
) -> dict[str, Verdict]:
    at = at or timezone.now()
    return {action.value: round_verdict(action, round, at=at) for action in RoundAction}


# The organiser's next step per phase, for the dashboard: (action, label).
NEXT_STEP: dict[Phase, tuple[Action | None, Promise]] = {
    P.DRAFT: (Action.EDIT_EDITION, _("Prepare categories and criteria")),
    P.CALL_OPEN: (Action.APPOINT_JURY, _("Appoint the jury")),
    P.FORMAL_CHECK: (Action.FORMAL_CHECK, _("Formal check")),
    P.SUBMISSION_CLOSED: (Action.FORMAL_CHECK, _("Formal check")),
    P.SCORING: (Action.REMIND_JURORS, _("Remind jurors")),
    P.DELIBERATION: (Action.FREEZE, _("Results and freezing")),
    P.FROZEN: (Action.PUBLISH, _("Create the announcement")),
    P.PUBLISHED: (Action.ARCHIVE, _("Archive the edition")),
    P.ARCHIVED: (None, _("Nothing left to do")),
}


def round_next_step(
    edition: Edition, *, at: dt.datetime | None = None
) -> tuple[RoundAction, Promise] | None:
    """The organiser's next step while a pre-selection runs, before the final opens: close it,
    then have the chairs confirm the shortlists. None when the edition's own step stands."""
    at = at or timezone.now()
    round = preselection_of(edition)
    if round is None or edition.phase_at(at) not in BEFORE_SCORING:
        return None
    if round_verdict(RoundAction.CLOSE_ROUND, round, at=at):
        return RoundAction.CLOSE_ROUND, _("Close the pre-selection")
    if round_verdict(RoundAction.CONFIRM_SHORTLIST, round, at=at):
        return RoundAction.CONFIRM_SHORTLIST, _("Shortlists for the final")
    return None
