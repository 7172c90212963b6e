from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.admin_display import ReadOnlyPanel
from cms.forms import ArchiveFilterForm
from competition.fields import LimitedTextField, validate_single_line
from competition.models import AwardKind, Category
from competition.queries import published_awards
from competition.teryt import VOIVODESHIP_CHOICES, InstitutionKind
from scoring.results.snapshot import Snapshot


class AnnouncementPage(Page):
    """The laureate announcement of an edition, rendered from a frozen snapshot only."""

    edition = models.ForeignKey(
        "competition.Edition", on_delete=models.PROTECT, related_name="+", verbose_name=_("edition")
    )
    snapshot = models.ForeignKey(
        "scoring.ResultSnapshot",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("results snapshot"),
    )
    intro = RichTextField(_("editorial introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [*Page.settings_panels, ReadOnlyPanel("snapshot")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.EditionPage"]
    subpage_types = ["cms.LaureatePage"]

    class Meta:
        verbose_name = _("results announcement")

    def branding_competition_id(self) -> int:
        return self.edition.competition_id

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        pages = {
            (p.category_id, p.entry_id): p
            for p in LaureatePage.objects.child_of(self).live().public()
        }
        context["categories"] = [
            {
                "id": category.id,
                "name": category.name,
                "laureates": [
                    (laureate, pages.get((category.id, laureate.ranked.entry)))
                    for laureate in category.laureates
                ],
                "jury": category.published_jury,
            }
            for category in Snapshot.of(self.snapshot).categories
        ]
        return context


class LaureatePage(Page):
    """One awarded project; made with the announcement from an entry whose institution consented."""

    entry = models.ForeignKey(
        "entries.Entry", on_delete=models.PROTECT, related_name="+", verbose_name=_("entry")
    )
    category = models.ForeignKey(
        "competition.Category",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
    )
    institution = models.ForeignKey(
        "competition.Institution",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("institution"),
    )
    institution_name = models.CharField(_("institution"), max_length=250)
    award = models.CharField(_("award"), max_length=20)
    place = models.PositiveSmallIntegerField(_("place"), null=True, blank=True)
    prize = models.DecimalField(
        _("prize (PLN)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    summary = LimitedTextField(_("summary"), blank=True, max_length=1000)
    description = RichTextField(_("description"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        InlinePanel("images", label=_("Image"), heading=_("Images")),
        InlinePanel("links", label=_("Link"), heading=_("Links to the service")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("institution_name", boost=2),
        index.AutocompleteField("institution_name"),
        index.SearchField("summary"),
        index.SearchField("description"),
    ]
    parent_page_types = ["cms.AnnouncementPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("laureate page")

    def branding_competition_id(self) -> int:
        return self.category.edition.competition_id

    def clean(self) -> None:
        super().clean()
        if self.entry_id and not self.entry.consent_to_publish:
            raise ValidationError(
                _("The institution did not consent to publishing this project."), code="no_consent"
            )

    @property
    def award_kind(self) -> str:
        return AwardKind.PLACE if self.place else AwardKind.DISTINCTION

    @property
    def voivodeship_name(self) -> str:
        return dict(VOIVODESHIP_CHOICES).get(self.institution.voivodeship, "")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        images = self.images.all()
        if isinstance(images, models.QuerySet):  # a preview holds its images in memory
            images = images.select_related("image").prefetch_related("image__renditions")
        images = list(images)
        category = Category.objects.select_related("edition__competition").get(pk=self.category_id)
        context.update(
            {
                "images": images,
                "share_image": images[0] if images else None,
                "service_links": list(self.links.all()),
                "category": category,
                "edition": category.edition,
                "kind_label": InstitutionKind(self.institution.kind).label
                if self.institution.kind in InstitutionKind.values
                else "",
            }
        )
        return context


class LaureateImage(Orderable):
    page = ParentalKey(LaureatePage, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+", verbose_name=_("image")
    )
    alt_text = models.CharField(
        _("alternative text"),
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it. Required."),
    )

    panels = [FieldPanel("image"), FieldPanel("alt_text")]

    class Meta(Orderable.Meta):
        verbose_name = _("image")


class LaureateLink(Orderable):
    """Where the public can use what the project built (an e-service, a portal, an app)."""

    page = ParentalKey(LaureatePage, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(
        _("label"),
        max_length=120,
        validators=[validate_single_line],
        help_text=_("The link's visible text, e.g. “Book a visit at the office online”."),
    )
    # Django's URLField also takes ftp:// addresses; a visitor's browser should open only web ones.
    url = models.URLField(
        _("address"),
        max_length=500,
        validators=[
            URLValidator(
                schemes=["http", "https"],
                message=_("Enter a web address that starts with https:// or http://."),
            )
        ],
        help_text=_("A web address starting with https:// (or http://)."),
    )

    panels = [FieldPanel("label"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("link to the service")

    def __str__(self) -> str:
        return self.label


class ArchivePage(Page):
    """Past editions and their laureates, filtered by year, category, kind and województwo."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("archive")

    def get_context(self, request, *args, **kwargs):
        from cms import charts, opendata  # opendata reads this module's laureate pages

        context = super().get_context(request, *args, **kwargs)
        awards = published_awards()
        filters = ArchiveFilterForm(request.GET).filters()
        awards = opendata.filtered(awards, filters)
        awards = list(awards)
        # Each card shows its page's first image: the pages' images and their renditions come in
        # two queries whatever the number of laureates.
        pages = {
            (p.category_id, p.institution_id): p
            for p in LaureatePage.objects.live()
            .public()
            .filter(locale=self.locale, category__in={a.category_id for a in awards})
            .prefetch_related(
                models.Prefetch(
                    "images",
                    queryset=LaureateImage.objects.select_related("image").prefetch_related(
                        "image__renditions"
                    ),
                )
            )
        }
        for award in awards:
            award.page = pages.get((award.category_id, award.institution_id))
            images = list(award.page.images.all()) if award.page else []
            award.image = images[0] if images else None
        regions = opendata.by_region_and_kind(awards)
        context.update(
            {
                "awards": awards,
                "regions": regions,
                "regions_svg": charts.stacked_bars(
                    regions.rows,
                    regions.kinds,
                    str(_("Laureates by voivodeship and kind of institution")),
                    str(
                        _(
                            "Bar chart of the laureates listed, by voivodeship; the table below "
                            "gives the numbers."
                        )
                    ),
                )
                if regions.rows
                else "",
                "filters": filters,
                "years": published_awards()
                .order_by()
                .values_list("category__edition__year", flat=True)
                .distinct()
                .order_by("-category__edition__year"),
                "category_names": published_awards()
                .order_by()
                .values_list("category__name", flat=True)
                .distinct()
                .order_by("category__name"),
                "kinds": InstitutionKind.choices,
                "voivodeships": VOIVODESHIP_CHOICES,
            }
        )
        return context
