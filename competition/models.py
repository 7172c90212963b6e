"""Competitions, their yearly editions, categories, criteria and the institutions that enter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from .contrast import validate_accent_colour
from .fields import (
    EntryFieldsField,
    InstitutionKindsField,
    LimitedTextField,
    all_kinds,
    default_required_entry_fields,
    validate_single_line,
)
from .teryt import (
    LOCAL_GOVERNMENT_KINDS,
    VOIVODESHIP_CHOICES,
    VOIVODESHIPS,
    InstitutionKind,
    validate_terc,
    voivodeship_of,
)

_ROMAN = [
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
]  # fmt: skip


def to_roman(number: int) -> str:
    """Editions are numbered in Roman numerals ("VI edycja"); beyond 3999 there are none."""
    if not 0 < number < 4000:
        return str(number)  # never "M" × a huge number: that was a MemoryError (issue 18)
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def rules_locked_errors(instance: models.Model, edition: Edition, fields: tuple[str, ...]):
    """Refuse changes to the inputs of a ranking once scoring has opened.

    Criteria (scale, step, weight, tie-break order) and categories' award rules feed the ranking;
    changing them under scored sheets would rewrite results the jury already produced.
    """
    from .lifecycle import Action, verdict

    allowed = verdict(Action.EDIT_RULES, edition)
    if allowed:
        return None
    if instance.pk is None:
        changed = True
    else:
        stored = type(instance).objects.filter(pk=instance.pk).values(*fields).first() or {}
        changed = any(stored.get(name) != getattr(instance, name) for name in fields)
    if not changed:
        return None
    return ValidationError(allowed.reason, code="rules_locked")


class Competition(ClusterableModel):
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    code = models.CharField(
        _("short code"),
        max_length=10,
        default="KON",
        help_text=_("Starts the entry numbers, e.g. SLC gives SLC-2024-007."),
    )
    organiser_name = models.CharField(
        _("organiser"), max_length=200, validators=[validate_single_line]
    )
    description = LimitedTextField(_("description"), blank=True, max_length=5000)
    # Branding: the competition's pages show these (cms/branding.py).
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
        help_text=_("Shown in the header of the competition's pages, beside the site's name."),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        blank=True,
        validators=[validate_accent_colour],
        help_text=_(
            "Links, buttons and the header's stripe on the competition's pages, e.g. #0b4f8a. "
            "It must keep a contrast of 4.5:1 with white (WCAG 2.1 AA)."
        ),
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hero image"),
        help_text=_("A wide picture at the top of the competition's page (about 16:5)."),
    )
    hero_alt_text = models.CharField(
        _("hero image's alternative text"),
        max_length=250,
        blank=True,
        help_text=_("What the picture shows, for people who cannot see it."),
    )

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.hero_image_id and not self.hero_alt_text.strip():
            raise ValidationError(
                {"hero_alt_text": _("Describe the hero image for people who cannot see it.")},
                code="hero_alt_missing",
            )


class PartnerLogo(Orderable):
    """A partner's or patron's logo in the footer of the competition's pages."""

    competition = ParentalKey(Competition, on_delete=models.CASCADE, related_name="partner_logos")
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+", verbose_name=_("logo")
    )
    name = models.CharField(
        _("partner's name"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("Read out instead of the logo, so it is its alternative text."),
    )
    url = models.URLField(_("partner's website"), blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("partner's logo")
        verbose_name_plural = _("partners' logos")

    def __str__(self) -> str:
        return self.name


class Duty(models.TextChoices):
    """What a team may do for its competitions; viewing them comes with membership.

    Each value is also the name of the team's flag for it.
    """

    SET_UP = "set_up", _("set up editions")
    FORMAL_CHECK = "formal_check", _("formal check")
    RUN_JURY = "run_jury", _("run the jury")
    RESULTS = "results", _("see results and freeze")
    PUBLISH = "publish", _("publish pages")


class Team(models.Model):
    """The people who run some competitions of the site ("zespół organizatora").

    Members are the users of `group`: Wagtail's page permissions and Django's model permissions
    are granted to groups, so the team keeps one and derives its permissions from the duties
    (competition.services.save_team). Which competitions a member sees comes from the teams.
    """

    name = models.CharField(
        _("name"), max_length=150, unique=True, validators=[validate_single_line]
    )
    group = models.OneToOneField(
        "auth.Group",
        on_delete=models.PROTECT,
        related_name="team",
        verbose_name=_("group of users"),
        editable=False,
    )
    competitions = models.ManyToManyField(
        Competition, related_name="teams", blank=True, verbose_name=_("competitions")
    )
    # One flag per Duty, named after its value, so a query asks `teams__<duty>=True`.
    set_up = models.BooleanField(Duty.SET_UP.label, default=True)
    formal_check = models.BooleanField(Duty.FORMAL_CHECK.label, default=True)
    run_jury = models.BooleanField(Duty.RUN_JURY.label, default=True)
    results = models.BooleanField(Duty.RESULTS.label, default=True)
    publish = models.BooleanField(
        Duty.PUBLISH.label,
        default=True,
        help_text=_("Drafts of the competition's pages; Wagtail's moderators approve them."),
    )
    # The team's own image and document collection (cms.services.grant_team_collection): its
    # members upload and choose there, and see no other team's files.
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team",
        verbose_name=_("collection of images and documents"),
        editable=False,
    )

    class Meta:
        verbose_name = _("organiser team")
        verbose_name_plural = _("organiser teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def has_duty(self, duty: str) -> bool:
        return bool(getattr(self, Duty(duty).value))


class AggregationMethod(models.TextChoices):
    MEAN = "mean", _("mean of juror totals")
    MEDIAN = "median", _("median of juror totals")
    TRIMMED = "trimmed", _("trimmed mean (without the highest and lowest, from 5 jurors)")
    ZSCORE = "zscore", _("standardised per juror (z-score)")
    BORDA = "borda", _("mean normalised rank (Borda)")


# The methods a pre-selection's weight combines with: adding the same number to every juror's
# total of an entry adds it to their mean, median and trimmed mean, so the pre-selection rides
# into the final's computation as one more criterion (scoring.aggregation.rounds). z-score and
# Borda rescale or rank each juror's totals, which such a number does not pass through.
WEIGHTABLE_METHODS = (AggregationMethod.MEAN, AggregationMethod.MEDIAN, AggregationMethod.TRIMMED)


def weight_refusal(method: str) -> str:
    """Why a pre-selection weight above 0 cannot apply under `method`; "" when it can."""
    if method in WEIGHTABLE_METHODS:
        return ""
    return str(
        _(
            "The pre-selection can be weighted into the final ranking only with the mean, the "
            "median or the trimmed mean: “%(method)s” rescales or ranks each juror's totals, "
            "so the pre-selection's share cannot be added to them. Set the weight to 0 or "
            "choose one of those methods."
        )
        % {"method": AggregationMethod(method).label}
    )


class Phase(models.TextChoices):
    DRAFT = "draft", _("draft")
    CALL_OPEN = "call_open", _("call for entries open")
    SUBMISSION_CLOSED = "submission_closed", _("submission closed")
    FORMAL_CHECK = "formal_check", _("formal check")
    SCORING = "scoring", _("scoring")
    DELIBERATION = "deliberation", _("deliberation")
    FROZEN = "frozen", _("results frozen")
    PUBLISHED = "published", _("results published")
    ARCHIVED = "archived", _("archived")


# The phase dates in the order they must follow; the check constraint and clean() share it.
PHASE_DATE_FIELDS = (
    "call_opens_at",
    "submission_deadline",
    "formal_check_ends_at",
    "scoring_opens_at",
    "scoring_closes_at",
    "results_date",
)


class Edition(models.Model):
    competition = models.ForeignKey(
        Competition,
        on_delete=models.PROTECT,
        related_name="editions",
        verbose_name=_("competition"),
    )
    number = models.PositiveSmallIntegerField(
        _("edition number"), validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    call_opens_at = models.DateTimeField(_("call for entries opens"))
    submission_deadline = models.DateTimeField(_("submission deadline"))
    formal_check_ends_at = models.DateTimeField(_("formal check ends"))
    scoring_opens_at = models.DateTimeField(_("scoring opens"))
    scoring_closes_at = models.DateTimeField(_("scoring closes"))
    results_date = models.DateTimeField(_("results date"))
    method = models.CharField(
        _("aggregation method"),
        max_length=10,
        choices=AggregationMethod.choices,
        default=AggregationMethod.MEAN,
    )
    entries_per_institution = models.PositiveSmallIntegerField(
        _("entries per institution in a category"), default=1, validators=[MinValueValidator(1)]
    )
    required_entry_fields = EntryFieldsField(
        _("required entry fields"),
        default=default_required_entry_fields,
        blank=True,
        help_text=_("An entry can be submitted only when these fields are filled in."),
    )
    min_justification_length = models.PositiveSmallIntegerField(
        _("minimum length of a juror's justification"), default=20
    )
    # What the laureates' diplomas print (cms.diplomas).
    ceremony_date = models.DateField(_("date of the award ceremony"), null=True, blank=True)
    ceremony_place = models.CharField(_("place of the award ceremony"), max_length=200, blank=True)
    diploma_signatures = models.TextField(
        _("signatures on the diplomas"),
        blank=True,
        help_text=_(
            'One person a line: name — function, e.g. "Anna Nowicka — przewodnicząca jury".'
        ),
    )
    # The organiser's explicit actions; the later phases cannot be derived from dates alone.
    frozen_at = models.DateTimeField(_("results frozen at"), null=True, blank=True)
    published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    # A correction after scoring opened: criteria and award rules may change again until the
    # freeze. Who did it and why is in Wagtail's log ("competition.rules_reopened").
    rules_reopened_at = models.DateTimeField(
        _("criteria reopened for correction at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["competition__name", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "number"],
                name="edition_unique_number",
                violation_error_message=_(
                    "This competition already has an edition with this number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(call_opens_at__lt=F("submission_deadline"))
                & Q(submission_deadline__lte=F("formal_check_ends_at"))
                & Q(formal_check_ends_at__lte=F("scoring_opens_at"))
                & Q(scoring_opens_at__lt=F("scoring_closes_at"))
                & Q(scoring_closes_at__lte=F("results_date")),
                name="edition_phase_dates_in_order",
                violation_error_message=_("The phase dates must follow one another in order."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competition} — {self.label} ({self.year})"

    @property
    def roman_number(self) -> str:
        return to_roman(self.number)

    @property
    def label(self) -> str:
        return _("%(number)s edition") % {"number": self.roman_number}

    def clean(self) -> None:
        super().clean()
        errors: dict[str, ValidationError] = {}
        previous_name = None
        previous_value: dt.datetime | None = None
        for name in PHASE_DATE_FIELDS:
            value = getattr(self, name)
            if value is None:
                previous_name, previous_value = None, None
                continue
            if previous_value is not None and value < previous_value:
                errors[name] = ValidationError(
                    _("This date must not be earlier than “%(previous)s”."),
                    code="phase_order",
                    params={"previous": self._meta.get_field(previous_name).verbose_name},
                )
            previous_name, previous_value = name, value
        if (
            self.call_opens_at
            and self.submission_deadline
            and self.submission_deadline <= self.call_opens_at
        ) and "submission_deadline" not in errors:
            errors["submission_deadline"] = ValidationError(
                _("The deadline must be after the call opens."), code="phase_order"
            )
        if (
            self.scoring_opens_at
            and self.scoring_closes_at
            and self.scoring_closes_at <= self.scoring_opens_at
        ) and "scoring_closes_at" not in errors:
            errors["scoring_closes_at"] = ValidationError(
                _("Scoring must close after it opens."), code="phase_order"
            )
        if self.pk:
            errors.update(self._action_errors())
            weighted = PreselectionRound.objects.filter(edition_id=self.pk, weight__gt=0)
            if weight_refusal(self.method) and weighted.exists():
                errors["method"] = ValidationError(weight_refusal(self.method), code="weight")
        if self.published_at and not self.frozen_at:
            errors["published_at"] = ValidationError(
                _("Results can be published only after they are frozen."), code="phase_action"
            )
        if self.archived_at and not self.published_at:
            errors["archived_at"] = ValidationError(
                _("An edition is archived only after its results are published."),
                code="phase_action",
            )
        if errors:
            raise ValidationError(errors)

    def _action_errors(self) -> dict[str, ValidationError]:
        """The organiser's actions happen through their services, never by typing a date."""
        from .lifecycle import Action, verdict

        # Under "__all__": the action fields are read-only in the admin's form.
        problems: list[ValidationError] = []
        stored = Edition.objects.get(pk=self.pk)
        edit = verdict(Action.EDIT_EDITION, stored)
        if not edit:
            problems.append(
                ValidationError(
                    _("%(reason)s Frozen results change only through a correction, with a reason.")
                    % {"reason": edit.reason},
                    code="edition_locked",
                )
            )
        paper_result = Award.objects.filter(category__edition=self).exists()
        if self.frozen_at and not self.snapshots.exists() and not paper_result:
            problems.append(
                ValidationError(
                    _(
                        "Results are frozen only by the freeze action, which records their snapshot."
                    ),
                    code="frozen_without_snapshot",
                )
            )
        return {"__all__": ValidationError(problems)} if problems else {}

    def phase_at(self, when: dt.datetime) -> Phase:
        """The phase at `when`: the organiser's actions win over the dates.

        The formal check runs from the deadline to its end date; the gap until scoring opens is
        "submission closed" (entries are settled, the jury has not started).
        """
        if self.archived_at and self.archived_at <= when:
            return Phase.ARCHIVED
        if self.published_at and self.published_at <= when:
            return Phase.PUBLISHED
        if self.frozen_at and self.frozen_at <= when:
            return Phase.FROZEN
        if when < self.call_opens_at:
            return Phase.DRAFT
        if when < self.submission_deadline:
            return Phase.CALL_OPEN
        if when < self.formal_check_ends_at:
            return Phase.FORMAL_CHECK
        if when < self.scoring_opens_at:
            return Phase.SUBMISSION_CLOSED
        if when < self.scoring_closes_at:
            return Phase.SCORING
        return Phase.DELIBERATION

    @property
    def phase(self) -> Phase:
        return self.phase_at(timezone.now())

    def get_phase_display(self) -> str:
        return Phase(self.phase).label

    get_phase_display.short_description = _("phase")

    @property
    def phase_label(self) -> str:
        return self.get_phase_display()

    # Listings label the column by it; without it Django shows the attribute's name.
    phase_label.fget.short_description = _("phase")


class RoundMode(models.TextChoices):
    SCORED = "scored", _("scored on the round's criteria")
    PASS_FAIL = "pass_fail", _("pass / fail mark")


class PreselectionRound(models.Model):
    """The pre-selection round ("etap wstępny") before the final; the final is the edition's own
    scoring window and criteria, so an edition without this row scores in one round as before.

    Its criteria are those pointing at it (`Criterion.round`); a pass/fail round has one
    criterion on a 0–1 scale (1 = qualifies), whose mean is the share of jurors who passed
    the entry. Closing it proposes a shortlist per category (`scoring.rounds`).
    """

    edition = models.OneToOneField(
        Edition, on_delete=models.CASCADE, related_name="preselection", verbose_name=_("edition")
    )
    opens_at = models.DateTimeField(_("pre-selection scoring opens"))
    closes_at = models.DateTimeField(_("pre-selection scoring closes"))
    mode = models.CharField(
        _("mode"), max_length=10, choices=RoundMode.choices, default=RoundMode.SCORED
    )
    shortlist_size = models.PositiveSmallIntegerField(
        _("finalists per category"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Top N of each category go to the final; entries tied at the cut go together."),
    )
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_(
            "Instead of N: every entry whose result reaches this value goes to the final "
            "(for a pass/fail round, the share of jurors who passed it, 0–1)."
        ),
    )
    weight = models.DecimalField(
        _("weight of the pre-selection in the final ranking"),
        max_digits=4,
        decimal_places=3,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(Decimal("0.99"))],
        help_text=_(
            "0: the final ranking uses the final round only. w > 0: combined = w × pre-selection "
            "+ (1 − w) × final, each as a share of its scale."
        ),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        verbose_name = _("pre-selection round")
        verbose_name_plural = _("pre-selection rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=F("closes_at")),
                name="preselection_window_order",
                violation_error_message=_("The round must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(shortlist_size__isnull=True, threshold__isnull=False)
                | Q(shortlist_size__isnull=False, threshold__isnull=True),
                name="preselection_one_shortlist_rule",
                violation_error_message=_("Give either the number of finalists or a threshold."),
            ),
        ]

    def __str__(self) -> str:
        return _("Pre-selection of %(edition)s") % {"edition": self.edition}

    def clean(self) -> None:
        super().clean()
        errors: dict[str, ValidationError] = {}
        if (self.shortlist_size is None) == (self.threshold is None):
            errors["shortlist_size"] = ValidationError(
                _("Give either the number of finalists or a threshold."), code="shortlist_rule"
            )
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = ValidationError(
                _("The round must close after it opens."), code="window"
            )
        if self.edition_id and self.opens_at and self.closes_at and "closes_at" not in errors:
            edition = self.edition
            if self.opens_at < edition.formal_check_ends_at:
                errors["opens_at"] = ValidationError(
                    _("The pre-selection opens after the formal check ends (%(when)s).")
                    % {"when": edition.formal_check_ends_at},
                    code="window",
                )
            if self.closes_at > edition.scoring_opens_at:
                errors["closes_at"] = ValidationError(
                    _(
                        "The pre-selection must close before the final's scoring opens "
                        "(%(when)s): the windows may not overlap."
                    )
                    % {"when": edition.scoring_opens_at},
                    code="overlap",
                )
        if self.pk and not errors:
            # Once the round opened its rule stays (lifecycle: EDIT_ROUND).
            from .lifecycle import RoundAction, round_verdict

            stored = PreselectionRound.objects.select_related("edition").get(pk=self.pk)
            verdict = round_verdict(RoundAction.EDIT_ROUND, stored)
            fields = ("opens_at", "closes_at", "mode", "shortlist_size", "threshold", "weight")
            changed = any(getattr(stored, f) != getattr(self, f) for f in fields)
            if changed and not verdict:
                errors["__all__"] = ValidationError(verdict.reason, code="round_locked")
        if self.weight and self.edition_id and weight_refusal(self.edition.method):
            errors["weight"] = ValidationError(weight_refusal(self.edition.method), code="weight")
        if self.mode == RoundMode.PASS_FAIL and self.threshold is not None:
            if not (0 <= self.threshold <= 1):
                errors["threshold"] = ValidationError(
                    _("For a pass/fail round the threshold is a share from 0 to 1."),
                    code="threshold",
                )
        if errors:
            raise ValidationError(errors)

    def is_closed_at(self, when: dt.datetime) -> bool:
        return (self.closed_at is not None and self.closed_at <= when) or when >= self.closes_at


class Category(ClusterableModel):
    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="categories", verbose_name=_("edition")
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    description = LimitedTextField(_("description"), blank=True, max_length=5000)
    eligible_kinds = InstitutionKindsField(
        _("institution kinds that may enter"),
        default=all_kinds,
        help_text=_("Only institutions of these kinds can submit an entry in this category."),
    )
    places = models.PositiveSmallIntegerField(
        _("number of places"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    max_distinctions = models.PositiveSmallIntegerField(_("maximum distinctions"), default=0)
    min_award_share = models.DecimalField(
        _("minimum share of the maximum score for an award"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_(
            "For example 0.6 means an award needs at least 60 percent of the maximum score."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["edition", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "name"],
                name="category_unique_name",
                violation_error_message=_("This edition already has a category with this name."),
            ),
        ]
        permissions = [
            ("score_category", _("Can score entries in the category")),
            ("chair_category", _("Can chair the jury of the category")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.edition.competition.name} {self.edition.year})"

    def clean(self) -> None:
        super().clean()
        if self.edition_id and self.pk:
            error = rules_locked_errors(
                self, self.edition, ("places", "max_distinctions", "min_award_share")
            )
            if error:
                raise error

    def accepts_kind(self, kind: str) -> bool:
        return kind in (self.eligible_kinds or [])

    def prize_for_place(self, place: int) -> Decimal | None:
        for prize in self.prizes.all():
            if prize.place == place:
                return prize.amount
        return None


class Prize(models.Model):
    category = ParentalKey(Category, on_delete=models.CASCADE, related_name="prizes")
    place = models.PositiveSmallIntegerField(_("place"), validators=[MinValueValidator(1)])
    amount = models.DecimalField(
        _("amount (PLN)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("prize")
        verbose_name_plural = _("prizes")
        ordering = ["place"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "place"],
                name="prize_unique_place",
                violation_error_message=_("This place already has a prize."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place}: {self.amount} PLN"


class Criterion(models.Model):
    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("edition")
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        related_name="own_criteria",
        null=True,
        blank=True,
        verbose_name=_("only in category"),
        help_text=_("Leave empty when the criterion applies to every category of the edition."),
    )
    round = models.ForeignKey(
        PreselectionRound,
        on_delete=models.CASCADE,
        related_name="criteria",
        null=True,
        blank=True,
        verbose_name=_("pre-selection round"),
        help_text=_("Leave empty for the final (or the only round)."),
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    description = LimitedTextField(_("description shown to jurors"), blank=True, max_length=2000)
    scale_min = models.DecimalField(_("lowest score"), max_digits=6, decimal_places=2, default=0)
    scale_max = models.DecimalField(_("highest score"), max_digits=6, decimal_places=2, default=10)
    step = models.DecimalField(_("step"), max_digits=6, decimal_places=2, default=1)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=3, default=1)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    tiebreak_order = models.PositiveSmallIntegerField(
        _("tie-break order"),
        null=True,
        blank=True,
        help_text=_("1 = first criterion used to break a tie; leave empty if not used."),
    )
    comment_required = models.BooleanField(
        _("jurors comment on this criterion"),
        default=False,
        help_text=_("A juror must write a comment beside this criterion's score to submit."),
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["edition", "order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="criterion_weight_positive",
                violation_error_message=_("The weight must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(scale_min__lt=F("scale_max")),
                name="criterion_scale_min_below_max",
                violation_error_message=_("The lowest score must be below the highest score."),
            ),
            models.CheckConstraint(
                condition=Q(step__gt=0),
                name="criterion_step_positive",
                violation_error_message=_("The step must be greater than zero."),
            ),
            models.UniqueConstraint(
                fields=["edition", "name"],
                condition=Q(round__isnull=True),
                name="criterion_unique_name",
                violation_error_message=_("This edition already has a criterion with this name."),
            ),
            models.UniqueConstraint(
                fields=["round", "name"],
                name="criterion_unique_name_in_round",
                violation_error_message=_("This round already has a criterion with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors: dict[str, ValidationError] = {}
        if self.weight is not None and self.weight <= 0:
            errors["weight"] = ValidationError(
                _("The weight must be greater than zero."), code="weight"
            )
        if self.scale_min is not None and self.scale_max is not None:
            if self.scale_min >= self.scale_max:
                errors["scale_max"] = ValidationError(
                    _("The highest score must be above the lowest score."), code="scale"
                )
            elif self.step is not None and self.step > 0:
                # Unsaved defaults are ints (0, 10, 1): int / int is a float without Decimal's rounding.
                span = Decimal(str(self.scale_max)) - Decimal(str(self.scale_min))
                steps = span / Decimal(str(self.step))
                if steps != steps.to_integral_value():
                    errors["step"] = ValidationError(
                        _(
                            "The scale from %(min)s to %(max)s cannot be divided into steps of %(step)s."
                        ),
                        code="step",
                        params={"min": self.scale_min, "max": self.scale_max, "step": self.step},
                    )
        if self.step is not None and self.step <= 0:
            errors["step"] = ValidationError(_("The step must be greater than zero."), code="step")
        if self.round_id and self.edition_id and self.round.edition_id != self.edition_id:
            errors["round"] = ValidationError(
                _("The round belongs to another edition."), code="round_edition"
            )
        if self.category_id and self.edition_id and self.category.edition_id != self.edition_id:
            errors["category"] = ValidationError(
                _("The category belongs to another edition."), code="category_edition"
            )
        if self.edition_id and not errors:
            locked = rules_locked_errors(
                self,
                self.edition,
                ("edition_id", "category_id", "scale_min", "scale_max", "step", "weight",
                 "tiebreak_order", "comment_required"),
            )  # fmt: skip
            if locked:
                errors["__all__"] = locked
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def plain(value: Decimal) -> str:
        """10.00 → "10", 0.50 → "0.5": how people write scale limits."""
        return format(value.normalize(), "f")

    @property
    def scale_display(self) -> dict[str, str]:
        return {
            "min": self.plain(self.scale_min),
            "max": self.plain(self.scale_max),
            "step": self.plain(self.step),
            "weight": self.plain(self.weight),
        }

    @property
    def scale_size(self) -> int:
        """How many values the scale has: 0–10 step 1 has 11."""
        return int((self.scale_max - self.scale_min) / self.step) + 1

    def scale_points(self) -> list[Decimal]:
        """Every value on the scale, lowest first (the caller checks `scale_size` first)."""
        return [self.scale_min + i * self.step for i in range(self.scale_size)]

    def accepts(self, value: Decimal) -> bool:
        """True when `value` lies on the criterion's scale and step."""
        if value < self.scale_min or value > self.scale_max:
            return False
        steps = (value - self.scale_min) / self.step
        return steps == steps.to_integral_value()


class Institution(models.Model):
    name = models.CharField(_("name"), max_length=250, validators=[validate_single_line])
    kind = models.CharField(_("kind"), max_length=30, choices=InstitutionKind.choices)
    terc = models.CharField(
        _("TERC code"),
        max_length=7,
        blank=True,
        help_text=_("Required for local governments (2, 4 or 7 digits); empty for others."),
    )
    voivodeship = models.CharField(
        _("województwo"),
        max_length=2,
        choices=VOIVODESHIP_CHOICES,
        blank=True,
        help_text=_("Taken from the TERC code for local governments."),
    )
    address = LimitedTextField(_("address"), blank=True, max_length=500)
    website = models.URLField(_("website"), blank=True)
    # Institutions registered by applicants wait for an organiser; the admin's are approved at once.
    is_approved = models.BooleanField(_("approved"), default=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["terc"],
                condition=~Q(terc=""),
                name="institution_unique_terc",
                violation_error_message=_("An institution with this TERC code already exists."),
            ),
        ]
        indexes = [models.Index(fields=["voivodeship", "kind"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.is_local_government:
            self.voivodeship = voivodeship_of(self.terc)
        super().save(*args, **kwargs)

    @property
    def is_local_government(self) -> bool:
        return self.kind in LOCAL_GOVERNMENT_KINDS

    @property
    def voivodeship_name(self) -> str:
        return VOIVODESHIPS.get(self.voivodeship, "")

    def clean(self) -> None:
        super().clean()
        self.terc = (self.terc or "").strip()
        if self.kind:
            try:
                validate_terc(self.terc, self.kind)
            except ValidationError as error:
                raise ValidationError({"terc": error}) from None
        if self.is_local_government:
            self.voivodeship = voivodeship_of(self.terc)


class AwardKind(models.TextChoices):
    PLACE = "place", _("place")
    DISTINCTION = "distinction", _("distinction")


class Award(models.Model):
    """A confirmed award of a category: a place or a distinction, with the project it rewards.

    Editions judged on paper before the site existed record their published result here directly;
    editions judged on the site get theirs from the frozen results.
    """

    # PROTECT: a published award outlives any tidy-up of categories (issue 18, finding 6).
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="awards", verbose_name=_("category")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="awards", verbose_name=_("institution")
    )
    kind = models.CharField(_("award"), max_length=20, choices=AwardKind.choices)
    place = models.PositiveSmallIntegerField(
        _("place"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    project_title = models.CharField(_("project title"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["category", "kind", "place", "institution__name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="place") & Q(place__isnull=False))
                | (Q(kind="distinction") & Q(place__isnull=True)),
                name="award_place_only_for_places",
                violation_error_message=_("A place needs its number; a distinction has none."),
            ),
            models.UniqueConstraint(
                fields=["category", "institution", "project_title"],
                name="award_unique_project",
                violation_error_message=_("This project already has an award in the category."),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == AwardKind.PLACE:
            return f"{to_roman(self.place or 0)} — {self.institution}"
        return f"{AwardKind.DISTINCTION.label} — {self.institution}"
