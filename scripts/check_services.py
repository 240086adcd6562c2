"""Fail clearly, before the test suite starts, when PostgreSQL or Redis does not answer."""

import os
import sys
from pathlib import Path

import dj_database_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ombudsman.dbcheck import postgres_problem, redis_problem  # noqa: E402

config = dj_database_url.parse(os.environ.get("DATABASE_URL", ""))
redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
problems = [p for p in (postgres_problem(config), redis_problem(redis_url)) if p]
if problems:
    sys.exit("\n".join(problems))
print(f"PostgreSQL answers at {config['HOST']}:{config['PORT'] or 5432}; Redis at {redis_url}.")
