"""TERC codes (the territorial part of TERYT) and the kinds of institutions that enter.

The code's shape depends on the kind of local government: 2 digits for a województwo, 4 for a
powiat, 7 for a gmina (its last digit says urban, rural or urban-rural). Automatic
conflict-of-interest rules rely on a gmina's code starting with its powiat's and województwo's codes.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionKind(models.TextChoices):
    GMINA_MIEJSKA = "gmina_miejska", _("urban gmina")
    GMINA_WIEJSKA = "gmina_wiejska", _("rural gmina")
    GMINA_MIEJSKO_WIEJSKA = "gmina_miejsko_wiejska", _("urban-rural gmina")
    MIASTO_NPP = "miasto_npp", _("city with county rights")
    POWIAT = "powiat", _("powiat (county)")
    WOJEWODZTWO = "wojewodztwo", _("województwo (region)")
    OTHER = "other", _("other public institution")


LOCAL_GOVERNMENT_KINDS = frozenset(InstitutionKind.values) - {InstitutionKind.OTHER}

VOIVODESHIPS: dict[str, str] = {
    "02": "dolnośląskie",
    "04": "kujawsko-pomorskie",
    "06": "lubelskie",
    "08": "lubuskie",
    "10": "łódzkie",
    "12": "małopolskie",
    "14": "mazowieckie",
    "16": "opolskie",
    "18": "podkarpackie",
    "20": "podlaskie",
    "22": "pomorskie",
    "24": "śląskie",
    "26": "świętokrzyskie",
    "28": "warmińsko-mazurskie",
    "30": "wielkopolskie",
    "32": "zachodniopomorskie",
}
VOIVODESHIP_CHOICES = sorted(VOIVODESHIPS.items())

# The gmina type digit (R) each kind must carry; 4, 5, 8 and 9 are parts of gminy, not entrants.
_GMINA_TYPE_DIGIT = {
    InstitutionKind.GMINA_MIEJSKA: "1",
    InstitutionKind.GMINA_WIEJSKA: "2",
    InstitutionKind.GMINA_MIEJSKO_WIEJSKA: "3",
    InstitutionKind.MIASTO_NPP: "1",
}
_EXPECTED_LENGTH = {
    InstitutionKind.WOJEWODZTWO: 2,
    InstitutionKind.POWIAT: 4,
    InstitutionKind.GMINA_MIEJSKA: 7,
    InstitutionKind.GMINA_WIEJSKA: 7,
    InstitutionKind.GMINA_MIEJSKO_WIEJSKA: 7,
    InstitutionKind.MIASTO_NPP: 7,
}
_DIGITS = re.compile(r"^\d+$")


def validate_terc(code: str, kind: str) -> None:
    """Raise ValidationError (with a message for the TERC field) unless `code` fits `kind`."""
    if kind == InstitutionKind.OTHER:
        if code:
            raise ValidationError(
                _("Leave the TERC code empty for an institution that is not a local government."),
                code="terc_not_allowed",
            )
        return
    if not code:
        raise ValidationError(_("A local government needs its TERC code."), code="terc_required")
    expected = _EXPECTED_LENGTH[InstitutionKind(kind)]
    if not _DIGITS.match(code) or len(code) != expected:
        raise ValidationError(
            _("The TERC code of a %(kind)s has exactly %(length)d digits."),
            code="terc_length",
            params={"kind": InstitutionKind(kind).label, "length": expected},
        )
    if code[:2] not in VOIVODESHIPS:
        raise ValidationError(
            _("%(code)s is not a województwo code (even numbers 02–32)."),
            code="terc_voivodeship",
            params={"code": code[:2]},
        )
    if expected == 2:
        return
    county = int(code[2:4])
    is_city_county = 61 <= county <= 99
    if kind == InstitutionKind.POWIAT and not 1 <= county <= 60:
        raise ValidationError(
            _("A powiat's code ends in 01–60; 61–99 are cities with county rights."),
            code="terc_county",
        )
    if expected == 4:
        return
    if kind == InstitutionKind.MIASTO_NPP and not is_city_county:
        raise ValidationError(
            _("A city with county rights has a county number 61–99 (digits 3–4 of the code)."),
            code="terc_county",
        )
    if kind != InstitutionKind.MIASTO_NPP and not 1 <= county <= 60:
        if is_city_county:
            raise ValidationError(
                _("County numbers 61–99 belong to cities with county rights; choose that kind."),
                code="terc_county",
            )
        raise ValidationError(_("Digits 3–4 must be a county number 01–99."), code="terc_county")
    if code[4:6] == "00":
        raise ValidationError(_("Digits 5–6 must be a gmina number 01–99."), code="terc_gmina")
    type_digit = _GMINA_TYPE_DIGIT[InstitutionKind(kind)]
    if code[6] != type_digit:
        raise ValidationError(
            _("The last digit of a %(kind)s's code is %(digit)s, not %(given)s."),
            code="terc_type_digit",
            params={"kind": InstitutionKind(kind).label, "digit": type_digit, "given": code[6]},
        )


def voivodeship_of(code: str) -> str:
    """The województwo code a TERC code belongs to, or "" when there is none."""
    return code[:2] if code and code[:2] in VOIVODESHIPS else ""


def territory_contains(outer: str, inner: str) -> bool:
    """True if the unit `outer` contains (or is) the unit `inner`, by TERC prefix."""
    if not outer or not inner:
        return False
    return inner.startswith(outer) or inner == outer
