from __future__ import annotations

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms import services
from cms.models import AnnouncementPage, LaureatePage, NewsIndexPage, NewsPage
from competition.models import Award
from tests.cms.conftest import awarded, make_snapshot
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db

DEMO_PAGES = [
    "/",
    "/samorzadowy-lider-cyfryzacji/",
    "/samorzadowy-lider-cyfryzacji/2024-6/",
    "/samorzadowy-lider-cyfryzacji/2024-6/laureaci/",
    "/samorzadowy-lider-cyfryzacji/2024-6/laureaci/slc-2024-001/",
    "/aktualnosci/",
    "/aktualnosci/mazowieccy-liderzy-cyfryzacji-wybrani/",
    "/archiwum/",
    "/deklaracja-dostepnosci/",
    "/szukaj/?q=Piaseczno",
]


def test_every_page_type_renders_for_anonymous_in_both_languages(client):
    call_command("load_demo", stdout=StringIO())

    for path in DEMO_PAGES:
        polish = client.get(path)
        english = client.get(f"/en{path}")

        assert polish.status_code == 200, path
        assert english.status_code == 200, path
        assert '<html lang="pl">' in polish.content.decode(), path
        assert '<html lang="en">' in english.content.decode(), path
        assert 'href="#main"' in polish.content.decode()

    laureates = client.get("/samorzadowy-lider-cyfryzacji/2024-6/laureaci/").content.decode()
    assert "15\u202f000 zł" in laureates
    assert "Urząd Miasta i Gminy Piaseczno" in laureates
    english = client.get("/en/samorzadowy-lider-cyfryzacji/2024-6/laureaci/").content.decode()
    assert "PLN 15,000" in english or "15,000 PLN" in english
    statement = client.get("/deklaracja-dostepnosci/").content.decode()
    assert "WCAG 2.1" in statement


def announce(category, rows, home, **kwargs):
    from cms.services import ensure_competition_page, ensure_edition_page

    competition_page = ensure_competition_page(competition=category.edition.competition, home=home)
    ensure_edition_page(edition=category.edition, parent=competition_page)
    snapshot = make_snapshot(category, rows)
    return services.create_announcement(snapshot=snapshot, by=UserFactory(), **kwargs)


def test_announcement_shows_exactly_the_snapshot_awards(client, home):
    category, rows = awarded(4)
    page = announce(category, rows, home, publish=True)

    body = client.get(page.url).content.decode()

    for entry, _award in rows:
        assert entry.institution.name in body
    assert body.count("<li>") >= 4
    assert [(p.entry_id, p.award) for p in LaureatePage.objects.child_of(page).order_by("pk")] == [
        (entry.pk, award) for entry, award in rows
    ]


def test_announcement_draft_is_invisible_and_goes_to_moderation(client, home):
    category, rows = awarded(3)

    page = announce(category, rows, home)

    assert not page.live
    assert (
        client.get(
            f"/{page.get_parent().get_parent().slug}/{page.get_parent().slug}/{page.slug}/"
        ).status_code
        == 404
    )
    assert page.current_workflow_state is not None
    assert page.current_workflow_state.status == "in_progress"


def test_scheduled_announcement_stays_hidden_until_go_live(client, home):
    import datetime as dt

    from django.utils import timezone

    category, rows = awarded(3)
    page = announce(category, rows, home, go_live_at=timezone.now() + dt.timedelta(days=3))

    page.get_latest_revision().publish()
    page.refresh_from_db()

    assert not page.live
    assert page.go_live_at is not None


def test_laureate_pages_only_for_consenting_institutions(client, home):
    category, rows = awarded(3)
    refusing = rows[1][0]
    refusing.consent_to_publish = False
    refusing.save()

    page = announce(category, rows, home, publish=True)
    body = client.get(page.url).content.decode()

    assert LaureatePage.objects.filter(entry=refusing).count() == 0
    assert refusing.title not in body
    assert refusing.institution.name in body


def test_laureate_page_validation_refuses_entry_without_consent(home):
    from django.core.exceptions import ValidationError

    category, rows = awarded(1, consent=False)
    page = LaureatePage(
        title="x",
        slug="x",
        entry=rows[0][0],
        category=category,
        institution=rows[0][0].institution,
        institution_name="x",
        award="place_1",
    )

    with pytest.raises(ValidationError):
        page.full_clean()


def test_publishing_invalidates_the_page_cache(client, home):
    news_index = NewsIndexPage(title="Aktualności", slug="aktualnosci")
    home.add_child(instance=news_index)
    news_index.save_revision().publish()
    first = client.get("/aktualnosci/")
    cached = client.get("/aktualnosci/")
    item = NewsPage(title="Nowa edycja ogłoszona", slug="nowa")
    news_index.add_child(instance=item)

    item.save_revision().publish()
    fresh = client.get("/aktualnosci/")

    assert first["X-Page-Cache"] == "miss"
    assert cached["X-Page-Cache"] == "hit"
    assert "Nowa edycja ogłoszona" not in cached.content.decode()
    assert "Nowa edycja ogłoszona" in fresh.content.decode()


