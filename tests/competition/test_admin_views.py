from __future__ import annotations

import pytest
from django.urls import reverse

from competition.models import Award, Category, Criterion
from scoring.models import Score, ScoreSheet
from tests.factories import (
    CategoryFactory,
    CriterionFactory,
    EntryFactory,
    InstitutionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_category_with_an_award_is_not_deleted_and_the_admin_says_why(client, organiser):
    category = CategoryFactory()
    Award.objects.create(category=category, institution=InstitutionFactory(), kind="place", place=1)
    client.force_login(organiser)
    url = reverse("categories:delete", args=[category.pk])

    page = client.get(url)
    post = client.post(url, follow=True)

    assert page.status_code == 200
    assert "Nagrody: 1" in page.content.decode()
    assert "Tak, usuń" not in page.content.decode()
    assert post.status_code == 200
    assert f"Nie można usunąć „{category}”: Nagrody: 1." in post.content.decode()
    assert Category.objects.filter(pk=category.pk).exists()
    assert Award.objects.count() == 1


def test_criterion_with_scores_is_not_deleted(client, organiser):
    criterion = CriterionFactory()
    entry = EntryFactory(category__edition=criterion.edition, status="eligible")
    sheet = ScoreSheet.objects.create(juror=UserFactory(), entry=entry)
    Score.objects.create(sheet=sheet, criterion=criterion, value=5)
    client.force_login(organiser)

    response = client.post(reverse("criteria:delete", args=[criterion.pk]), follow=True)

    assert response.status_code == 200
    assert "Oceny: 1" in response.content.decode()
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_category_nothing_depends_on_is_deleted(client, organiser):
    category = CategoryFactory()
    client.force_login(organiser)

    response = client.post(reverse("categories:delete", args=[category.pk]))

    assert response.status_code == 302
    assert not Category.objects.filter(pk=category.pk).exists()
