from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import translation
from django.utils.html import escape

from scoring import permissions, services
from scoring.models import JurorProfile, Recusal, RecusalKind, ScoreSheetAudit
from tests.factories import CategoryFactory, EntryFactory, InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


def polish(message: str) -> str:
    with translation.override("pl"):
        return translation.gettext(message)


def polish_plural(singular: str, plural: str, count: int) -> str:
    with translation.override("pl"):
        return translation.ngettext(singular, plural, count)


def message_texts(response) -> list[str]:
    """The admin's messages as a reader sees them (the admin stores them as escaped HTML)."""
    return [unescape(str(message)).strip() for message in get_messages(response.wsgi_request)]


def jurors(category) -> list[str]:
    return [user.username for user in permissions.jurors_of(category)]


def chairs(category) -> list[str]:
    return [user.username for user in permissions.chairs_of(category)]


@pytest.fixture
def staff_without_jury(db):
    """Someone who may open the admin but has none of the jury's permissions."""
    user = UserFactory(username="staff")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.fixture
def recusal(juror, entry, during_scoring):
    return services.declare_recusal(juror=juror, entry=entry, reason="Mój były urząd")


@pytest.fixture
def audit(juror, entries, criteria, during_scoring):
    """A draft and then the submission of the juror's sheet for the second entry."""
    entry = entries[1]
    scores = {str(criteria[0].pk): "4", str(criteria[1].pk): "6.5"}
    sheet = services.save_score_sheet(
        juror=juror, entry=entry, scores=scores, justification="", version=0, submit=False
    )
    scores[str(criteria[0].pk)] = "7"
    services.save_score_sheet(
        juror=juror,
        entry=entry,
        scores=scores,
        justification="Dobrze uzasadniona ocena.",
        version=sheet.version,
        submit=True,
    )
    return ScoreSheetAudit.objects.order_by("-pk").first()


def page_urls(category, recusal, audit) -> list[str]:
    profile = JurorProfile.objects.create(user=audit.by)
    return [
        reverse("jury_appointments:index"),
        reverse("jury_appointments:index_results"),
        reverse("jury_appointments:category", args=[category.pk]),
        reverse("juror_profiles:index"),
        reverse("juror_profiles:add"),
        reverse("juror_profiles:edit", args=[profile.pk]),
        reverse("conflicts:index"),
        reverse("conflicts:index_results"),
        reverse("conflicts:inspect", args=[recusal.pk]),
        reverse("conflicts:lift", args=[recusal.pk]),
        reverse("score_sheet_audit:index"),
        reverse("score_sheet_audit:index_results"),
        reverse("score_sheet_audit:inspect", args=[audit.pk]),
    ]


def post_urls(category, juror, recusal) -> dict[str, dict]:
    return {
        reverse("jury_appointments:appoint", args=[category.pk]): {"user": "outsider"},
        reverse("jury_appointments:invite", args=[category.pk]): {"email": "nowy@example.org"},
        reverse("jury_appointments:dismiss", args=[category.pk, juror.pk]): {},
        reverse("jury_appointments:make_chair", args=[category.pk, juror.pk]): {},
        reverse("jury_appointments:remove_chair", args=[category.pk, juror.pk]): {},
        reverse("conflicts:lift", args=[recusal.pk]): {"justification": "Uzasadnienie zdjęcia."},
    }


# Who gets in --------------------------------------------------------------------------------


def test_jury_admin_pages_redirect_anonymous_to_login(client, category, recusal, audit):
    urls = page_urls(category, recusal, audit)

    responses = [client.get(url) for url in urls]

    assert [r.status_code for r in responses] == [302] * len(urls)
    assert all(r["Location"].startswith(reverse("wagtailadmin_login")) for r in responses)


