from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from competition.teryt import InstitutionKind as K
from competition.teryt import territory_contains, validate_terc, voivodeship_of


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("14", K.WOJEWODZTWO),
        ("32", K.WOJEWODZTWO),
        ("1412", K.POWIAT),
        ("1408011", K.GMINA_MIEJSKA),
        ("1421042", K.GMINA_WIEJSKA),
        ("1418043", K.GMINA_MIEJSKO_WIEJSKA),
        ("1465011", K.MIASTO_NPP),
        ("", K.OTHER),
    ],
)
def test_validate_terc_accepts_real_codes(code, kind):
    validate_terc(code, kind)


@pytest.mark.parametrize(
    ("code", "kind", "error_code"),
    [
        ("140801", K.GMINA_MIEJSKA, "terc_length"),
        ("14080111", K.GMINA_MIEJSKA, "terc_length"),
        ("14a8011", K.GMINA_MIEJSKA, "terc_length"),
        ("141", K.POWIAT, "terc_length"),
        ("1408012", K.GMINA_MIEJSKA, "terc_type_digit"),
        ("1408014", K.GMINA_MIEJSKO_WIEJSKA, "terc_type_digit"),
        ("1408018", K.GMINA_WIEJSKA, "terc_type_digit"),
        ("15", K.WOJEWODZTWO, "terc_voivodeship"),
        ("34", K.WOJEWODZTWO, "terc_voivodeship"),
        ("0012", K.POWIAT, "terc_voivodeship"),
        ("1465", K.POWIAT, "terc_county"),
        ("1408011", K.MIASTO_NPP, "terc_county"),
        ("1465011", K.GMINA_MIEJSKA, "terc_county"),
        ("1400011", K.GMINA_MIEJSKA, "terc_county"),
        ("1408001", K.GMINA_MIEJSKA, "terc_gmina"),
        ("", K.GMINA_WIEJSKA, "terc_required"),
        ("1408011", K.OTHER, "terc_not_allowed"),
    ],
)
def test_validate_terc_rejects_bad_codes(code, kind, error_code):
    with pytest.raises(ValidationError) as excinfo:
        validate_terc(code, kind)

    assert excinfo.value.code == error_code


def test_validate_terc_message_names_expected_length_in_polish():
    with pytest.raises(ValidationError) as excinfo:
        validate_terc("140801", K.GMINA_MIEJSKA)

    assert excinfo.value.messages == ["Kod TERC dla rodzaju „gmina miejska” składa się z 7 cyfr."]


def test_voivodeship_of_reads_first_two_digits():
    assert voivodeship_of("1408011") == "14"
    assert voivodeship_of("") == ""


def test_territory_contains_follows_the_code_hierarchy():
    assert territory_contains("14", "1408011")
    assert territory_contains("1408", "1408011")
    assert not territory_contains("1412", "1408011")
    assert not territory_contains("", "1408011")
