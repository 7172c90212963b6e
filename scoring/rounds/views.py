"""The pre-selection's pages: the chair's shortlist, the organiser's close of the round."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from competition import lifecycle
from competition.lifecycle import RoundAction

from ..models import Shortlist
from ..results.compute import compute, load_entries
from ..results.views import _get_category_for_results, _get_edition_for_organiser
from . import services
from .forms import ShortlistForm

# Entries listed below the cut, for the chair to take one of them in instead.
SHORTLIST_MARGIN = 10


@login_required
def shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposed finalists of the category and their confirmation (chair or organiser)."""
    category = _get_category_for_results(request, pk)
    round = lifecycle.preselection_of(category.edition)
    if round is None:
        raise Http404
    confirmed = (
        Shortlist.objects.filter(round=round, category=category)
        .select_related("confirmed_by")
        .prefetch_related("entries")
        .first()
    )
    verdict = lifecycle.round_verdict(RoundAction.CONFIRM_SHORTLIST, round)
    result = compute(category, bootstrap=0, entries=False, round=round).result
    entries = load_entries(category, round=round)
    proposal = services.proposal(category, round)
    proposed, tied = set(proposal.entries), set(proposal.tied)
    form = ShortlistForm(
        request.POST or None,
        entries=entries.values(),
        initial={"entries": [int(pk) for pk in proposal.entries]},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.confirm_shortlist(
                    round=round,
                    category=category,
                    entries=form.cleaned_data["entries"],
                    justification=form.cleaned_data["justification"],
                    by=request.user,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("The shortlist of the category is confirmed."))
                return redirect("scoring:shortlist", pk=category.pk)
    finalists = {e.pk for e in confirmed.entries.all()} if confirmed else set()
    rows = []
    for record in result.entries.to_dict("records") if result is not None else []:
        entry = entries.get(record["entry"])
        if entry is None:
            continue
        rows.append(
            {
                "entry": entry,
                "rank": record["rank"],
                "aggregate": record["aggregate"],
                "jurors": record["n_jurors"],
                "proposed": record["entry"] in proposed,
                "tied": record["entry"] in tied,
                "finalist": entry.pk in finalists,
            }
        )
    # The list the chair reads: the proposed (or confirmed) finalists and the next few below
    # the cut; everything below is on the round's results page.
    kept = [r for r in rows if r["proposed"] or r["finalist"]]
    below = [r for r in rows if not (r["proposed"] or r["finalist"])]
    rows = kept + below[:SHORTLIST_MARGIN]
    return render(
        request,
        "scoring/shortlist.html",
        {
            "category": category,
            "edition": category.edition,
            "round": round,
            "rows": rows,
            "form": form,
            "confirmed": confirmed,
            "verdict": verdict,
            "proposed_count": len(proposal.entries),
            "not_shown": len(below[SHORTLIST_MARGIN:]),
        },
    )


@login_required
@require_POST
def close_round(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser closes the edition's pre-selection from the edition's results."""
    edition = _get_edition_for_organiser(request, pk)
    round = lifecycle.preselection_of(edition)
    if round is None:
        raise Http404
    try:
        services.close_round(round=round, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The pre-selection is closed; the chairs confirm the shortlists.")
        )
    return redirect("scoring:edition_results", pk=edition.pk)
