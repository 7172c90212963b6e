"""The score sheet form: renders the scale as input limits; the service validates authoritatively."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ScoreSheet


class ScoreSheetForm(forms.Form):
    justification = forms.CharField(
        label=_("Justification"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, criteria, sheet: ScoreSheet | None, min_length: int, **kwargs):
        initial = {"version": sheet.version if sheet else 0}
        if sheet is not None:
            initial["justification"] = sheet.justification
            initial.update(
                {
                    f"score_{s.criterion_id}": format(s.value.normalize(), "f")
                    for s in sheet.scores.all()
                }
            )
        super().__init__(*args, initial=initial, **kwargs)
        self.criteria = list(criteria)
        self.fields["justification"].help_text = _(
            "Required to submit: at least %(n)d characters."
        ) % {"n": min_length}
        for criterion in self.criteria:
            # Text input with numeric limits: the browser helps, the service decides.
            self.fields[f"score_{criterion.pk}"] = forms.CharField(
                label=criterion.name,
                required=False,
                help_text=_(
                    "%(description)s Scale %(min)s–%(max)s, step %(step)s, weight %(weight)s."
                )
                % {"description": criterion.description, **criterion.scale_display},
                widget=forms.NumberInput(
                    attrs={
                        "min": criterion.scale_display["min"],
                        "max": criterion.scale_display["max"],
                        "step": criterion.scale_display["step"],
                        "inputmode": "decimal",
                    }
                ),
            )
        self.order_fields([*(f"score_{c.pk}" for c in self.criteria), "justification", "version"])

    def raw_scores(self) -> dict[str, str]:
        """Every posted score_* value, known criterion or not: unknown ones must be refused."""
        return {
            key.removeprefix("score_"): value
            for key, value in self.data.items()
            if key.startswith("score_")
        }


class RecusalForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the conflict of interest"), max_length=300)
