"""Default statutory duties after a public interest report. (It once also gave the roles
the permissions for the new records: ombudsman.roles.ROLE_PERMISSIONS now has them.)

The periods are reference data an administrator can edit: they should be confirmed
against the current Act.
"""

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


def forwards(apps, schema_editor):
    Template = apps.get_model("remedies", "StatutoryDutyTemplate")
    for duty in DUTIES:
        Template.objects.get_or_create(title=duty["title"], defaults=duty)
    # Its grants of permissions to the roles: ombudsman.roles.sync_roles, after every
    # migrate.


def backwards(apps, schema_editor):
    apps.get_model("remedies", "StatutoryDutyTemplate").objects.filter(
        title__in=[d["title"] for d in DUTIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("remedies", "0003_tracking")]
    operations = [migrations.RunPython(forwards, backwards)]
