"""Fill a database with a national-scale volume and time the main pages: the server time
of each page and of its bare SQL, then each page under load (gunicorn with two workers,
driven by wrk with a signed-in manager's session), then the overdue sweep beside a bare
UPDATE of the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ombudsman_bench \\
        .venv/bin/python manage.py benchmark_pages --decisions 200000 --actions 600000

--realistic fills 10,000 decisions (the largest council over ten years) instead. Refuses
to add data to a database that already holds complaints, unless --reuse (time the data
already there, e.g. a second run) or --demo (the demo data of `make run`, 8 connections);
--pages WORD ... times only the pages whose name has one of the words ("decisions").
Nothing the command measures is left changed: the sweep and the bare UPDATE run in
transactions that are rolled back.
"""

import os
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

from decisions.models import (
    Category,
    Complaint,
    Decision,
    Organisation,
    ServiceArea,
    YearSummaryState,
)
from decisions.statistics.summary import list_columns_rebuild, year_summaries_rebuild
from ombudsman.loadbench import LoadError, Server, signed_in_cookie
from remedies.models import AgreedAction
from remedies.sweep import SweepResult, overdue_sweep
from remedies.tally import tally_kept

BATCH = 10_000
WARM_UP = 3  # seconds of load on each page before it is measured
# How Django logs a query read through a server-side cursor (QuerySet.iterator()).
PREPARED_PARAMETER = re.compile(r"\$\d+\b")
DECLARE_CURSOR = re.compile(
    r"\s*DECLARE\s+\S+\s+(?:(?:NO\s+)?SCROLL\s+)?CURSOR\s+(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s+"
    r"(?P<select>SELECT\b.*)",
    re.IGNORECASE | re.DOTALL,
)
OUTCOMES = ["upheld"] * 6 + ["not_upheld"] * 3 + ["closed_initial"] * 4 + ["referred_back"]
KINDS = ["apology", "financial", "service_improvement", "review_or_reassess", "action_plan"]


# The actions list's sorts timed both ways, under its opening filters and any status.
SORTED_BY_GROUP = ["organisation", "service_area", "owner", "reference"]

REALISTIC = (10_000, 30_000)  # the largest council's decisions over ten years


