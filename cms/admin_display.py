"""How the admin's inspect views show values that Wagtail would print raw.

Wagtail's inspect template formats a value with `|localize`, which leaves an aware datetime in UTC
(01:50 for a moment that was 02:50 in Warsaw); the rest of the admin and the site convert.
"""

from __future__ import annotations

from django.utils import formats, timezone
from wagtail.admin.ui.fields import BaseFieldDisplay


class LocalDateTimeDisplay(BaseFieldDisplay):
    """A moment shown in the site's time zone, or a dash when there is none."""

    def render_html(self, parent_context=None) -> str:
        if self.value is None:
            return "—"
        return formats.date_format(timezone.localtime(self.value), "DATETIME_FORMAT")
