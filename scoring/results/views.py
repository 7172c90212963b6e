"""Results pages for chairs (their categories) and organisers: rankings, decisions, freezing."""

from __future__ import annotations

import hashlib
import logging

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from competition import lifecycle
from competition.models import AggregationMethod, Category, Duty, Edition

from .. import aggregation, permissions, queries, results
from ..assignment.solver import is_connected
from ..forms import AwardConfirmationForm, FreezeForm, TieDecisionForm
from ..models import ProtocolExport, ResultSnapshot
from ..queries import jury_of_record, recent_mailings, sheets_progress
from ..rounds.queries import shortlists_of, weighting
from ..rounds.services import proposal
from ..tasks import build_protocol_task
from . import charts, protocol
from .compute import CACHE_SECONDS, load_entries
from .snapshot import AWARD_CHOICES
from .snapshot import award_label as label_of_award

logger = logging.getLogger("judging.scoring")


def _get_category_for_results(request: HttpRequest, pk: int) -> Category:
    """Chairs of the category and organisers; everyone else gets 404."""
    category = get_object_or_404(
        Category.objects.select_related("edition__competition").prefetch_related("prizes"), pk=pk
    )
    organiser = permissions.is_organiser(
        request.user, category.edition.competition_id, Duty.RESULTS
    )
    if not (organiser or permissions.is_chair(request.user, category)):
        raise Http404
    return category


def _get_edition_for_organiser(request: HttpRequest, pk: int) -> Edition:
    """Organisers of the edition's competition whose team sees results; 404 for everyone else."""
    editions = Edition.objects.select_related("competition")
    return get_object_or_404(permissions.organised(editions, request.user, Duty.RESULTS), pk=pk)


def award_label(award: str | None) -> str:
    return label_of_award(award) or "—"


def tie_break_label(value: str | None, criteria: dict) -> str:
    names = {pk: criterion.name for pk, criterion in criteria.items()}
    return queries.tie_break_label(value, names) or "—"


# A page of the ranking: what a chair reads at once, and what keeps a 2,000-entry page light.
ROWS_PER_PAGE = 100
# Entries below the award places that still get a control: a chair may move an award down.
AWARD_CONTROL_MARGIN = 3


def _rows(computed: results.CategoryResults, records: list[dict]) -> list[dict]:
    """The table rows of `records` (the engine's ranking rows) with labels and juror totals."""
    result = computed.result
    decision = computed.award_decision
    ids = [row["entry"] for row in records]
    totals = result.totals.reindex(ids).to_numpy(dtype=float) if ids else []
    rows = []
    for row, juror_totals in zip(records, totals, strict=True):
        confirmed = decision.awards.get(row["entry"]) if decision else None
        rows.append(
            {
                **row,
                "object": computed.entries[row["entry"]],
                "award_label": award_label(row["award"]),
                "tie_break_label": tie_break_label(row["tie_break"], computed.criteria),
                "confirmed": confirmed,
                "confirmed_label": award_label(confirmed) if decision else "",
                "other_ranks": [row.get(f"rank_{m}") for m in _other_methods(result)],
                "p_award_pct": None if pd.isna(row["p_award"]) else round(100 * row["p_award"]),
                "juror_totals": [None if pd.isna(v) else v for v in juror_totals],
            }
        )
    return rows


# Column headings for the ranks by the other methods: short, with the full name on hover.
SHORT_METHOD_LABELS = {
    "mean": pgettext_lazy("short method name", "mean"),
    "median": pgettext_lazy("short method name", "median"),
    "trimmed": pgettext_lazy("short method name", "trimmed"),
    "zscore": pgettext_lazy("short method name", "z-score"),
    "borda": pgettext_lazy("short method name", "Borda"),
}


def _other_methods(result) -> list[str]:
    return [m for m in aggregation.METHODS if m != result.method]


def _award_open(record: dict, decided: dict[str, str | None], category: Category) -> bool:
    """Whether the chair decides on this entry's award: contenders only, not all 2,000 rows.

    Contenders are the entries with a proposed, pending or confirmed award and the next few
    below the award places; every other entry keeps "no award" when the chair confirms.
    """
    reach = category.places + category.max_distinctions + AWARD_CONTROL_MARGIN
    return bool(
        record["award"]
        or decided.get(record["entry"])
        or record["award_pending"]
        or (record["position"] or 0) <= reach
    )


