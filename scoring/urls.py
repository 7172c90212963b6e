from __future__ import annotations

from django.urls import path

from . import views
from .assignment import views as assignment_views
from .results import views as results_views
from .rounds import views as rounds_views

app_name = "scoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("kategoria/<int:pk>/", views.category_entries, name="category"),
    path("kategoria/<int:pk>/postep/", views.matrix, name="matrix"),
    path("kategoria/<int:pk>/przypomnij/", views.remind, name="remind"),
    path("przypomnienia/<int:pk>/status/", views.reminders_status, name="reminders_status"),
    path("kategoria/<int:pk>/preferencje/", assignment_views.preferences, name="preferences"),
    path("zgloszenie/<int:pk>/", views.entry_sheet, name="entry"),
    path("zgloszenie/<int:pk>/autozapis/", views.autosave, name="autosave"),
    path("zgloszenie/<int:pk>/konflikt/", views.recuse, name="recuse"),
    path(
        "zgloszenie/<int:pk>/zalaczniki/<int:attachment_pk>/", views.attachment, name="attachment"
    ),
    path("zgloszenie/<int:pk>/odpowiedzi/<int:answer_pk>/", views.answer_file, name="answer_file"),
    path("wyniki/kategoria/<int:pk>/", results_views.category_results, name="results"),
    path("wyniki/kategoria/<int:pk>/remis/", results_views.break_tie, name="break_tie"),
    path("wyniki/kategoria/<int:pk>/zatwierdz/", results_views.confirm, name="confirm_awards"),
    path("wyniki/kategoria/<int:pk>/lista-finalowa/", rounds_views.shortlist, name="shortlist"),
    path("wyniki/edycja/<int:pk>/", results_views.edition_results, name="edition_results"),
    path("wyniki/edycja/<int:pk>/zamknij-etap/", rounds_views.close_round, name="close_round"),
    path("wyniki/edycja/<int:pk>/zamroz/", results_views.freeze, name="freeze"),
    path("wyniki/migawka/<int:pk>/protokol/", results_views.request_protocol, name="protocol"),
    path("wyniki/protokol/<int:pk>/status/", results_views.protocol_status, name="protocol_status"),
    path("wyniki/protokol/<int:pk>/", results_views.protocol_download, name="protocol_download"),
    path(
        "wyniki/protokol/<int:pk>/pdf/",
        results_views.protocol_download_pdf,
        name="protocol_download_pdf",
    ),
]
