"""Fail clearly, before the test suite starts, when PostgreSQL or Redis does not answer,
or when there is no Chromium for the browser tests."""

import os
import shutil
import sys
from pathlib import Path

import dj_database_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ombudsman.dbcheck import postgres_problem, redis_problem  # noqa: E402

url = os.environ.get("DATABASE_URL", "")
if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
    given = f"a {url.split('://', 1)[0]}:// URL" if "://" in url else "empty"
    sys.exit(
        f"The tests run against PostgreSQL, but the database URL given is {given}: "
        "set TEST_DATABASE_URL (or DATABASE_URL) to postgres://USER:PASSWORD@HOST:5432/NAME."
    )
config = dj_database_url.parse(url)
redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
problems = [p for p in (postgres_problem(config), redis_problem(redis_url)) if p]
chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
if not (os.access(chromium, os.X_OK) or shutil.which(chromium)):
    problems.append(
        f"The browser tests drive Chromium, which is not at {chromium}: install Debian's "
        "(sudo apt-get install chromium) or set CHROMIUM to its path."
    )
if problems:
    sys.exit("\n".join(problems))
print(
    f"PostgreSQL answers at {config['HOST']}:{config['PORT'] or 5432}; Redis at {redis_url}; "
    f"Chromium at {chromium}."
)