@pytest.mark.parametrize("role", ["juror", "chair", "applicant"])
def test_jury_admin_pages_redirect_people_without_admin_access(
    client, request, category, recusal, audit, role
):
    urls = page_urls(category, recusal, audit)
    client.force_login(request.getfixturevalue(role))

    responses = [client.get(url) for url in urls]

    assert [r.status_code for r in responses] == [302] * len(urls)
    assert all(r["Location"].startswith(reverse("wagtailadmin_login")) for r in responses)


def test_jury_admin_pages_send_staff_without_jury_permissions_home(
    client, staff_without_jury, category, recusal, audit
):
    urls = page_urls(category, recusal, audit)
    client.force_login(staff_without_jury)

    responses = [client.get(url) for url in urls]

    # One category's or conflict's addresses are not found by someone in no organiser team
    # (its competition is not theirs); the screens of the menu send them home.
    assert [r.status_code for r in responses] == [
        302, 302, 404, 302, 302, 302, 302, 302, 404, 404, 302, 302, 404
    ]  # fmt: skip
    assert {r["Location"] for r in responses if r.status_code == 302} == {
        reverse("wagtailadmin_home")
    }


def test_jury_admin_pages_open_for_organiser(client, organiser, category, recusal, audit):
    urls = page_urls(category, recusal, audit)
    client.force_login(organiser)

    responses = [client.get(url) for url in urls]

    assert [r.status_code for r in responses] == [200] * len(urls)


@pytest.mark.parametrize("role", ["anonymous", "juror", "chair", "applicant"])
def test_jury_admin_actions_refuse_people_without_admin_access(
    client, request, category, juror, chair, recusal, role
):
    UserFactory(username="outsider")
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    responses = [
        client.post(url, data) for url, data in post_urls(category, juror, recusal).items()
    ]

    assert [r.status_code for r in responses] == [302] * len(responses)
    assert all(r["Location"].startswith(reverse("wagtailadmin_login")) for r in responses)
    assert (jurors(category), chairs(category)) == (["chair", "juror"], ["chair"])
    assert Recusal.objects.get().is_active
    assert not mail.outbox


def test_jury_admin_actions_refuse_staff_without_jury_permissions(
    client, staff_without_jury, category, juror, chair, recusal
):
    UserFactory(username="outsider")
    client.force_login(staff_without_jury)

    responses = [
        client.post(url, data) for url, data in post_urls(category, juror, recusal).items()
    ]

    # The category and the conflict are not found by someone in no organiser team.
    assert {r.status_code for r in responses} == {404}
    assert (jurors(category), chairs(category)) == (["chair", "juror"], ["chair"])
    assert Recusal.objects.get().is_active


def test_jury_admin_actions_are_post_only(client, organiser, category, juror):
    client.force_login(organiser)

    response = client.get(reverse("jury_appointments:dismiss", args=[category.pk, juror.pk]))

    assert response.status_code == 405
    assert jurors(category) == ["juror"]


def test_jury_menu_groups_the_jury_screens(client, organiser):
    client.force_login(organiser)

    body = client.get(reverse("wagtailadmin_home")).content.decode()

    assert polish("Jury") in body
    for name in ("jury_appointments", "juror_profiles", "conflicts", "score_sheet_audit"):
        assert reverse(f"{name}:index") in body


# Appointments -------------------------------------------------------------------------------


def test_appointments_list_shows_jurors_and_chair(client, organiser, category, juror, chair):
    CategoryFactory(name="Poza horyzonty")
    client.force_login(organiser)

    response = client.get(reverse("jury_appointments:index"))

    body = response.content.decode()
    listed = {c.name: c.jury for c in response.context["table"].data}
    assert polish("Appointments") in body
    assert reverse("jury_appointments:category", args=[category.pk]) in body
    assert escape("chair <chair@example.org>, juror <juror@example.org>") in body
    assert [u.username for u in listed["Ponad codzienność"].chairs] == ["chair"]
    assert (listed["Poza horyzonty"].jurors, listed["Poza horyzonty"].chairs) == ([], [])


