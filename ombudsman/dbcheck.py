"""Whether PostgreSQL (and Redis) answer, for a clear early message
(used by `make test` before the suite and by the suite's own start-up)."""

import psycopg
import redis

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


def redis_problem(url: str) -> str | None:
    """None when Redis answers at ``url``, else why not (the worker test needs it)."""
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.exceptions.RedisError as exc:
        return (
            f"Redis is not reachable at {url}: {exc}\nStart it (redis-server --daemonize yes "
            '--bind 127.0.0.1 --port 6379 --save "" --appendonly no) or set TEST_REDIS_URL.'
        )
    return None
