"""The public API's addresses, on their own so the OpenAPI schema describes only them."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import api

urlpatterns = [
    path("api/v1/edycje/", api.EditionList.as_view(), name="api_editions"),
    path("api/v1/laureaci/", api.LaureateList.as_view(), name="api_laureates"),
    path(
        "api/v1/schema/",
        SpectacularAPIView.as_view(),
        name="api_schema",
    ),
]