def test_appointments_list_filters_by_edition(client, organiser, category):
    other = CategoryFactory(name="Poza horyzonty")
    client.force_login(organiser)

    response = client.get(reverse("jury_appointments:index"), {"edition": other.edition_id})

    body = response.content.decode()
    assert reverse("jury_appointments:category", args=[other.pk]) in body
    assert reverse("jury_appointments:category", args=[category.pk]) not in body


def test_appointments_list_query_count_same_for_1_and_10_categories(client, organiser, category):
    services.appoint(category=category, user=UserFactory(), chair=True)
    services.appoint(category=category, user=UserFactory())
    client.force_login(organiser)
    url = reverse("jury_appointments:index")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _n in range(9):
        more = CategoryFactory(edition=category.edition)
        services.appoint(category=more, user=UserFactory(), chair=True)
        services.appoint(category=more, user=UserFactory())

    with CaptureQueriesContext(connection) as ten:
        response = client.get(url)

    assert len(response.context["table"].data) == 10
    assert len(ten) == len(one)


def test_category_jury_page_lists_members_and_finds_people(
    client, organiser, category, juror, chair
):
    UserFactory(username="kowalski", first_name="Jan", last_name="Kowalski")
    client.force_login(organiser)

    response = client.get(reverse("jury_appointments:category", args=[category.pk]), {"q": "kowal"})

    body = response.content.decode()
    assert [(row["user"].username, row["is_chair"]) for row in response.context["rows"]] == [
        ("chair", True),
        ("juror", False),
    ]
    assert [item["user"].username for item in response.context["found"]] == ["kowalski"]
    assert polish("Invite a new juror") in body
    assert reverse("jury_appointments:dismiss", args=[category.pk, juror.pk]) in body
    assert reverse("jury_appointments:remove_chair", args=[category.pk, chair.pk]) in body
    assert reverse("jury_appointments:make_chair", args=[category.pk, juror.pk]) in body


def regional_official(username: str = "urzednik"):
    """Someone from the voivodeship office: every entrant in Mazovia lies in its territory."""
    user = UserFactory(username=username, email=f"{username}@example.org")
    JurorProfile.objects.create(
        user=user, affiliation=InstitutionFactory(kind="wojewodztwo", terc="14", name="Mazowsze")
    )
    return user


def test_category_jury_page_foresees_exclusions_of_candidates(client, organiser, category, entries):
    regional_official()
    UserFactory(username="urzedniczka", email="urzedniczka@example.org")
    client.force_login(organiser)

    response = client.get(
        reverse("jury_appointments:category", args=[category.pk]), {"q": "urzedni"}
    )

    body = unescape(response.content.decode())
    found = {item["user"].username: item["excluded"] for item in response.context["found"]}
    assert found == {"urzednik": 3, "urzedniczka": 0}
    assert (
        polish("Would be kept from %(excluded)s by conflicts of interest")
        % {
            "excluded": polish_plural(
                "%(count)d of %(total)d entry", "%(count)d of %(total)d entries", 3
            )
            % {"count": 3, "total": 3}
        }
        in body
    )
    assert polish("No conflicts of interest") in body
    assert not Recusal.objects.exists()


def test_category_jury_page_shows_each_jurors_exclusions(client, organiser, category, entries):
    official = regional_official()
    services.appoint(category=category, user=official)
    services.appoint(category=category, user=UserFactory(username="juror"))
    client.force_login(organiser)

    response = client.get(reverse("jury_appointments:category", args=[category.pk]))

    rows = {row["user"].username: row["excluded_text"] for row in response.context["rows"]}
    assert rows == {"urzednik": "3 z 3 zgłoszeń", "juror": "0 z 3 zgłoszeń"}
    assert "<strong>3 z 3 zgłoszeń</strong>" in response.content.decode()


