from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from competition.contrast import contrast_ratio, validate_accent_colour
from tests.factories import CompetitionFactory


def test_contrast_ratio_of_black_on_white_is_21():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)


def test_contrast_ratio_is_symmetric():
    assert contrast_ratio("#0b4f8a", "#ffffff") == pytest.approx(
        contrast_ratio("#ffffff", "#0b4f8a")
    )


@pytest.mark.parametrize("colour", ["#0b4f8a", "#b0122b", "#00695c", "#000000"])
def test_accent_colour_dark_enough_is_accepted(colour):
    validate_accent_colour(colour)


@pytest.mark.parametrize("colour", ["#f0c000", "#ffffff", "#767676"])
def test_accent_colour_too_light_is_refused_with_its_ratio(colour):
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        validate_accent_colour(colour)

    assert raised.value.code == "low_contrast"
    assert colour in raised.value.messages[0]
    assert "4.5:1" in raised.value.messages[0]


def test_accent_colour_message_is_polish_in_the_polish_admin():
    with translation.override("pl"), pytest.raises(ValidationError) as raised:
        validate_accent_colour("#f0c000")

    # Written the Polish way (decimal comma) and rounded down: 1.567 never reads as a pass.
    assert "1,56:1" in raised.value.messages[0]
    assert "4,5:1" in raised.value.messages[0]


@pytest.mark.parametrize("colour", ["0b4f8a", "#0b4f8", "blue", "#0b4f8a;"])
def test_accent_colour_not_in_hex_form_is_refused(colour):
    with pytest.raises(ValidationError) as raised:
        validate_accent_colour(colour)

    assert raised.value.code == "invalid_colour"


def test_competition_full_clean_refuses_a_light_accent(db):
    competition = CompetitionFactory.build(accent_colour="#ffd400")

    with pytest.raises(ValidationError) as raised:
        competition.full_clean()

    assert "accent_colour" in raised.value.message_dict


def test_competition_without_accent_is_valid(db):
    CompetitionFactory.build(accent_colour="").full_clean()
