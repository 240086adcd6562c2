"""Who sees and who makes the scrutiny-committee reports."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    # Monitoring officers produce them; managers and the complaints team read them.
    "Monitoring officers": ["view_committeereport", "generate_committeereport"],
    "Managers": ["view_committeereport"],
    "Complaints officers": ["view_committeereport"],
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
                Permission.objects.get(content_type__app_label="decisions", codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("remedies", "0007_dashboard_role_permissions"),
        ("decisions", "0005_committee_reports"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