def test_appointing_someone_kept_from_every_entry_warns_and_still_appoints(
    client, organiser, category, entries
):
    regional_official()
    client.force_login(organiser)

    response = client.post(
        reverse("jury_appointments:appoint", args=[category.pk]), {"user": "urzednik"}
    )

    assert jurors(category) == ["urzednik"]
    assert Recusal.objects.filter(juror__username="urzednik", lifted_at=None).count() == 3
    assert message_texts(response)[1] == (
        "Konflikty interesów wyłączają urzednik <urzednik@example.org> ze wszystkich 3 zgłoszeń "
        "w kategorii „Ponad codzienność”: nie oceni tam żadnego."
    )


def test_appointing_someone_kept_from_some_entries_says_how_many(
    client, organiser, category, entries
):
    county = UserFactory(username="starosta", email="starosta@example.org")
    JurorProfile.objects.create(user=county, affiliation=entries[0].institution)
    client.force_login(organiser)

    response = client.post(
        reverse("jury_appointments:appoint", args=[category.pk]), {"user": "starosta"}
    )

    assert message_texts(response)[1] == (
        "Konflikty interesów wyłączają starosta <starosta@example.org> z oceny 1 z 3 zgłoszeń "
        "w kategorii „Ponad codzienność”."
    )


def test_appointing_someone_without_conflicts_gives_no_warning(
    client, organiser, category, entries
):
    UserFactory(username="anna", email="anna@example.org")
    client.force_login(organiser)

    response = client.post(
        reverse("jury_appointments:appoint", args=[category.pk]), {"user": "anna"}
    )

    assert len(message_texts(response)) == 1


def test_appoint_existing_user_by_email(client, organiser, category):
    UserFactory(username="anna", email="Anna.Nowak@example.org")
    client.force_login(organiser)

    response = client.post(
        reverse("jury_appointments:appoint", args=[category.pk]),
        {"user": "anna.nowak@example.org"},
    )

    assert response["Location"] == reverse("jury_appointments:category", args=[category.pk])
    assert (jurors(category), chairs(category)) == (["anna"], [])
    assert message_texts(response) == [
        polish("%(person)s is appointed to the jury of “%(category)s”.")
        % {"person": "anna <Anna.Nowak@example.org>", "category": category.name}
    ]


def test_appoint_existing_user_applies_automatic_conflicts(client, organiser, category, entry):
    anna = UserFactory(username="anna")
    JurorProfile.objects.create(user=anna, affiliation=entry.institution)
    client.force_login(organiser)

    client.post(reverse("jury_appointments:appoint", args=[category.pk]), {"user": "anna"})

    recusal = Recusal.objects.get(juror=anna)
    assert (recusal.entry, recusal.kind) == (entry, RecusalKind.AUTOMATIC)


def test_appoint_chair_demotes_the_old_chair(client, organiser, category, chair):
    UserFactory(username="anna")
    client.force_login(organiser)

    response = client.post(
        reverse("jury_appointments:appoint", args=[category.pk]), {"user": "anna", "chair": "on"}
    )

    assert (jurors(category), chairs(category)) == (["anna", "chair"], ["anna"])
    message = message_texts(response)[0]
    assert (
        polish_plural(
            "%(people)s is no longer the chair and stays on the jury as a juror.",
            "%(people)s are no longer chairs and stay on the jury as jurors.",
            1,
        )
        % {"people": "chair <chair@example.org>"}
        in message
    )


@pytest.mark.parametrize("wanted", ["nikt@example.org", "nikt", ""])
def test_appoint_unknown_user_is_refused(client, organiser, category, wanted):
    client.force_login(organiser)

    response = client.post(
        reverse("jury_appointments:appoint", args=[category.pk]), {"user": wanted}
    )

    assert response.status_code == 200
    assert response.context["appoint_form"].errors["user"]
    assert jurors(category) == []


def test_appoint_unknown_user_message_is_clear(client, organiser, category):
    client.force_login(organiser)

    response = client.post(
        reverse("jury_appointments:appoint", args=[category.pk]), {"user": "nikt@example.org"}
    )

    assert (
        escape(
            polish(
                "Nobody with this e-mail address or username has an account. "
                "Invite a new juror by e-mail below."
            )
        )
        in response.content.decode()
    )


