from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ShortlistForm(forms.Form):
    """The finalists the chair confirms; the service checks them against the proposal."""

    entries = forms.TypedMultipleChoiceField(
        label=_("Finalists"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    justification = forms.CharField(
        label=_("Justification (required when you change the proposal)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].choices = [(e.pk, f"{e.number} {e.title}") for e in entries]
