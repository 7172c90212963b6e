"""Journey 7: a visitor votes in the people's choice, confirms by the e-mailed link, and reads
the results once voting has closed and the organiser froze them."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cms.vote import queries, services
from cms.vote.models import PublicVote
from tests.browser.conftest import check_axe, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo(live_server):
    call_command("load_demo", stdout=StringIO())


def test_voter_confirms_by_link_and_reads_results(page, demo):
    poll = PublicVote.objects.get(edition__competition__slug="innowacyjny-samorzad")
    before = queries.counted(poll).filter(entry__title__startswith="Cyfrowa szkoła").count()
    page.goto("/")
    page.get_by_role("link", name="Innowacyjny Samorząd", exact=True).first.click()
    page.get_by_role("link", name=re.compile(r"I edycja|2021")).first.click()
    page.get_by_role("link", name=re.compile("^(Vote|Głosuj)$")).click()
    page.wait_for_load_state("networkidle")
    status = page.locator("#challenge-status")
    page.wait_for_function(
        "el => el.textContent === el.dataset.done", arg=status.element_handle(), timeout=20000
    )
    check_axe(page, "the vote")
    shot(page, "7-vote")

    page.get_by_label("Cyfrowa szkoła — Gmina Kąty Wrocławskie").check()
    page.get_by_label(re.compile("e-mail")).fill("mieszkanka@example.net")
    page.get_by_role("button", name=re.compile("Send my vote|Wyślij")).click()
    page.wait_for_load_state("networkidle")
    check_axe(page, "check your mailbox")
    shot(page, "7-sent")

    link = re.search(r"https?://\S+/glosowanie/potwierdz/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    check_axe(page, "the confirmation")
    page.get_by_role("button", name=re.compile("Confirm my vote|Potwierdź")).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("status").is_visible()
    shot(page, "7-confirmed")

    poll.closes_at = timezone.now()
    poll.save(update_fields=["closes_at"])
    result = services.freeze_result(
        poll=poll, by=get_user_model().objects.get(username="organizator")
    )

    page.goto("/innowacyjny-samorzad/2021-1/")
    page.get_by_role(
        "link", name=re.compile("Results of the people|Wyniki Nagrody publiczności")
    ).click()
    page.wait_for_load_state("networkidle")
    row = page.get_by_role("row", name=re.compile("Cyfrowa szkoła"))
    assert row.is_visible()
    assert row.get_by_role("cell").last.inner_text() == str(before + 1)
    assert page.get_by_text(result.digest).is_visible()
    check_axe(page, "the people's choice results")
    shot(page, "7-results")
