from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from cms.vote.models import PublicVote
from tests.factories import CategoryFactory, EntryFactory, InstitutionFactory


@pytest.fixture
def poll(db):
    """A vote open now over one category with two eligible entries (and a draft one)."""
    category = CategoryFactory(name="Ponad codzienność")
    now = timezone.now()
    poll = PublicVote.objects.create(
        edition=category.edition,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=7),
    )
    poll.categories.add(category)
    EntryFactory(
        category=category,
        status="eligible",
        title="Ostrołęka w chmurze",
        institution=InstitutionFactory(
            name="Miasto Ostrołęka", website="https://www.ostroleka.pl/"
        ),
    )
    EntryFactory(category=category, status="eligible", title="E-usługi Gminy Lesznowola")
    EntryFactory(category=category, status="draft", title="Szkic")
    return poll


@pytest.fixture
def category(poll):
    return poll.categories.get()


@pytest.fixture
def entries(category):
    return list(category.entries.filter(status="eligible").order_by("title"))


def confirm_url(token: str) -> str:
    return f"http://testserver/glosowanie/potwierdz/{token}/"


def token_from(body: str) -> str:
    return re.search(r"/glosowanie/potwierdz/([\w-]+)/", body).group(1)
