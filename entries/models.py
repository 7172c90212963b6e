"""Applicants' memberships in institutions, their entries and the entries' attachments."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, storages
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from competition.fields import LimitedTextField
from competition.jobs import BackgroundJob
from competition.models import Category, Edition, Institution

from .text import render_description

# About eight pages of text; Markdown of this length renders in well under a second.
DESCRIPTION_MAX_LENGTH = 20_000


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("pending approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class Membership(models.Model):
    """A person acting for an institution; only approved members may submit entries."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("institution"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PENDING,
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution"],
                name="membership_unique_user_institution",
                violation_error_message=_("You have already asked to act for this institution."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.institution}"


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    WITHDRAWN = "withdrawn", _("withdrawn")
    ELIGIBLE = "eligible", _("eligible")
    REJECTED = "rejected", _("rejected")


class Entry(models.Model):
    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="entries", verbose_name=_("edition")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="entries", verbose_name=_("category")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="entries", verbose_name=_("institution")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    number = models.CharField(_("entry number"), max_length=30, blank=True)
    sequence = models.PositiveIntegerField(_("sequence in edition"), null=True, blank=True)
    rejection_reason = LimitedTextField(_("reason for rejection"), blank=True, max_length=2000)

    title = models.CharField(_("title"), max_length=300)
    summary = LimitedTextField(_("short summary"), blank=True, max_length=1000)
    description = LimitedTextField(_("description"), blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    # The description as sanitised HTML, rendered when the entry is saved, never per request.
    description_html = models.TextField(editable=False, blank=True)
    implementation_start = models.DateField(_("implementation start"), null=True, blank=True)
    implementation_end = models.DateField(_("implementation end"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (PLN)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    funding_sources = models.CharField(_("funding sources"), max_length=500, blank=True)
    public_url = models.URLField(_("public URL of the service"), blank=True)
    results = LimitedTextField(_("measurable results"), blank=True, max_length=5000)
    users_count = models.PositiveIntegerField(_("number of users"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    consent_to_publish = models.BooleanField(_("consent to publish"), default=False)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    checked_at = models.DateTimeField(_("formally checked at"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("formally checked by"),
    )

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["edition", "sequence", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "sequence"],
                name="entry_unique_sequence",
                condition=models.Q(sequence__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["number"], name="entry_unique_number", condition=~models.Q(number="")
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="entry_rejection_has_reason",
                violation_error_message=_("A rejection needs a reason."),
            ),
        ]
        indexes = [models.Index(fields=["edition", "category", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    def save(self, *args, **kwargs):
        # Render only when the text changed: a status change must not pay for the Markdown.
        if self.description != getattr(self, "_rendered_description", None):
            self.description_html = render_description(self.description)
            self._rendered_description = self.description
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "description" in update_fields:
                kwargs["update_fields"] = {*update_fields, "description_html"}
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        entry = super().from_db(db, field_names, values)
        entry._rendered_description = entry.__dict__.get("description")
        return entry


def private_storage() -> Storage:
    """Attachments live in the "private" storage (STORAGES), which nothing serves publicly:
    only the permission-checked view streams them.

    A callable, so migrations record the function rather than a settings-dependent storage.
    """
    return storages["private"]


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name never reuses the uploaded one: no path tricks, no clashes.
    return f"entries/{instance.entry_id}/{uuid4().hex}{Path(filename).suffix.lower()[:8]}"


class Attachment(models.Model):
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("entry")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    description = models.CharField(
        _("description (alt text for images)"), max_length=300, blank=True
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class EditionCounter(models.Model):
    """The last entry number handed out in an edition; locked row per submit keeps it gap-free."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="entry_counter")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("entry counter")

    def __str__(self) -> str:
        return f"{self.edition}: {self.last_number}"


class RegulationsAcceptance(models.Model):
    """Someone accepting the competitions' rules at sign-up: the words they ticked, and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="regulations_acceptances",
        verbose_name=_("user"),
    )
    statement = models.TextField(_("accepted statement"))
    accepted_at = models.DateTimeField(_("accepted at"))

    class Meta:
        verbose_name = _("acceptance of the rules")
        verbose_name_plural = _("acceptances of the rules")
        ordering = ["-accepted_at"]

    def __str__(self) -> str:
        return f"{self.user}: {self.accepted_at:%Y-%m-%d %H:%M}"


class EntriesExport(BackgroundJob):
    """An edition's entries as a workbook, written by the worker (minutes at national scale)."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="+", verbose_name=_("edition")
    )
    file_name = models.CharField(_("file"), max_length=255, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("entries export")
        verbose_name_plural = _("entries exports")

    def __str__(self) -> str:
        return f"{self.edition} {self.status}"


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("short text")
    LONG_TEXT = "long_text", _("long text")
    NUMBER = "number", _("number")
    DATE = "date", _("date")
    CHOICE = "choice", _("single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("multiple choice")
    URL = "url", _("web address (URL)")
    EMAIL = "email", _("e-mail address")
    FILE = "file", _("file (PDF, PNG or JPEG)")
    CONSENT = "consent", _("consent (a box to tick)")


# Why the type and deletion are locked, said where the organiser edits a question.
QUESTION_LOCK_HELP = _(
    "Once the edition's first entry is submitted, the type cannot change and the question "
    "cannot be deleted, so no answer is lost: hide it instead."
)


class Question(models.Model):
    """A question an edition adds to its entry form ("karta zgłoszeniowa"), in two languages.

    A model rather than a StreamField or Wagtail's form builder: answers point at their question
    by a foreign key (one row per entry and question), the lock on the type is checked against
    submitted entries, and exports read all questions of an edition in one query.
    """

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="questions", verbose_name=_("edition")
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("category"),
        help_text=_("Empty: the question is asked in every category of the edition."),
    )
    kind = models.CharField(
        _("type"), max_length=20, choices=QuestionKind.choices, help_text=QUESTION_LOCK_HELP
    )
    code = models.SlugField(
        _("column in the import sheet"),
        max_length=40,
        help_text=_("A short name without spaces, e.g. e_services; the import sheet's header."),
    )
    label = models.CharField(_("question (Polish)"), max_length=300)
    label_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    help_text = models.CharField(_("help text (Polish)"), max_length=500, blank=True)
    help_text_en = models.CharField(_("help text (English)"), max_length=500, blank=True)
    required = models.BooleanField(_("required to submit"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    max_length = models.PositiveIntegerField(
        _("character limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("For text: empty means 300 for a short text and 5,000 for a long one."),
    )
    min_value = models.DecimalField(
        _("smallest number"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("largest number"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    choices = models.TextField(
        _("options (Polish)"), blank=True, help_text=_("For a choice: one option a line.")
    )
    choices_en = models.TextField(
        _("options (English)"),
        blank=True,
        help_text=_("The same options in the same order, one a line."),
    )
    for_jury = models.BooleanField(
        _("for the jury"),
        default=True,
        help_text=_("Jurors see the answer, and the protocol includes it."),
    )
    hidden = models.BooleanField(
        _("hidden"),
        default=False,
        help_text=_("Not asked any more; answers already given are kept and still shown."),
    )

    class Meta:
        verbose_name = _("entry form question")
        verbose_name_plural = _("entry form questions")
        ordering = ["edition", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "code"],
                name="question_unique_code",
                violation_error_message=_("Another question of this edition has this column."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @classmethod
    def from_db(cls, db, field_names, values):
        question = super().from_db(db, field_names, values)
        # The type as stored: clean() compares against it for the lock.
        question._stored_kind = question.__dict__.get("kind")
        return question

    def _in_english(self) -> bool:
        return (get_language() or "").startswith("en")

    @property
    def text(self) -> str:
        """The question in the language of the request, Polish when no translation is given."""
        return self.label_en if self._in_english() and self.label_en else self.label

    @property
    def help(self) -> str:
        return self.help_text_en if self._in_english() and self.help_text_en else self.help_text

    @property
    def options(self) -> list[tuple[str, str]]:
        """(stored value, label shown) of each option; answers keep the Polish option."""
        polish = [line.strip() for line in self.choices.splitlines() if line.strip()]
        english = [line.strip() for line in self.choices_en.splitlines() if line.strip()]
        if self._in_english() and len(english) == len(polish):
            return list(zip(polish, english, strict=True))
        return [(option, option) for option in polish]

    @property
    def text_limit(self) -> int:
        default = 5000 if self.kind == QuestionKind.LONG_TEXT else 300
        return self.max_length or default

    @property
    def is_locked(self) -> bool:
        """Whether an entry of the edition was ever submitted (a submission hands out a number)."""
        return Entry.objects.filter(edition_id=self.edition_id, sequence__isnull=False).exists()

    def clean(self) -> None:
        errors = {}
        stored_kind = getattr(self, "_stored_kind", None)
        if self.pk and stored_kind and stored_kind != self.kind and self.is_locked:
            errors["kind"] = _(
                "Entries of this edition have been submitted: the type of a question cannot "
                "change any more. Hide this question and add a new one instead."
            )
        if self.category_id and self.edition_id and self.category.edition_id != self.edition_id:
            errors["category"] = _("This category belongs to another edition.")
        if self.kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE) and not self.options:
            errors["choices"] = _("Give at least one option, one a line.")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            errors["max_value"] = _("The largest number cannot be below the smallest.")
        if errors:
            raise ValidationError(errors)


def answer_file_path(instance: Answer, filename: str) -> str:
    return f"entries/{instance.entry_id}/answers/{uuid4().hex}{Path(filename).suffix.lower()[:8]}"


class Answer(models.Model):
    """An entry's answer to one question: `value` holds text, a number, an ISO date, a list of
    options or true; a file answer keeps its file in private storage like an attachment."""

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="answers", verbose_name=_("entry")
    )
    # PROTECT: the lock keeps questions with answers; the database says so too.
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    value = models.JSONField(_("answer"), null=True, blank=True)
    file = models.FileField(
        _("file"), upload_to=answer_file_path, storage=private_storage, blank=True
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "question"], name="answer_unique_question"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.question_id}"
