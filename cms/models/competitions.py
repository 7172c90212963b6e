from __future__ import annotations

from django.db import models
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from competition.models import PHASE_DATE_FIELDS, Criterion, Phase
from competition.teryt import InstitutionKind


class CompetitionPage(Page):
    competition = models.ForeignKey(
        "competition.Competition",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("competition"),
    )
    about = RichTextField(_("about the competition"), blank=True)
    rules = RichTextField(_("rules (regulamin)"), blank=True)
    rules_document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("rules as a document"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("competition"),
        FieldPanel("about"),
        FieldPanel("rules"),
        FieldPanel("rules_document"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("about"), index.SearchField("rules")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.EditionPage"]

    class Meta:
        verbose_name = _("competition page")

    def branding_competition_id(self) -> int:
        return self.competition_id

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["edition_pages"] = (
            EditionPage.objects.child_of(self)
            .live()
            .public()
            .select_related("edition")
            .order_by("-edition__year")
        )
        return context


class EditionPage(Page):
    edition = models.ForeignKey(
        "competition.Edition", on_delete=models.PROTECT, related_name="+", verbose_name=_("edition")
    )
    intro = RichTextField(_("introduction"), blank=True)
    show_jury = models.BooleanField(_("show the jury"), default=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("edition"),
        FieldPanel("intro"),
        FieldPanel("show_jury"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.CompetitionPage"]
    subpage_types = ["cms.AnnouncementPage"]

    class Meta:
        verbose_name = _("edition page")

    def branding_competition_id(self) -> int:
        return self.edition.competition_id

    def get_context(self, request, *args, **kwargs):
        from scoring.permissions import jurors_of

        context = super().get_context(request, *args, **kwargs)
        edition = self.edition
        labels = dict(InstitutionKind.choices)
        categories = list(
            edition.categories.prefetch_related("prizes").order_by("sort_order", "name")
        )
        for category in categories:
            category.kind_labels = [labels.get(k, k) for k in category.eligible_kinds]
            category.jury = _jury_members(jurors_of(category)) if self.show_jury else []
        # The photos' renditions in one query for the whole page (a juror often sits on several
        # of the edition's juries).
        prefetch_related_objects(
            [member["photo"] for c in categories for member in c.jury if member["photo"]],
            "renditions",
        )
        from cms import opendata  # opendata reads the laureate pages of this package
        from cms.vote.models import PublicVote

        context.update(
            {
                "edition": edition,
                "timeline": _timeline(edition, timezone.now()),
                "categories": categories,
                "criteria": Criterion.objects.filter(edition=edition, round=None).order_by("order"),
                "call_open": edition.phase_at(timezone.now()) == Phase.CALL_OPEN,
                "announcements": self.get_children().live().public(),
                "data_formats": list(opendata.FORMATS),
                "licence_name": opendata.LICENCE_NAME,
                "public_vote": PublicVote.objects.filter(edition=edition).first(),
            }
        )
        return context


def _jury_members(jurors) -> list[dict]:
    """Name, initials and photo of each juror, in the query that lists them."""
    jurors = jurors.select_related("juror_profile__photo")
    members = []
    for juror in jurors:
        name = juror.get_full_name() or juror.username
        profile = getattr(juror, "juror_profile", None)
        members.append(
            {
                "name": name,
                "initials": "".join(part[0] for part in name.split()[:2]).upper(),
                "photo": profile.photo if profile else None,
            }
        )
    return members


def _timeline(edition, now) -> list[dict]:
    """The phase dates as steps: passed ones are done, the first still ahead is the next."""
    steps = []
    upcoming_seen = False
    for name in PHASE_DATE_FIELDS:
        when = getattr(edition, name)
        state = "done" if when <= now else ("upcoming" if upcoming_seen else "next")
        upcoming_seen = upcoming_seen or state == "next"
        steps.append(
            {"label": edition._meta.get_field(name).verbose_name, "when": when, "state": state}
        )
    return steps
