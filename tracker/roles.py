"""The staff roles as Django groups with Django permissions, kept in step by data migrations.

Admins manage the groups in the Django admin; this is what a new installation starts with.
"""

from django.contrib.auth.management import create_permissions

ENTRY_MODELS = [
    "claim",
    "citation",
    "statistic",
    "source",
    "organization",
    "person",
    "personsource",
]
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
    # The linkage of person records: proposals read and decided by reviewers.
    "view_linkproposal",
    "change_linkproposal",
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
    existing = {model._meta.model_name for model in apps.get_app_config("tracker").get_models()}
    for name, all_codenames in GROUPS.items():
        # A model's permissions are granted by the migrations from the one that creates it on.
        codenames = [code for code in all_codenames if not not_yet_created(code, existing)]
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="tracker", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions missing for {name}: {sorted(missing)}")
        group.permissions.add(*permissions)


def not_yet_created(codename: str, existing: set[str]) -> bool:
    """Whether ``codename`` is a model permission of a model that the migrations have not
    created yet (custom permissions such as ``review_entries`` always exist)."""
    action, _, model = codename.partition("_")
    return action in ("add", "change", "view", "delete") and model not in existing
