"""Create the four roles as groups with their model permissions.

Kept in `remedies` because the roles span both apps and `remedies` is the app that builds
on `decisions`. Later issues add permissions in migrations of their own.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_ALL = [
    "decisions.view_organisation", "decisions.view_servicearea", "decisions.view_category",
    "decisions.view_complaint", "decisions.view_enquiry", "decisions.view_decision",
    "decisions.view_finding", "remedies.view_agreedaction",
]  # fmt: skip

ROLES = {
    # Log and edit decisions, findings, enquiries and agreed actions.
    "Complaints officers": VIEW_ALL + [
        "decisions.add_complaint", "decisions.change_complaint",
        "decisions.add_decision", "decisions.change_decision",
        "decisions.add_finding", "decisions.change_finding", "decisions.delete_finding",
        "decisions.add_enquiry", "decisions.change_enquiry",
        "remedies.add_agreedaction", "remedies.change_agreedaction",
        "remedies.delete_agreedaction",
    ],
    # See decisions; update the actions they own.
    "Service managers": VIEW_ALL + ["remedies.change_agreedaction"],
    # See everything; dashboards arrive with their own permission.
    "Managers": VIEW_ALL,
    # See everything; committee reports arrive with their own permission.
    "Monitoring officers": VIEW_ALL,
}  # fmt: skip


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now to assign them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("remedies", "0001_initial"),
        ("decisions", "0002_seed_categories"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
