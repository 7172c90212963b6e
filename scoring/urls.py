from __future__ import annotations

from django.urls import path

from . import views

app_name = "scoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("kategoria/<int:pk>/", views.category_entries, name="category"),
    path("kategoria/<int:pk>/postep/", views.matrix, name="matrix"),
    path("kategoria/<int:pk>/przypomnij/", views.remind, name="remind"),
    path("zgloszenie/<int:pk>/", views.entry_sheet, name="entry"),
    path("zgloszenie/<int:pk>/konflikt/", views.recuse, name="recuse"),
    path(
        "zgloszenie/<int:pk>/zalaczniki/<int:attachment_pk>/", views.attachment, name="attachment"
    ),
]
