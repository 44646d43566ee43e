"""Receivers that mark the public data as changed when an admin edits what public pages show.

Claims and figures change only through the workflow, which bumps the version itself; names of
categories, indicators, places, tags, organisations and sources are edited in the admin.
"""

from django.db.models.signals import post_delete, post_save

from tracker.public_cache import bump_public_version

SENDERS = ("Category", "Indicator", "Location", "Tag", "Organization", "Source")


def public_data_changed(sender, **kwargs):
    if kwargs.get("raw"):
        return  # loaddata
    bump_public_version(using=kwargs.get("using"))


def connect(app_config) -> None:
    for name in SENDERS:
        model = app_config.get_model(name)
        post_save.connect(public_data_changed, sender=model, dispatch_uid=f"public-{name}-save")
        post_delete.connect(public_data_changed, sender=model, dispatch_uid=f"public-{name}-del")
