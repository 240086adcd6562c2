"""How many complaints there are, for the decisions list when nothing narrows it: the row
PostgreSQL keeps (``decisions.models.ComplaintCount``, maintained by the triggers of
migration 0017 in the transaction of every insert and delete), else a count."""

from django.db import connection, transaction

from .models import Complaint, ComplaintCount


def complaint_count() -> int:
    """The number of complaints: the kept row where there is one, else counted (one
    query either way: PostgreSQL and SQLite evaluate COALESCE's second part only when
    the first is NULL)."""
    q = connection.ops.quote_name
    kept, complaints = q(ComplaintCount._meta.db_table), q(Complaint._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE((SELECT complaints FROM {kept} WHERE id = 1), "  # noqa: S608
            f"(SELECT COUNT(*) FROM {complaints}))"
        )
        return int(cursor.fetchone()[0])


def complaint_count_rebuild() -> int:
    """Count the complaints again and keep the number (PostgreSQL, whose triggers keep it
    from then on): the nightly job mends a row lost to a TRUNCATE or a restore. Inserts
    and deletes of complaints wait while it counts. Returns the number."""
    if connection.vendor != "postgresql":
        return Complaint.objects.count()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {connection.ops.quote_name(Complaint._meta.db_table)} IN SHARE MODE"
            )
        n = Complaint.objects.count()
        ComplaintCount.objects.update_or_create(pk=1, defaults={"complaints": n})
    return n
