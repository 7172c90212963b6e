"""Model fields: small lists of choices edited as checkboxes, long text with a limit, names."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .teryt import InstitutionKind

# Entry fields an edition may require before submission (the entries app defines the fields).
ENTRY_FIELD_CHOICES = [
    ("summary", _("short summary")),
    ("description", _("description")),
    ("implementation_start", _("implementation start")),
    ("implementation_end", _("implementation end")),
    ("budget", _("budget (PLN)")),
    ("funding_sources", _("funding sources")),
    ("public_url", _("public URL of the service")),
    ("results", _("measurable results")),
    ("users_count", _("number of users")),
    ("contact_name", _("contact person")),
    ("contact_email", _("contact e-mail")),
    ("contact_phone", _("contact phone")),
]


def default_required_entry_fields() -> list[str]:
    return ["summary", "description", "results", "contact_name", "contact_email"]


class EntryFieldsField(models.JSONField):
    """The list of entry fields an edition requires, edited as checkboxes."""

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=ENTRY_FIELD_CHOICES,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label=self.verbose_name,
            help_text=self.help_text,
        )


class InstitutionKindsField(models.JSONField):
    """A list of institution kinds, edited as checkboxes rather than raw JSON."""

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=InstitutionKind.choices,
            widget=forms.CheckboxSelectMultiple,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
        )

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        unknown = set(value or []) - set(InstitutionKind.values)
        if unknown:
            raise ValidationError(
                _("Unknown institution kind: %(kinds)s."),
                code="unknown_kind",
                params={"kinds": ", ".join(sorted(unknown))},
            )


def all_kinds() -> list[str]:
    return list(InstitutionKind.values)


class LimitedTextField(models.TextField):
    """A TextField whose `max_length` holds in model validation too, not only in forms.

    Every long text people type has a limit (see SECURITY.md): it bounds what one request can
    make the server store, render and export. Like CharField, it adds a MaxLengthValidator.
    """

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))


def validate_single_line(value: str) -> None:
    """Names are one line: they go into e-mail subjects, sheet names and page titles.

    A category named with a line break made the jury invitation fail with BadHeaderError after
    the juror had been created (issue 18).
    """
    if any(ord(char) < 32 or 127 <= ord(char) < 160 for char in value):
        raise ValidationError(
            _("Write this on one line, without line breaks or control characters."),
            code="single_line",
        )
