"""Wagtail's messages that its Polish catalogue lacks, which organisers meet in the admin.

Wagtail 8's Polish catalogue predates many of its screens ("Go to the first error", "Schedule to
publish"). Catalogues in LOCALE_PATHS take precedence over the apps' own, so the project ships the
Polish for these in locale/pl; they are listed here only so that `makemessages` keeps them.
Nothing imports this module.
"""

from django.utils.translation import gettext_noop

MESSAGES = [
    gettext_noop("Actions"),
    gettext_noop("Actions (footer)"),
    gettext_noop("Go to the first error"),
    gettext_noop("Schedule to publish"),
    gettext_noop("Autosave is paused"),
    gettext_noop("Checks"),
    gettext_noop("Toggle checks"),
    gettext_noop("Readability"),
    gettext_noop("This data explained"),
    gettext_noop("Saved"),
    gettext_noop("Correct the validation errors to resume preview (saving will highlight errors)"),
    gettext_noop("The page could not be saved due to validation errors."),
    gettext_noop("The page could not be created due to validation errors."),
    gettext_noop("Enable custom keyboard shortcuts specific to Wagtail."),
    gettext_noop("Grid layout"),
    gettext_noop("List layout"),
    gettext_noop("Minimum"),
    gettext_noop("Maximum"),
    gettext_noop("Usage count"),
    gettext_noop("You do not have permission to access the admin."),
    gettext_noop("(blank)"),
    gettext_noop("Locked by"),
    gettext_noop("Is commenting action"),
    gettext_noop("To be created by %(user)s"),
    gettext_noop("Disable custom ordering"),
    gettext_noop(
        "Focus on the drag button and press up or down arrows to move the item, then press "
        "enter to submit the change."
    ),
    gettext_noop("Enable custom ordering"),
    gettext_noop("Password"),
    gettext_noop("Search"),
    gettext_noop("No %(model_name)s match your query."),
    gettext_noop("There are no %(model_name)s to display."),
    gettext_noop("New: %(model_name)s"),
]
