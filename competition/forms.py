"""Forms of the organiser's edition actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ReopenRulesForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        help_text=_("Kept in the edition's history; say what is wrong with the criteria."),
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Write why the criteria are reopened (at least 10 characters)."),
            "min_length": _("Write why the criteria are reopened (at least 10 characters)."),
        },
    )