def test_appoint_someone_already_on_the_jury_changes_nothing(client, organiser, category, juror):
    client.force_login(organiser)

    response = client.post(
        reverse("jury_appointments:appoint", args=[category.pk]), {"user": "juror"}
    )

    assert message_texts(response) == [
        polish("%(person)s is already on the jury of “%(category)s”.")
        % {"person": "juror <juror@example.org>", "category": category.name}
    ]
    assert (jurors(category), chairs(category)) == (["juror"], [])


def test_invite_new_juror_emails_set_password_link(
    client, organiser, category, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("jury_appointments:invite", args=[category.pk]),
            {"email": " Nowy.Juror@Example.org "},
        )

    assert response.status_code == 302
    assert jurors(category) == ["nowy.juror@example.org"]
    assert [m.to for m in mail.outbox] == [["nowy.juror@example.org"]]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    assert link.startswith(settings.WAGTAILADMIN_BASE_URL + "/")
    assert resolve(urlsplit(link).path).url_name == "account_reset_password_from_key"
    assert message_texts(response) == [
        polish(
            "%(email)s is appointed to the jury of “%(category)s” and receives an e-mail "
            "with a link to set a password."
        )
        % {"email": "nowy.juror@example.org", "category": category.name}
    ]


def test_invite_as_chair_demotes_the_old_chair(
    client, organiser, category, chair, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("jury_appointments:invite", args=[category.pk]),
            {"email": "nowa@example.org", "chair": "on"},
        )

    assert chairs(category) == ["nowa@example.org"]
    assert jurors(category) == ["chair", "nowa@example.org"]
    assert len(mail.outbox) == 1


def test_invite_invalid_email_is_refused(
    client, organiser, category, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("jury_appointments:invite", args=[category.pk]), {"email": "nie-e-mail"}
        )

    assert response.status_code == 200
    assert (
        polish("Enter a valid e-mail address, for example jan.kowalski@example.org.")
        in response.content.decode()
    )
    assert jurors(category) == []
    assert not get_user_model().objects.filter(email__icontains="nie-e-mail").exists()
    assert not mail.outbox


def test_dismissed_juror_loses_the_panel_on_next_request(
    client, organiser, category, juror, during_scoring
):
    juror_client = Client()
    juror_client.force_login(juror)
    before = juror_client.get(reverse("scoring:home"))
    client.force_login(organiser)

    response = client.post(reverse("jury_appointments:dismiss", args=[category.pk, juror.pk]))

    assert before.status_code == 200
    assert response["Location"] == reverse("jury_appointments:category", args=[category.pk])
    assert juror_client.get(reverse("scoring:home")).status_code == 404
    assert jurors(category) == []


def test_dismiss_someone_not_on_the_jury_is_404(client, organiser, category, other_juror):
    client.force_login(organiser)

    response = client.post(reverse("jury_appointments:dismiss", args=[category.pk, other_juror.pk]))

    assert response.status_code == 404


def test_make_chair_demotes_the_old_chair(client, organiser, category, juror, chair):
    client.force_login(organiser)

    response = client.post(reverse("jury_appointments:make_chair", args=[category.pk, juror.pk]))

    assert (jurors(category), chairs(category)) == (["chair", "juror"], ["juror"])
    assert message_texts(response) == [
        polish("%(person)s is the chair of the jury of “%(category)s”.")
        % {"person": "juror <juror@example.org>", "category": category.name}
        + " "
        + polish_plural(
            "%(people)s is no longer the chair and stays on the jury as a juror.",
            "%(people)s are no longer chairs and stay on the jury as jurors.",
            1,
        )
        % {"people": "chair <chair@example.org>"}
    ]


def test_remove_chair_keeps_the_juror(client, organiser, category, chair):
    client.force_login(organiser)

    client.post(reverse("jury_appointments:remove_chair", args=[category.pk, chair.pk]))

    assert (jurors(category), chairs(category)) == (["chair"], [])


