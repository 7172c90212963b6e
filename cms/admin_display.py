"""How the admin's inspect views show values that Wagtail would print raw.

Wagtail's inspect template formats a value with `|localize`, which leaves an aware datetime in UTC
(01:50 for a moment that was 02:50 in Warsaw); the rest of the admin and the site convert.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.fields import BaseFieldDisplay
from wagtail.admin.ui.tables import Column


def display_value(value: object) -> str:
    """A value as a reader writes it: local times, dates, numbers, yes/no; a dash when empty."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, Decimal | int):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


class LocalDateTimeDisplay(BaseFieldDisplay):
    """A moment shown in the site's time zone, or a dash when there is none."""

    def render_html(self, parent_context=None) -> str:
        return display_value(self.value)


class PlainValueDisplay(BaseFieldDisplay):
    """Dates, numbers, yes/no and related objects as a reader writes them; a dash when empty.

    Without it the inspect pages print Python's "None", "True" and "False".
    """

    def render_html(self, parent_context=None) -> str:
        return conditional_escape(display_value(self.value))


class ReadOnlyPanel(FieldPanel):
    """A field shown, not edited: Wagtail's read-only panel would print "None" for no date."""

    def __init__(self, field_name: str, *args, **kwargs) -> None:
        kwargs["read_only"] = True
        super().__init__(field_name, *args, **kwargs)

    def clone_kwargs(self) -> dict:
        kwargs = super().clone_kwargs()
        kwargs.pop("read_only", None)
        return kwargs

    def format_value_for_display(self, value: object) -> str:
        return display_value(value)


class ValueColumn(Column):
    """A listing column written as `display_value` writes it ("tak", a dash), never "True"."""

    def get_value(self, instance) -> str:
        return display_value(super().get_value(instance))
