"""Forms of the organiser's jury screens in the Wagtail admin."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from competition.models import Duty
from entries.models import Entry, EntryStatus

from . import permissions
from .models import Recusal

CHAIR_HELP = _("A category has one chair: the current chair stays on the jury as a juror.")


class AppointForm(forms.Form):
    """Appoint someone who already has an account, found by username or e-mail address."""

    user = forms.CharField(
        label=_("E-mail address or username"),
        max_length=254,
        error_messages={"required": _("Give the e-mail address or the username of the person.")},
    )
    chair = forms.BooleanField(
        label=_("Appoint as the chair"), required=False, help_text=CHAIR_HELP
    )

    def clean_user(self):
        wanted = self.cleaned_data["user"].strip()
        users = get_user_model().objects.filter(is_active=True)
        by_username = list(users.filter(username__iexact=wanted)[:2])
        if len(by_username) == 1:
            return by_username[0]
        by_email = list(users.filter(email__iexact=wanted)[:2])
        if len(by_email) > 1:
            raise forms.ValidationError(
                _("Several accounts use this e-mail address; give the username instead."),
                code="ambiguous",
            )
        if not by_email:
            raise forms.ValidationError(
                _(
                    "Nobody with this e-mail address or username has an account. "
                    "Invite a new juror by e-mail below."
                ),
                code="unknown",
            )
        return by_email[0]


class InviteForm(forms.Form):
    """Invite someone new: the service creates the account and e-mails a set-password link."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=150,
        error_messages={
            "required": _("Give the e-mail address of the new juror."),
            "invalid": _("Enter a valid e-mail address, for example jan.kowalski@example.org."),
        },
    )
    chair = forms.BooleanField(
        label=_("Appoint as the chair"), required=False, help_text=CHAIR_HELP
    )


class LiftRecusalForm(forms.Form):
    justification = forms.CharField(
        label=_("Justification for lifting"),
        help_text=_(
            "Why may this juror score the entry after all? The justification is kept with the conflict."
        ),
        min_length=10,
        max_length=Recusal._meta.get_field("lift_justification").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Write why the conflict of interest is lifted (at least 10 characters)."),
            "min_length": _(
                "Write why the conflict of interest is lifted (at least 10 characters)."
            ),
        },
    )


class LateConflictForm(forms.Form):
    """A conflict found after the juror scored: the organiser names the juror, the entry, why."""

    juror = forms.ModelChoiceField(
        label=_("Juror"),
        queryset=get_user_model().objects.none(),
    )
    entry = forms.CharField(
        label=_("Entry number"), max_length=30, help_text=_("For example IS-2021-017.")
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_(
            "Recorded with the conflict and in the protocol; the category's awards "
            "must then be confirmed again."
        ),
        min_length=10,
        max_length=250,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "min_length": _("Write why the conflict is recorded (at least 10 characters).")
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["juror"].queryset = permissions.appointed_people(organiser=user)

    def clean(self):
        data = super().clean()
        number = (data.get("entry") or "").strip()
        if not number:
            return data
        entries = permissions.organised(Entry.objects, self.user, Duty.RUN_JURY)
        entry = (
            entries.select_related("category__edition")
            .filter(number__iexact=number, status=EntryStatus.ELIGIBLE)
            .first()
        )
        if entry is None:
            self.add_error("entry", _("No eligible entry has this number."))
        elif data.get("juror") and not permissions.can_score(data["juror"], entry.category):
            self.add_error("juror", _("This person is not on the jury of the entry's category."))
        data["entry"] = entry
        return data
