from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from competition.models import Edition, Institution, Phase, to_roman
from competition.teryt import InstitutionKind as K
from tests.factories import (
    CategoryFactory,
    CompetitionFactory,
    CriterionFactory,
    EditionFactory,
    InstitutionFactory,
)

pytestmark = pytest.mark.django_db


def test_to_roman_numbers_editions():
    assert [to_roman(n) for n in (1, 4, 6, 9, 14, 2024)] == ["I", "IV", "VI", "IX", "XIV", "MMXXIV"]


def test_to_roman_of_a_number_without_a_roman_numeral_is_its_digits():
    assert to_roman(99999999999999999999) == "99999999999999999999"


def test_edition_label_uses_roman_numeral():
    edition = EditionFactory.build(number=6, competition=CompetitionFactory.build(name="SLC"))

    assert edition.label == "VI edycja"
    assert str(edition) == "SLC — VI edycja (2026)"


def test_edition_clean_rejects_deadline_before_call_opens():
    edition = EditionFactory.build(competition=CompetitionFactory())
    edition.submission_deadline = edition.call_opens_at - dt.timedelta(days=1)

    with pytest.raises(ValidationError) as excinfo:
        edition.full_clean()

    assert "submission_deadline" in excinfo.value.message_dict
    assert excinfo.value.message_dict["submission_deadline"] == [
        "Ta data nie może być wcześniejsza niż „otwarcie naboru zgłoszeń”."
    ]


def test_edition_clean_rejects_scoring_closing_before_it_opens():
    edition = EditionFactory.build(competition=CompetitionFactory())
    edition.scoring_closes_at = edition.scoring_opens_at

    with pytest.raises(ValidationError) as excinfo:
        edition.full_clean()

    assert list(excinfo.value.message_dict) == ["scoring_closes_at"]


def test_edition_clean_rejects_publishing_unfrozen_results():
    edition = EditionFactory.build(competition=CompetitionFactory())
    edition.published_at = edition.results_date

    with pytest.raises(ValidationError) as excinfo:
        edition.full_clean()

    assert list(excinfo.value.message_dict) == ["published_at"]


def test_edition_database_refuses_dates_out_of_order():
    edition = EditionFactory()
    Edition.objects.filter(pk=edition.pk)

    with pytest.raises(IntegrityError), transaction.atomic():
        Edition.objects.filter(pk=edition.pk).update(results_date=edition.call_opens_at)


def test_edition_duplicate_number_reports_clear_error():
    edition = EditionFactory(number=3)
    duplicate = EditionFactory.build(competition=edition.competition, number=3)

    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()

    assert excinfo.value.messages == ["Ten konkurs ma już edycję o tym numerze."]


@pytest.mark.parametrize(
    ("moment", "phase"),
    [
        ("call_opens_at", Phase.CALL_OPEN),
        ("submission_deadline", Phase.FORMAL_CHECK),
        ("formal_check_ends_at", Phase.SUBMISSION_CLOSED),
        ("scoring_opens_at", Phase.SCORING),
        ("scoring_closes_at", Phase.DELIBERATION),
        ("results_date", Phase.DELIBERATION),
    ],
)
def test_edition_phase_changes_exactly_at_each_date(moment, phase):
    edition = EditionFactory.build()
    boundary = getattr(edition, moment)

    before = edition.phase_at(boundary - dt.timedelta(microseconds=1))
    at = edition.phase_at(boundary)

    assert at == phase
    assert before != phase or moment == "results_date"


def test_edition_phase_is_draft_before_the_call():
    edition = EditionFactory.build()

    assert edition.phase_at(edition.call_opens_at - dt.timedelta(seconds=1)) == Phase.DRAFT


def test_edition_phase_follows_organiser_actions():
    edition = EditionFactory.build()
    after = edition.results_date + dt.timedelta(days=1)
    edition.frozen_at = edition.results_date
    frozen = edition.phase_at(after)
    edition.published_at = after
    published = edition.phase_at(after)
    edition.archived_at = after
    archived = edition.phase_at(after)

    assert (frozen, published, archived) == (Phase.FROZEN, Phase.PUBLISHED, Phase.ARCHIVED)


