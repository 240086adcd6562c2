"""Fill a database with a national-scale volume and time the dashboard, list and
statistics pages: the server time of each page and the time of its bare SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ombudsman_bench \\
        .venv/bin/python manage.py benchmark_pages --decisions 200000 --actions 600000

Refuses to add data to a database that already holds complaints, unless --reuse (time
the pages on the data already there, e.g. a second run).
"""

import random
import re
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.models import Category, Complaint, Decision, Organisation, ServiceArea
from remedies.models import AgreedAction

BATCH = 10_000
# How Django logs a query read through a server-side cursor (QuerySet.iterator()).
DECLARE_CURSOR = re.compile(
    r"\s*DECLARE\s+\S+\s+(?:(?:NO\s+)?SCROLL\s+)?CURSOR\s+(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s+"
    r"(?P<select>SELECT\b.*)",
    re.IGNORECASE | re.DOTALL,
)
OUTCOMES = ["upheld"] * 6 + ["not_upheld"] * 3 + ["closed_initial"] * 4 + ["referred_back"]
KINDS = ["apology", "financial", "service_improvement", "review_or_reassess", "action_plan"]


class Command(BaseCommand):
    help = "Fill the database with a national-scale volume and time the main pages."

    def add_arguments(self, parser):
        parser.add_argument("--decisions", type=int, default=200_000)
        parser.add_argument("--actions", type=int, default=600_000)
        parser.add_argument("--runs", type=int, default=5, help="Timed requests per page.")
        parser.add_argument("--reuse", action="store_true", help="Time the data already there.")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, decisions, actions, runs, reuse, seed, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Run the benchmark on PostgreSQL (set DATABASE_URL).")
        if Complaint.objects.exists() and not reuse:
            raise CommandError(
                "This database already holds complaints. Use an empty database, or --reuse "
                "to time the pages on the data already there."
            )
        if not reuse:
            started = time.perf_counter()
            self._fill(decisions, actions, random.Random(seed))  # noqa: S311 - test data
            self.stdout.write(f"Filled in {time.perf_counter() - started:.0f} s.")
            with connection.cursor() as cursor:
                # As autovacuum would leave it in production: statistics for the planner
                # and a visibility map, so that index-only scans are possible.
                cursor.execute("VACUUM ANALYZE")
        self._time_pages(runs)

    # -- data -------------------------------------------------------------------------

    def _fill(self, n_decisions, n_actions, rng):
        User = get_user_model()
        with transaction.atomic():
            home, _ = Organisation.objects.get_or_create(
                name="Benchmark County Council",
                defaults={"kind": "county", "population": 700_000, "is_home_authority": True},
            )
            others = [
                Organisation.objects.get_or_create(
                    name=f"Benchmark body {i}", defaults={"kind": "nhs_trust"}
                )[0]
                for i in range(5)
            ]
            owners = [
                User.objects.get_or_create(
                    username=f"bench-owner-{i}", defaults={"email": f"owner{i}@example.org"}
                )[0]
                for i in range(50)
            ]
            areas = [
                ServiceArea.objects.get_or_create(
                    directorate=f"Directorate {i // 4}", service=f"Service {i}",
                    defaults={"lead": owners[i]},
                )[0]
                for i in range(20)
            ]  # fmt: skip
            manager, _ = User.objects.get_or_create(
                username="bench-manager", defaults={"email": "manager@example.org"}
            )
            manager.groups.add(Group.objects.get(name="Managers"))
        categories = list(Category.objects.filter(parent__isnull=False))
        today = timezone.localdate()
        start = today - timedelta(days=3650)

        self.stdout.write(f"Complaints and decisions: {n_decisions:,}")
        for offset in range(0, n_decisions, BATCH):
            count = min(BATCH, n_decisions - offset)
            with transaction.atomic():
                complaints = Complaint.objects.bulk_create(
                    Complaint(
                        reference=f"{10 + (offset + i) // 1_000_000:02d} "
                        f"{(offset + i) // 1000 % 1000:03d} {(offset + i) % 1000:03d}",
                        complainant_label="Mr X",
                        service_area=rng.choice(areas),
                        category=rng.choice(categories),
                    )
                    for i in range(count)
                )
                through = Complaint.organisations.through
                through.objects.bulk_create(
                    through(complaint_id=c.pk, organisation_id=home.pk) for c in complaints
                )
                through.objects.bulk_create(
                    through(complaint_id=c.pk, organisation_id=rng.choice(others).pk)
                    for c in complaints[::10]
                )
                Decision.objects.bulk_create(
                    Decision(
                        complaint=c,
                        decision_date=start + timedelta(days=rng.randrange(3650)),
                        outcome=rng.choice(OUTCOMES),
                        satisfactory_remedy=False,
                        summary="Benchmark decision: fault causing injustice.",
                    )
                    for c in complaints
                )

        self.stdout.write(f"Agreed actions: {n_actions:,}")
        upheld = list(Decision.objects.filter(outcome="upheld").values_list("id", "decision_date"))
        for offset in range(0, n_actions, BATCH):
            count = min(BATCH, n_actions - offset)
            rows = []
            for _ in range(count):
                decision_id, decided = rng.choice(upheld)
                due = decided + timedelta(days=rng.choice([30, 61, 91]))
                done = due < today - timedelta(days=30) and rng.random() < 0.9
                completed = due + timedelta(days=rng.randrange(-20, 25)) if done else None
                if completed is not None:
                    completed = min(max(completed, decided), today)
                kind = rng.choice(KINDS)
                rows.append(
                    AgreedAction(
                        decision_id=decision_id, decision_date=decided, kind=kind,
                        organisation=home, service_area=rng.choice(areas),
                        owner=rng.choice(owners), payee_label="Mr X",
                        amount=Decimal(rng.choice([100, 150, 200, 250, 500]))
                        if kind == "financial" else None,
                        deadline_phrase="within one month of the final decision",
                        due_date=due, status="done" if done else "open",
                        completed_on=completed,
                        compliance_outcome=(
                            ("complied_late" if completed > due else "complied") if done else ""
                        ),
                        evidence_sent_on=completed,
                    )
                )  # fmt: skip
            AgreedAction.objects.bulk_create(rows)

    # -- timing -------------------------------------------------------------------------

    def _time_pages(self, runs):
        manager = get_user_model().objects.filter(groups__name="Managers").first()
        if manager is None:
            raise CommandError("No user in the Managers group to view the pages as.")
        client = Client()
        client.force_login(manager)
        year = timezone.localdate().year - (1 if timezone.localdate().month < 4 else 0)
        decisions, actions = reverse("decisions:list"), reverse("remedies:action_list")
        pages = [
            ("Decisions list", decisions),
            ("Decisions list, filtered", f"{decisions}?outcome=upheld&sort=reference"),
            ("Dashboard", reverse("remedies:dashboard")),
            ("Actions, overdue", f"{actions}?overdue=yes"),
            ("Actions, CSV", reverse("remedies:action_csv") + "?overdue=yes"),
            ("Statistics", reverse("decisions:statistics") + f"?year={year}"),
        ]
        host = (settings.ALLOWED_HOSTS or ["localhost"])[0]
        counts = (
            Complaint.objects.count(), Decision.objects.count(), AgreedAction.objects.count()
        )  # fmt: skip
        self.stdout.write(
            f"\nData: {counts[0]:,} complaints, {counts[1]:,} decisions, {counts[2]:,} actions."
        )
        self.stdout.write(f"Median of {runs} requests each, after one warm-up request.\n")
        header = f"{'page':<28}{'status':>7}{'queries':>9}{'server ms':>11}{'SQL ms':>9}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for name, url in pages:
            client.get(url, HTTP_HOST=host)  # warm up caches and connections
            server, sql = [], []
            status = queries = 0
            for _ in range(runs):
                with CaptureQueriesContext(connection) as ctx:
                    began = time.perf_counter()
                    response = client.get(url, HTTP_HOST=host)
                    if response.streaming:  # a download: time it to the last byte
                        b"".join(response.streaming_content)
                    server.append((time.perf_counter() - began) * 1000)
                status, queries = response.status_code, len(ctx.captured_queries)
                sql.append(self._bare_sql_ms(ctx.captured_queries))
            self.stdout.write(
                f"{name:<28}{status:>7}{queries:>9}{statistics.median(server):>11.0f}"
                f"{statistics.median(sql):>9.0f}"
            )

    @staticmethod
    def _bare_sql_ms(captured) -> float:
        """Run the page's SELECTs again straight on the database and time them.

        A query read with ``QuerySet.iterator()`` (the CSV and Excel downloads, the
        choices of a filter form) runs on PostgreSQL through a server-side cursor: Django
        records it as ``DECLARE "_django_curs_…" NO SCROLL CURSOR WITH HOLD FOR SELECT …``
        and its FETCHes not at all. Its SELECT is taken out of the DECLARE and run whole,
        so that the time of a download's query is counted rather than skipped."""
        total = 0.0
        with connection.cursor() as cursor:
            for query in captured:
                sql = query["sql"]
                declared = DECLARE_CURSOR.match(sql)
                if declared:
                    sql = declared["select"]
                elif not sql.lstrip().upper().startswith("SELECT"):
                    continue
                began = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                total += (time.perf_counter() - began) * 1000
        return total
