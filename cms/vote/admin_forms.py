"""The organiser's forms in the admin: the vote's set-up and an annulment's reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm


class PublicVoteAdminForm(WagtailAdminModelForm):
    def clean(self) -> dict:
        cleaned = super().clean()
        edition = cleaned.get("edition")
        categories = cleaned.get("categories")
        if edition and categories is not None:
            foreign = [c.name for c in categories if c.edition_id != edition.pk]
            if foreign:
                self.add_error(
                    "categories",
                    _("These categories belong to another edition: %(names)s")
                    % {"names": ", ".join(foreign)},
                )
        shortlist = cleaned.get("shortlist")
        if categories is not None and shortlist:
            outside = [
                e.title for e in shortlist if e.category_id not in {c.pk for c in categories}
            ]
            if outside:
                self.add_error(
                    "shortlist",
                    _("These entries are not in the chosen categories: %(titles)s")
                    % {"titles": ", ".join(outside)},
                )
        return cleaned


class AnnulForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the annulment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Recorded in the log with your name. The vote stays, out of the count."),
    )