def test_criterion_clean_rejects_non_positive_weight():
    criterion = CriterionFactory.build(edition=EditionFactory(), weight=Decimal(0))

    with pytest.raises(ValidationError) as excinfo:
        criterion.full_clean()

    assert excinfo.value.message_dict == {"weight": ["Waga musi być większa od zera."]}


def test_criterion_clean_rejects_min_not_below_max():
    criterion = CriterionFactory.build(
        edition=EditionFactory(), scale_min=Decimal(5), scale_max=Decimal(5)
    )

    with pytest.raises(ValidationError) as excinfo:
        criterion.full_clean()

    assert list(excinfo.value.message_dict) == ["scale_max"]


def test_criterion_clean_rejects_step_that_does_not_divide_the_scale():
    criterion = CriterionFactory.build(
        edition=EditionFactory(), scale_max=Decimal(10), step=Decimal(3)
    )

    with pytest.raises(ValidationError) as excinfo:
        criterion.full_clean()

    assert list(excinfo.value.message_dict) == ["step"]


def test_criterion_clean_rejects_category_of_another_edition():
    criterion = CriterionFactory.build(edition=EditionFactory(), category=CategoryFactory())

    with pytest.raises(ValidationError) as excinfo:
        criterion.full_clean()

    assert list(excinfo.value.message_dict) == ["category"]


@pytest.mark.parametrize(
    "values",
    [{"weight": Decimal(0)}, {"weight": Decimal(-1)}, {"scale_min": Decimal(10)}, {"step": 0}],
)
def test_criterion_database_constraints_hold_without_clean(values):
    criterion = CriterionFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        type(criterion).objects.filter(pk=criterion.pk).update(**values)


def test_criterion_accepts_values_on_scale_and_step():
    criterion = CriterionFactory.build(
        scale_min=Decimal(0), scale_max=Decimal(5), step=Decimal("0.5")
    )

    assert criterion.accepts(Decimal("2.5"))
    assert not criterion.accepts(Decimal("2.3"))
    assert not criterion.accepts(Decimal("5.5"))
    assert not criterion.accepts(Decimal("-0.5"))


def test_institution_derives_voivodeship_from_terc():
    institution = Institution(name="Urząd Miasta Legionowo", kind=K.GMINA_MIEJSKA, terc="1408011")

    institution.full_clean()
    institution.save()

    assert institution.voivodeship == "14"
    assert institution.voivodeship_name == "mazowieckie"


def test_institution_rejects_terc_of_wrong_kind():
    institution = Institution(name="Gmina X", kind=K.GMINA_WIEJSKA, terc="1408011")

    with pytest.raises(ValidationError) as excinfo:
        institution.full_clean()

    assert list(excinfo.value.message_dict) == ["terc"]


def test_institution_rejects_duplicate_terc():
    InstitutionFactory(terc="1408011", kind=K.GMINA_MIEJSKA)
    duplicate = Institution(name="Legionowo bis", kind=K.GMINA_MIEJSKA, terc="1408011")

    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()

    assert excinfo.value.messages == ["Instytucja z tym kodem TERC już istnieje."]


def test_institution_database_refuses_duplicate_terc():
    InstitutionFactory(terc="1408011", kind=K.GMINA_MIEJSKA)

    with pytest.raises(IntegrityError), transaction.atomic():
        Institution.objects.create(name="Legionowo bis", kind=K.GMINA_MIEJSKA, terc="1408011")


def test_institution_allows_many_without_terc():
    Institution.objects.create(name="Politechnika Warszawska", kind=K.OTHER)
    other = Institution(name="Muzeum", kind=K.OTHER, terc="", voivodeship="14")

    other.full_clean()


def test_category_accepts_only_eligible_kinds():
    category = CategoryFactory.build(eligible_kinds=[K.GMINA_WIEJSKA, K.GMINA_MIEJSKO_WIEJSKA])

    assert category.accepts_kind(K.GMINA_WIEJSKA)
    assert not category.accepts_kind(K.POWIAT)


def test_category_rejects_unknown_kind():
    category = CategoryFactory.build(edition=EditionFactory(), eligible_kinds=["spółka"])

    with pytest.raises(ValidationError) as excinfo:
        category.full_clean()

    assert list(excinfo.value.message_dict) == ["eligible_kinds"]
