"""Recreate the Polish search configuration, e.g. after installing hunspell-pl on the server."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from cms.search import POLISH_DICTIONARY, install_polish_config


class Command(BaseCommand):
    help = "Recreate the 'polish' text search configuration (PostgreSQL), then re-index."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-reindex", action="store_true", help="Skip update_index afterwards."
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Only PostgreSQL has text search configurations.")
        with transaction.atomic():
            chain = install_polish_config()
        self.stdout.write(f"polish: {chain}")
        if POLISH_DICTIONARY not in chain:
            self.stderr.write("No Polish dictionary on the server: see README, 'Search in Polish'.")
        if not options["no_reindex"]:
            call_command("update_index", stdout=self.stdout, stderr=self.stderr)