def test_remove_chair_of_a_plain_juror_is_refused(client, organiser, category, juror):
    client.force_login(organiser)

    response = client.post(reverse("jury_appointments:remove_chair", args=[category.pk, juror.pk]))

    assert message_texts(response) == [
        polish("%(person)s is not the chair of “%(category)s”.")
        % {"person": "juror <juror@example.org>", "category": category.name}
    ]
    assert jurors(category) == ["juror"]


# Juror profiles -----------------------------------------------------------------------------


def test_juror_profile_saved_in_admin_creates_automatic_conflict(
    client, organiser, juror, entry, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("juror_profiles:add"), {"user": juror.pk, "affiliation": entry.institution_id}
        )

    assert response.status_code == 302
    recusal = Recusal.objects.get()
    assert (recusal.juror, recusal.entry, recusal.kind) == (juror, entry, RecusalKind.AUTOMATIC)


def test_juror_profiles_list_shows_user_and_affiliation(client, organiser, juror, entry):
    JurorProfile.objects.create(user=juror, affiliation=entry.institution)
    client.force_login(organiser)

    response = client.get(reverse("juror_profiles:index"))

    body = response.content.decode()
    assert "juror@example.org" in body
    assert entry.institution.name in body


def test_juror_profiles_cannot_be_deleted_in_admin(client, organiser, juror):
    profile = JurorProfile.objects.create(user=juror)

    with pytest.raises(NoReverseMatch):
        reverse("juror_profiles:delete", args=[profile.pk])


# Conflicts of interest ----------------------------------------------------------------------


def test_conflicts_list_shows_active_and_lifted_with_record(
    client, organiser, juror, second_juror, entry, during_scoring
):
    active = services.declare_recusal(juror=juror, entry=entry, reason="Mój były urząd")
    lifted = services.declare_recusal(juror=second_juror, entry=entry, reason="Znajomy wójt")
    services.lift_recusal(recusal=lifted, by=organiser, justification="Znajomość sprzed lat.")
    client.force_login(organiser)

    response = client.get(reverse("conflicts:index"))

    body = response.content.decode()
    assert [r.juror.username for r in response.context["object_list"]] == ["juror2", "juror"]
    assert "Znajomość sprzed lat." in body
    assert "organiser" in body
    assert polish("lifted") in body
    assert reverse("conflicts:lift", args=[active.pk]) in body
    assert reverse("conflicts:lift", args=[lifted.pk]) not in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "active"}, ["juror"]),
        ({"state": "lifted"}, ["juror2"]),
        ({"kind": "declared"}, ["juror2", "juror"]),
        ({"kind": "automatic"}, []),
    ],
)
def test_conflicts_list_filters(
    client, organiser, juror, second_juror, entry, query, expected, during_scoring
):
    services.declare_recusal(juror=juror, entry=entry, reason="Mój były urząd")
    lifted = services.declare_recusal(juror=second_juror, entry=entry, reason="Znajomy wójt")
    services.lift_recusal(recusal=lifted, by=organiser, justification="Znajomość sprzed lat.")
    client.force_login(organiser)

    response = client.get(reverse("conflicts:index"), query)

    assert [r.juror.username for r in response.context["object_list"]] == expected


def test_conflicts_list_filters_by_edition_and_category(
    client, organiser, juror, entry, during_scoring
):
    services.declare_recusal(juror=juror, entry=entry, reason="Mój były urząd")
    elsewhere = EntryFactory(status="eligible", number="X-1", sequence=1)
    Recusal.objects.create(juror=juror, entry=elsewhere, kind="declared", reason="Inny")
    client.force_login(organiser)

    by_edition = client.get(reverse("conflicts:index"), {"edition": elsewhere.edition_id})
    by_category = client.get(reverse("conflicts:index"), {"category": entry.category_id})

    assert [r.entry for r in by_edition.context["object_list"]] == [elsewhere]
    assert [r.entry for r in by_category.context["object_list"]] == [entry]


