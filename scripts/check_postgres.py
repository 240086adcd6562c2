"""Fail clearly, before the test suite starts, when PostgreSQL does not answer."""

import os
import sys
from pathlib import Path

import dj_database_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ombudsman.dbcheck import postgres_problem  # noqa: E402

config = dj_database_url.parse(os.environ.get("DATABASE_URL", ""))
problem = postgres_problem(config)
if problem:
    sys.exit(problem)
print(f"PostgreSQL answers at {config['HOST']}:{config['PORT'] or 5432}.")
