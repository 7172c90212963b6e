"""The public vote's pages: vote, confirm, results. Thin: forms validate, services decide."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cms.auth import client_ip

from . import challenge, queries, services
from .forms import VoteForm
from .models import PublicVote, PublicVoteResult


def _poll(competition: str, year: int, number: int) -> PublicVote:
    return get_object_or_404(
        PublicVote.objects.select_related("edition__competition"),
        edition__competition__slug=competition,
        edition__year=year,
        edition__number=number,
    )


def _address_args(poll: PublicVote) -> list:
    edition = poll.edition
    return [edition.competition.slug, edition.year, edition.number]


@never_cache
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, competition: str, year: int, number: int) -> HttpResponse:
    poll = _poll(competition, year, number)
    now = timezone.now()
    form = None
    if poll.is_open(now):
        candidates = list(queries.candidates(poll))
        form = VoteForm(request.POST or None, candidates=candidates)
        if request.method == "POST" and form.is_valid():
            try:
                services.request_votes(
                    poll=poll,
                    entries=form.chosen(),
                    email=form.cleaned_data["email"],
                    ip=client_ip(request),
                    confirm_url=lambda token: request.build_absolute_uri(
                        reverse("vote_confirm", args=[token])
                    ),
                )
            except services.VoteRefused as refused:
                for category, message in refused.errors.items():
                    form.add_error(f"category_{category}" if category else None, message)
            else:
                return redirect(reverse("vote_sent", args=_address_args(poll)))
    elif request.method == "POST":
        return redirect(reverse("vote", args=_address_args(poll)))
    return render(
        request,
        "cms/vote/vote.html",
        {"poll": poll, "form": form, "now": now, "hours": settings.VOTE_CONFIRMATION_HOURS},
        status=400 if form is not None and form.is_bound else 200,
    )


def sent(request: HttpRequest, competition: str, year: int, number: int) -> HttpResponse:
    return render(request, "cms/vote/sent.html", {"poll": _poll(competition, year, number)})


@never_cache
def new_challenge(request: HttpRequest) -> JsonResponse:
    return JsonResponse(challenge.new_challenge())


# The link's token is the credential: a forged cross-site POST would already need it, so the
# CSRF check adds nothing here, and a voter whose cookies are blocked can still confirm.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: a mail scanner that opens links does not vote."""
    if len(token) > 100:
        raise Http404
    outcome = services.confirm_votes(token=token) if request.method == "POST" else None
    return render(request, "cms/vote/confirm.html", {"token": token, "outcome": outcome})


def results(request: HttpRequest, competition: str, year: int, number: int) -> HttpResponse:
    """The frozen count, once voting has closed and the organiser froze it; nothing before."""
    poll = _poll(competition, year, number)
    result = None
    if poll.is_closed():
        result = PublicVoteResult.objects.filter(poll=poll).first()
    return render(
        request,
        "cms/vote/results.html",
        {
            "poll": poll,
            "result": result,
            "genuine": services.verify(result) if result else None,
        },
    )
