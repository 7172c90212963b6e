"""The read-only JSON API of published editions and laureates (Django REST framework).

Public and anonymous: no session, no CSRF, GET only. Pages of 50, filters by year, category,
kind of institution and województwo (400 with the reason for a filter that does not validate).
The OpenAPI schema is at /api/v1/schema/ (drf-spectacular). Laureates have the same fields as
the open data files (`cms.opendata`).
"""

from __future__ import annotations

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView

from competition.models import Edition

from . import opendata
from .forms import ArchiveFilterForm


class PublicSchemaGenerator(SchemaGenerator):
    """Describes `cms.api_urls` only: Wagtail's admin API is not ours to document."""

    def __init__(self, *args, urlconf=None, **kwargs):
        super().__init__(*args, urlconf=urlconf or "cms.api_urls", **kwargs)


class LaureateSerializer(serializers.Serializer):
    competition = serializers.CharField()
    edition = serializers.CharField(help_text="Edition number in Roman numerals")
    year = serializers.IntegerField()
    category = serializers.CharField()
    award = serializers.CharField(help_text="'I miejsce' … or 'Wyróżnienie'")
    place = serializers.IntegerField(allow_null=True, help_text="null for a distinction")
    institution = serializers.CharField()
    terc = serializers.CharField(allow_null=True)
    institution_kind = serializers.CharField()
    voivodeship = serializers.CharField(allow_null=True)
    project_title = serializers.CharField(allow_null=True)
    laureate_page = serializers.URLField(allow_null=True)
    prize_pln = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)


class EditionSerializer(serializers.ModelSerializer):
    competition = serializers.CharField(source="competition.name")
    laureates = serializers.SerializerMethodField()

    class Meta:
        model = Edition
        fields = ["id", "competition", "number", "year", "published_at", "laureates"]

    def get_laureates(self, edition: Edition) -> dict[str, str]:
        return opendata.data_links(self.context["request"].build_absolute_uri, edition)


class EditionList(ListAPIView):
    """Editions whose results are published, newest first."""

    serializer_class = EditionSerializer

    def get_queryset(self):
        return (
            Edition.objects.filter(published_at__isnull=False)
            .select_related("competition")
            .order_by("-year", "competition__name", "number")
        )


FILTERS = [
    OpenApiParameter("year", int, description="Year of the edition"),
    OpenApiParameter("category", str, description="Category name, exactly"),
    OpenApiParameter("kind", str, description="Kind of institution (code)"),
    OpenApiParameter("voivodeship", str, description="Województwo TERC code, e.g. 14"),
]


@extend_schema(parameters=FILTERS)
class LaureateList(ListAPIView):
    """Laureates of published editions: places in order, then distinctions."""

    serializer_class = LaureateSerializer

    def get_queryset(self):
        form = ArchiveFilterForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        return opendata.filtered(opendata.published(), form.filters())

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = opendata.laureate_rows(page, absolute=request.build_absolute_uri)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)