def _charts(computed: results.CategoryResults, juror_labels: dict[str, str]) -> dict[str, str]:
    """The two SVG charts, drawn once per computation and language, then kept with the results."""
    result = computed.result
    labels_key = hashlib.sha256(repr(sorted(juror_labels.items())).encode()).hexdigest()[:16]
    key = f"results-charts:{computed.digest}:{translation.get_language()}:{labels_key}"
    stored = cache.get(key)
    if stored is not None:
        return stored
    entry_labels = {k: e.number or k for k, e in computed.entries.items()}
    stored = {
        "boxplot_svg": charts.juror_boxplots(
            result.totals,
            juror_labels,
            _("Juror totals"),
            _("Box plot of each juror's totals; the table below lists every value."),
        ),
        "heatmap_svg": charts.heatmap(
            result.totals,
            list(result.entries["entry"]),
            entry_labels,
            juror_labels,
            _("Totals per entry and juror"),
            _("Heat map of totals, entries by jurors; the table below lists every value."),
        ),
    }
    cache.set(key, stored, CACHE_SECONDS)
    return stored


def _form_errors(request: HttpRequest, form) -> None:
    # These forms are small parts of a results page: their errors show as messages above it.
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


@login_required
def category_results(request: HttpRequest, pk: int) -> HttpResponse:
    category = _get_category_for_results(request, pk)
    preselection = lifecycle.preselection_of(category.edition)
    # ?etap=wstepny: the pre-selection's results; the awards are decided in the final only.
    round = preselection if request.GET.get("etap") == "wstepny" else None
    computed = results.compute(category, entries=False, round=round)
    result = computed.result
    juror_labels = {str(m.user.pk): m.label for m in jury_of_record(category)}
    done, expected = sheets_progress([category])[category.pk]
    context = {
        "category": category,
        "edition": category.edition,
        "computed": computed,
        "result": result,
        "rows": [],
        "award_rows": [],
        "method_label": AggregationMethod(category.edition.method).label,
        "juror_columns": [juror_labels.get(j, j) for j in result.totals.columns] if result else [],
        "is_chair": permissions.is_chair(request.user, category),
        "preselection": preselection,
        "round": round,
        "weighted": weighting(category.edition) if preselection and round is None else None,
        "can": lifecycle.verdicts(category.edition),
        "confirmation_stale": computed.confirmation_stale,
        "award_choices": [("", "—")] + [(a, award_label(a)) for a in AWARD_CHOICES],
        "sheets_missing": max(expected - done, 0),
        "design_connected": result is None or _design_connected(result.totals),
        "award_margin": AWARD_CONTROL_MARGIN,
        "other_methods": [
            (SHORT_METHOD_LABELS[m], AggregationMethod(m).label) for m in _other_methods(result)
        ]
        if result
        else [],
    }
    # The weighted combination drives the ranking: its column and formula show above it.
    context["combined"] = result is not None and "combined" in result.entries.columns
    if result is not None:
        records = result.entries.to_dict("records")
        page = Paginator(records, ROWS_PER_PAGE).get_page(request.GET.get("strona"))
        decided = computed.award_decision.awards if computed.award_decision else {}
        contenders = [r for r in records if _award_open(r, decided, category)]
        tied = [entry for group in result.unresolved_ties for entry in group]
        # Only the entries the page shows: the labels of the charts use the entry ids.
        computed.entries = load_entries(
            category,
            {r["entry"] for r in [*page.object_list, *contenders]} | set(tied),
            round=round,
        )
        context["page"] = page
        context["rows"] = _rows(computed, list(page.object_list))
        if round is not None:
            # Order within the shortlist decides nothing; a tie at its cut the chair settles
            # on the shortlist page, not by a tie-break.
            tied = set(proposal(category, round).tied)
            for row in context["rows"]:
                if row["entry"] in tied:
                    row["tie_break_label"] = _("tied at the cut")
                elif row["tie_break"] == "unresolved":
                    row["tie_break_label"] = ""
        context["award_rows"] = _rows(computed, contenders)
        context["tie_groups"] = [
            [(entry, computed.entries[entry]) for entry in group]
            for group in result.unresolved_ties
        ]
        context["juror_rows"] = [
            {**row, "label": juror_labels.get(row["juror"], row["juror"])}
            for row in result.jurors.to_dict("records")
        ]
        if not result.totals.empty:
            context.update(_charts(computed, juror_labels))
    return render(request, "scoring/results_category.html", context)


def _design_connected(totals: pd.DataFrame) -> bool:
    """Whether the counted sheets link every juror to every other through shared entries.

    Without it the z-score method compares jurors only within each linked group (issue 13).
    """
    stacked = totals.stack().dropna()
    jurors, entries = stacked.index.get_level_values(1), stacked.index.get_level_values(0)
    return is_connected(zip(jurors, entries, strict=True))


