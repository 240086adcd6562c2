"""Adding numbers to kept rows (the year summaries, the action tallies) as writers do,
without reading them first."""

from django.db import connection


def upsert_add(model, key: tuple[str, ...], names: tuple[str, ...], rows: list[tuple]) -> None:
    """Add each row's numbers to the row of its key, created at zero if missing: one
    INSERT ... ON CONFLICT DO UPDATE (PostgreSQL and SQLite alike)."""
    if not rows:
        return
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    columns = ", ".join(q(c) for c in (*key, *names))
    values = ", ".join(["(" + ", ".join(["%s"] * (len(key) + len(names))) + ")"] * len(rows))
    sums = ", ".join(f"{q(n)} = {table}.{q(n)} + excluded.{q(n)}" for n in names)
    # Names from the models' metadata, quoted; every value a parameter.
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({', '.join(q(c) for c in key)}) DO UPDATE SET {sums}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
