"""Who sees the overdue-remedy dashboard and weekly digest records.

This migration once granted the permissions; the roles are now
ombudsman.roles.ROLE_PERMISSIONS, which `sync_roles` applies after every `migrate`. Kept,
empty, for the migration graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("remedies", "0006_weekly_digest_and_dashboard_permission")]
    # The roles: ombudsman.roles.sync_roles, after every migrate.
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
