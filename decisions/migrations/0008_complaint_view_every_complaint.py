from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0007_decision_drafts"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="complaint",
            options={
                "ordering": ["-reference"],
                "permissions": [
                    (
                        "view_every_complaint",
                        "Can see the complaints, decisions, actions and evidence of every "
                        "service area",
                    )
                ],
            },
        ),
    ]
