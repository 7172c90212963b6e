"""Forms of the organiser's edition actions and of the organiser teams."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.forms import WagtailAdminModelForm

from .models import Duty, Team


class ReopenRulesForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        help_text=_("Kept in the edition's history; say what is wrong with the criteria."),
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Write why the criteria are reopened (at least 10 characters)."),
            "min_length": _("Write why the criteria are reopened (at least 10 characters)."),
        },
    )


class TeamForm(WagtailAdminModelForm):
    """A team's name, competitions, duties and members; `services.save_team` stores them."""

    members = forms.CharField(
        label=_("Members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One login or e-mail address a line. Each person needs an account first (Settings → "
            "Users); a person may be in several teams."
        ),
    )

    class Meta:
        model = Team
        fields = ["name", "competitions", *(duty.value for duty in Duty)]
        widgets = {"competitions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["members"] = "\n".join(
                self.instance.group.user_set.order_by("username").values_list("username", flat=True)
            )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clashing = Group.objects.filter(name=name)
        if self.instance.pk:
            clashing = clashing.exclude(team=self.instance)
        if clashing.exists():
            raise ValidationError(
                _("A group of users with this name already exists; choose another name."),
                code="name_taken",
            )
        return name

    def clean_members(self) -> list:
        names = []
        for line in self.cleaned_data["members"].splitlines():
            name = line.strip()
            if name and name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
        users = get_user_model().objects.filter(
            Q(username__in=names) | Q(email__in=[n.lower() for n in names])
        )
        found = {user.username.casefold(): user for user in users}
        found |= {user.email.casefold(): user for user in users if user.email}
        unknown = [name for name in names if name.casefold() not in found]
        if unknown:
            raise ValidationError(
                ngettext(
                    "No account has the login or e-mail address %(names)s.",
                    "No accounts have the logins or e-mail addresses %(names)s.",
                    len(unknown),
                )
                % {"names": ", ".join(_("“%(name)s”") % {"name": name} for name in unknown)},
                code="unknown_members",
            )
        return list({found[name.casefold()].pk: found[name.casefold()] for name in names}.values())
