"""Receivers that mark the public data as changed when an admin edits what public pages show.

Claims and figures change only through the workflow, which bumps the version itself; names of
categories, indicators, places, tags, organisations and sources are edited in the admin.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from tracker.public_cache import bump_public_version

SENDERS = ("Category", "Indicator", "Location", "Tag", "Organization", "Source")


def public_data_changed(sender, **kwargs):
    if kwargs.get("raw"):
        return  # loaddata
    bump_public_version(using=kwargs.get("using"))


def claim_categories_changed(sender, instance, action, reverse, **kwargs):
    """A claim's search texts name its categories: store them again when those change."""
    if action not in ("post_add", "post_remove", "post_clear") or kwargs.get("raw"):
        return
    if reverse:  # a category's claims were changed from the category's side
        claims = instance.claims.all() if action != "post_clear" else []
        for claim in claims:
            claim.refresh_search_text()
        return
    instance.refresh_search_text()


def connect(app_config) -> None:
    claim = app_config.get_model("Claim")
    m2m_changed.connect(
        claim_categories_changed,
        sender=claim.categories.through,
        dispatch_uid="claim-categories-search-text",
    )
    for name in SENDERS:
        model = app_config.get_model(name)
        post_save.connect(public_data_changed, sender=model, dispatch_uid=f"public-{name}-save")
        post_delete.connect(public_data_changed, sender=model, dispatch_uid=f"public-{name}-del")
