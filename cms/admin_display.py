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
from wagtail.admin.ui.fields import BaseFieldDisplay


class LocalDateTimeDisplay(BaseFieldDisplay):
    """A moment shown in the site's time zone, or a dash when there is none."""

    def render_html(self, parent_context=None) -> str:
        if self.value is None:
            return "—"
        return formats.date_format(timezone.localtime(self.value), "DATETIME_FORMAT")


class PlainValueDisplay(BaseFieldDisplay):
    """Dates, numbers, yes/no and related objects as a reader writes them; a dash when empty.

    Without it the inspect pages print Python's "None", "True" and "False".
    """

    def render_html(self, parent_context=None) -> str:
        value = self.value
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        if isinstance(value, dt.date):
            return formats.date_format(value, "DATE_FORMAT")
        if isinstance(value, Decimal | int):
            return formats.number_format(value, use_l10n=True, force_grouping=True)
        return conditional_escape(str(value))
