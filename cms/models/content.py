from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class StandardPage(Page):
    """Plain content: the accessibility statement, contact, rules shared by competitions."""

    body = RichTextField(_("content"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = _("content page")


class SiteFooter(BaseSiteSetting):
    """The statements a Polish public body's site must link from every page, set per site.

    Pages, not addresses: a page moved or renamed keeps its link, and the English site shows
    the page's English translation.
    """

    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accessibility statement"),
        help_text=_("Deklaracja dostępności, required by the Act of 4 April 2019."),
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("personal data (RODO) information"),
    )
    regulations_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("regulations of the site"),
    )
    contact_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contact page"),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)

    panels = [
        FieldPanel("accessibility_page"),
        FieldPanel("privacy_page"),
        FieldPanel("regulations_page"),
        FieldPanel("contact_page"),
        FieldPanel("contact_email"),
        FieldPanel("contact_phone"),
    ]

    class Meta:
        verbose_name = _("footer")
