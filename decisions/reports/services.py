"""Writes for committee reports: record a request, then render and store its PDF once.

A report is recorded with everything it is made from (``parameters``) before anything is
rendered, so the worker that renders it needs only its id. The PDF, its checksum and the
decisions it reported to members are stored together in one transaction; nothing ever
renders a stored report again, so later changes to the data never change it.
"""

import hashlib
import logging
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ombudsman.outbox import Outbox
from remedies.models import AgreedAction

from ..models import CommitteeReport, Decision, Organisation, ReportedDecision, ServiceArea
from ..statistics import home_authority
from ..statistics.summary import keeps_year_summaries
from .content import Scope, report_content
from .drafts import FrontMatter
from .render import report_html, report_pdf

logger = logging.getLogger(__name__)
Status = CommitteeReport.Status
FRONT_FIELDS = [f for f in FrontMatter.__dataclass_fields__ if f != "meeting_date"]

# The task that renders one is killed after RENDER_TIME_LIMIT seconds (a 20-page report
# takes about 3 s); a claim older than LEASE is therefore from a worker that died.
RENDER_TIME_LIMIT = 240
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 3

REPORTS = Outbox(
    model=CommitteeReport,
    task_name="decisions.render_committee_report",
    waiting=Status.QUEUED,
    working=Status.RENDERING,
    done=Status.READY,
    failed=Status.FAILED,
    lease=LEASE,
    retry_after=timedelta(minutes=1),
    max_attempts=MAX_ATTEMPTS,
)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def report_parameters(*, scope: Scope, front: FrontMatter) -> dict:
    """Everything a report is made from, by id and by name, as JSON."""
    return {
        "kind": scope.kind,
        "period_start": _iso(scope.period_start),
        "period_end": _iso(scope.period_end),
        "as_of": _iso(scope.as_of),
        "service_area_ids": [a.pk for a in scope.service_areas],
        "service_areas": [str(a) for a in scope.service_areas],
        "decision_id": scope.decision.pk if scope.decision else None,
        "decision": str(scope.decision) if scope.decision else "",
        "organisation_id": scope.organisation.pk if scope.organisation else None,
        "organisation": scope.organisation.name if scope.organisation else "",
        "unreported_only": scope.unreported_only,
        "meeting_date": _iso(front.meeting_date),
        **{name: getattr(front, name) for name in FRONT_FIELDS},
    }


def scope_from_parameters(params: dict) -> Scope:
    decision = Decision.objects.get(pk=params["decision_id"]) if params["decision_id"] else None
    organisation = (
        Organisation.objects.get(pk=params["organisation_id"])
        if params["organisation_id"]
        else None
    )
    return Scope(
        kind=params["kind"],
        period_start=_day(params["period_start"]),
        period_end=_day(params["period_end"]),
        as_of=_day(params["as_of"]),
        service_areas=list(
            ServiceArea.objects.filter(pk__in=params["service_area_ids"]).order_by(
                "directorate", "service"
            )
        ),
        decision=decision,
        organisation=organisation,
        unreported_only=params["unreported_only"],
    )


def front_from_parameters(params: dict) -> FrontMatter:
    return FrontMatter(
        meeting_date=_day(params["meeting_date"]),
        # A report made before a field was added to the front matter has none.
        **{name: params[name] for name in FRONT_FIELDS if name in params},
    )


def report_request(*, scope: Scope, front: FrontMatter, user) -> CommitteeReport:
    """Record a report to be made; the caller queues it with ``report_queue``."""
    if front.meeting_date is None:
        raise ValueError("A report's front matter needs the date of the meeting.")
    return CommitteeReport.objects.create(
        kind=scope.kind,
        period_start=scope.period_start,
        period_end=scope.period_end,
        parameters=report_parameters(scope=scope, front=front),
        meeting_title=front.meeting_title,
        meeting_date=front.meeting_date,
        subject=front.subject,
        created_by=user,
    )


def report_queue(*, report: CommitteeReport) -> bool:
    """Queue a waiting report for a worker, outside any transaction. Returns False if the
    job queue cannot be reached: the report waits and the every-minute requeue queues it
    once the queue is back."""
    return REPORTS.publish([report.pk]) == 1


def report_retry(*, report: CommitteeReport) -> bool:
    """A failed report, asked for again: waiting, with its attempts from zero. Returns
    False if it had not failed (made meanwhile, or already waiting)."""
    return REPORTS.try_again([report.pk], progress="", finished_at=None) == 1


def _progress(report_id: int, claim, text: str) -> None:
    REPORTS.held(report_id, claim).update(progress=text)


