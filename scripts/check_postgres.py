"""Fail clearly, before the test suite starts, when PostgreSQL does not answer."""

import os
import sys

import dj_database_url
import psycopg

url = os.environ.get("DATABASE_URL", "")
config = dj_database_url.parse(url)
if config["ENGINE"] != "django.db.backends.postgresql":
    sys.exit(f"DATABASE_URL must point at PostgreSQL for the tests (got {url!r}).")
host, port = config["HOST"] or "localhost", config["PORT"] or 5432
try:
    psycopg.connect(
        host=host,
        port=port,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        connect_timeout=5,
    ).close()
except psycopg.OperationalError as exc:
    sys.exit(
        f"PostgreSQL is not reachable at {host}:{port}: {exc}\n"
        "Start it (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main "
        "start) or set TEST_DATABASE_URL to a server that answers."
    )
print(f"PostgreSQL answers at {host}:{port}.")
