"""The number of complaints, kept by PostgreSQL (``decisions.models.ComplaintCount``):
statement triggers on the complaints' table add the rows an INSERT adds and take away
the rows a DELETE removes, in its transaction; a TRUNCATE sets it to nothing. The row is
made here with the complaints there are. SQLite keeps nothing: the list counts."""

from django.db import migrations, models

TRIGGERS = """
CREATE FUNCTION decisions_complaint_count_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE decisions_complaintcount SET complaints = complaints + (SELECT COUNT(*) FROM added);
    RETURN NULL;
END $$;
CREATE FUNCTION decisions_complaint_count_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE decisions_complaintcount SET complaints = complaints - (SELECT COUNT(*) FROM removed);
    RETURN NULL;
END $$;
CREATE FUNCTION decisions_complaint_count_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE decisions_complaintcount SET complaints = 0;
    RETURN NULL;
END $$;
CREATE TRIGGER complaint_count_added AFTER INSERT ON decisions_complaint
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION decisions_complaint_count_added();
CREATE TRIGGER complaint_count_removed AFTER DELETE ON decisions_complaint
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION decisions_complaint_count_removed();
CREATE TRIGGER complaint_count_emptied AFTER TRUNCATE ON decisions_complaint
    FOR EACH STATEMENT EXECUTE FUNCTION decisions_complaint_count_emptied();
LOCK TABLE decisions_complaint IN SHARE MODE;
INSERT INTO decisions_complaintcount (id, complaints)
    SELECT 1, COUNT(*) FROM decisions_complaint;
"""

REMOVED = """
DROP TRIGGER IF EXISTS complaint_count_added ON decisions_complaint;
DROP TRIGGER IF EXISTS complaint_count_removed ON decisions_complaint;
DROP TRIGGER IF EXISTS complaint_count_emptied ON decisions_complaint;
DROP FUNCTION IF EXISTS decisions_complaint_count_added();
DROP FUNCTION IF EXISTS decisions_complaint_count_removed();
DROP FUNCTION IF EXISTS decisions_complaint_count_emptied();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0016_kept_repeats"),
    ]

    operations = [
        migrations.CreateModel(
            name="ComplaintCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("complaints", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(_on_postgresql(TRIGGERS), _on_postgresql(REMOVED)),
    ]
