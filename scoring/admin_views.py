"""The organiser's jury screens in the Wagtail admin.

Appointments go through `scoring.services` and `scoring.permissions`; the views load objects,
check the organiser's model permissions and turn refusals into messages. Mutating views are
POST-only.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import django_filters
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import (
    IndexView,
    InspectView,
    PermissionCheckedMixin,
    WagtailAdminTemplateMixin,
)
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from cms.admin_scope import TeamScopedViewMixin
from competition.models import Category, Criterion, Duty, Edition

from . import conflicts, permissions, services
from .admin_forms import AppointForm, InviteForm, LateConflictForm, LiftRecusalForm
from .models import (
    CategoryUserObjectPermission,
    JurorProfile,
    Recusal,
    RecusalKind,
    ScoreSheetAudit,
    SheetStatus,
)

_HOME = {"url": reverse_lazy("wagtailadmin_home"), "label": gettext_lazy("Home")}
_SEARCH_MIN_LENGTH = 2
_SEARCH_LIMIT = 10


def person(user) -> str:
    """How the admin names someone: full name and e-mail address, or what of it there is."""
    name = user.get_full_name() or user.get_username()
    return f"{name} <{user.email}>" if user.email and user.email != name else name


def _people(users) -> str:
    return ", ".join(person(user) for user in users)


def demoted_message(demoted: list) -> str:
    return ngettext(
        "%(people)s is no longer the chair and stays on the jury as a juror.",
        "%(people)s are no longer chairs and stay on the jury as jurors.",
        len(demoted),
    ) % {"people": _people(demoted)}


def excluded_text(count: int, total: int) -> str:
    """How much of a category the conflict rules keep from a juror, as in "3 of 13 entries"."""
    return ngettext("%(count)d of %(total)d entry", "%(count)d of %(total)d entries", total) % {
        "count": count,
        "total": total,
    }


def exclusion_warning(user, category: Category, exclusions: conflicts.Exclusions) -> str:
    """Said when someone is appointed whom the conflict rules keep from some entries."""
    count = exclusions.of(user)
    if count and count == exclusions.total:
        return ngettext(
            "Conflicts of interest keep %(person)s from the only entry of “%(category)s”: "
            "they cannot score anything there.",
            "Conflicts of interest keep %(person)s from all %(total)d entries of “%(category)s”: "
            "they cannot score anything there.",
            count,
        ) % {"person": person(user), "category": category.name, "total": count}
    return _("Conflicts of interest keep %(person)s from %(excluded)s of “%(category)s”.") % {
        "person": person(user),
        "category": category.name,
        "excluded": excluded_text(count, exclusions.total),
    }


def _edition_filter(field_name: str):
    # Choices are listed with their competition in one query, not one per option.
    return django_filters.ModelChoiceFilter(
        label=gettext_lazy("edition"),
        field_name=field_name,
        queryset=Edition.objects.select_related("competition"),
    )


def _category_filter(field_name: str):
    return django_filters.ModelChoiceFilter(
        label=gettext_lazy("category"),
        field_name=field_name,
        queryset=Category.objects.select_related("edition__competition"),
    )


# Appointments ---------------------------------------------------------------------------------


class AppointmentPermissionMixin(PermissionCheckedMixin):
    """Appointments are rows of the jury's permission table: its model permissions guard them."""

    @cached_property
    def permission_policy(self):
        return ModelPermissionPolicy(CategoryUserObjectPermission)


def _jury_categories(request, action: str):
    """Categories of the user's competitions; changing a jury needs the team's jury duty."""
    return permissions.organised(
        Category.objects.select_related("edition__competition"),
        request.user,
        None if action == "view" else Duty.RUN_JURY,
    )


class CategoryJuryFilterSet(WagtailFilterSet):
    edition = _edition_filter("edition")

    class Meta:
        model = Category
        fields = ["edition"]


