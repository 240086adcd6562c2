"""Health endpoint, settings from the environment, and the database's own rules."""

import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.db.utils import OperationalError

from decisions.models import Finding, Organisation

from .factories import AgreedActionFactory, DecisionFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_login_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def down(self, sql, params=None):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", down)
    assert client.get("/healthz").status_code == 503


def _start(env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from django.conf import settings as s; "
         "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND)"],
        env={**env, "DJANGO_SETTINGS_MODULE": "ombudsman.settings"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_with_nothing_set_it_runs_on_sqlite_eager_tasks_and_console_mail():
    result = _start({})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


# A key as `secrets.token_urlsafe(50)` makes one (written here so the test is repeatable).
REAL_KEY = "q3VxN8wZr1Lk0pT7yHc2mJ5dF9sG4aB6eU-oI_nQzXvW8tRk1YhPl"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "false"}, "set SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": REAL_KEY}, "set ALLOWED_HOSTS"),
        ({"DEBUG": "false", "SECRET_KEY": "short", "ALLOWED_HOSTS": "a.example"}, "SECRET_KEY"),
        # Long enough but not random: check --deploy asks for 5 different characters.
        ({"DEBUG": "false", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "a.example"}, "SECRET_KEY"),
        ({"DEBUG": "flase"}, "is not a boolean"),
        ({"REMINDER_ESCALATION_DAYS": "0"}, "REMINDER_ESCALATION_DAYS='0' must be 1 or more"),
        ({"REMINDER_UPCOMING_DAYS": "-3"}, "REMINDER_UPCOMING_DAYS='-3' must be 0 or more"),
        ({"LIST_PAGE_SIZE": "ten"}, "LIST_PAGE_SIZE='ten' is not a whole number"),
        (
            {"DEBUG": "false", "SECRET_KEY": REAL_KEY, "ALLOWED_HOSTS": "a.example"},
            "set SITE_URL",
        ),
    ],
)
def test_with_debug_off_it_refuses_to_start_without_real_secret_and_hosts(env, message):
    result = _start(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_start_with_a_real_secret_and_hosts():
    result = _start(
        {
            "DEBUG": "false",
            "SECRET_KEY": REAL_KEY,
            "ALLOWED_HOSTS": "a.example",
            "SITE_URL": "https://a.example",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "False"  # tasks go to the Redis broker


def test_production_compiles_each_template_once():
    """With DEBUG off, templates come through Django's cached loader: each is read and
    compiled once per worker, not on every page."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from django.template import engines; "
         "e = engines['django'].engine; "
         "print(e.debug, [f'{type(x).__module__}.{type(x).__name__}' "
         "for x in e.template_loaders])"],
        env={**env, "DJANGO_SETTINGS_MODULE": "ombudsman.settings", "DEBUG": "false",
             "SECRET_KEY": REAL_KEY, "ALLOWED_HOSTS": "a.example",
             "SITE_URL": "https://a.example"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(maxsplit=1) == [
        "False",
        "['django.template.loaders.cached.Loader']\n",
    ]


def _refused(**kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreedActionFactory(**kwargs)


def test_database_refuses_negative_amounts_and_dates_before_the_decision():
    decision = DecisionFactory(decision_date=date(2025, 2, 13))
    _refused(decision=decision, amount=Decimal("-1"))
    _refused(decision=decision, due_date=date(2025, 2, 12))
    _refused(decision=decision, status="done", completed_on=date(2025, 2, 1))
    _refused(decision=decision, status="done", completed_on=None)
    AgreedActionFactory(decision=decision, status="done", completed_on=date(2025, 2, 13))


def test_database_allows_only_one_home_authority():
    OrganisationFactory(name="Cambridgeshire County Council", is_home_authority=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(name="Portsmouth City Council", is_home_authority=True)
    assert Organisation.objects.filter(is_home_authority=True).count() == 1


def test_database_refuses_a_finding_with_neither_fault_nor_result():
    decision = DecisionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Finding.objects.create(decision=decision, point="x", fault="", result="")


def test_categories_are_seeded_with_the_ombudsmans_taxonomy():
    from decisions.models import Category

    tops = set(Category.objects.filter(parent=None).values_list("name", flat=True))
    assert {
        "Adult care services", "Benefits and tax", "Corporate and other services", "Education",
        "Environment and regulation", "Health", "Highways and transport", "Housing",
        "Planning and development", "Children's care services",
    } <= tops  # fmt: skip
    seen = [
        "Planning and development > Planning applications",
        "Housing > Homelessness", "Adult care services > Assessment and care plan",
        "Children's care services > Other", "Corporate and other services > Public health",
        "Benefits and tax > Council tax", "Health > Mental health services",
        "Environment and regulation > Other",
    ]  # fmt: skip
    for path in seen:
        top, sub = path.split(" > ")
        assert Category.objects.filter(name=sub, parent__name=top).exists(), path


def test_test_command_explains_an_unreachable_postgresql():
    from ombudsman.dbcheck import postgres_problem

    down = {"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1", "PORT": 1,
            "USER": "postgres", "PASSWORD": ""}  # fmt: skip
    assert "PostgreSQL is not reachable at 127.0.0.1:1" in postgres_problem(down)
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "HOST": "", "PORT": "", "USER": "",
              "PASSWORD": ""}  # fmt: skip
    assert "The tests run against PostgreSQL" in postgres_problem(sqlite)


def test_the_migrations_and_the_decisions_search_run_on_the_embedded_sqlite(tmp_path):
    """`make run` migrates SQLite: the search's trigram indexes (PostgreSQL's) are plain
    ones there, and the list's search finds a decision by a word of its summary and a
    complaint by part of its reference, as on PostgreSQL."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")
    }
    env.update(DJANGO_SETTINGS_MODULE="ombudsman.settings",
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")  # fmt: skip
    search = (
        "from datetime import date\n"
        "from decisions.filters import ComplaintFilter\n"
        "from decisions.models import Complaint, Decision\n"
        "from decisions.selectors import complaint_list\n"
        "c = Complaint.objects.create(reference='24 005 859a')\n"
        "Decision.objects.create(complaint=c, decision_date=date(2025, 1, 6),\n"
        "    outcome='upheld', summary='Delay in repairing the damp')\n"
        "Complaint.objects.create(reference='23 001 001')\n"
        "for q in ['REPAIRING', '24005859', '859A', 'drainage']:\n"
        "    f = ComplaintFilter({'q': q}, queryset=complaint_list())\n"
        "    print(f.is_valid(), [x.reference for x in f.qs])\n"
    )
    for command in (["migrate", "--no-input", "-v0"], ["shell", "-c", search]):
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *command],
            cwd=Path(__file__).parent.parent, env=env,
            capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-4:] == [
        "True ['24 005 859a']",
        "True ['24 005 859a']",
        "True ['24 005 859a']",
        "True []",
    ]
