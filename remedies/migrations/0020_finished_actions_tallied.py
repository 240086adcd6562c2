# The tally per line also counts the finished actions (done, withdrawn), so that the actions
# list counts any status from it. Kept tallies are filled in here from the records; until
# the first rebuild nothing is kept, and nothing is filled in.

from django.db import migrations, models
from django.db.models import Count, Q

NONE = 0  # remedies.tally.NONE: the key of "no service area" and "no owner"


def count_finished(apps, schema_editor):
    state = apps.get_model("remedies", "ActionTallyState")
    if not state.objects.filter(built_at__isnull=False).exists():
        return
    tally = apps.get_model("remedies", "OpenActionTally")
    action = apps.get_model("remedies", "AgreedAction")
    finished = (
        action.objects.exclude(status="open")
        .order_by()
        .values("organisation_id", "service_area_id", "owner_id")
        .annotate(
            done=Count("id", filter=Q(status="done")),
            withdrawn=Count("id", filter=Q(status="withdrawn")),
        )
    )
    kept = {(t.organisation_id, t.service_area, t.owner): t for t in tally.objects.all()}
    changed, new = [], []
    for row in finished:
        key = (row["organisation_id"], row["service_area_id"] or NONE, row["owner_id"] or NONE)
        line = kept.get(key)
        if line is None:
            line = tally(organisation_id=key[0], service_area=key[1], owner=key[2])
            new.append(line)
        else:
            changed.append(line)
        line.done, line.withdrawn = row["done"], row["withdrawn"]
    tally.objects.bulk_update(changed, ["done", "withdrawn"], batch_size=1000)
    tally.objects.bulk_create(new, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("remedies", "0019_action_group_sort_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="openactiontally",
            name="done",
            field=models.IntegerField(default=0, help_text="Actions of the line completed."),
        ),
        migrations.AddField(
            model_name="openactiontally",
            name="withdrawn",
            field=models.IntegerField(default=0, help_text="Actions of the line withdrawn."),
        ),
        migrations.RunPython(count_finished, migrations.RunPython.noop, elidable=True),
    ]