class JuryIndexView(TeamScopedViewMixin, AppointmentPermissionMixin, IndexView):
    """Categories with their jurors and chair; the juries of a page come in one query."""

    model = Category
    any_permission_required = ["view"]
    page_title = gettext_lazy("Appointments")
    header_icon = "group"
    filterset_class = CategoryJuryFilterSet
    search_fields = ["name", "edition__competition__name"]
    search_backend_name = None
    paginate_by = 20

    def get_base_queryset(self):
        return _jury_categories(self.request, "view")

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "name",
                label=gettext_lazy("Category"),
                get_url=lambda category: reverse("jury_appointments:category", args=[category.pk]),
            ),
            Column("edition", label=gettext_lazy("Edition")),
            Column(
                "chair",
                label=gettext_lazy("Chair"),
                accessor=lambda category: _people(category.jury.chairs) or "—",
            ),
            Column(
                "jurors",
                label=gettext_lazy("Jurors"),
                accessor=lambda category: _people(category.jury.jurors) or "—",
            ),
        ]

    def get_table(self, object_list):
        categories = list(object_list)
        juries = permissions.juries_of(categories)
        for category in categories:
            category.jury = juries[category.pk]
        return super().get_table(categories)


class CategoryJuryView(AppointmentPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """One category's jury, with the forms to appoint, invite, dismiss and change the chair."""

    permission_required = "view"
    template_name = "scoring/admin/category_jury.html"
    page_title = gettext_lazy("Jury of the category")
    header_icon = "group"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.category = get_object_or_404(
            _jury_categories(request, self.permission_required), pk=kwargs["pk"]
        )

    def get_page_subtitle(self):
        return str(self.category)

    def get_breadcrumbs_items(self):
        return [
            _HOME,
            {"url": reverse("jury_appointments:index"), "label": _("Appointments")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    @cached_property
    def category_url(self) -> str:
        return reverse("jury_appointments:category", args=[self.category.pk])

    def jury_rows(self) -> list[dict]:
        jurors = list(permissions.jurors_of(self.category))
        chairs = set(permissions.chairs_of(self.category).values_list("pk", flat=True))
        profiles = {
            profile.user_id: profile
            for profile in JurorProfile.objects.filter(user__in=jurors).select_related(
                "affiliation"
            )
        }
        rows = [
            {"user": user, "is_chair": user.pk in chairs, "profile": profiles.get(user.pk)}
            for user in jurors
        ]
        # The chair heads the list, the jurors follow by username.
        return sorted(rows, key=lambda row: not row["is_chair"])

    def search_results(self, query: str, rows: list[dict]) -> list:
        if len(query) < _SEARCH_MIN_LENGTH:
            return []
        on_jury = [row["user"].pk for row in rows]
        return list(
            get_user_model()
            .objects.filter(is_active=True)
            .filter(
                Q(username__icontains=query)
                | Q(email__icontains=query)
                | Q(first_name__icontains=query)
                | Q(last_name__icontains=query)
            )
            .exclude(pk__in=on_jury)
            .order_by("username")[:_SEARCH_LIMIT]
        )

    def get_context_data(self, **kwargs):
        rows = self.jury_rows()
        query = self.request.GET.get("q", "").strip()
        found = self.search_results(query, rows)
        # Foreseen for candidates too, so nobody is appointed blind to an empty workload.
        exclusions = conflicts.exclusions(
            jurors=[row["user"] for row in rows] + found, category=self.category
        )
        for row in rows:
            row["excluded"] = exclusions.of(row["user"])
            row["excluded_text"] = excluded_text(row["excluded"], exclusions.total)
        kwargs.setdefault("appoint_form", AppointForm())
        kwargs.setdefault("invite_form", InviteForm())
        return super().get_context_data(
            category=self.category,
            rows=rows,
            query=query,
            search_min_length=_SEARCH_MIN_LENGTH,
            found=[
                {
                    "user": user,
                    "excluded": exclusions.of(user),
                    "excluded_text": excluded_text(exclusions.of(user), exclusions.total),
                }
                for user in found
            ],
            can_appoint=self.user_has_permission("add"),
            can_dismiss=self.user_has_permission("delete"),
            can_change_chair=self.user_has_permission("change"),
            **kwargs,
        )

    def appointed(self, user, *, chair: bool, demoted: list, first: str) -> None:
        """One message that says everything that changed, demoted chairs included."""
        parts = [first]
        if chair:
            parts.append(_("%(person)s is the chair of the jury.") % {"person": person(user)})
        if demoted:
            parts.append(demoted_message(demoted))
        messages.success(self.request, " ".join(parts))
        exclusions = conflicts.exclusions(jurors=[user], category=self.category)
        if exclusions.of(user):
            messages.warning(self.request, exclusion_warning(user, self.category, exclusions))


class AppointView(CategoryJuryView):
    http_method_names = ["post"]
    permission_required = "add"

    def post(self, request, *args, **kwargs):
        form = AppointForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(appoint_form=form))
        user, chair = form.cleaned_data["user"], form.cleaned_data["chair"]
        if chair:
            demoted = services.appoint_chair(category=self.category, user=user)
        elif permissions.can_score(user, self.category):
            messages.warning(
                request,
                _("%(person)s is already on the jury of “%(category)s”.")
                % {"person": person(user), "category": self.category.name},
            )
            return redirect(self.category_url)
        else:
            services.appoint(category=self.category, user=user)
            demoted = []
        self.appointed(
            user,
            chair=chair,
            demoted=demoted,
            first=_("%(person)s is appointed to the jury of “%(category)s”.")
            % {"person": person(user), "category": self.category.name},
        )
        return redirect(self.category_url)


class InviteView(CategoryJuryView):
    http_method_names = ["post"]
    permission_required = "add"

    def post(self, request, *args, **kwargs):
        form = InviteForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(invite_form=form))
        email, chair = form.cleaned_data["email"], form.cleaned_data["chair"]
        known = get_user_model().objects.filter(email__iexact=email).exists()
        with transaction.atomic():
            user = services.invite_juror(category=self.category, email=email)
            demoted = services.appoint_chair(category=self.category, user=user) if chair else []
        if known:
            first = _(
                "%(person)s already has an account and is appointed to the jury of “%(category)s”."
            ) % {"person": person(user), "category": self.category.name}
        else:
            first = _(
                "%(email)s is appointed to the jury of “%(category)s” and receives an e-mail "
                "with a link to set a password."
            ) % {"email": user.email, "category": self.category.name}
        self.appointed(user, chair=chair, demoted=demoted, first=first)
        return redirect(self.category_url)


class JurorActionView(AppointmentPermissionMixin, View):
    """An action on one member of one category's jury; someone not on it is not found."""

    http_method_names = ["post"]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.category = get_object_or_404(_jury_categories(request, "change"), pk=kwargs["pk"])
        self.juror = get_object_or_404(permissions.jurors_of(self.category), pk=kwargs["user_pk"])

    def done(self):
        return redirect("jury_appointments:category", pk=self.category.pk)

    def names(self) -> dict[str, str]:
        return {"person": person(self.juror), "category": self.category.name}


class DismissView(JurorActionView):
    permission_required = "delete"

    def post(self, request, *args, **kwargs):
        services.dismiss(category=self.category, user=self.juror)
        messages.success(
            request, _("%(person)s is no longer on the jury of “%(category)s”.") % self.names()
        )
        return self.done()


class MakeChairView(JurorActionView):
    permission_required = "change"

    def post(self, request, *args, **kwargs):
        demoted = services.appoint_chair(category=self.category, user=self.juror)
        message = _("%(person)s is the chair of the jury of “%(category)s”.") % self.names()
        if demoted:
            message += " " + demoted_message(demoted)
        messages.success(request, message)
        return self.done()


class RemoveChairView(JurorActionView):
    permission_required = "change"

    def post(self, request, *args, **kwargs):
        if not permissions.is_chair(self.juror, self.category):
            messages.error(
                request, _("%(person)s is not the chair of “%(category)s”.") % self.names()
            )
            return self.done()
        permissions.revoke_chair(category=self.category, user=self.juror)
        messages.success(
            request,
            _(
                "%(person)s is no longer the chair of “%(category)s” and stays on the jury "
                "as a juror."
            )
            % self.names(),
        )
        return self.done()


# Juror profiles -------------------------------------------------------------------------------


class JurorProfileIndexView(IndexView):
    def get_base_queryset(self):
        profiles = JurorProfile.objects.select_related("user", "affiliation")
        return permissions.juror_profiles_for(self.request.user, profiles).order_by(
            "user__username"
        )


class JurorProfileScopeMixin:
    """A profile of a juror of another team's competitions is not found (edit, history)."""

    def get_object(self, *args, **kwargs):
        profile = super().get_object(*args, **kwargs)
        if profile is None:  # the add view
            return profile
        profiles = JurorProfile.objects.filter(pk=profile.pk)
        if not permissions.juror_profiles_for(self.request.user, profiles).exists():
            raise Http404
        return profile


# Conflicts of interest ------------------------------------------------------------------------


class RecusalFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("state"),
        choices=[("active", gettext_lazy("active")), ("lifted", gettext_lazy("lifted"))],
        empty_label=gettext_lazy("All"),
        method="filter_state",
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("kind"), choices=RecusalKind.choices, empty_label=gettext_lazy("All")
    )
    edition = _edition_filter("entry__edition")
    category = _category_filter("entry__category")

    class Meta:
        model = Recusal
        fields = ["state", "kind", "edition", "category"]

    def filter_state(self, queryset, name, value):
        return queryset.filter(lifted_at__isnull=value == "active")


