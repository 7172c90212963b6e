from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms import views
from cms.feeds import NewsFeed
from cms.health import HealthView
from cms.sitemaps import MultilingualSitemap
from cms.vote import views as vote_views

urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": MultilingualSitemap}}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Open data: the same address in every language (the files speak in stable keys).
    path("dane/laureaci.<str:fmt>", views.laureates_data, name="laureates_data"),
    path(
        "dane/<slug:competition>/<int:year>-<int:number>/laureaci.<str:fmt>",
        views.edition_laureates_data,
        name="edition_laureates_data",
    ),
    path("dane/katalog.jsonld", views.open_data_catalogue, name="open_data_catalogue"),
    # A laureate page's share card; the page is in one language, so is the card.
    path("laureaci/<int:pk>/og.png", views.laureate_share_image, name="laureate_share_image"),
    path("glosowanie/wyzwanie/", vote_views.new_challenge, name="vote_challenge"),
    path("", include("cms.api_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Polish lives at the root and English under /en/, so every page has one address per language.
urlpatterns += i18n_patterns(
    path("konto/", include("allauth.urls")),
    path("zgloszenia/", include("entries.urls")),
    path("jury/", include("scoring.urls")),
    path("szukaj/", views.search, name="search"),
    path("styleguide/", views.styleguide, name="styleguide"),
    path("rss/", NewsFeed(), name="feed"),
    path("dane/", views.open_data, name="open_data"),
    path("weryfikacja/", views.verification_search, name="verification_search"),
    path("weryfikacja/<str:code>/", views.verification, name="verification"),
    path("dyplomy/<int:pk>/", views.diplomas_pdf, name="diplomas_pdf"),
    path("dyplomy/<int:pk>/lista/", views.diplomas_page, name="diplomas_page"),
    path("dyplomy/<int:pk>/zip/", views.request_diplomas, name="diplomas_request"),
    path("dyplomy/archiwum/<int:pk>/status/", views.diplomas_status, name="diplomas_status"),
    path("dyplomy/archiwum/<int:pk>/", views.diplomas_zip, name="diplomas_zip"),
    path("glosowanie/potwierdz/<str:token>/", vote_views.confirm, name="vote_confirm"),
    path("glosowanie/<slug:competition>/<int:year>-<int:number>/", vote_views.vote, name="vote"),
    path(
        "glosowanie/<slug:competition>/<int:year>-<int:number>/wyslano/",
        vote_views.sent,
        name="vote_sent",
    ),
    path(
        "glosowanie/<slug:competition>/<int:year>-<int:number>/wyniki/",
        vote_views.results,
        name="vote_results",
    ),
    path("dyplomy/<int:pk>/<int:entry>/", views.diploma_pdf, name="diploma_pdf"),
    # Wagtail's own front-end login skips allauth's rules (confirmed e-mail, rate limits):
    # private pages send visitors to allauth's login instead (WAGTAIL_FRONTEND_LOGIN_URL).
    path(
        "_util/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="wagtailcore_login",
    ),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
