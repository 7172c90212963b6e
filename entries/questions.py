"""The questions of an edition's entry form, per type: the form field that validates an answer,
the value stored, and how an answer reads on a page, in a cell and back from a cell.

One module per idea (STYLE 18): the applicant's form, the service, the export and the import all
ask these functions, so a type's rules are written once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Answer, Entry, Question, QuestionKind

CHOICE_KINDS = (QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE)
# How several options share one cell of a workbook.
OPTION_SEPARATOR = "; "


def field_name(question: Question) -> str:
    return f"question_{question.pk}"


def form_field(question: Question, *, category_name: str = "") -> forms.Field:
    """The field that validates an answer. Never required here: a draft may leave anything
    empty; submitting checks the required questions (services.missing_fields)."""
    help_text = question.help
    if category_name:
        only = _("Only for the category “%(category)s”.") % {"category": category_name}
        help_text = f"{help_text} {only}".strip()
    common = {"label": question.text, "help_text": help_text, "required": False}
    kind = question.kind
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        limit = question.text_limit
        widget = (
            forms.Textarea(attrs={"rows": 5, "maxlength": limit})
            if kind == QuestionKind.LONG_TEXT
            else forms.TextInput(attrs={"maxlength": limit})
        )
        return forms.CharField(max_length=limit, widget=widget, **common)
    if kind == QuestionKind.NUMBER:
        return forms.DecimalField(
            max_digits=14,
            decimal_places=2,
            min_value=question.min_value,
            max_value=question.max_value,
            **common,
        )
    if kind == QuestionKind.DATE:
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common
        )
    if kind == QuestionKind.CHOICE:
        return forms.ChoiceField(choices=question.options, widget=forms.RadioSelect, **common)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=question.options, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == QuestionKind.URL:
        return forms.URLField(max_length=500, assume_scheme="https", **common)
    if kind == QuestionKind.EMAIL:
        return forms.EmailField(max_length=254, **common)
    if kind == QuestionKind.FILE:
        return forms.FileField(**common)
    return forms.BooleanField(**common)


def stored(question: Question, cleaned: Any) -> Any:
    """The JSON value of a cleaned answer; None for an empty one. Not for files."""
    if cleaned in (None, "", [], False):
        return None
    if question.kind == QuestionKind.NUMBER:
        return str(cleaned)
    if question.kind == QuestionKind.DATE:
        return cleaned.isoformat()
    return cleaned


def initial(question: Question, answer: Answer | None) -> Any:
    """The form's initial value from a stored answer."""
    if answer is None or answer.value is None:
        return None
    if question.kind == QuestionKind.DATE:
        return dt.date.fromisoformat(answer.value)
    if question.kind == QuestionKind.NUMBER:
        return Decimal(answer.value)
    return answer.value


def is_answered(question: Question, answer: Answer | None) -> bool:
    if answer is None:
        return False
    if question.kind == QuestionKind.FILE:
        return bool(answer.file)
    return answer.value not in (None, "", [], False)


def _option_labels(question: Question, values: Iterable[str]) -> list[str]:
    labels = dict(question.options)
    return [labels.get(value, value) for value in values]


def display(question: Question, answer: Answer | None) -> str:
    """The answer as a person reads it on a page; "" when unanswered."""
    if not is_answered(question, answer):
        return ""
    value = answer.value
    if question.kind == QuestionKind.FILE:
        return answer.original_name
    if question.kind == QuestionKind.DATE:
        return date_format(dt.date.fromisoformat(value), "j E Y")
    if question.kind == QuestionKind.CHOICE:
        return _option_labels(question, [value])[0]
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return ", ".join(_option_labels(question, value))
    if question.kind == QuestionKind.CONSENT:
        return _("yes")
    return str(value)


def cell(question: Question, answer: Answer | None) -> Any:
    """The answer in a workbook cell: numbers and dates as such, options in Polish (the import
    reads them back)."""
    if not is_answered(question, answer):
        return None
    value = answer.value
    if question.kind == QuestionKind.NUMBER:
        return Decimal(value)
    if question.kind == QuestionKind.DATE:
        return dt.date.fromisoformat(value)
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return OPTION_SEPARATOR.join(value)
    if question.kind == QuestionKind.CONSENT:
        return _("yes")
    if question.kind == QuestionKind.FILE:
        return answer.original_name
    return value


_TRUE = {"tak", "yes", "1", "true", "prawda", "t", "y", "x"}
_FALSE = {"nie", "no", "0", "false", "fałsz", "falsz", "n", ""}


def from_cell(question: Question, raw: Any) -> Any:
    """The stored value of a cell typed into the import sheet, through the same form field as
    the site's form. Raises ValidationError with the message a row's problem shows."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if question.kind == QuestionKind.FILE:
        raise ValidationError(_("Files cannot be imported; the applicant attaches them."))
    if question.kind == QuestionKind.CONSENT:
        text = str(raw).strip().casefold()
        if isinstance(raw, bool) or text in _TRUE | _FALSE:
            return True if raw is True or text in _TRUE else None
        raise ValidationError(_("Write tak or nie."))
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        raw = [part.strip() for part in str(raw).split(";") if part.strip()]
    elif question.kind == QuestionKind.NUMBER and isinstance(raw, str):
        raw = "".join(raw.split()).replace(",", ".")
    elif question.kind != QuestionKind.DATE or not isinstance(raw, dt.date):
        raw = str(raw).strip()
    field = form_field(question)
    # Options are matched in Polish, as the export writes them, whatever the request's language.
    if question.kind in CHOICE_KINDS:
        field.choices = [(option, option) for option, _label in question.options]
    return stored(question, field.clean(raw))


@dataclass(frozen=True)
class AnswerRow:
    """One question with its answer as a page shows it; `file_url` for a file answer."""

    question: Question
    text: str
    file_url: str = ""


def answer_rows(
    entry: Entry, *, for_jury: bool = False, file_url: Callable[[Answer], str] | None = None
) -> list[AnswerRow]:
    """The entry's questions and answers in the form's order: two queries, whatever the number.

    Hidden questions appear only when answered (the answer was given, so it is kept in view).
    `for_jury` keeps only what the organiser marked for the jury.
    """
    answers = {answer.question_id: answer for answer in entry.answers.all()}
    asked = Question.objects.filter(edition_id=entry.edition_id).filter(
        Q(category__isnull=True) | Q(category_id=entry.category_id)
    )
    if for_jury:
        asked = asked.filter(for_jury=True)
    rows = []
    for question in asked:
        answer = answers.get(question.pk)
        if question.hidden and not is_answered(question, answer):
            continue
        url = ""
        if question.kind == QuestionKind.FILE and is_answered(question, answer) and file_url:
            url = file_url(answer)
        rows.append(AnswerRow(question=question, text=display(question, answer), file_url=url))
    return rows


def jury_answers(entry_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    """(question, answer) of each entry for the questions marked for the jury, one query: what
    the protocol records beside the ranking. Answers cannot change after the submission
    deadline, so reading them when the protocol is built matches what the jury saw."""
    by_entry: dict[int, list[tuple[str, str]]] = {}
    answers = (
        Answer.objects.filter(entry_id__in=list(entry_ids), question__for_jury=True)
        .select_related("question")
        .order_by("entry_id", "question__order", "question_id")
    )
    for answer in answers:
        text = display(answer.question, answer)
        if text:
            by_entry.setdefault(answer.entry_id, []).append((answer.question.text, text))
    return by_entry