def test_lift_page_shows_the_conflict(client, organiser, recusal):
    client.force_login(organiser)

    response = client.get(reverse("conflicts:lift", args=[recusal.pk]))

    body = response.content.decode()
    assert "Mój były urząd" in body
    assert 'name="justification"' in body
    assert escape(polish("Lift the conflict")) in body


def test_conflict_inspect_shows_who_lifted_it_and_why(client, organiser, recusal):
    services.lift_recusal(recusal=recusal, by=organiser, justification="Znajomość sprzed lat.")
    client.force_login(organiser)

    response = client.get(reverse("conflicts:inspect", args=[recusal.pk]))

    body = response.content.decode()
    assert "Znajomość sprzed lat." in body
    assert "organiser" in body
    assert reverse("conflicts:lift", args=[recusal.pk]) not in body


def test_lift_without_justification_is_refused(client, organiser, recusal):
    client.force_login(organiser)

    response = client.post(reverse("conflicts:lift", args=[recusal.pk]), {"justification": "bo"})

    assert response.status_code == 200
    assert (
        polish("Write why the conflict of interest is lifted (at least 10 characters).")
        in response.content.decode()
    )
    recusal.refresh_from_db()
    assert (recusal.is_active, recusal.lifted_by, recusal.lift_justification) == (True, None, "")


def test_lift_with_justification_is_recorded(client, organiser, recusal):
    client.force_login(organiser)

    response = client.post(
        reverse("conflicts:lift", args=[recusal.pk]),
        {"justification": "  Urząd opuścił przed dziesięciu laty.  "},
    )

    assert response["Location"] == reverse("conflicts:index")
    recusal.refresh_from_db()
    assert recusal.lifted_at is not None
    assert (recusal.lifted_by, recusal.lift_justification) == (
        organiser,
        "Urząd opuścił przed dziesięciu laty.",
    )


def test_lift_already_lifted_conflict_is_refused(client, organiser, recusal):
    services.lift_recusal(recusal=recusal, by=organiser, justification="Pierwsze zdjęcie.")
    client.force_login(organiser)

    response = client.post(
        reverse("conflicts:lift", args=[recusal.pk]), {"justification": "Drugie zdjęcie konfliktu."}
    )

    assert response["Location"] == reverse("conflicts:inspect", args=[recusal.pk])
    recusal.refresh_from_db()
    assert recusal.lift_justification == "Pierwsze zdjęcie."


@pytest.mark.parametrize("view", ["add", "edit", "delete", "copy", "history", "usage"])
def test_conflicts_cannot_be_added_edited_or_deleted_in_admin(recusal, view):
    args = [] if view == "add" else [recusal.pk]

    with pytest.raises(NoReverseMatch):
        reverse(f"conflicts:{view}", args=args)


def test_conflicts_refuse_delete_by_path_even_for_superuser(client, recusal):
    client.force_login(UserFactory(username="admin", is_superuser=True))

    response = client.post(f"/admin/conflicts/delete/{recusal.pk}/")

    assert response.status_code == 404
    assert Recusal.objects.filter(pk=recusal.pk).exists()


# Audit log ----------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["add", "edit", "delete", "copy", "history", "usage"])
def test_audit_log_has_no_add_edit_or_delete_urls(audit, view):
    args = [] if view == "add" else [audit.pk]

    with pytest.raises(NoReverseMatch):
        reverse(f"score_sheet_audit:{view}", args=args)


