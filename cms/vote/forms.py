"""The voter's form: one choice per category, an address, and the solved challenge."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from entries.models import Entry

from . import challenge

NO_VOTE = ""


def _choice_label(entry: Entry) -> str:
    # Many titles already end with the institution's name; saying it twice reads as a mistake.
    if entry.institution.name in entry.title:
        return entry.title
    return f"{entry.title} — {entry.institution.name}"


class VoteForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send the confirmation link here. Only a keyed hash of it is stored."),
    )
    altcha = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)

    def __init__(self, *args, candidates: list[Entry], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {entry.pk: entry for entry in candidates}
        self.categories: list[tuple[str, object]] = []
        by_category: dict[int, list[Entry]] = {}
        for entry in candidates:
            by_category.setdefault(entry.category_id, []).append(entry)
        for entries in by_category.values():
            category = entries[0].category
            name = f"category_{category.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=category.name,
                choices=[(NO_VOTE, _("No vote in this category"))]
                + [(e.pk, _choice_label(e)) for e in entries],
                coerce=int,
                empty_value=None,
                required=False,
                initial=NO_VOTE,
                widget=forms.RadioSelect,
            )
            self.categories.append((name, category))
        # The address comes after the choices, the challenge last.
        self.order_fields([name for name, _category in self.categories] + ["email", "altcha"])

    def category_fields(self):
        return [self[name] for name, _category in self.categories]

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.chosen():
            raise forms.ValidationError(
                _("Choose an entry in at least one category."), code="nothing_chosen"
            )
        if not challenge.verify(cleaned.get("altcha") or ""):
            raise forms.ValidationError(
                _(
                    "The anti-bot check did not pass. Wait until it says it is done, then send "
                    "the form again."
                ),
                code="challenge",
            )
        return cleaned

    def chosen(self) -> list[Entry]:
        return [
            self.candidates[pk]
            for name, _category in self.categories
            if (pk := self.cleaned_data.get(name)) in self.candidates
        ]
