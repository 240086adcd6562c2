"""Who sees and who makes the scrutiny-committee reports.

This migration once granted the permissions; the roles are now
ombudsman.roles.ROLE_PERMISSIONS, which `sync_roles` applies after every `migrate`. Kept,
empty, for the migration graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("remedies", "0007_dashboard_role_permissions"),
        ("decisions", "0005_committee_reports"),
    ]
    # The roles: ombudsman.roles.sync_roles, after every migrate.
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
