"""Keep automatic conflicts current when entries or affiliations change."""

from __future__ import annotations

from allauth.account.signals import password_reset
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from entries import signals as entry_signals
from entries.models import Entry

from . import conflicts, services
from .models import JurorProfile, Shortlist


@receiver(post_save, sender=Entry, dispatch_uid="scoring_entry_conflicts")
def entry_saved(sender, instance: Entry, raw: bool = False, **kwargs) -> None:
    if raw or entry_signals.defer(instance):
        return
    transaction.on_commit(lambda: conflicts.apply_for_entry(instance))


@receiver(entry_signals.entries_saved, dispatch_uid="scoring_entries_conflicts")
def entries_saved(sender, entries: list[Entry], **kwargs) -> None:
    conflicts.apply_for_entries(entries)


@receiver(post_save, sender=JurorProfile, dispatch_uid="scoring_profile_conflicts")
def profile_saved(sender, instance: JurorProfile, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    transaction.on_commit(lambda: conflicts.apply_for_juror(instance.user))


@receiver(password_reset, dispatch_uid="scoring_reset_confirms_email")
def password_reset_from_link(sender, request, user, **kwargs) -> None:
    services.confirm_email_from_reset_link(user=user)


@receiver(m2m_changed, sender=Shortlist.entries.through, dispatch_uid="scoring_shortlist_frozen")
def shortlist_entries_changed(sender, instance, action: str, reverse: bool, **kwargs) -> None:
    """The finalists are set once, when the shortlist is confirmed; never changed after."""
    if action not in {"pre_add", "pre_remove", "pre_clear"}:
        return
    frozen = instance.shortlists.exists() if reverse else instance.entries.exists()
    if frozen:
        raise ValidationError(_("A frozen record cannot be changed."))
