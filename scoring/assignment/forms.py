"""Forms of the assignment: the organiser's rule, caps and moves; a juror's marks."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PreferenceLevel

EVERYONE, K_PER_ENTRY = "all", "k"


class RuleForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Who scores each entry"),
        choices=[
            (EVERYONE, _("Every juror scores every entry")),
            (K_PER_ENTRY, _("A number of jurors per entry")),
        ],
        widget=forms.RadioSelect,
    )
    jurors_per_entry = forms.IntegerField(
        label=_("Jurors per entry"), min_value=2, max_value=50, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == K_PER_ENTRY and not cleaned.get("jurors_per_entry"):
            self.add_error(
                "jurors_per_entry", _("Give the number of jurors per entry (2 or more).")
            )
        return cleaned

    @property
    def k(self) -> int | None:
        if self.cleaned_data["mode"] == EVERYONE:
            return None
        return self.cleaned_data["jurors_per_entry"]


class ConfirmForm(forms.Form):
    digest = forms.CharField(widget=forms.HiddenInput, min_length=64, max_length=64)


class CapForm(forms.Form):
    juror = forms.ModelChoiceField(label=_("Juror"), queryset=None)
    max_entries = forms.IntegerField(
        label=_("At most entries"),
        min_value=0,
        required=False,
        help_text=_("Empty: no cap."),
    )

    def __init__(self, *args, jurors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juror"].queryset = jurors


class MoveForm(forms.Form):
    entry = forms.ModelChoiceField(label=_("Entry"), queryset=None)
    from_juror = forms.ModelChoiceField(label=_("From juror"), queryset=None)
    to_juror = forms.ModelChoiceField(label=_("To juror"), queryset=None)

    def __init__(self, *args, entries, jurors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = entries
        self.fields["from_juror"].queryset = jurors
        self.fields["to_juror"].queryset = jurors

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from_juror") and cleaned.get("from_juror") == cleaned.get("to_juror"):
            self.add_error("to_juror", _("Choose another juror to take the entry."))
        return cleaned


class PreferencesForm(forms.Form):
    """One choice per entry of the category: "chcę oceniać", "mogę", "wolę nie" or no mark."""

    def __init__(self, *args, entries, marks: dict[int, str], locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = list(entries)
        for entry in self.entries:
            self.fields[f"entry_{entry.pk}"] = forms.ChoiceField(
                label=str(entry),
                choices=[("", _("no mark")), *PreferenceLevel.choices],
                required=False,
                initial=marks.get(entry.pk, ""),
                # Shown, not changeable, once the entries are assigned or the phase is over.
                disabled=locked,
            )

    def rows(self):
        return [(entry, self[f"entry_{entry.pk}"]) for entry in self.entries]

    def levels(self) -> dict[int, str | None]:
        return {entry.pk: self.cleaned_data[f"entry_{entry.pk}"] or None for entry in self.entries}
