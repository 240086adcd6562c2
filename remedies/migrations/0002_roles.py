"""Once created the four roles as groups with their permissions.

The roles are now ombudsman.roles.ROLE_PERMISSIONS, which `sync_roles` applies after every
`migrate` (creating the groups and permissions, and giving each group exactly its own);
this step is kept, empty, so databases that ran it keep a consistent migration graph.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("remedies", "0001_initial"),
        ("decisions", "0002_seed_categories"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    # The roles: ombudsman.roles.sync_roles, after every migrate.
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
