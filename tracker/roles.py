"""The staff roles as Django groups with Django permissions, kept in step by data migrations.

Admins manage the groups in the Django admin; this is what a new installation starts with.
"""

from django.contrib.auth.management import create_permissions

ENTRY_MODELS = ["claim", "citation", "statistic", "source", "organization"]
CONTRIBUTOR = [
    f"{action}_{model}" for model in ENTRY_MODELS for action in ("add", "change", "view")
]
CONTRIBUTOR += ["view_category", "view_indicator", "view_location", "view_tag"]
# The tip inbox: reading tips and turning them into drafts, or archiving them.
CONTRIBUTOR += ["view_tip", "change_tip"]
REVIEWER = CONTRIBUTOR + [
    "review_entries",
    "grade_entries",
    "preview_entries",
    "view_moderationevent",
    "view_revision",
]
GROUPS = {"Contributors": CONTRIBUTOR, "Reviewers": REVIEWER}


def sync_groups(apps) -> None:
    """Create the role groups and give them at least their permissions (never remove any)."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="tracker", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions missing for {name}: {sorted(missing)}")
        group.permissions.add(*permissions)
