from __future__ import annotations

from django.urls import path

from . import views

app_name = "entries"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("instytucja/", views.institution, name="institution"),
    path("instytucja/<int:pk>/dolacz/", views.institution_join, name="institution_join"),
    path("nowe/<int:edition_pk>/", views.entry_create, name="create"),
    path("<int:pk>/", views.entry_detail, name="detail"),
    path("<int:pk>/edytuj/", views.entry_edit, name="edit"),
    path("<int:pk>/zglos/", views.entry_submit, name="submit"),
    path("<int:pk>/wycofaj/", views.entry_withdraw, name="withdraw"),
    path("<int:pk>/usun/", views.entry_delete, name="delete"),
    path("<int:pk>/zalaczniki/", views.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/zalaczniki/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/zalaczniki/<int:attachment_pk>/usun/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("<int:pk>/odpowiedzi/<int:answer_pk>/", views.answer_download, name="answer_download"),
]
