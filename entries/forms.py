"""Forms for applicants: joining an institution, the entry itself, attachments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from competition.models import Category, Edition, Institution

from . import questions, services
from .models import Answer, Entry, Question, QuestionKind
from .services import EDITABLE_FIELDS


class InstitutionSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or TERC code"), min_length=2, max_length=100, required=False)


def _url_field(model, name: str) -> forms.URLField:
    # Django 6 assumes https for scheme-less URLs; opt in now rather than silence the warning.
    field = model._meta.get_field(name)
    return forms.URLField(label=capfirst(field.verbose_name), required=False, assume_scheme="https")


class InstitutionRegistrationForm(forms.ModelForm):
    website = _url_field(Institution, "website")

    class Meta:
        model = Institution
        fields = ["name", "kind", "terc", "address", "website"]


def entry_field_label(name: str) -> str:
    """The label applicants see for an entry field, without the form's required marker."""
    return capfirst(str(Entry._meta.get_field(name).verbose_name))


class EntryForm(forms.ModelForm):
    """Saving a draft needs only a title and a category; the service checks the rest on submit."""

    public_url = _url_field(Entry, "public_url")

    class Meta:
        model = Entry
        fields = ["category", "institution", *EDITABLE_FIELDS]
        widgets = {
            "implementation_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "implementation_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
            "description": forms.Textarea(attrs={"rows": 10}),
            "results": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "summary": _("At most 1,000 characters."),
            "description": _(
                "Separate paragraphs with a blank line; start list items with “- ”. "
                "HTML is not allowed."
            ),
        }

    def __init__(
        self,
        *args,
        edition: Edition,
        institutions,
        required: list[str],
        asked: Sequence[Question] = (),
        answers: Mapping[int, Answer] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.fields["category"].queryset = Category.objects.filter(edition=edition)
        # The edition is fixed on this form, so the category's own name is what people look for.
        self.fields["category"].label_from_instance = lambda category: category.name
        self.fields["institution"].queryset = institutions
        if self.instance.pk:
            # An entry never moves to another institution.
            del self.fields["institution"]
        elif institutions.count() == 1:
            self.fields["institution"].initial = institutions.first()
        for name in EDITABLE_FIELDS:
            field = self.fields[name]
            field.required = name == "title"
            if name in required:
                field.label = f"{field.label} *"
        self.fields["consent_to_publish"].help_text = _(
            "We may publish the project's title, summary, description and images if it wins."
        )
        self._add_questions(asked, answers or {})

    def _add_questions(self, asked: Sequence[Question], answers: Mapping[int, Answer]) -> None:
        """The edition's own questions after the fixed fields; every category's, each saying
        which category it is for, since the category may change on this very form."""
        self.questions: dict[str, Question] = {}
        for question in asked:
            name = questions.field_name(question)
            field = questions.form_field(
                question, category_name=question.category.name if question.category_id else ""
            )
            answer = answers.get(question.pk)
            if question.kind == QuestionKind.FILE and questions.is_answered(question, answer):
                kept = _("Attached: %(name)s. Choose another file to replace it.") % {
                    "name": answer.original_name
                }
                field.help_text = f"{field.help_text} {kept}".strip()
            if question.required:
                field.label = f"{field.label} *"
            self.fields[name] = field
            self.initial[name] = questions.initial(question, answer)
            self.questions[name] = question

    def fixed_fields(self) -> list:
        """The bound fields every edition asks, for the template to set apart from its own."""
        return [self[name] for name in self.fields if name not in self.questions]

    def question_fields(self) -> list:
        return [self[name] for name in self.questions]

    def entry_data(self) -> dict[str, Any]:
        """The fixed fields' cleaned values, without category, institution and questions."""
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}

    def answers(self) -> dict[Question, Any]:
        """The questions' cleaned values, for services.create_entry / update_entry."""
        return {question: self.cleaned_data.get(name) for name, question in self.questions.items()}

    def label_of(self, name: str) -> str:
        if name in self.questions:
            return self.questions[name].text
        return entry_field_label(name)

    def _post_clean(self) -> None:
        # Model validation runs in the service, which knows the phase and the limits.
        pass

    def show_missing(self, names: Iterable[str]) -> None:
        """Put "required to submit" beside each field still empty, on the form as first shown."""
        if not self.is_bound:
            self.cleaned_data = {}  # add_error expects it; an unbound form never cleans
        for name in names:
            if name in self.fields:
                self.add_error(
                    name,
                    ValidationError(
                        _("This field is required to submit the entry."), code="incomplete"
                    ),
                )

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(input id, label, message) of each field error, for links at the top of the form."""
        return [
            # Radio buttons and checkboxes have no one input: link the first.
            (self[name].id_for_label or f"{self[name].auto_id}_0", self.label_of(name), message)
            for name, messages in self.errors.items()
            if name in self.fields
            for message in messages
        ]


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, PNG or JPEG)"))
    description = forms.CharField(
        label=_("Description (required for images: what the image shows)"),
        max_length=300,
        required=False,
    )


class SignupForm(forms.Form):
    """What allauth's sign-up adds: the personal-data clause and accepting the rules."""

    # allauth adds its fields after this form's own; the acceptance comes last, by the button.
    field_order = ["email", "password1", "password2", "accept_regulations"]

    accept_regulations = forms.BooleanField(
        label=_(
            "I have read and accept the rules (regulamin) of the competitions I take part in, "
            "published on each competition's page."
        ),
        error_messages={"required": _("Accept the rules to create an account.")},
    )

    @property
    def data_controller(self) -> str:
        return str(settings.DATA_CONTROLLER)

    @property
    def data_protection_contact(self) -> str:
        return settings.DEFAULT_FROM_EMAIL

    def signup(self, request, user) -> None:
        services.record_regulations_acceptance(
            user=user, statement=str(self.fields["accept_regulations"].label)
        )
