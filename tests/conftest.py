from __future__ import annotations

import pytest

from competition.services import ensure_organiser_group
from tests.factories import UserFactory


@pytest.fixture
def organiser(db):
    user = UserFactory(username="organiser")
    user.groups.add(ensure_organiser_group())
    return user


@pytest.fixture
def applicant(db):
    return UserFactory(username="applicant")
