from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_search_with_null_character_is_refused_with_a_message(client):
    response = client.get("/szukaj/", {"q": "Piaseczno\x00"})

    assert response.status_code == 200
    assert "Znaki null są niedozwolone." in response.content.decode()


def test_search_longer_than_200_characters_is_refused_with_a_message(client):
    response = client.get("/szukaj/", {"q": "a" * 201})

    assert response.status_code == 200
    assert "co najwyżej 200 znaków" in response.content.decode()
