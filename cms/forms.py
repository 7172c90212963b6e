"""Forms of the public site's GET pages: query strings go through validation like any input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from competition.teryt import VOIVODESHIP_CHOICES, InstitutionKind


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search pages, laureates and news"), required=False, max_length=200)
    page = forms.IntegerField(required=False, min_value=1)

    def query(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class ArchiveFilterForm(forms.Form):
    """Filters that do not validate are dropped, as an unknown option in a link would be."""

    year = forms.IntegerField(required=False, min_value=1900, max_value=2999)
    category = forms.CharField(required=False, max_length=255)
    kind = forms.ChoiceField(required=False, choices=InstitutionKind.choices)
    voivodeship = forms.ChoiceField(required=False, choices=VOIVODESHIP_CHOICES)

    def filters(self) -> dict[str, str]:
        self.is_valid()
        return {
            name: str(self.cleaned_data.get(name) or "") if name not in self.errors else ""
            for name in self.fields
        }