def report_render(*, report_id: int) -> bool:
    """Render a queued report's PDF and store it with its checksum; mark the decisions it
    puts before members as reported. Claims the report first, so a retried or duplicate
    task renders nothing twice. Returns whether this call stored the PDF."""
    claim = REPORTS.claim(report_id, progress="Gathering the decisions and figures")
    if claim is None:
        return False
    report = CommitteeReport.objects.get(pk=report_id)
    try:
        params = report.parameters
        scope = scope_from_parameters(params)
        front = front_from_parameters(params)
        made_on = timezone.localdate(report.created_at)
        content = report_content(scope, today=scope.as_of or made_on, report_id=report.pk)
        _progress(report.pk, claim, "Laying out the pages")
        rendered = report_pdf(report_html(front=front, content=content, made_on=made_on))
        with transaction.atomic():
            # Still ours? A worker that outlived its lease leaves the report to the one
            # that took it over.
            if not REPORTS.held(report_id, claim).select_for_update().exists():
                return False
            report.pdf.save(report.filename, ContentFile(rendered.data), save=False)
            report.sha256 = hashlib.sha256(rendered.data).hexdigest()
            report.page_count = rendered.page_count
            report.size_bytes = len(rendered.data)
            report.status = Status.READY
            report.progress = ""
            report.last_error = ""
            report.finished_at = timezone.now()
            report.save()
            report_to_members(
                report=report,
                decisions=content.decisions,
                made_on=made_on,
                council=scope.organisation or home_authority(),
            )
    except Exception as exc:
        logger.exception("Committee report %s could not be made", report_id)
        REPORTS.fail(
            report_id, claim, f"The report could not be made: {exc}",
            progress="", finished_at=timezone.now(),
        )  # fmt: skip
        return False
    return True


def _complaints_reported(*, decisions: list, **_) -> list[int]:
    return [d.complaint_id for d in decisions]


def _complaints_completed_by(*, report: CommitteeReport, **_) -> list[int]:
    completed = AgreedAction.objects.filter(completed_by_report=report)
    return list(completed.values_list("decision__complaint_id", flat=True).distinct())


@keeps_year_summaries(_complaints_reported)
def report_to_members(
    *, report: CommitteeReport, decisions: list, made_on: date, council: Organisation | None
) -> None:
    """Record that ``report`` put ``decisions`` before members (its committee, its meeting
    date) and complete each one's open "report to committee" action of ``council``, the
    council whose members the report goes to (every council's, when none is known):
    reporting to members is one thing, however it is recorded. Called inside the
    transaction that stores the PDF."""
    ReportedDecision.objects.bulk_create(
        [
            ReportedDecision(
                report=report,
                decision=d,
                committee=report.meeting_title,
                reported_on=report.meeting_date,
            )
            for d in decisions
        ],
        ignore_conflicts=True,
    )
    # One by one, so that each action's history shows what completed it (a report lists
    # few decisions, and few of them have such an action).
    actions = AgreedAction.objects.filter(
        decision__in=[d.pk for d in decisions],
        kind=AgreedAction.Kind.REPORT_TO_COMMITTEE,
        status=AgreedAction.Status.OPEN,
    )
    if council is not None:
        actions = actions.filter(organisation=council)
    for action in actions:
        action.status = AgreedAction.Status.DONE
        # Done when the report was made; the meeting may be ahead.
        action.completed_on = min(made_on, report.meeting_date)
        action.completed_by = report.created_by
        action.completion_note = (
            f'Put before members in the report "{report.subject}" to the '
            f"{report.meeting_title}, {report.meeting_date:%-d %B %Y}."
        )
        action.completed_by_report = report
        action.overdue_since = None
        action.save()


class NotWithdrawable(ValueError):
    """The report was not made, or was withdrawn already."""


@keeps_year_summaries(_complaints_completed_by)
def report_withdraw(*, report: CommitteeReport, user, reason: str) -> CommitteeReport:
    """Withdraw a report made by mistake: who, when and why are recorded (and kept in its
    history); the PDF stays stored as laid. Its decisions no longer count as reported to
    members (reported_to_members_q), and the "report to committee" actions it completed
    are open again unless another record still reports their decision."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A report is withdrawn only with a reason.")
    with transaction.atomic():
        report = CommitteeReport.objects.select_for_update().get(pk=report.pk)
        if not report.can_be_withdrawn:
            raise NotWithdrawable(
                "This report cannot be withdrawn: it was not made, or it was withdrawn already."
            )
        report.withdrawn_at = timezone.now()
        report.withdrawn_by = user
        report.withdrawal_reason = reason
        report._change_reason = reason  # type: ignore[attr-defined]  # simple-history
        report.save()
        still_reported = ReportedDecision.objects.standing().values("decision_id")
        for action in AgreedAction.objects.filter(completed_by_report=report).exclude(
            decision__in=still_reported
        ):
            action.status = AgreedAction.Status.OPEN
            action.completed_on = None
            action.completed_by = None
            action.completion_note = ""
            action.completed_by_report = None
            action.save()
    return report


def stored_pdf_intact(report: CommitteeReport) -> bytes | None:
    """The stored PDF's bytes if they still match the checksum recorded when it was made;
    None if the file was altered or lost."""
    try:
        with report.pdf.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ValueError):
        return None
    return data if hashlib.sha256(data).hexdigest() == report.sha256 else None
