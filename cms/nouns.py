"""Model names declined for the admin's sentences: "Dodaj edycję", "Brak zgłoszeń do wyświetlenia".

Wagtail's generic views put `verbose_name` (a nominative) into every sentence: "Dodaj edycja",
"There are no zmiany kart oceny to display." Polish needs the accusative after "dodaj" and
"usunięto", and the genitive plural after "brak". Each viewset of the project names its `Noun`;
`DeclinedViewSet` gives its views sentences built from the right forms. The sentences about a
saved object are impersonal in Polish ("Zapisano edycję „2024”."), so no verb has to agree with
the noun's gender.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise, cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView


@dataclass(frozen=True)
class Noun:
    """The forms of a model's name that sentences need besides its nominative."""

    accusative: Promise  # "edycję": Dodaj edycję, Usunięto edycję
    genitive_plural: Promise  # "edycji": Brak edycji do wyświetlenia


COMPETITION = Noun(
    pgettext_lazy("accusative", "competition"), pgettext_lazy("genitive plural", "competitions")
)
EDITION = Noun(pgettext_lazy("accusative", "edition"), pgettext_lazy("genitive plural", "editions"))
CATEGORY = Noun(
    pgettext_lazy("accusative", "category"), pgettext_lazy("genitive plural", "categories")
)
CRITERION = Noun(
    pgettext_lazy("accusative", "criterion"), pgettext_lazy("genitive plural", "criteria")
)
PRESELECTION_ROUND = Noun(
    pgettext_lazy("accusative", "pre-selection round"),
    pgettext_lazy("genitive plural", "pre-selection rounds"),
)
INSTITUTION = Noun(
    pgettext_lazy("accusative", "institution"), pgettext_lazy("genitive plural", "institutions")
)
TEAM = Noun(
    pgettext_lazy("accusative", "organiser team"),
    pgettext_lazy("genitive plural", "organiser teams"),
)
ENTRY = Noun(pgettext_lazy("accusative", "entry"), pgettext_lazy("genitive plural", "entries"))
JUROR_PROFILE = Noun(
    pgettext_lazy("accusative", "juror profile"),
    pgettext_lazy("genitive plural", "juror profiles"),
)
CONFLICT = Noun(
    pgettext_lazy("accusative", "conflict of interest"),
    pgettext_lazy("genitive plural", "conflicts of interest"),
)
QUESTION = Noun(
    pgettext_lazy("accusative", "entry form question"),
    pgettext_lazy("genitive plural", "entry form questions"),
)
ASSIGNMENT_CHANGE = Noun(
    pgettext_lazy("accusative", "assignment change"),
    pgettext_lazy("genitive plural", "assignment changes"),
)
SHEET_CHANGE = Noun(
    pgettext_lazy("accusative", "score sheet change"),
    pgettext_lazy("genitive plural", "score sheet changes"),
)


class _IndexSentences:
    noun: Noun

    @cached_property
    def add_item_label(self) -> str:
        return capfirst(_("Add %(noun)s") % {"noun": self.noun.accusative})

    @cached_property
    def no_results_message(self) -> str:
        if self.is_searching or self.is_filtering:
            return _("No %(nouns)s match the search.") % {"nouns": self.noun.genitive_plural}
        return _("There are no %(nouns)s yet.") % {"nouns": self.noun.genitive_plural}


class _FormSentences:
    noun: Noun

    def get_error_message(self) -> str:
        return _("Nothing was saved: correct the errors marked below.")


class _CreateSentences(_FormSentences):
    def get_success_message(self, instance) -> str:
        return _("Added %(noun)s “%(object)s”.") % {
            "noun": self.noun.accusative,
            "object": instance,
        }

    def get_page_title(self) -> str:
        return capfirst(_("Add %(noun)s") % {"noun": self.noun.accusative})

    def get_breadcrumbs_items(self) -> list[dict]:
        items = super().get_breadcrumbs_items()
        if items and not items[-1].get("url"):
            items[-1] = {**items[-1], "label": self.get_page_title()}
        return items


class _EditSentences(_FormSentences):
    def get_success_message(self, instance=None) -> str:
        return _("Saved %(noun)s “%(object)s”.") % {
            "noun": self.noun.accusative,
            "object": instance if instance is not None else self.object,
        }


class _DeleteSentences:
    noun: Noun

    def get_success_message(self) -> str:
        return _("Deleted %(noun)s “%(object)s”.") % {
            "noun": self.noun.accusative,
            "object": self.object,
        }

    @property
    def confirmation_message(self) -> str:
        return _("Are you sure you want to delete %(noun)s “%(object)s”?") % {
            "noun": self.noun.accusative,
            "object": self.object,
        }


class DeclinedViewSet:
    """Mixed into a ModelViewSet or SnippetViewSet that sets `noun`: its views speak of it."""

    noun: Noun

    def construct_view(self, view_class, **kwargs):
        for generic_view, sentences in _SENTENCES:
            if issubclass(view_class, generic_view):
                view_class = type(view_class.__name__, (sentences, view_class), {"noun": self.noun})
                break
        return super().construct_view(view_class, **kwargs)


_SENTENCES = [
    (DeleteView, _DeleteSentences),
    (EditView, _EditSentences),
    (CreateView, _CreateSentences),
    (IndexView, _IndexSentences),
]