def test_page_cache_is_not_used_for_logged_in_people(client, home):
    client.force_login(UserFactory())

    response = client.get("/")

    assert "X-Page-Cache" not in response


def published(edition):
    from django.utils import timezone

    edition.frozen_at = edition.published_at = timezone.now()
    edition.save(update_fields=["frozen_at", "published_at"])


def test_archive_leaves_out_results_frozen_but_not_yet_published(client, home):
    from django.utils import timezone

    from cms.models import ArchivePage

    archive = ArchivePage(title="Archiwum", slug="archiwum")
    home.add_child(instance=archive)
    archive.save_revision().publish()
    category, _rows = awarded(1)
    category.edition.frozen_at = timezone.now()
    category.edition.save(update_fields=["frozen_at"])
    institution = InstitutionFactory(name="Powiat Przedwczesny", kind="powiat", terc="2401")
    Award.objects.create(
        category=category, institution=institution, kind="place", place=1, project_title="A"
    )

    before = client.get("/archiwum/").content.decode()
    published(category.edition)
    cache.clear()
    after = client.get("/archiwum/").content.decode()

    assert "Powiat Przedwczesny" not in before
    assert "Powiat Przedwczesny" in after


def test_archive_filters_by_year_kind_and_voivodeship(client, home):
    from cms.models import ArchivePage

    archive = ArchivePage(title="Archiwum", slug="archiwum")
    home.add_child(instance=archive)
    archive.save_revision().publish()
    category, _rows = awarded(2)
    published(category.edition)
    mazovian = InstitutionFactory(name="Gmina Mazowiecka", kind="gmina_wiejska", terc="1465022")
    silesian = InstitutionFactory(name="Powiat Śląski", kind="powiat", terc="2401")
    Award.objects.create(
        category=category, institution=mazovian, kind="place", place=1, project_title="A"
    )
    Award.objects.create(
        category=category, institution=silesian, kind="place", place=2, project_title="B"
    )

    by_kind = client.get("/archiwum/", {"kind": "powiat"}).content.decode()
    by_region = client.get("/archiwum/", {"voivodeship": "14"}).content.decode()
    by_year = client.get("/archiwum/", {"year": "1999"}).content.decode()

    assert "Powiat Śląski" in by_kind and "Gmina Mazowiecka" not in by_kind
    assert "Gmina Mazowiecka" in by_region and "Powiat Śląski" not in by_region
    assert "Brak laureatów spełniających te kryteria." in by_year


def test_archive_ignores_a_filter_with_a_null_character(client, home):
    from cms.models import ArchivePage

    archive = ArchivePage(title="Archiwum", slug="archiwum")
    home.add_child(instance=archive)
    archive.save_revision().publish()
    category, _rows = awarded(1)
    published(category.edition)
    institution = InstitutionFactory(name="Powiat Śląski", kind="powiat", terc="2401")
    Award.objects.create(
        category=category, institution=institution, kind="place", place=1, project_title="A"
    )

    response = client.get("/archiwum/", {"category": "x\x00", "kind": "powiat"})

    assert response.status_code == 200
    assert "Powiat Śląski" in response.content.decode()


def test_search_finds_laureate_by_institution_name(client, home):
    category, rows = awarded(2)
    page = announce(category, rows, home, publish=True)
    name = rows[0][0].institution.name

    body = client.get("/szukaj/", {"q": name}).content.decode()

    assert LaureatePage.objects.child_of(page).first().title in body


@pytest.mark.parametrize("path", ["/sitemap.xml", "/robots.txt", "/rss/"])
def test_sharing_endpoints(client, home, path):
    response = client.get(path)

    assert response.status_code == 200


def test_robots_points_to_sitemap_and_hides_private_areas(client, home):
    body = client.get("/robots.txt").content.decode()

    assert "Disallow: /jury/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_laureate_page_has_open_graph_tags(client, home):
    category, rows = awarded(1)
    page = announce(category, rows, home, publish=True)
    laureate = LaureatePage.objects.child_of(page).get()

    body = client.get(laureate.url).content.decode()

    assert f'<meta property="og:title" content="{laureate.title}">' in body
    assert 'name="description"' in body


def _count(client, url):
    client.get(url)
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def test_announcement_query_count_same_for_3_and_30_laureates(client, home):
    small_category, small_rows = awarded(3)
    small = announce(small_category, small_rows, home, publish=True)
    from tests.factories import CategoryFactory

    big_category, big_rows = awarded(30, category=CategoryFactory(name="Wbrew przeszkodom"))
    big = announce(big_category, big_rows, home, publish=True)

    assert _count(client, big.url) == _count(client, small.url)


