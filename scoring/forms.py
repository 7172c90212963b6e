"""The score sheet form: renders the scale as input limits; the service validates authoritatively."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import AwardDecision, ResultSnapshot, Score, ScoreSheet, TieDecision

# A scale of up to 11 values (0–10) is a row of segments; up to SELECT_MAX a drop-down list;
# beyond it (0–100 in steps of 0.01) a number field, as a list that long helps nobody.
SEGMENTED_MAX = 11
SELECT_MAX = 201


def _max_length(model, field: str) -> int:
    # The limit lives on the model field (see SECURITY.md); forms repeat it, never restate it.
    return model._meta.get_field(field).max_length


def score_widget(criterion) -> forms.Widget:
    """Segments (radios) for a short scale, a list for a longer one, a number field beyond."""
    size = criterion.scale_size
    if size > SELECT_MAX:
        return forms.NumberInput(
            attrs={
                "min": criterion.scale_display["min"],
                "max": criterion.scale_display["max"],
                "step": criterion.scale_display["step"],
                "inputmode": "decimal",
            }
        )
    # Values as the service parses them ("6.5"), labels as Polish writes them ("6,5").
    points = [(criterion.plain(p), number_format(p.normalize())) for p in criterion.scale_points()]
    if size <= SEGMENTED_MAX:
        return forms.RadioSelect(choices=points)
    return forms.Select(choices=[("", "—"), *points])


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
            self.fields[f"score_{criterion.pk}"] = forms.CharField(
                label=criterion.name,
                required=False,
                help_text=_(
                    "%(description)s Scale %(min)s–%(max)s, step %(step)s, weight %(weight)s."
                )
                % {"description": criterion.description, **criterion.scale_display},
                widget=score_widget(criterion),
            )
            if criterion.comment_required:
                self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                    label=_("Comment on “%(criterion)s”") % {"criterion": criterion.name},
                    required=False,
                    max_length=_max_length(Score, "comment"),
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
        if sheet is not None:
            self.initial.update(
                {f"comment_{s.criterion_id}": s.comment for s in sheet.scores.all() if s.comment}
            )
        self.order_fields(
            [
                *(
                    name
                    for c in self.criteria
                    for name in (f"score_{c.pk}", f"comment_{c.pk}")
                    if name in self.fields
                ),
                "justification",
                "version",
            ]
        )

    def criterion_rows(self) -> list[dict]:
        """Per criterion: its score field, its comment field (or None) and its weight, in order."""
        return [
            {
                "criterion": c,
                "score": self[f"score_{c.pk}"],
                "comment": self[f"comment_{c.pk}"] if f"comment_{c.pk}" in self.fields else None,
                "segmented": c.scale_size <= SEGMENTED_MAX,
            }
            for c in self.criteria
        ]

    def clean(self):
        cleaned = super().clean()
        # Which of the two buttons was pressed: save a draft or submit the sheet.
        cleaned["submit"] = "submit" in self.data
        _refuse_null_characters(self.raw_scores())
        _refuse_null_characters(self.raw_comments())
        return cleaned

    def raw_scores(self) -> dict[str, str]:
        """Every posted score_* value, known criterion or not: unknown ones must be refused."""
        return _prefixed(self.data, "score_")

    def raw_comments(self) -> dict[str, str]:
        """Every posted comment_* value, as `raw_scores`."""
        return _prefixed(self.data, "comment_")


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
