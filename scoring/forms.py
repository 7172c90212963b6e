"""The score sheet form: renders the scale as input limits; the service validates authoritatively."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import AwardDecision, ResultSnapshot, ScoreSheet, TieDecision


def _max_length(model, field: str) -> int:
    # The limit lives on the model field (see SECURITY.md); forms repeat it, never restate it.
    return model._meta.get_field(field).max_length


class ScoreSheetForm(forms.Form):
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=_max_length(ScoreSheet, "justification"),
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
        self.fields["justification"].help_text = ngettext(
            "Required to submit: at least %(n)d character.",
            "Required to submit: at least %(n)d characters.",
            min_length,
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

    def clean(self):
        cleaned = super().clean()
        # Which of the two buttons was pressed: save a draft or submit the sheet.
        cleaned["submit"] = "submit" in self.data
        _refuse_null_characters(self.raw_scores())
        return cleaned

    def raw_scores(self) -> dict[str, str]:
        """Every posted score_* value, known criterion or not: unknown ones must be refused."""
        return _prefixed(self.data, "score_")


def _prefixed(data, prefix: str) -> dict[str, str]:
    """The posted fields named `prefix<id>`, by id: forms whose fields depend on the ranking."""
    return {
        key.removeprefix(prefix): value for key, value in data.items() if key.startswith(prefix)
    }


def _refuse_null_characters(values: dict[str, str]) -> None:
    # Django's CharField refuses NUL in its own fields; these are read past the declared fields.
    validate = ProhibitNullCharactersValidator()
    for key, value in values.items():
        validate(key)
        validate(value)


class TieDecisionForm(forms.Form):
    """The chair's order for tied entries: a position number per `tie_<entry>` field."""

    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        max_length=_max_length(TieDecision, "justification"),
    )

    def clean(self):
        cleaned = super().clean()
        positions = _prefixed(self.data, "tie_")
        _refuse_null_characters(positions)
        try:
            numbered = sorted((int(value), entry) for entry, value in positions.items())
        except ValueError:
            raise ValidationError(
                _("Give every tied entry a position number."), code="position"
            ) from None
        cleaned["order"] = [entry for _position, entry in numbered]
        return cleaned


class AwardConfirmationForm(forms.Form):
    """The awards per `award_<entry>` field ("" for none), checked against the ranking by the service."""

    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        max_length=_max_length(AwardDecision, "justification"),
    )

    def clean(self):
        cleaned = super().clean()
        awards = _prefixed(self.data, "award_")
        _refuse_null_characters(awards)
        cleaned["awards"] = {entry: value or None for entry, value in awards.items()}
        return cleaned


class FreezeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=_max_length(ResultSnapshot, "reason"),
    )


class RecusalForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the conflict of interest"), max_length=300)