def lift_menu_item(recusal: Recusal) -> MenuItem:
    return MenuItem(
        _("Lift"),
        reverse("conflicts:lift", args=[recusal.pk]),
        icon_name="lock-open",
        priority=40,
    )


class RecusalIndexView(IndexView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.user_has_permission("change"):
            buttons.append(
                HeaderButton(
                    _("Record a conflict found later"),
                    url=reverse("conflicts:record"),
                    icon_name="warning",
                    priority=20,
                )
            )
        return buttons

    def get_base_queryset(self):
        return Recusal.objects.select_related("juror", "entry", "lifted_by").order_by(
            "-created_at", "-pk"
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_active and self.user_has_permission("change"):
            buttons.append(lift_menu_item(instance))
        return buttons


class RecusalInspectView(InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            Recusal.objects.select_related("juror", "entry", "lifted_by"),
            pk=unquote(str(self.pk)),
        )

    def get_lifted_at_display_value(self):
        return self.object.lifted_at or "—"

    def get_lifted_by_display_value(self):
        return person(self.object.lifted_by) if self.object.lifted_by else "—"

    def get_lift_justification_display_value(self):
        return self.object.lift_justification or "—"

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.object.is_active and self.user_has_permission("change"):
            buttons.append(
                HeaderButton(
                    _("Lift"),
                    url=reverse("conflicts:lift", args=[self.object.pk]),
                    icon_name="lock-open",
                    priority=40,
                )
            )
        return buttons


class LiftRecusalView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Lifting lets the juror score the entry after all, so it needs a written justification."""

    model = Recusal
    permission_required = "change"
    form_class = LiftRecusalForm
    template_name = "scoring/admin/lift_recusal.html"
    page_title = gettext_lazy("Lift the conflict of interest")
    header_icon = "lock-open"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        recusals = Recusal.objects.select_related("juror", "entry")
        self.recusal = get_object_or_404(
            permissions.organised(recusals, request.user, Duty.RUN_JURY), pk=kwargs["pk"]
        )

    def get(self, request, *args, **kwargs):
        if not self.recusal.is_active:
            return self.already_lifted()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.recusal.is_active:
            return self.already_lifted()
        return super().post(request, *args, **kwargs)

    def already_lifted(self):
        messages.error(self.request, _("This conflict of interest is already lifted."))
        return redirect("conflicts:inspect", pk=self.recusal.pk)

    def get_page_subtitle(self):
        return str(self.recusal)

    def get_breadcrumbs_items(self):
        return [
            _HOME,
            {"url": reverse("conflicts:index"), "label": _("Conflicts of interest")},
            {
                "url": reverse("conflicts:inspect", args=[self.recusal.pk]),
                "label": str(self.recusal),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            recusal=self.recusal,
            cancel_url=reverse("conflicts:inspect", args=[self.recusal.pk]),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.lift_recusal(
                recusal=self.recusal,
                by=self.request.user,
                justification=form.cleaned_data["justification"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The conflict of interest of %(person)s with entry %(entry)s is lifted.")
            % {"person": person(self.recusal.juror), "entry": self.recusal.entry},
        )
        return redirect("conflicts:index")


class LateConflictView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """After scoring, a conflict is the organiser's decision: the juror's sheet leaves the ranking
    and the category's awards must be confirmed again (the freeze refuses until they are)."""

    model = Recusal
    permission_required = "change"
    form_class = LateConflictForm
    template_name = "scoring/admin/late_conflict.html"
    page_title = gettext_lazy("Record a conflict found later")
    header_icon = "warning"

    def get_breadcrumbs_items(self):
        return [
            _HOME,
            {"url": reverse("conflicts:index"), "label": _("Conflicts of interest")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=reverse("conflicts:index"), **kwargs)

    def form_valid(self, form):
        try:
            recusal = services.record_late_conflict(
                juror=form.cleaned_data["juror"],
                entry=form.cleaned_data["entry"],
                by=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "The conflict of %(person)s with entry %(entry)s is recorded; the awards of the "
                "category must be confirmed again."
            )
            % {"person": person(recusal.juror), "entry": recusal.entry},
        )
        return redirect("conflicts:index")


# Audit log ------------------------------------------------------------------------------------

ACTIONS = {"save": gettext_lazy("draft saved"), "submit": gettext_lazy("sheet submitted")}


class AuditFilterSet(WagtailFilterSet):
    edition = _edition_filter("sheet__entry__edition")
    category = _category_filter("sheet__entry__category")
    action = django_filters.ChoiceFilter(
        label=gettext_lazy("action"),
        choices=list(ACTIONS.items()),
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = ScoreSheetAudit
        fields = ["edition", "category", "action"]


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def _criteria_of(audits) -> dict[str, tuple[int, str]]:
    """The criteria the audits mention, by the string key the snapshots use, in one query."""
    keys = {
        key
        for audit in audits
        for values in (audit.old_values, audit.new_values)
        for key in (values.get("scores") or {})
    }
    pks = [int(key) for key in keys if str(key).isdigit()]
    return {
        str(pk): (order, name)
        for pk, order, name in Criterion.objects.filter(pk__in=pks).values_list(
            "pk", "order", "name"
        )
    }


def _score(value) -> str:
    try:
        return number_format(Decimal(str(value)).normalize())
    except InvalidOperation:
        return str(value)


def readable_values(values: dict, criteria: dict[str, tuple[int, str]]) -> dict[tuple, tuple]:
    """A snapshot as {sort key: (label, value)}: status, one row per criterion, justification."""
    rows: dict[tuple, tuple] = {}
    if "status" in values:
        status = values["status"]
        label = SheetStatus(status).label if status in SheetStatus.values else status
        rows[(0, 0, "status")] = (_("status"), str(label))
    for key, value in (values.get("scores") or {}).items():
        order, name = criteria.get(str(key), (0, _("criterion %(id)s") % {"id": key}))
        rows[(1, order, str(key))] = (name, _score(value))
    for key, comment in (values.get("comments") or {}).items():
        order, name = criteria.get(str(key), (0, _("criterion %(id)s") % {"id": key}))
        label = _("%(criterion)s: comment") % {"criterion": name}
        rows[(1, order, f"{key}:comment")] = (label, comment)
    if "justification" in values:
        rows[(2, 0, "justification")] = (_("justification"), values["justification"] or "—")
    return dict(sorted(rows.items()))


def changes(audit: ScoreSheetAudit, criteria) -> list[tuple[str, str, str]]:
    """(label, before, after) for every value the change touched."""
    old = readable_values(audit.old_values, criteria)
    new = readable_values(audit.new_values, criteria)
    found = []
    for key in sorted(old.keys() | new.keys()):
        label, before = old.get(key, (None, "—"))
        label, after = new.get(key, (label, "—"))
        if before != after:
            found.append((label, before, after))
    return found


def _changes_html(found: list[tuple[str, str, str]]):
    if not found:
        return _("no change")
    short = [
        (label, Truncator(before).chars(60), Truncator(after).chars(60))
        for label, before, after in found
    ]
    return format_html(
        '<ul class="w-list-none w-p-0 w-m-0">{}</ul>',
        format_html_join("", "<li>{}: {} → {}</li>", short),
    )


def _values_html(values: dict, criteria):
    rows = readable_values(values, criteria)
    if not rows:
        return "—"
    return format_html(
        '<ul class="w-list-none w-p-0 w-m-0">{}</ul>',
        format_html_join("", "<li>{}: {}</li>", rows.values()),
    )


class AuditIndexView(IndexView):
    def get_base_queryset(self):
        return ScoreSheetAudit.objects.select_related("by", "sheet__entry", "sheet__juror")

    def get_table(self, object_list):
        audits = list(object_list)
        criteria = _criteria_of(audits)
        for audit in audits:
            audit.changes_html = _changes_html(changes(audit, criteria))
        return super().get_table(audits)


class AuditInspectView(InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            ScoreSheetAudit.objects.select_related("by", "sheet__entry", "sheet__juror"),
            pk=unquote(str(self.pk)),
        )

    @cached_property
    def criteria(self):
        return _criteria_of([self.object])

    def get_action_display_value(self):
        return action_label(self.object.action)

    def get_old_values_display_value(self):
        return _values_html(self.object.old_values, self.criteria)

    def get_new_values_display_value(self):
        return _values_html(self.object.new_values, self.criteria)
