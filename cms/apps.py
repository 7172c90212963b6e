from __future__ import annotations

from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"

    def ready(self) -> None:
        from django.db import models
        from wagtail.admin.ui.fields import register_display_class

        from .admin_display import LocalDateTimeDisplay, PlainValueDisplay

        register_display_class(models.DateTimeField, display_class=LocalDateTimeDisplay)
        for field_class in (
            models.BooleanField,
            models.DateField,
            models.DecimalField,
            models.IntegerField,
            models.ForeignKey,
        ):
            register_display_class(field_class, display_class=PlainValueDisplay)
