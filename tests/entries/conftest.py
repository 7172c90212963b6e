from __future__ import annotations

import datetime as dt
import shutil

import pytest
import time_machine
from django.conf import settings

from tests.factories import BASE, CategoryFactory, InstitutionFactory, MembershipFactory

DURING_CALL = BASE + dt.timedelta(days=10)
AFTER_DEADLINE = BASE + dt.timedelta(days=31)


@pytest.fixture(autouse=True)
def _private_media():
    yield
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def during_call():
    with time_machine.travel(DURING_CALL, tick=False) as traveller:
        yield traveller


@pytest.fixture
def category(db):
    category = CategoryFactory(edition__competition__code="SLC", edition__year=2026)
    return category


@pytest.fixture
def member(db):
    """An applicant approved to act for a rural gmina."""
    return MembershipFactory(user__username="anna", institution=InstitutionFactory()).user


@pytest.fixture
def outsider(db):
    """An applicant of another institution."""
    return MembershipFactory(user__username="bob").user