def test_audit_log_refuses_writes_by_path_even_for_superuser(client, audit):
    client.force_login(UserFactory(username="admin", is_superuser=True))

    responses = [
        client.post("/admin/score-sheet-audit/new/"),
        client.post(f"/admin/score-sheet-audit/edit/{audit.pk}/"),
        client.post(f"/admin/score-sheet-audit/delete/{audit.pk}/"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert ScoreSheetAudit.objects.count() == 2


def test_audit_log_lists_changes_readably(client, organiser, audit):
    client.force_login(organiser)

    response = client.get(reverse("score_sheet_audit:index"))

    body = response.content.decode()
    assert [a.action for a in response.context["object_list"]] == ["submit", "save"]
    assert str(audit.sheet.entry) in body
    assert reverse("score_sheet_audit:inspect", args=[audit.pk]) in body
    assert "Innowacyjność: 4 → 7" in body
    assert "Rezultaty: — → 6,5" in body
    assert f"{polish('status')}: {polish('draft')} → {polish('submitted')}" in body


def test_audit_log_filters_by_category(client, organiser, audit):
    other = CategoryFactory(edition=audit.sheet.entry.edition, name="Poza horyzonty")
    client.force_login(organiser)

    mine = client.get(
        reverse("score_sheet_audit:index"), {"category": audit.sheet.entry.category_id}
    )
    others = client.get(reverse("score_sheet_audit:index"), {"category": other.pk})

    assert len(mine.context["object_list"]) == 2
    assert list(others.context["object_list"]) == []


def test_audit_inspect_shows_old_and_new_values(client, organiser, audit):
    client.force_login(organiser)

    response = client.get(reverse("score_sheet_audit:inspect", args=[audit.pk]))

    body = response.content.decode()
    assert "<li>Innowacyjność: 4</li>" in body
    assert "<li>Innowacyjność: 7</li>" in body
    assert f"<li>{polish('justification')}: Dobrze uzasadniona ocena.</li>" in body
    assert polish("submitted") in body


# A conflict found after scoring --------------------------------------------------------------


def test_late_conflict_page_by_role(client, organiser, juror, chair, staff_without_jury):
    url = reverse("conflicts:record")

    anonymous = client.get(url)
    client.force_login(juror)
    as_juror = client.get(url)
    client.force_login(staff_without_jury)
    as_staff = client.get(url)
    client.force_login(organiser)
    as_organiser = client.get(url)

    assert anonymous.status_code == 302
    assert as_juror.status_code == 302
    assert as_staff.status_code == 302
    assert as_organiser.status_code == 200
    assert polish("Record a conflict found later") in as_organiser.content.decode()


def test_late_conflict_recorded_in_deliberation_takes_the_sheet_out(
    client, organiser, juror, entry, criteria
):
    import time_machine

    from scoring import results
    from tests.scoring.conftest import AFTER_SCORING, DURING_SCORING

    with time_machine.travel(DURING_SCORING, tick=False):
        services.save_score_sheet(
            juror=juror,
            entry=entry,
            scores={str(c.pk): "5" for c in criteria},
            justification="Uzasadnienie oceny.",
            version=0,
            submit=True,
        )
    client.force_login(organiser)

    with time_machine.travel(AFTER_SCORING, tick=False):
        refused = client.post(
            reverse("conflicts:record"),
            {"juror": juror.pk, "entry": "NIE-MA", "reason": "Doradzał gminie w 2025 r."},
        )
        recorded = client.post(
            reverse("conflicts:record"),
            {"juror": juror.pk, "entry": entry.number, "reason": "Doradzał gminie w 2025 r."},
        )

    assert refused.status_code == 200
    assert polish("No eligible entry has this number.") in refused.content.decode()
    assert recorded["Location"] == reverse("conflicts:index")
    recusal = Recusal.objects.get(juror=juror, entry=entry)
    assert (recusal.kind, recusal.is_active) == ("organiser", True)
    assert results.compute(entry.category, bootstrap=0).result is None


def test_late_conflict_refused_after_the_freeze(client, organiser, juror, entry):
    entry.edition.frozen_at = entry.edition.scoring_closes_at
    entry.edition.save()
    client.force_login(organiser)

    response = client.post(
        reverse("conflicts:record"),
        {"juror": juror.pk, "entry": entry.number, "reason": "Doradzał gminie w 2025 r."},
    )

    assert response.status_code == 200
    assert "nie jest już możliwy" in response.content.decode()
    assert not Recusal.objects.filter(juror=juror, entry=entry).exists()
