"""The vote in the admin: its set-up beside the editions, the votes, annulments, freezing."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.admin_scope import TeamScopedViewSet
from competition.models import Duty
from scoring.permissions import is_organiser

from . import admin_views
from .admin_forms import PublicVoteAdminForm
from .models import PublicVote


class OrganiserPolicy(BasePermissionPolicy):
    """Organisers set votes up (as they do editions); nobody deletes one: votes refer to it."""

    def user_has_permission(self, user, action):
        return action in {"add", "change", "view"} and is_organiser(user)

    def users_with_any_permission(self, actions):
        if not set(actions) & {"add", "change", "view"}:
            return get_user_model().objects.none()
        return (
            get_user_model().objects.filter(groups__team__isnull=False, is_active=True).distinct()
        )


register_permission_policy(PublicVote, OrganiserPolicy(PublicVote))


class PublicVoteViewSet(TeamScopedViewSet, ModelViewSet):
    model = PublicVote
    team_duties = {"add": Duty.RESULTS, "change": Duty.RESULTS}
    icon = "pick"
    menu_label = _("People's choice")
    menu_order = 260
    add_to_admin_menu = True
    list_display = [
        "__str__",
        "opens_at",
        "closes_at",
        Column(
            "votes",
            label=_("Votes and results"),
            accessor=lambda poll: format_html(
                '<a href="{}">{}</a>', reverse("cms_vote_votes", args=[poll.pk]), _("Votes")
            ),
        ),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("edition"),
            FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
            FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
            FieldPanel("shortlist"),
        ],
        base_form_class=PublicVoteAdminForm,
    )


@hooks.register("register_admin_viewset")
def register_public_vote_viewset():
    return PublicVoteViewSet("public_votes")


@hooks.register("register_admin_urls")
def vote_urls():
    return [
        path("public-votes/<int:pk>/votes/", admin_views.votes, name="cms_vote_votes"),
        path("public-votes/<int:pk>/freeze/", admin_views.freeze, name="cms_vote_freeze"),
        path("public-votes/vote/<int:pk>/annul/", admin_views.annul, name="cms_vote_annul"),
    ]


@hooks.register("register_log_actions")
def register_vote_log_actions(actions):
    @actions.register_action("cms.vote_annulled")
    class VoteAnnulled(LogFormatter):
        label = _("People's choice vote annulled")
        message = _("Vote annulled")

        def format_comment(self, log_entry):
            return log_entry.data.get("reason", "")
