from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from entries import questions
from entries.models import Answer, QuestionKind
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def clean(question, raw):
    return questions.stored(question, questions.form_field(question).clean(raw))


# (kind, extra question fields, valid input, stored value, invalid input)
CASES = [
    (QuestionKind.SHORT_TEXT, {}, "ePUAP", "ePUAP", None),
    (QuestionKind.LONG_TEXT, {"max_length": 20}, "Krótko o systemie.", "Krótko o systemie.", None),
    (
        QuestionKind.NUMBER,
        {"min_value": Decimal("0"), "max_value": Decimal("100")},
        "42.5",
        "42.5",
        "abc",
    ),
    (QuestionKind.DATE, {}, "2025-03-31", "2025-03-31", "31 lutego"),
    (QuestionKind.CHOICE, {"choices": "tak\nnie"}, "tak", "tak", "może"),
    (
        QuestionKind.MULTIPLE_CHOICE,
        {"choices": "ePUAP\nSEKAP\nwłasny"},
        ["ePUAP", "własny"],
        ["ePUAP", "własny"],
        ["inny"],
    ),
    (QuestionKind.URL, {}, "gmina.pl/e-uslugi", "https://gmina.pl/e-uslugi", "nie adres"),
    (QuestionKind.EMAIL, {}, "it@gmina.pl", "it@gmina.pl", "it@"),
    (QuestionKind.CONSENT, {}, "on", True, None),
]


@pytest.mark.parametrize(("kind", "extra", "raw", "value", "_invalid"), CASES)
def test_form_field_stores_valid_answer(kind, extra, raw, value, _invalid):
    question = QuestionFactory(kind=kind, **extra)

    assert clean(question, raw) == value


@pytest.mark.parametrize(
    ("kind", "extra", "invalid"),
    [(kind, extra, invalid) for kind, extra, _raw, _value, invalid in CASES if invalid],
)
def test_form_field_refuses_invalid_answer(kind, extra, invalid):
    question = QuestionFactory(kind=kind, **extra)

    with pytest.raises(ValidationError):
        clean(question, invalid)


@pytest.mark.parametrize(("kind", "extra", "_raw", "_value", "_invalid"), CASES)
def test_form_field_stores_nothing_when_missing(kind, extra, _raw, _value, _invalid):
    question = QuestionFactory(kind=kind, **extra)

    assert clean(question, "") is None


@pytest.mark.parametrize("kind", [QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT])
def test_form_field_refuses_text_too_long(kind):
    question = QuestionFactory(kind=kind, max_length=10)

    with pytest.raises(ValidationError) as excinfo:
        clean(question, "x" * 11)

    assert excinfo.value.error_list[0].code == "max_length"


def test_form_field_refuses_number_out_of_range():
    question = QuestionFactory(kind=QuestionKind.NUMBER, min_value=1, max_value=10)

    with pytest.raises(ValidationError):
        clean(question, "11")


def test_question_text_in_english_when_translated():
    question = QuestionFactory(label="Jakie e-usługi?", label_en="Which e-services?")

    with translation.override("en"):
        english = question.text
    with translation.override("pl"):
        polish = question.text

    assert (english, polish) == ("Which e-services?", "Jakie e-usługi?")


def test_question_options_keep_polish_values_in_english():
    question = QuestionFactory(
        kind=QuestionKind.CHOICE, choices="tak\nnie", choices_en="yes\nno", label_en=""
    )

    with translation.override("en"):
        options = question.options
        text = question.text

    assert options == [("tak", "yes"), ("nie", "no")]
    assert text == question.label


def test_display_and_cell_of_each_kind():
    date = QuestionFactory(kind=QuestionKind.DATE)
    number = QuestionFactory(kind=QuestionKind.NUMBER)
    several = QuestionFactory(kind=QuestionKind.MULTIPLE_CHOICE, choices="a\nb")

    assert questions.cell(date, Answer(value="2025-03-31")) == dt.date(2025, 3, 31)
    assert questions.cell(number, Answer(value="12.50")) == Decimal("12.50")
    assert questions.cell(several, Answer(value=["a", "b"])) == "a; b"
    assert questions.display(several, Answer(value=["a", "b"])) == "a, b"
    assert questions.display(date, None) == ""


@pytest.mark.parametrize(
    ("kind", "extra", "raw", "value"),
    [
        (QuestionKind.NUMBER, {}, 1500.0, "1500"),
        (QuestionKind.NUMBER, {}, "1 500,5", "1500.5"),
        (QuestionKind.DATE, {}, dt.datetime(2025, 3, 31), "2025-03-31"),
        (QuestionKind.MULTIPLE_CHOICE, {"choices": "a\nb\nc"}, "a; c", ["a", "c"]),
        (QuestionKind.CONSENT, {}, "tak", True),
        (QuestionKind.CONSENT, {}, "nie", None),
        (QuestionKind.SHORT_TEXT, {}, "  ", None),
    ],
)
def test_from_cell_reads_what_the_export_writes(kind, extra, raw, value):
    question = QuestionFactory(kind=kind, **extra)

    assert questions.from_cell(question, raw) == value


def test_from_cell_refuses_a_file():
    question = QuestionFactory(kind=QuestionKind.FILE)

    with pytest.raises(ValidationError):
        questions.from_cell(question, "plik.pdf")