def test_archive_query_count_same_for_3_and_30_laureates(client, home):
    from cms.models import ArchivePage

    archive = ArchivePage(title="Archiwum", slug="archiwum")
    home.add_child(instance=archive)
    archive.save_revision().publish()
    category, rows = awarded(3)
    for entry, _award in rows:
        Award.objects.create(
            category=category,
            institution=entry.institution,
            kind="place",
            place=1,
            project_title=entry.title,
        )
    three = _count(client, "/archiwum/")
    for entry, _award in awarded(27)[1]:
        Award.objects.create(
            category=entry.category,
            institution=entry.institution,
            kind="distinction",
            project_title=entry.title,
        )

    thirty = _count(client, "/archiwum/")

    assert thirty == three


ADMIN_ROLES = {"anonymous": 302, "applicant": 302, "organiser": 200}


@pytest.mark.parametrize(("role", "status"), list(ADMIN_ROLES.items()))
def test_create_announcement_admin_page_by_role(client, request, home, role, status):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = client.get("/admin/announcements/")

    assert response.status_code == status


def test_organiser_creates_announcement_from_admin(client, organiser, home):
    from cms.services import ensure_competition_page, ensure_edition_page

    category, rows = awarded(3)
    ensure_edition_page(
        edition=category.edition,
        parent=ensure_competition_page(competition=category.edition.competition, home=home),
    )
    snapshot = make_snapshot(category, rows)
    client.force_login(organiser)

    response = client.post(f"/admin/announcements/{snapshot.pk}/create/")

    page = AnnouncementPage.objects.get(snapshot=snapshot)
    assert response.status_code == 302
    assert not page.live
    assert page.go_live_at == category.edition.results_date
    assert LaureatePage.objects.child_of(page).count() == 3


def test_cached_page_is_answered_without_database_queries(client, home, django_assert_num_queries):
    client.get("/")

    with django_assert_num_queries(0):
        response = client.get("/")

    assert response["X-Page-Cache"] == "hit"
    assert '<html lang="pl">' in response.content.decode()


def test_cached_page_keeps_languages_apart(client, home):
    from wagtail.models import Locale

    home.copy_for_translation(Locale.objects.get(language_code="en"), alias=True)
    client.get("/")
    client.get("/en/")

    polish = client.get("/")
    english = client.get("/en/")

    assert '<html lang="pl">' in polish.content.decode()
    assert '<html lang="en">' in english.content.decode()


def test_view_restriction_clears_the_page_cache(client, home):
    from wagtail.models import PageViewRestriction

    client.get("/")
    PageViewRestriction.objects.create(page=home, restriction_type="login")

    response = client.get("/")

    assert response.status_code == 302


def test_announcement_dates_the_confirmation_in_warsaw(client, home):
    import datetime as dt

    import time_machine

    category, rows = awarded(1)

    with time_machine.travel(dt.datetime(2026, 5, 10, 22, 30, tzinfo=dt.UTC), tick=False):
        page = announce(category, rows, home, publish=True)
    body = client.get(page.url).content.decode()

    # Drawn from the snapshot in the page's language, not stored in the editorial intro.
    assert page.intro == ""
    assert "Jury zatwierdziło wyniki 11 maja 2026." in body


@pytest.mark.parametrize(
    ("jury", "shown"),
    [
        (
            [
                {"id": 1, "name": "Anna Nowak", "chair": True, "scored": True},
                {"id": 2, "name": "Jan Kowalski", "chair": False, "scored": True},
                {"id": 3, "name": "Ewa Urzędnik", "chair": False, "scored": False},
            ],
            "<li>Anna Nowak — przewodniczący jury</li><li>Jan Kowalski — członek jury</li></ul>",
        ),
        # Frozen before the flag was recorded: the whole jury, as announced then.
        (
            [{"id": 1, "name": "Anna Nowak", "chair": True}, {"id": 3, "name": "Ewa Urzędnik"}],
            "<li>Anna Nowak — przewodniczący jury</li><li>Ewa Urzędnik — członek jury</li></ul>",
        ),
    ],
)
def test_announcement_names_the_jurors_who_scored(client, home, jury, shown):
    from cms.services import ensure_competition_page, ensure_edition_page

    category, rows = awarded(1)
    edition_page = ensure_edition_page(
        edition=category.edition,
        parent=ensure_competition_page(competition=category.edition.competition, home=home),
    )
    snapshot = make_snapshot(category, rows, jury=jury)
    page = services.create_announcement(snapshot=snapshot, by=UserFactory(), publish=True)

    body = client.get(page.url).content.decode()

    assert edition_page.pk == page.get_parent().pk
    assert shown in body
