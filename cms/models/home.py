from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from competition.models import Edition


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)
    search_description_default = _("Competitions that reward local governments for digitalisation.")

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count_per_parent = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from .news import NewsPage
        from .results import AnnouncementPage

        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        context["open_calls"] = (
            Edition.objects.filter(call_opens_at__lte=now, submission_deadline__gt=now)
            .select_related("competition")
            .order_by("submission_deadline")
        )
        context["announcements"] = (
            AnnouncementPage.objects.live()
            .public()
            .filter(locale=self.locale)
            .order_by("-first_published_at")[:5]
        )
        context["news"] = (
            NewsPage.objects.live().public().filter(locale=self.locale).order_by("-date")[:5]
        )
        context["competitions"] = self.get_children().live().public().type(_competition_page())
        return context


def _competition_page():
    from .competitions import CompetitionPage

    return CompetitionPage
