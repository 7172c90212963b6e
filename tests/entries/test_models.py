from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from entries.models import DESCRIPTION_MAX_LENGTH, Entry, Question
from tests.factories import EntryFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def test_entry_save_stores_the_rendered_description():
    entry = EntryFactory(description="Akapit z **pogrubieniem**.\n\n- punkt")

    stored = Entry.objects.get(pk=entry.pk)

    assert "<strong>pogrubieniem</strong>" in stored.description_html
    assert "<li>punkt</li>" in stored.description_html


def test_entry_save_renders_again_only_when_the_description_changes():
    entry = Entry.objects.get(pk=EntryFactory(description="stary").pk)
    entry.description_html = "<p>niezmienione</p>"  # would be replaced by a new rendering
    entry.title = "Nowy tytuł"
    entry.save()
    assert Entry.objects.get(pk=entry.pk).description_html == "<p>niezmienione</p>"

    entry.description = "nowy"
    entry.save(update_fields=["description"])

    assert Entry.objects.get(pk=entry.pk).description_html == "<p>nowy</p>\n"


def test_entry_description_over_the_limit_is_refused_by_validation():
    entry = EntryFactory.build(description="x" * (DESCRIPTION_MAX_LENGTH + 1))

    with pytest.raises(ValidationError) as excinfo:
        entry.clean_fields(exclude=["edition", "category", "institution", "created_by"])

    assert list(excinfo.value.message_dict) == ["description"]


def test_users_count_is_named_number_of_users_in_polish():
    from django.utils import translation

    from entries.models import Entry

    with translation.override("pl"):
        label = str(Entry._meta.get_field("users_count").verbose_name)

    assert label == "liczba użytkowników"


def test_question_type_change_refused_after_first_submission():
    question = QuestionFactory(kind="short_text")
    EntryFactory(category__edition=question.edition, status="submitted", sequence=1, number="X-1")
    question = Question.objects.get(pk=question.pk)
    question.kind = "long_text"

    with pytest.raises(ValidationError) as excinfo:
        question.full_clean()

    assert "kind" in excinfo.value.message_dict


def test_question_type_change_allowed_before_any_submission():
    question = QuestionFactory(kind="short_text")
    EntryFactory(category__edition=question.edition)
    question = Question.objects.get(pk=question.pk)
    question.kind = "long_text"

    question.full_clean()


def test_question_hidden_after_first_submission_is_allowed():
    question = QuestionFactory()
    EntryFactory(category__edition=question.edition, status="submitted", sequence=1, number="X-1")
    question = Question.objects.get(pk=question.pk)
    question.hidden = True

    question.full_clean()


def test_question_choice_without_options_refused():
    question = QuestionFactory.build(kind="choice", choices="")

    with pytest.raises(ValidationError) as excinfo:
        question.clean()

    assert "choices" in excinfo.value.message_dict
