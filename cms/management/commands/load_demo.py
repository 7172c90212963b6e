"""Fill the site with the demo: competitions from the seed articles, users, pages."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from cms.demo import build_site
from cms.vote.demo import build_votes
from competition.demo import build_innowacyjny_samorzad, build_lider_cyfryzacji
from competition.models import Competition, Team
from competition.services import save_team
from entries.demo import (
    build_applicant_entries,
    build_innowacyjny_samorzad_entries,
    build_open_call,
    build_questions,
)
from scoring.demo import build_innowacyjny_samorzad_jury, build_lider_cyfryzacji_results
from scoring.models import JurorProfile


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    email: str
    name: str = ""  # first and last name, as results and the protocol print them
    feminine: bool = False  # "przewodnicząca", "członkini" in the jury's documents


# Demo-only credentials, printed by `make run`; never valid anywhere but a local demo database.
DEMO_LOGINS = [
    DemoLogin(
        "organizator", "demo-organizator", "organiser", "organizator@example.org", "Marek Kowalczyk"
    ),
    # One organiser per competition besides the one who runs both (issue 14: teams).
    DemoLogin(
        "organizator-slc",
        "demo-organizator-slc",
        "organiser",
        "organizator-slc@example.org",
        "Jan Wiśniewski",
    ),
    DemoLogin(
        "organizator-is",
        "demo-organizator-is",
        "organiser",
        "organizator-is@example.org",
        "Magdalena Kamińska",
        feminine=True,
    ),
    DemoLogin(
        "przewodniczaca",
        "demo-przewodniczaca",
        "jury chair",
        "przewodniczaca@example.org",
        "Anna Nowicka",
        feminine=True,
    ),
    DemoLogin("juror1", "demo-juror1", "juror", "juror1@example.org", "Piotr Zieliński"),
    DemoLogin(
        "juror2", "demo-juror2", "juror", "juror2@example.org", "Katarzyna Wójcik", feminine=True
    ),
    DemoLogin("juror3", "demo-juror3", "juror", "juror3@example.org", "Tomasz Lewandowski"),
    # The rest of the jury of nine of "Innowacyjny Samorząd" (the chair and eight jurors).
    DemoLogin("juror4", "demo-juror4", "juror", "juror4@example.org", "Michał Szymański"),
    DemoLogin(
        "juror5", "demo-juror5", "juror", "juror5@example.org", "Agnieszka Woźniak", feminine=True
    ),
    DemoLogin("juror6", "demo-juror6", "juror", "juror6@example.org", "Krzysztof Kozłowski"),
    DemoLogin(
        "juror7", "demo-juror7", "juror", "juror7@example.org", "Barbara Jankowska", feminine=True
    ),
    DemoLogin("juror8", "demo-juror8", "juror", "juror8@example.org", "Paweł Mazurek"),
    DemoLogin(
        "wnioskodawca",
        "demo-wnioskodawca",
        "applicant",
        "wnioskodawca@example.org",
        "Joanna Mazur",
        feminine=True,
    ),
    # Approves what organisers draft (the laureate announcement) in Wagtail's workflow.
    DemoLogin(
        "redaktor",
        "demo-redaktor",
        "publisher",
        "redaktor@example.org",
        "Ewa Dąbrowska",
        feminine=True,
    ),
]


# The demo's organiser teams: (name, competition slugs, members).
DEMO_TEAMS = [
    (
        "Organizatorzy",
        ["samorzadowy-lider-cyfryzacji", "innowacyjny-samorzad"],
        ["organizator"],
    ),
    (
        "Urząd Marszałkowski Województwa Mazowieckiego",
        ["samorzadowy-lider-cyfryzacji"],
        ["organizator-slc"],
    ),
    (
        "Serwis Samorządowy PAP",
        ["innowacyjny-samorzad"],
        ["organizator-is"],
    ),
]


def ensure_demo_teams() -> None:
    User = get_user_model()
    for name, slugs, usernames in DEMO_TEAMS:
        team = Team.objects.filter(name=name).first() or Team(name=name)
        save_team(
            team=team,
            members=list(User.objects.filter(username__in=usernames)),
            competitions=list(Competition.objects.filter(slug__in=slugs)),
            by=None,
        )


def ensure_demo_users() -> None:
    User = get_user_model()
    for login in DEMO_LOGINS:
        user, _created = User.objects.get_or_create(
            username=login.username, defaults={"email": login.email}
        )
        user.email = login.email
        if login.name:
            user.first_name, user.last_name = login.name.split(" ", 1)
        user.set_password(login.password)
        user.save()
        if login.role in {"juror", "jury chair"}:
            JurorProfile.objects.update_or_create(
                user=user, defaults={"feminine_titles": login.feminine}
            )
        # Demo people log in on the public site with their e-mail, so it counts as confirmed.
        EmailAddress.objects.update_or_create(
            user=user, email=login.email, defaults={"verified": True, "primary": True}
        )
        if login.role == "publisher":
            # Wagtail's own groups: Moderators approve in the default workflow.
            user.groups.add(*Group.objects.filter(name__in=["Moderators", "Editors"]))


class Command(BaseCommand):
    help = "Load the demo competitions, users and pages (safe to run again)."

    def handle(self, *args, **options) -> None:
        # Page titles and texts made here are Polish content, whatever the shell's language.
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            build_lider_cyfryzacji()
            build_innowacyjny_samorzad()
            build_innowacyjny_samorzad_entries()
            open_call = build_open_call()
            ensure_demo_users()
            ensure_demo_teams()
            build_applicant_entries(
                user=get_user_model().objects.get(username="wnioskodawca"),
                institution_terc="1408011",
                edition=open_call,
            )
            build_questions(open_call=open_call)
            build_lider_cyfryzacji_results()
            build_innowacyjny_samorzad_jury()
            build_site()
            build_votes(organiser=get_user_model().objects.get(username="organizator"))
        self.stdout.write(self.style.SUCCESS("Demo loaded. Logins (demo only):"))
        for login in DEMO_LOGINS:
            self.stdout.write(
                f"  {login.role:<11} {login.username:<16} {login.email:<28} {login.password}"
            )
        for name, slugs, usernames in DEMO_TEAMS:
            self.stdout.write(f"  team “{name}”: {', '.join(usernames)} — {', '.join(slugs)}")
        self.stdout.write("Organisers: /admin/ (login); others: /konto/login/ (e-mail).")
