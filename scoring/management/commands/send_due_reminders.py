"""The scheduled reminders (deploy/systemd/judging-reminders.timer, each morning)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from scoring import services
from scoring.tasks import send_reminders_task


class Command(BaseCommand):
    help = "Queue today's reminder mailings for categories whose scoring closes soon."

    def handle(self, *args, **options) -> None:
        mailings = services.due_reminders()
        for mailing in mailings:
            send_reminders_task.enqueue(mailing.pk)
        self.stdout.write(f"{len(mailings)} reminder mailing(s) queued")
