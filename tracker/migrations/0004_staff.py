"""Trigram matching for the likely-duplicate hints (PostgreSQL only; skipped elsewhere)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tracker", "0003_search")]

    operations = [TrigramExtension()]
