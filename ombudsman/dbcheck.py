"""Whether the PostgreSQL server of a database setting answers, for a clear early message
(used by `make test` before the suite and by the suite's own start-up)."""

import psycopg

START_HINT = (
    "Start it (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main "
    "start) or set TEST_DATABASE_URL to a server that answers."
)


def postgres_problem(db: dict) -> str | None:
    """None when the server of Django database settings ``db`` answers, else why not."""
    if db["ENGINE"] != "django.db.backends.postgresql":
        return (
            "The tests run against PostgreSQL: set DATABASE_URL, e.g. "
            "postgres://postgres@127.0.0.1:5432/ombudsman (`make test` does this)."
        )
    host, port = db["HOST"] or "localhost", db["PORT"] or 5432
    try:
        psycopg.connect(
            host=host,
            port=port,
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.OperationalError as exc:
        return f"PostgreSQL is not reachable at {host}:{port}: {exc}\n{START_HINT}"
    return None
