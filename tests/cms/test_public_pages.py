"""Issue #17, item 3: jury photos, a laureate's facts and links, the archive's grid, share cards,
and each organiser team's own collection of images."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from PIL import Image as PillowImage
from wagtail.images.models import Image
from wagtail.models import Collection

from cms.models import ArchivePage, EditionPage, LaureateImage, LaureateLink, LaureatePage
from cms.services import ensure_competition_page, ensure_edition_page
from competition.models import Award
from scoring.models import JurorProfile
from scoring.permissions import appoint_juror
from tests.cms.conftest import awarded
from tests.cms.test_pages import _count, announce
from tests.factories import (
    CategoryFactory,
    CompetitionFactory,
    ImageFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _edition_page(home, category, show_jury=True) -> EditionPage:
    competition_page = ensure_competition_page(competition=category.edition.competition, home=home)
    return ensure_edition_page(
        edition=category.edition, parent=competition_page, show_jury=show_jury
    )


def test_edition_page_shows_jury_photos_and_initials_without_one(client, home):
    category = CategoryFactory()
    with_photo = UserFactory(first_name="Anna", last_name="Nowicka")
    without = UserFactory(first_name="Tomasz", last_name="Lewandowski")
    appoint_juror(category=category, user=with_photo)
    appoint_juror(category=category, user=without)
    JurorProfile.objects.create(user=with_photo, photo=ImageFactory())
    page = _edition_page(home, category)

    body = client.get(page.url).content.decode()

    assert f'data-jury="{category.pk}"' in body
    assert 'class="jury-photo"' in body and 'alt=""' in body
    assert '<span class="jury-initials" aria-hidden="true">TL</span>' in body
    assert "Anna Nowicka" in body and "Tomasz Lewandowski" in body


def test_edition_page_without_show_jury_lists_no_jurors(client, home):
    category = CategoryFactory()
    appoint_juror(category=category, user=UserFactory(first_name="Anna", last_name="Nowicka"))
    page = _edition_page(home, category, show_jury=False)

    body = client.get(page.url).content.decode()

    assert "data-jury" not in body and "Anna Nowicka" not in body


def _laureate(home) -> LaureatePage:
    category, rows = awarded(1)
    announcement = announce(category, rows, home, publish=True)
    return LaureatePage.objects.child_of(announcement).get()


def test_laureate_page_shows_key_facts_and_service_links(client, home):
    laureate = _laureate(home)
    laureate.links.add(LaureateLink(label="Umów wizytę", url="https://e-urzad.example.org/"))
    laureate.save_revision().publish()

    body = client.get(laureate.url).content.decode()

    assert '<dl class="facts">' in body
    assert laureate.institution_name in body
    assert '<a class="button" href="https://e-urzad.example.org/" rel="external noopener">' in body
    assert "Umów wizytę</a>" in body


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/", "nie adres"])
def test_laureate_link_refuses_an_address_that_is_not_a_web_one(url):
    link = LaureateLink(label="Usługa", url=url)

    with pytest.raises(ValidationError) as error:
        link.clean_fields(exclude=["page"])

    assert "url" in error.value.message_dict


def test_archive_grid_filters_and_counts(client, home):
    archive = ArchivePage(title="Archiwum", slug="archiwum")
    home.add_child(instance=archive)
    archive.save_revision().publish()
    laureate = _laureate(home)
    laureate.images.add(LaureateImage(image=ImageFactory(), alt_text="Ekran e-usługi"))
    laureate.save_revision().publish()
    Award.objects.create(
        category=laureate.category,
        institution=laureate.institution,
        kind="place",
        place=1,
        project_title=laureate.title,
    )
    laureate.category.edition.published_at = laureate.category.edition.results_date
    laureate.category.edition.save(update_fields=["published_at"])

    everything = client.get("/archiwum/").content.decode()
    nothing = client.get("/archiwum/", {"year": "1999"}).content.decode()

    assert everything.count('class="laureate-card"') == 1
    assert 'alt="Ekran e-usługi"' in everything
    assert 'id="result-count"' in everything
    assert 'class="laureate-card"' not in nothing


def test_archive_query_count_same_with_images_for_1_and_many_laureates(client, home):
    archive = ArchivePage(title="Archiwum", slug="archiwum")
    home.add_child(instance=archive)
    archive.save_revision().publish()

    def add_laureates(n):
        category = CategoryFactory()
        announcement = announce(*awarded(n, category=category), home, publish=True)
        for page in LaureatePage.objects.child_of(announcement):
            page.images.add(LaureateImage(image=ImageFactory(), alt_text="Zrzut ekranu"))
            page.save_revision().publish()
            Award.objects.create(
                category=category,
                institution=page.institution,
                kind="place",
                place=1,
                project_title=page.title,
            )
        category.edition.published_at = category.edition.results_date
        category.edition.save(update_fields=["published_at"])

    add_laureates(1)
    one = _count(client, "/archiwum/")
    add_laureates(8)

    many = _count(client, "/archiwum/")

    assert many == one


def test_laureate_without_image_shares_a_drawn_card(client, home):
    laureate = _laureate(home)

    body = client.get(laureate.url).content.decode()
    first = client.get(f"/laureaci/{laureate.pk}/og.png")
    second = client.get(f"/laureaci/{laureate.pk}/og.png")

    assert f'content="http://testserver/laureaci/{laureate.pk}/og.png"' in body
    assert '<meta name="twitter:card" content="summary_large_image">' in body
    assert '<meta property="og:image:width" content="1200">' in body
    assert first.status_code == 200 and first["Content-Type"] == "image/png"
    assert "public" in first["Cache-Control"]
    assert PillowImage.open(io.BytesIO(first.content)).size == (1200, 630)
    assert second.content == first.content
    assert len(default_storage.listdir("og")[1]) >= 1


def test_laureate_with_image_shares_its_rendition(client, home):
    laureate = _laureate(home)
    laureate.images.add(
        LaureateImage(image=ImageFactory(file__width=1600, file__height=900), alt_text="Ekran")
    )
    laureate.save_revision().publish()

    body = client.get(laureate.url).content.decode()

    assert "fill-1200x630" in body
    assert '<meta property="og:image:alt" content="Ekran">' in body


def test_share_card_of_a_draft_laureate_is_not_found(client, home):
    category, rows = awarded(1)
    announcement = announce(category, rows, home)
    laureate = LaureatePage.objects.child_of(announcement).get()

    assert client.get(f"/laureaci/{laureate.pk}/og.png").status_code == 404


def test_new_team_gets_its_own_collection_with_image_permissions():
    member = UserFactory()

    team = TeamFactory(members=[member], competitions=[CompetitionFactory()])

    team.refresh_from_db()
    assert team.collection.get_parent() == Collection.get_first_root_node()
    from wagtail.images import get_image_model
    from wagtail.permissions import policy_registry

    policy = policy_registry.get_by_type(get_image_model())
    assert policy.user_has_permission(member, "add")
    assert policy.user_has_permission(member, "choose")
    assert list(policy.collections_user_has_permission_for(member, "add")) == [team.collection]


def test_organiser_chooses_only_images_of_their_team(client):
    from wagtail.images import get_image_model
    from wagtail.permissions import policy_registry

    permission_policy = policy_registry.get_by_type(get_image_model())
    own, other = UserFactory(), UserFactory()
    own_team = TeamFactory(members=[own], competitions=[CompetitionFactory()])
    other_team = TeamFactory(members=[other], competitions=[CompetitionFactory()])
    own_team.refresh_from_db()
    other_team.refresh_from_db()
    mine = ImageFactory(collection=own_team.collection)
    theirs = ImageFactory(collection=other_team.collection)

    choosable = permission_policy.instances_user_has_any_permission_for(own, ["choose"])
    client.force_login(own)
    chooser = client.get("/admin/images/chooser/")

    assert mine in choosable and theirs not in choosable
    assert chooser.status_code == 200
    assert mine.title in chooser.content.decode() and theirs.title not in chooser.content.decode()
    assert permission_policy.user_has_permission_for_instance(own, "change", mine)
    assert not permission_policy.user_has_permission_for_instance(own, "change", theirs)


@pytest.mark.parametrize("role", ["anonymous", "applicant", "juror"])
def test_image_upload_refused_outside_organiser_teams(client, role):
    from django.urls import reverse

    if role != "anonymous":
        user = UserFactory()
        if role == "juror":
            appoint_juror(category=CategoryFactory(), user=user)
        client.force_login(user)

    response = client.get(reverse("wagtailimages:add_multiple"))

    assert response.status_code in (302, 403)
    assert Image.objects.count() == 0


def _edit_data(laureate, links) -> dict:
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    return nested_form_data(
        {
            "title": laureate.title,
            "slug": laureate.slug,
            "summary": laureate.summary,
            "description": rich_text("<p>Opis</p>"),
            "images": inline_formset([]),
            "links": inline_formset(links),
            "comments": inline_formset([]),
        }
    )


def test_organiser_saves_a_service_link_in_the_admin(client, home, organiser):
    laureate = _laureate(home)
    client.force_login(organiser)

    response = client.post(
        f"/admin/pages/{laureate.pk}/edit/",
        _edit_data(laureate, [{"label": "Umów wizytę", "url": "https://e-urzad.example.org/"}]),
    )

    assert response.status_code == 302
    laureate.refresh_from_db()
    draft = laureate.get_latest_revision_as_object()
    assert [link.url for link in draft.links.all()] == ["https://e-urzad.example.org/"]


def test_admin_refuses_a_service_link_that_is_not_a_web_address(client, home, organiser):
    laureate = _laureate(home)
    revisions = laureate.revisions.count()
    client.force_login(organiser)

    response = client.post(
        f"/admin/pages/{laureate.pk}/edit/",
        _edit_data(laureate, [{"label": "Zła", "url": "javascript:alert(1)"}]),
    )

    assert response.status_code == 200
    assert "https://" in response.content.decode()  # the message says what an address starts with
    assert laureate.revisions.count() == revisions
    assert not LaureateLink.objects.exists()


def test_organiser_sets_a_juror_photo_in_the_admin_and_the_edition_page_shows_it(
    client, home, organiser
):
    from django.urls import reverse

    from tests.conftest import organisers_team

    category = CategoryFactory()
    juror = UserFactory(first_name="Anna", last_name="Nowicka")
    appoint_juror(category=category, user=juror)
    profile = JurorProfile.objects.create(user=juror)
    page = _edition_page(home, category)
    client.get(page.url)  # the page is now in the page cache
    team = organisers_team()
    team.refresh_from_db()
    photo = ImageFactory(collection=team.collection)
    client.force_login(organiser)

    response = client.post(
        reverse("juror_profiles:edit", args=[profile.pk]), {"user": juror.pk, "photo": photo.pk}
    )
    client.logout()
    body = client.get(page.url).content.decode()

    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.photo == photo
    assert 'class="jury-photo"' in body


@pytest.mark.parametrize("role", ["anonymous", "applicant", "juror"])
def test_juror_photo_cannot_be_set_outside_organiser_teams(client, role):
    from django.urls import reverse

    juror = UserFactory()
    appoint_juror(category=CategoryFactory(), user=juror)
    profile = JurorProfile.objects.create(user=juror)
    if role == "applicant":
        client.force_login(UserFactory())
    elif role == "juror":
        client.force_login(juror)

    response = client.post(
        reverse("juror_profiles:edit", args=[profile.pk]),
        {"user": juror.pk, "photo": ImageFactory().pk},
    )

    assert response.status_code in (302, 403)
    profile.refresh_from_db()
    assert profile.photo is None


@pytest.mark.parametrize("role", ["anonymous", "applicant", "juror", "organiser"])
def test_share_card_is_the_same_public_image_for_every_role(client, home, organiser, role):
    laureate = _laureate(home)
    users = {"applicant": UserFactory(), "juror": UserFactory(), "organiser": organiser}
    if role != "anonymous":
        client.force_login(users[role])

    response = client.get(f"/laureaci/{laureate.pk}/og.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_edition_page_query_count_same_for_1_and_6_jurors_with_photos(client, home):
    category = CategoryFactory()
    page = _edition_page(home, category)

    def appoint(n):
        for _ in range(n):
            juror = UserFactory()
            appoint_juror(category=category, user=juror)
            JurorProfile.objects.create(user=juror, photo=ImageFactory())

    appoint(1)
    one = _count(client, page.url)
    appoint(5)

    six = _count(client, page.url)

    assert six == one


def _png_upload(name="zdjecie.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    PillowImage.new("RGB", (64, 64), "#b0122b").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_organiser_uploads_into_their_team_collection_not_another(client):
    from django.urls import reverse

    member = UserFactory()
    own = TeamFactory(members=[member], competitions=[CompetitionFactory()])
    other = TeamFactory(members=[UserFactory()], competitions=[CompetitionFactory()])
    own.refresh_from_db()
    other.refresh_from_db()
    client.force_login(member)

    into_own = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": _png_upload(), "collection": own.collection.pk},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    into_other = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": _png_upload("obce.png"), "collection": other.collection.pk},
        headers={"x-requested-with": "XMLHttpRequest"},
    )

    assert into_own.json()["success"] and into_other.json()["success"]
    # With one collection to add to, Wagtail's form has no collection field: whatever is posted,
    # the upload lands in the team's own collection.
    assert list(Image.objects.values_list("collection", flat=True)) == [own.collection.pk] * 2


def test_demo_shows_laureate_pictures_links_and_juror_photos_in_the_teams_collections():
    from io import StringIO

    from django.core.management import call_command

    from competition.models import Team

    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())

    pictured = LaureatePage.objects.filter(locale__language_code="pl", images__isnull=False)
    assert pictured.distinct().count() == 3
    assert LaureateLink.objects.filter(page__locale__language_code="pl").count() == 2
    assert JurorProfile.objects.filter(photo__isnull=False).count() >= 2
    team = Team.objects.get(
        competitions__slug="innowacyjny-samorzad", name="Serwis Samorządowy PAP"
    )
    assert Image.objects.filter(collection=team.collection).exists()
    assert not Image.objects.filter(collection__depth=1).exists()


def test_renamed_team_keeps_its_collection_under_the_new_name():
    from competition.services import save_team

    team = TeamFactory(name="Stara nazwa", competitions=[CompetitionFactory()])
    collection = team.collection

    team.name = "Nowa nazwa"
    save_team(team=team, members=[], competitions=list(team.competitions.all()), by=None)

    team.refresh_from_db()
    assert team.collection == collection
    assert team.collection.name == "Nowa nazwa"
