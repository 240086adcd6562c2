"""Render the annual committee report with a given number of upheld decisions and print
how long it took, how many pages it has and the memory it needed.

    .venv/bin/python manage.py benchmark_report --decisions 100

The decisions are made inside a transaction that is rolled back at the end, so any
database will do (the embedded SQLite one included) and nothing is left behind.
"""

import resource
import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from decisions.models import (
    Category,
    ComparisonAverage,
    Complaint,
    Decision,
    Finding,
    Organisation,
    ServiceArea,
)
from decisions.reports.content import Scope, report_content
from decisions.reports.drafts import draft_front_matter
from decisions.reports.render import report_html, report_pdf
from ombudsman.timing import ombudsman_year_bounds
from remedies.models import AgreedAction

K = AgreedAction.Kind


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the annual committee report's PDF with N upheld decisions."

    def add_arguments(self, parser):
        parser.add_argument("--decisions", type=int, default=100)
        parser.add_argument("--year", type=int, default=2023, help="Ombudsman year (2023: 2023-24)")
        parser.add_argument("--runs", type=int, default=3)

    def handle(self, *args, decisions, year, runs, **options):
        try:
            with transaction.atomic():
                self._fill(decisions, year)
                self._time(year, runs)
                raise Rollback
        except Rollback:
            pass

    def _fill(self, n, year):
        Organisation.objects.filter(is_home_authority=True).update(is_home_authority=False)
        home = Organisation.objects.create(
            name="Benchmark Shire County Council", short_name="the Council",
            kind=Organisation.Kind.COUNTY, population=650_000, is_home_authority=True,
        )  # fmt: skip
        ComparisonAverage.objects.update_or_create(
            ombudsman_year=year, authority_kind=Organisation.Kind.COUNTY,
            defaults={"upheld_rate_percent": 85, "upheld_per_100k": Decimal("4.5"),
                      "compliance_rate_percent": 100, "satisfactory_remedy_percent": 7},
        )  # fmt: skip
        areas = [
            ServiceArea.objects.get_or_create(directorate=d, service=s)[0]
            for d in ("Adult Social Care", "Children, Families and Education", "Place")
            for s in ("Assessments", "Commissioning", "Complaints", "Payments")
        ]
        categories = list(Category.objects.filter(parent__isnull=False)[:10])
        start = ombudsman_year_bounds(year)[0]
        for i in range(n):
            complaint = Complaint.objects.create(
                reference=f"{year % 100:02d} 9{i // 100:02d} {i % 100:03d}",
                complainant_label=["Mr X", "Mrs Y", "Ms Z", "Mr B"][i % 4],
                service_area=areas[i % len(areas)],
                category=categories[i % len(categories)] if categories else None,
            )
            complaint.organisations.add(home)
            decided = start + timedelta(days=(i * 3) % 360)
            decision = Decision.objects.create(
                complaint=complaint, decision_date=decided, outcome=Decision.Outcome.UPHELD,
                summary="The Council delayed an assessment and did not explain its decision, "
                "which caused uncertainty and avoidable time and trouble. " * 2,
            )  # fmt: skip
            Finding.objects.create(
                decision=decision, point="Delay in completing the assessment",
                fault=Finding.Fault.YES, injustice=True, result=Finding.Result.UPHELD,
            )  # fmt: skip
            for kind, amount, days, late in (
                (K.APOLOGY, None, 30, 0), (K.FINANCIAL, Decimal("250"), 61, i % 5),
                (K.SERVICE_IMPROVEMENT, None, 91, 0),
            ):  # fmt: skip
                due = decided + timedelta(days=days)
                AgreedAction.objects.create(
                    decision=decision, decision_date=decided, kind=kind, organisation=home,
                    description="Apologise to the complainant" if kind == K.APOLOGY
                    else "Remind staff of the timescales" if amount is None
                    else "Pay for the time and trouble",
                    payee_label="" if amount is None else complaint.complainant_label,
                    amount=amount, due_date=due, status=AgreedAction.Status.DONE,
                    completed_on=due + timedelta(days=3 * late) if late else due - timedelta(2),
                    compliance_outcome="complied_late" if late else "complied",
                    evidence_sent_on=due,
                )  # fmt: skip

    def _render(self, scope, end):
        today = timezone.localdate()
        began = time.perf_counter()
        content = report_content(scope, today=today)
        front = draft_front_matter(content)
        front.meeting_title, front.meeting_date = "Audit and Standards Committee", end
        gathered = time.perf_counter()
        rendered = report_pdf(report_html(front=front, content=content, made_on=today))
        return gathered - began, time.perf_counter() - gathered, rendered, content

    def _time(self, year, runs):
        start, end = ombudsman_year_bounds(year)
        scope = Scope(kind="annual", period_start=start, period_end=end, as_of=timezone.localdate())
        # Timed runs first, untraced (tracing allocations slows rendering several times).
        timings = [self._render(scope, end) for _ in range(runs)]
        data_s, pdf_s, rendered, content = min(timings, key=lambda t: t[0] + t[1])
        tracemalloc.start()
        self._render(scope, end)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"Annual report, {len(content.decisions)} upheld decisions, best of {runs} runs:\n"
            f"  data and drafts     {data_s * 1000:8.0f} ms\n"
            f"  HTML and PDF        {pdf_s * 1000:8.0f} ms\n"
            f"  total               {(data_s + pdf_s) * 1000:8.0f} ms\n"
            f"  pages               {rendered.page_count:8d}\n"
            f"  PDF size            {len(rendered.data) / 1024:8.0f} KB\n"
            f"  peak Python memory  {peak / 1024 / 1024:8.1f} MB (tracemalloc, one more run)\n"
            f"  peak process memory {rss:8.1f} MB (maximum resident set size)"
        )
