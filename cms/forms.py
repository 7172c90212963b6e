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


class VerificationForm(forms.Form):
    """A diploma's code, or a snapshot's SHA-256 digest: either identifies frozen results."""

    code = forms.CharField(label=_("Code on the diploma"), required=False, max_length=40)
    digest = forms.RegexField(
        label=_("Digest of the results (SHA-256)"),
        required=False,
        regex=r"^\s*[0-9a-fA-F]{64}\s*$",
        error_messages={"invalid": _("A SHA-256 digest is 64 characters 0–9 and a–f.")},
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("code") or cleaned.get("digest")):
            raise forms.ValidationError(_("Give the code on the diploma or a digest."))
        return cleaned

    def snapshot(self):
        """The published snapshot with this digest, if any."""
        from scoring.models import ResultSnapshot

        digest = (self.cleaned_data.get("digest") or "").strip().lower()
        return (
            ResultSnapshot.objects.select_related("edition__competition")
            .filter(digest=digest, edition__published_at__isnull=False)
            .first()
        )


class StyleguideForm(forms.Form):
    """A form the styleguide shows twice: as it first appears, and with inline errors."""

    name = forms.CharField(label=_("Name of the project"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("We write to this address about the entry.")
    )
    kind = forms.ChoiceField(label=_("Type of institution"), choices=InstitutionKind.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)
    consent = forms.BooleanField(label=_("I agree to the publication of the project"))
