from __future__ import annotations

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation
from wagtail.models import Locale, Site

from cms.models import SiteFooter, StandardPage


def add_page(home, slug: str, title: str) -> StandardPage:
    page = StandardPage(slug=slug, title=title)
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_footer_links_the_configured_statements(client, home):
    SiteFooter.objects.create(
        site=Site.objects.get(is_default_site=True),
        accessibility_page=add_page(home, "deklaracja-dostepnosci", "Deklaracja dostępności"),
        privacy_page=add_page(home, "ochrona-danych", "Ochrona danych"),
        regulations_page=add_page(home, "regulamin", "Regulamin"),
        contact_page=add_page(home, "kontakt", "Kontakt"),
        contact_email="konkursy@example.org",
    )

    html = client.get("/").content.decode()

    for address in ("/deklaracja-dostepnosci/", "/ochrona-danych/", "/regulamin/", "/kontakt/"):
        assert f'<a href="{address}">' in html
    assert 'href="mailto:konkursy@example.org"' in html


def test_footer_links_the_english_translation_on_english_pages(client, home):
    english = Locale.objects.get(language_code="en")
    home.copy_for_translation(english, alias=True)
    statement = add_page(home, "deklaracja-dostepnosci", "Deklaracja dostępności")
    statement.copy_for_translation(english, alias=True)
    SiteFooter.objects.create(
        site=Site.objects.get(is_default_site=True), accessibility_page=statement
    )

    html = client.get("/en/").content.decode()

    assert '<a href="/en/deklaracja-dostepnosci/">' in html


def test_footer_without_settings_leaves_the_statements_out_and_creates_nothing(client, home):
    html = client.get("/").content.decode()

    assert 'id="footer-information"' not in html
    assert not SiteFooter.objects.exists()


def test_footer_shows_a_statement_set_after_the_page_was_cached(client, home):
    client.get("/")

    SiteFooter.objects.create(
        site=Site.objects.get(is_default_site=True),
        contact_page=add_page(home, "kontakt", "Kontakt"),
    )
    html = client.get("/").content.decode()

    assert '<a href="/kontakt/">' in html


def test_breadcrumbs_lead_from_home_to_the_page(client, home):
    parent = add_page(home, "informacje", "Informacje")
    child = StandardPage(slug="kontakt", title="Kontakt")
    parent.add_child(instance=child)
    child.save_revision().publish()

    html = client.get("/informacje/kontakt/").content.decode()

    assert '<nav class="breadcrumbs"' in html
    assert '<li><a href="/">' in html
    assert '<li><a href="/informacje/">Informacje</a></li>' in html
    assert '<span aria-current="page">Kontakt</span>' in html


def test_home_page_has_no_breadcrumbs(client, home):
    html = client.get("/").content.decode()

    assert 'class="breadcrumbs"' not in html


def render(source: str) -> str:
    return Template("{% load site_tags %}" + source).render(Context({}))


def test_status_tag_names_the_status_and_its_tone():
    assert render('{% status_tag "call_open" "phase" %}') == (
        '<span class="tag tag-success">nabór otwarty</span>'
    )
    assert render('{% status_tag "rejected" "entry" %}') == (
        '<span class="tag tag-danger">odrzucone</span>'
    )


def test_status_tag_without_a_tone_is_neutral():
    assert render('{% status_tag "archived" "phase" %}') == '<span class="tag">archiwum</span>'


def render_number(value, argument: str = "", language: str = "pl") -> str:
    template = Template("{% load site_tags %}{{ value|number" + argument + " }}")
    with translation.override(language):
        return template.render(Context({"value": value}))


def test_number_groups_thousands_with_thin_spaces_and_a_decimal_comma_in_polish():
    assert render_number(1234567.891, ":2") == "1\u202f234\u202f567,89"


def test_number_uses_the_english_format_in_english():
    assert render_number(1234567.891, ":2", "en") == "1,234,567.89"


def test_number_keeps_the_minus_of_a_negative_number():
    assert render_number(-1234.5, ":2") == "-1\u202f234,50"
    assert render_number(-1234.5, ":2", "en") == "-1,234.50"


def test_number_rounds_half_up_and_drops_the_sign_of_a_rounded_zero():
    assert render_number(2.675, ":2") == "2,68"
    assert render_number(-0.0004, ":3") == "0,000"


def test_number_without_decimal_places_keeps_the_value_as_it_is():
    assert render_number(Decimal("15000.5")) == "15\u202f000,5"
    assert render_number(42) == "42"


def test_number_marks_a_missing_value_with_a_dash():
    assert render_number(None, ":2") == "—"
    assert render_number("", ":2") == "—"
    assert render_number(float("nan"), ":2") == "—"
    assert render_number("abc", ":2") == "—"