class Command(BaseCommand):
    help = "Fill the database with a national-scale volume and time the main pages."

    def add_arguments(self, parser):
        parser.add_argument("--decisions", type=int, default=200_000)
        parser.add_argument("--actions", type=int, default=600_000)
        parser.add_argument(
            "--realistic",
            action="store_true",
            help=f"Fill {REALISTIC[0]:,} decisions and {REALISTIC[1]:,} actions: the "
            "largest council over ten years.",
        )
        parser.add_argument("--runs", type=int, default=5, help="Timed requests per page.")
        parser.add_argument("--reuse", action="store_true", help="Time the data already there.")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Time the data already there (e.g. the demo's), 8 connections by default.",
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--connections",
            type=int,
            help="Requests in flight at once under load (default 4; 8 with --demo).",
        )
        parser.add_argument("--duration", type=int, default=15, help="Seconds of load a page.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
        parser.add_argument("--no-load", action="store_true", help="Skip the pages under load.")
        parser.add_argument("--no-sweep", action="store_true", help="Skip the sweep's timing.")
        parser.add_argument(
            "--pages",
            nargs="+",
            metavar="WORD",
            help='Time only the pages whose name has one of these words ("decisions").',
        )

    def handle(self, *args, decisions, actions, realistic, runs, reuse, demo, seed, **options):
        self.options = options
        if connection.vendor != "postgresql":
            raise CommandError("Run the benchmark on PostgreSQL (set DATABASE_URL).")
        reuse = reuse or demo
        if Complaint.objects.exists() and not reuse:
            raise CommandError(
                "This database already holds complaints. Use an empty database, or --reuse "
                "to time the pages on the data already there."
            )
        if realistic:
            decisions, actions = REALISTIC
        if not reuse:
            started = time.perf_counter()
            self._fill(decisions, actions, random.Random(seed))  # noqa: S311 - test data
            self.stdout.write(f"Filled in {time.perf_counter() - started:.0f} s.")
            # As the nightly job leaves them (the data was written around the services).
            started = time.perf_counter()
            changed = list_columns_rebuild()
            self.stdout.write(
                f"List columns of {changed:,} complaints worked out in "
                f"{time.perf_counter() - started:.1f} s."
            )
        built = YearSummaryState.objects.filter(built_at__isnull=False, repeats_built=True)
        rebuilt = not built.exists() or not tally_kept()
        if rebuilt:
            # As the nightly job leaves them, with the dashboard's action tallies (the data
            # was written around the services).
            started = time.perf_counter()
            years = year_summaries_rebuild()
            self.stdout.write(
                f"Year summaries rebuilt ({years} years) in {time.perf_counter() - started:.1f} s."
            )
        if (not reuse or rebuilt) and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                # As autovacuum would leave it in production, after everything is written
                # (the kept summaries, repeats and tallies too): statistics for the planner
                # and a visibility map, so that index-only scans are possible. Not inside a
                # transaction (a test's): VACUUM cannot run there, and ANALYZE's table sizes
                # would outlast its rollback and change other tests' plans.
                cursor.execute("VACUUM ANALYZE")
        manager = (
            get_user_model()
            .objects.filter(groups__name="Managers", is_active=True)
            .order_by("id")
            .first()
        )
        if manager is None:
            raise CommandError("No user in the Managers group to view the pages as.")
        counts = (
            Complaint.objects.count(), Decision.objects.count(), AgreedAction.objects.count()
        )  # fmt: skip
        self.stdout.write(
            f"\nData: {counts[0]:,} complaints, {counts[1]:,} decisions, {counts[2]:,} actions;"
            f" pages seen as {manager.username} (a manager)."
        )
        self._time_pages(manager, runs)
        if not options["no_load"]:
            connections = options["connections"] or (8 if demo else 4)
            self._load_pages(
                manager, connections=connections, seconds=options["duration"],
                workers=options["workers"],
            )  # fmt: skip
        if not options["no_sweep"]:
            self._time_sweep()

    def _load_average(self) -> str:
        one, five, fifteen = os.getloadavg()
        return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} CPUs)"

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
        # The manager the pages are seen as has a few dozen open actions on "My actions",
        # as a person would (the owners above have thousands each at national scale).
        manager = User.objects.get(username="bench-manager")
        first_open = AgreedAction.objects.filter(status="open").order_by("id")
        mine = list(first_open.values_list("id", flat=True)[:2000])
        AgreedAction.objects.filter(id__in=rng.sample(mine, min(40, len(mine)))).update(
            owner=manager
        )

    # -- timing -------------------------------------------------------------------------

    def _pages(self) -> list[tuple[str, str]]:
        words = [word.lower() for word in self.options.get("pages") or []]
        return [
            (name, url)
            for name, url in self._every_page()
            if not words or any(word in name.lower() for word in words)
        ]

    def _every_page(self) -> list[tuple[str, str]]:
        year = timezone.localdate().year - (1 if timezone.localdate().month < 4 else 0)
        decisions, actions = reverse("decisions:list"), reverse("remedies:action_list")
        return [
            ("Decisions list", decisions),
            ("Decisions list, filtered", f"{decisions}?outcome=upheld&sort=reference"),
            ("Decisions, open actions", f"{decisions}?has_open_actions=yes&sort=service_area"),
            # The search: part of a reference (ten complaints), a word of every summary
            # the command writes (the most a search can find), a word of none.
            ("Decisions, search, reference", f"{decisions}?q=10+000+12"),
            ("Decisions, search, word", f"{decisions}?q=injustice"),
            ("Decisions, search, no match", f"{decisions}?q=drainage"),
            ("Decisions, CSV", reverse("decisions:csv")),
            ("Decisions, Excel", reverse("decisions:xlsx")),
            ("Dashboard", reverse("remedies:dashboard")),
            ("Actions, open", actions),
            ("Actions, overdue", f"{actions}?overdue=yes"),
            # The sorts by another table's fields, read group by group: the list's
            # opening filters, and any status.
            *(
                (f"Actions, {sign}{key}{name}", f"{actions}?{query}sort={sign}{key}")
                for key in SORTED_BY_GROUP
                for sign in ("", "-")
                for name, query in (("", ""), (", any", "status=&"))
            ),
            ("My actions", reverse("remedies:mine")),
            ("Actions, CSV", reverse("remedies:action_csv") + "?overdue=yes"),
            ("Actions, Excel", reverse("remedies:action_xlsx") + "?overdue=yes"),
            ("My actions, Excel", reverse("remedies:mine_xlsx")),
            ("Statistics", reverse("decisions:statistics") + f"?year={year}"),
        ]

    def _time_pages(self, manager, runs):
        client = Client()
        client.force_login(manager)
        host = (settings.ALLOWED_HOSTS or ["localhost"])[0]
        self.stdout.write(
            f"\nServer time, in this process: median of {runs} requests each after one "
            f"warm-up ({self._load_average()}).\nA download's server time runs to its last "
            'byte; "first byte" is when its first row was ready.\n'
        )
        header = (
            f"{'page':<28}{'status':>7}{'queries':>9}{'server ms':>11}{'CPU ms':>8}"
            f"{'SQL ms':>8}{'first byte':>12}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for name, url in self._pages():
            client.get(url, HTTP_HOST=host)  # warm up caches and connections
            server, cpu, sql, first = [], [], [], []
            status = queries = 0
            for _ in range(runs):
                with CaptureQueriesContext(connection) as ctx:
                    began, began_cpu = time.perf_counter(), time.process_time()
                    response = client.get(url, HTTP_HOST=host)
                    if response.streaming:  # a download: time it to the last byte
                        chunks = iter(response.streaming_content)
                        # The header line (a CSV's; a workbook's first zip header)
                        # comes before any row is read: the first byte counted is
                        # the first row's.
                        next(chunks, b"")
                        next(chunks, b"")
                        first.append((time.perf_counter() - began) * 1000)
                        b"".join(chunks)
                    server.append((time.perf_counter() - began) * 1000)
                    cpu.append((time.process_time() - began_cpu) * 1000)
                status, queries = response.status_code, len(ctx.captured_queries)
                sql.append(self._bare_sql_ms(ctx.captured_queries))
            first_byte = f"{statistics.median(first):.0f}" if first else ""
            self.stdout.write(
                f"{name:<28}{status:>7}{queries:>9}{statistics.median(server):>11.0f}"
                f"{statistics.median(cpu):>8.0f}{statistics.median(sql):>8.0f}{first_byte:>12}"
            )

    def _load_pages(self, manager, *, connections, seconds, workers):
        """Each page under load: gunicorn as in production, wrk with the manager's
        session, one page after another, /healthz (no session, one query) the floor."""
        server = Server(workers=workers, log=self.stdout.write)
        warm_up = min(WARM_UP, seconds)
        cookie = signed_in_cookie(manager, server.secret_key)
        # Not under load: a second actions list, its sorts, and every complaint's
        # download (timed above to its first and last byte).
        actions = reverse("remedies:action_list")
        left_out = {"Actions, overdue", "Decisions, CSV", "Decisions, Excel"}
        pages = [
            (name, url)
            for name, url in self._pages()
            if name not in left_out and not (url.startswith(actions) and "sort=" in url)
        ]
        pages.append(("/healthz (the floor)", reverse("healthz")))
        self.stdout.write(
            f"\nUnder load: gunicorn with {workers} workers (DEBUG off), wrk with "
            f"{connections} connections for {seconds} s a page after a {warm_up} s warm-up."
            "\nErrors: responses other than 2xx/3xx, and connections that failed. A download "
            "is timed to its last byte.\n"
        )
        header = (
            f"{'page':<28}{'requests/s':>11}{'median ms':>11}{'p99 ms':>9}{'errors':>8}"
            f"{'requests':>10}  load average"
        )
        with server.running():
            self.stdout.write(header)
            self.stdout.write("-" * len(header))
            for name, url in pages:
                page_cookie = None if url == reverse("healthz") else cookie
                status = server.status(url, cookie=page_cookie)
                if status != 200:
                    raise LoadError(f"{name} ({url}) answered {status}, not 200, when signed in.")
                server.drive(url, cookie=page_cookie, connections=connections, seconds=warm_up)
                result = server.drive(
                    url, cookie=page_cookie, connections=connections, seconds=seconds
                )
                self.stdout.write(
                    f"{name:<28}{result.per_second:>11.1f}{result.median_ms:>11.0f}"
                    f"{result.p99_ms:>9.0f}{result.errors:>8}{result.requests:>10}  "
                    f"{os.getloadavg()[0]:.2f}"
                )
            # The session still holds: no page above was measured as the sign-in redirect.
            if server.status(reverse("decisions:list"), cookie=cookie) != 200:
                raise LoadError("The session was no longer accepted at the end of the run.")

    def _time_sweep(self) -> None:
        """The overdue sweep on the first morning (every overdue action newly flagged,
        every reminder new) beside a bare UPDATE of the rows it flags; both rolled back,
        fastest of two runs each."""
        today = timezone.localdate()
        open_overdue = (
            "status = 'open' AND overdue_since IS NULL "
            "AND COALESCE(extended_due_date, due_date) < %s"
        )
        bare_sql = f"UPDATE remedies_agreedaction SET overdue_since = %s WHERE {open_overdue}"  # noqa: S608
        swept: list[float] = []
        bare: list[float] = []
        flagged = 0
        for _ in range(2):
            with transaction.atomic():
                began = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(bare_sql, [today, today])
                    flagged = cursor.rowcount
                bare.append(time.perf_counter() - began)
                transaction.set_rollback(True)
            with transaction.atomic():
                began = time.perf_counter()
                result: SweepResult = overdue_sweep(today=today)
                swept.append(time.perf_counter() - began)
                transaction.set_rollback(True)
        self.stdout.write(
            f"\nOverdue sweep ({self._load_average()}), rolled back: fastest of 2 runs.\n"
            f"  sweep: {min(swept) * 1000:,.0f} ms, flagging {result.newly_overdue_actions:,} "
            f"overdue actions and recording {result.reminders_recorded:,} reminders and "
            f"{result.emails_recorded:,} e-mails\n"
            f"  bare UPDATE of the same actions: {min(bare) * 1000:,.0f} ms ({flagged:,} rows)\n"
            f"  ratio: {min(swept) / max(min(bare), 1e-6):.1f}"
        )

    @staticmethod
    def _bare_sql_ms(captured) -> float:
        """Run the page's SELECTs again straight on the database and time them.

        A query read with ``QuerySet.iterator()`` (the CSV and Excel downloads, the
        choices of a filter form) runs on PostgreSQL through a server-side cursor: Django
        records it as ``DECLARE "_django_curs_…" NO SCROLL CURSOR WITH HOLD FOR SELECT …``
        and its FETCHes not at all. Its SELECT is taken out of the DECLARE and run whole,
        so that the time of a download's query is counted rather than skipped. A prepared
        statement (``ombudsman.statements``, logged with its ``$1`` placeholders and not
        its values) is counted at the time it took, as recorded."""
        total = 0.0
        with connection.cursor() as cursor:
            for query in captured:
                sql = query["sql"]
                if PREPARED_PARAMETER.search(sql):
                    total += float(query["time"]) * 1000
                    continue
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
