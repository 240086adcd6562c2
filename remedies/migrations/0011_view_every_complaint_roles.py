"""Least privilege for service managers: every role but theirs keeps seeing every case.

Service managers see only the cases of the service areas they lead and the actions they
own (remedies.selectors); the other roles are given the permission to see them all."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SEE_EVERY_CASE = ["Complaints officers", "Managers", "Monitoring officers"]


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(
        content_type__app_label="decisions", codename="view_every_complaint"
    )
    for group in Group.objects.filter(name__in=SEE_EVERY_CASE):
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("remedies", "0010_agreedaction_version"),
        ("decisions", "0008_complaint_view_every_complaint"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