def _decide(request: HttpRequest, pk: int, form_class, decide, success: str) -> HttpResponse:
    """A decision posted from the results page: validate, call the service, report, go back."""
    category = _get_category_for_results(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("scoring:results", pk=category.pk)
    try:
        decide(category, form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("scoring:results", pk=category.pk)


@login_required
@require_POST
def break_tie(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        TieDecisionForm,
        lambda category, data: results.record_tie_decision(
            category=category,
            by=request.user,
            order=data["order"],
            justification=data["justification"],
        ),
        _("The tie is broken; the ranking shows your order."),
    )


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        AwardConfirmationForm,
        lambda category, data: results.confirm_awards(
            category=category,
            by=request.user,
            awards=data["awards"],
            justification=data["justification"],
        ),
        _("The awards of the category are confirmed."),
    )


@login_required
def edition_results(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _get_edition_for_organiser(request, pk)
    preselection = lifecycle.preselection_of(edition)
    categories = list(edition.categories.order_by("sort_order", "name"))
    progress = sheets_progress(categories)
    status = [(c, results.latest_award_decision(c), *progress[c.pk]) for c in categories]
    shortlisted = shortlists_of(preselection) if preselection else {}
    ProtocolExport.objects.filter(snapshot__edition=edition).fail_stale()
    return render(
        request,
        "scoring/results_edition.html",
        {
            "edition": edition,
            "status": status,
            "can": lifecycle.verdicts(edition),
            "snapshots": edition.snapshots.select_related("created_by").all(),
            "exports": [
                (export, protocol.has_file(export, protocol.PDF))
                for export in ProtocolExport.objects.filter(snapshot__edition=edition)[:10]
            ],
            "mailings": recent_mailings(categories),
            "preselection": preselection,
            "round_can": lifecycle.round_verdicts(preselection) if preselection else {},
            "shortlists": [(c, shortlisted.get(c.pk)) for c in categories],
        },
    )


@login_required
@require_POST
def freeze(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _get_edition_for_organiser(request, pk)
    form = FreezeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("scoring:edition_results", pk=edition.pk)
    try:
        snapshot = results.freeze_results(
            edition=edition, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The results are frozen. Digest: %(digest)s") % {"digest": snapshot.digest}
        )
    return redirect("scoring:edition_results", pk=edition.pk)


@login_required
@require_POST
def request_protocol(request: HttpRequest, pk: int) -> HttpResponse:
    snapshots = permissions.organised(ResultSnapshot.objects, request.user, Duty.RESULTS)
    snapshot = get_object_or_404(snapshots, pk=pk)
    export = ProtocolExport.objects.create(snapshot=snapshot, requested_by=request.user)
    logger.info(
        "protocol requested",
        extra={"export_id": export.pk, "snapshot_id": snapshot.pk, "by": request.user.pk},
    )
    # The protocol speaks the language of the page it was asked for from.
    build_protocol_task.enqueue(export.pk, translation.get_language() or protocol.DEFAULT_LANGUAGE)
    messages.success(request, _("The protocol is being prepared."))
    return redirect("scoring:edition_results", pk=snapshot.edition_id)


@login_required
def protocol_status(request: HttpRequest, pk: int) -> JsonResponse:
    exports = permissions.organised(ProtocolExport.objects, request.user, Duty.RESULTS)
    exports.filter(pk=pk).fail_stale()
    export = get_object_or_404(exports, pk=pk)
    return JsonResponse(export.status_payload())


def _download(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """The organisers' protocol files; 404 for everyone else, and for a file not (yet) made."""
    exports = permissions.organised(ProtocolExport.objects, request.user, Duty.RESULTS)
    export = get_object_or_404(
        exports.select_related("snapshot"), pk=pk, status=ProtocolExport.Status.DONE
    )
    if not protocol.has_file(export, kind):
        raise Http404
    return FileResponse(
        protocol.open_file(export, kind),
        as_attachment=True,
        filename=protocol.download_name(export.snapshot, kind),
        content_type=protocol.CONTENT_TYPES[kind],
    )


@login_required
def protocol_download(request: HttpRequest, pk: int) -> FileResponse:
    return _download(request, pk, protocol.XLSX)


@login_required
def protocol_download_pdf(request: HttpRequest, pk: int) -> FileResponse:
    return _download(request, pk, protocol.PDF)
