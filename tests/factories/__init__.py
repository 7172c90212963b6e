"""factory_boy factories shared by the whole suite."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from competition.models import Category, Competition, Criterion, Edition, Institution, Team
from competition.teryt import InstitutionKind

BASE = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("secret-pass-123")


class CompetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competition

    name = factory.Sequence(lambda n: f"Konkurs {n}")
    slug = factory.Sequence(lambda n: f"konkurs-{n}")
    organiser_name = "Samorząd Województwa Mazowieckiego"


class TeamFactory(factory.django.DjangoModelFactory):
    """A team saved through its service: `members` and `competitions` are lists."""

    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Zespół {n}")

    @classmethod
    def _create(cls, model_class, *args, members=(), competitions=(), **kwargs):
        from competition.services import save_team

        return save_team(
            team=model_class(*args, **kwargs),
            members=list(members),
            competitions=list(competitions),
            by=None,
        )


class EditionFactory(factory.django.DjangoModelFactory):
    """An edition whose phases follow each other a few weeks apart from `BASE`."""

    class Meta:
        model = Edition

    competition = factory.SubFactory(CompetitionFactory)
    number = factory.Sequence(lambda n: n + 1)
    year = 2026
    call_opens_at = BASE
    submission_deadline = factory.LazyAttribute(lambda e: e.call_opens_at + dt.timedelta(days=30))
    formal_check_ends_at = factory.LazyAttribute(
        lambda e: e.submission_deadline + dt.timedelta(days=10)
    )
    scoring_opens_at = factory.LazyAttribute(
        lambda e: e.formal_check_ends_at + dt.timedelta(days=5)
    )
    scoring_closes_at = factory.LazyAttribute(lambda e: e.scoring_opens_at + dt.timedelta(days=20))
    results_date = factory.LazyAttribute(lambda e: e.scoring_closes_at + dt.timedelta(days=10))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Kategoria {n}")
    eligible_kinds = factory.LazyFunction(lambda: list(InstitutionKind.values))


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Kryterium {n}")
    scale_min = Decimal(0)
    scale_max = Decimal(10)
    step = Decimal(1)
    weight = Decimal(1)


class InstitutionFactory(factory.django.DjangoModelFactory):
    """A rural gmina with a unique, valid TERC code in Mazovia."""

    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Gmina Testowa {n}")
    kind = InstitutionKind.GMINA_WIEJSKA
    terc = factory.Sequence(lambda n: f"14{1 + n // 99 % 60:02d}{1 + n % 99:02d}2")


class MembershipFactory(factory.django.DjangoModelFactory):
    """An approved membership: the user may act for the institution."""

    class Meta:
        model = "entries.Membership"

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    status = "approved"


class EntryFactory(factory.django.DjangoModelFactory):
    """A complete draft; pass status/number/sequence for other states."""

    class Meta:
        model = "entries.Entry"

    category = factory.SubFactory(CategoryFactory)
    edition = factory.SelfAttribute("category.edition")
    institution = factory.SubFactory(InstitutionFactory)
    title = factory.Sequence(lambda n: f"E-usługi dla mieszkańców {n}")
    summary = "Portal e-usług dla mieszkańców gminy."
    description = "Portal łączy **płatności** i wnioski.\n\n- e-płatności\n- e-wnioski"
    results = "12 000 spraw załatwionych online w 2025 r."
    contact_name = "Anna Kowalska"
    contact_email = "anna.kowalska@example.org"


class AssignmentRuleFactory(factory.django.DjangoModelFactory):
    """k jurors per entry in a category."""

    class Meta:
        model = "scoring.AssignmentRule"
        django_get_or_create = ("category",)

    category = factory.SubFactory(CategoryFactory)
    jurors_per_entry = 2


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "scoring.Assignment"

    juror = factory.SubFactory(UserFactory)
    entry = factory.SubFactory(EntryFactory)


class ImageFactory(factory.django.DjangoModelFactory):
    """A Wagtail image of a plain PNG, for logos, hero pictures and laureates' images."""

    class Meta:
        model = "wagtailimages.Image"

    title = factory.Sequence(lambda n: f"Obraz {n}")
    file = factory.django.ImageField(width=320, height=100, color="#b0122b", format="PNG")


class QuestionFactory(factory.django.DjangoModelFactory):
    """A short-text question of an edition's entry form."""

    class Meta:
        model = "entries.Question"

    edition = factory.SubFactory(EditionFactory)
    kind = "short_text"
    code = factory.Sequence(lambda n: f"pytanie_{n}")
    label = factory.Sequence(lambda n: f"Pytanie {n}")
    label_en = factory.Sequence(lambda n: f"Question {n}")
    order = factory.Sequence(lambda n: n)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "entries.Answer"

    entry = factory.SubFactory(EntryFactory)
    question = factory.SubFactory(QuestionFactory, edition=factory.SelfAttribute("..entry.edition"))
    value = "Odpowiedź"
