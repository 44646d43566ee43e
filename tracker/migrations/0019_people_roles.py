"""Contributors and reviewers may enter person records; reviewers decide the linkage."""

from django.db import migrations


def grant_people_roles(apps, schema_editor):
    from tracker.roles import sync_groups

    sync_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0018_people")]

    operations = [migrations.RunPython(grant_people_roles, migrations.RunPython.noop)]
