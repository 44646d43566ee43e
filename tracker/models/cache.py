"""The public-data version: one row whose number changes whenever what the public sees changes."""

from django.db import models


class PublicDataVersion(models.Model):
    """A single-row counter, bumped inside the workflow's own transaction on every decision.

    Cached counts and facets are keyed by its value, so a decision makes every app process miss
    its cache on the next request: no stale count is ever served after a decision.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "public data version"

    def __str__(self) -> str:
        return str(self.value)
