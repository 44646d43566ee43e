"""Tips become private records handled in a tip inbox, never claims in the review queue.

Claims that the public form used to put in the review queue are set aside (rejected, with an
event saying why) and their tips go back to the inbox as new; the text lives on in the tip, so
nothing is lost. Tips whose claim was published are marked as made into a claim; tips whose
claim was rejected or withdrawn are archived with that reason. Contributors may now handle tips.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

UNPUBLISHED = ("draft", "submitted", "changes_requested")
REASON = "Tips are kept in the tip inbox and are no longer claims in the review queue."


def grant_tip_roles(apps, schema_editor):
    from tracker.roles import sync_groups

    sync_groups(apps)


def keep_tips_apart(apps, schema_editor):
    Tip = apps.get_model("tracker", "Tip")
    Claim = apps.get_model("tracker", "Claim")
    ModerationEvent = apps.get_model("tracker", "ModerationEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    claim_type, _ = ContentType.objects.get_or_create(app_label="tracker", model="claim")
    now = timezone.now()
    for tip in Tip.objects.exclude(claim=None).select_related("claim"):
        claim = tip.claim
        if claim.status in UNPUBLISHED:
            Claim.objects.filter(pk=claim.pk).update(
                status="rejected", version=models.F("version") + 1, updated_at=now
            )
            ModerationEvent.objects.create(
                content_type=claim_type,
                object_id=claim.pk,
                kind="moderation",
                action="tips_kept_apart",
                from_value=claim.status,
                to_value="rejected",
                comment=f"{REASON} (tip #{tip.pk})",
            )
            Tip.objects.filter(pk=tip.pk).update(status="new", claim=None)
        elif claim.status == "published":
            Tip.objects.filter(pk=tip.pk).update(status="converted")
        else:
            Tip.objects.filter(pk=tip.pk).update(
                status="archived",
                archive_reason=f"The claim made from it was {claim.status}.",
                handled_at=now,
            )


class Migration(migrations.Migration):

    dependencies = [
        ('tracker', '0009_source_original_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='tip',
            options={'ordering': ['-created_at', '-pk'], 'verbose_name': 'tip from the public', 'verbose_name_plural': 'tips from the public'},
        ),
        migrations.AddField(
            model_name='historicaltip',
            name='archive_reason',
            field=models.TextField(blank=True, editable=False, verbose_name='why it was archived'),
        ),
        migrations.AddField(
            model_name='historicaltip',
            name='handled_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='handled'),
        ),
        migrations.AddField(
            model_name='historicaltip',
            name='handled_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='handled by'),
        ),
        migrations.AddField(
            model_name='historicaltip',
            name='status',
            field=models.CharField(choices=[('new', 'New'), ('converted', 'Made into a draft claim'), ('archived', 'Archived')], db_index=True, default='new', editable=False, max_length=12, verbose_name='status'),
        ),
        migrations.AddField(
            model_name='tip',
            name='archive_reason',
            field=models.TextField(blank=True, editable=False, verbose_name='why it was archived'),
        ),
        migrations.AddField(
            model_name='tip',
            name='handled_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='handled'),
        ),
        migrations.AddField(
            model_name='tip',
            name='handled_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='handled by'),
        ),
        migrations.AddField(
            model_name='tip',
            name='status',
            field=models.CharField(choices=[('new', 'New'), ('converted', 'Made into a draft claim'), ('archived', 'Archived')], db_index=True, default='new', editable=False, max_length=12, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='historicaltip',
            name='claim',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tracker.claim', verbose_name='draft claim made from it'),
        ),
        migrations.AlterField(
            model_name='tip',
            name='claim',
            field=models.OneToOneField(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='tip', to='tracker.claim', verbose_name='draft claim made from it'),
        ),
        migrations.RunPython(grant_tip_roles, migrations.RunPython.noop),
        migrations.RunPython(keep_tips_apart, migrations.RunPython.noop),
    ]
