"""Least privilege for service managers: every role but theirs keeps seeing every case.

This migration once granted the permissions; the roles are now
ombudsman.roles.ROLE_PERMISSIONS, which `sync_roles` applies after every `migrate`. Kept,
empty, for the migration graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("remedies", "0010_agreedaction_version"),
        ("decisions", "0008_complaint_view_every_complaint"),
    ]
    # The roles: ombudsman.roles.sync_roles, after every migrate.
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
