"""Wagtail page models of the public site."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from competition.queries import editions_for_home


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["editions"] = editions_for_home()
        return context


# Keeps Wagtail from offering arbitrary page types under the root until the publishing pages land.
HomePage.parent_page_types = ["wagtailcore.Page"]
