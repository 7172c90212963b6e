"""Background work shared by the apps: sending a rendered plain-text e-mail."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email_task(subject: str, body: str, recipients: list[str]) -> int:
    """Send what `competition.mail.render_email` rendered; enqueued on the commit that needs it,
    so a failing mail server neither undoes nor half-does the work it reports on."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
