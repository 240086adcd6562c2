"""Who sees the overdue-remedy dashboard and weekly digest records."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Managers": ["view_dashboard", "view_weeklydigest"],
    "Complaints officers": ["view_dashboard", "view_weeklydigest"],
    "Monitoring officers": ["view_dashboard"],
}


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.get(name=name)
        for codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label="remedies", codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [("remedies", "0006_weekly_digest_and_dashboard_permission")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
