"""Default statutory duties after a public interest report, and permissions for the new
records.

The periods are reference data an administrator can edit: they should be confirmed
against the current Act.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DUTIES = [
    {
        "order": 1,
        "title": "Give public notice of the report and keep copies available for three weeks",
        "description": "Give public notice of the report (in newspapers and by other means) "
        "and make copies available for public inspection for three weeks.",
        "legal_basis": "Local Government Act 1974, section 30",
        "deadline_phrase": "within two weeks of receiving the report",
    },
    {
        "order": 2,
        "title": "Lay the report before the authority and tell the Ombudsman what it has "
        "done or will do",
        "description": "Consider the report at full Council, Cabinet or a delegated committee "
        "of members and tell the Ombudsman, with evidence, the action taken or proposed.",
        "legal_basis": "Local Government Act 1974, section 31(2)",
        "deadline_phrase": "within three months of receiving the report",
    },
    {
        "order": 3,
        "title": "Monitoring officer's report to members",
        "description": "The monitoring officer reports the Ombudsman's finding of fault to "
        "members.",
        "legal_basis": "Local Government and Housing Act 1989, section 5A",
        "deadline_phrase": "within three months of receiving the report",
    },
]

# Complaints officers record enquiries, extensions, evidence and compliance; service
# managers complete and extend the actions they own.
NEW_PERMISSIONS = {
    "Complaints officers": [
        "remedies.add_extension", "remedies.view_extension",
        "remedies.add_evidence", "remedies.view_evidence", "remedies.view_reminder",
        "decisions.delete_enquiry",
    ],
    "Service managers": [
        "remedies.add_extension", "remedies.view_extension",
        "remedies.add_evidence", "remedies.view_evidence", "remedies.view_reminder",
    ],
    "Managers": ["remedies.view_extension", "remedies.view_evidence", "remedies.view_reminder"],
    "Monitoring officers": [
        "remedies.view_extension", "remedies.view_evidence", "remedies.view_reminder",
    ],
}  # fmt: skip


def forwards(apps, schema_editor):
    Template = apps.get_model("remedies", "StatutoryDutyTemplate")
    for duty in DUTIES:
        Template.objects.get_or_create(title=duty["title"], defaults=duty)

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in NEW_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def backwards(apps, schema_editor):
    apps.get_model("remedies", "StatutoryDutyTemplate").objects.filter(
        title__in=[d["title"] for d in DUTIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("remedies", "0003_tracking")]
    operations = [migrations.RunPython(forwards, backwards)]
