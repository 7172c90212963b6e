"""Site-level actions: the page tree root."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page, Site

from .models import HomePage


@transaction.atomic
def ensure_home_page(*, title: str, intro: str = "") -> HomePage:
    """Make a HomePage the root of the default site, replacing Wagtail's welcome page."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(title=title, slug="start", intro=intro)
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True, site_name=title)
    site.root_page = home
    site.save()
    # Wagtail's welcome page only gets in the way once the real home page exists.
    Page.objects.filter(depth=2, content_type__model="page").exclude(pk=home.pk).delete()
    return home
