"""The organiser's pages for a vote: the votes cast, annulling one, freezing the count."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from competition.models import Duty
from scoring.permissions import organised

from . import queries, services
from .admin_forms import AnnulForm
from .models import PublicVote, PublicVoteResult, Vote


def _poll_for(request: HttpRequest, pk: int) -> PublicVote:
    # 404 like the site: a person who may not run this competition's votes is not told which
    # exist (another team's included).
    polls = organised(PublicVote.objects, request.user, Duty.RESULTS)
    return get_object_or_404(polls.select_related("edition__competition"), pk=pk)


def votes(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _poll_for(request, pk)
    listed = (
        Vote.objects.filter(poll=poll)
        .select_related("entry", "category", "annulled_by")
        .order_by("-requested_at", "-pk")
    )
    page = Paginator(listed, 50).get_page(request.GET.get("p"))
    counted = queries.counted(poll).count()
    return render(
        request,
        "cms/vote/admin/votes.html",
        {
            "poll": poll,
            "page": page,
            "counted": counted,
            "result": PublicVoteResult.objects.filter(poll=poll).first(),
            "closed": poll.is_closed(),
        },
    )


def annul(request: HttpRequest, pk: int) -> HttpResponse:
    cast = organised(Vote.objects, request.user, Duty.RESULTS)
    vote = get_object_or_404(cast.select_related("poll", "entry", "category"), pk=pk)
    form = AnnulForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.annul_vote(vote=vote, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The vote is annulled; it no longer counts."))
            return redirect("cms_vote_votes", vote.poll_id)
    return render(request, "cms/vote/admin/annul.html", {"vote": vote, "form": form})


@require_POST
def freeze(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _poll_for(request, pk)
    try:
        result = services.freeze_result(poll=poll, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The results are frozen (SHA-256 %(digest)s).") % {"digest": result.digest[:16]},
        )
    return redirect("cms_vote_votes", poll.pk)
