"""Create the Contributors and Reviewers groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ENTRY_MODELS = ["claim", "citation", "statistic", "source", "organization"]
CONTRIBUTOR = [f"{action}_{model}" for model in ENTRY_MODELS for action in ("add", "change", "view")]
CONTRIBUTOR += ["view_category", "view_indicator", "view_location", "view_tag"]
REVIEWER = CONTRIBUTOR + [
    "review_entries",
    "grade_entries",
    "preview_entries",
    "view_moderationevent",
    "view_revision",
    "view_tip",
]
GROUPS = {"Contributors": CONTRIBUTOR, "Reviewers": REVIEWER}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="tracker", codename__in=codenames)
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions missing for {name}: {sorted(missing)}")
        group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
