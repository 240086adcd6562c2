"""Writes for committee reports: record a request, then render and store its PDF once.

A report is recorded with everything it is made from (``parameters``) before anything is
rendered, so the worker that renders it needs only its id. The PDF, its checksum and the
decisions it reported to members are stored together in one transaction; nothing ever
renders a stored report again, so later changes to the data never change it.
"""

import hashlib
import logging
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ..models import CommitteeReport, Decision, Organisation, ReportedDecision, ServiceArea
from .content import Scope, report_content
from .drafts import FrontMatter
from .render import report_html, report_pdf

logger = logging.getLogger(__name__)
Status = CommitteeReport.Status
FRONT_FIELDS = [f for f in FrontMatter.__dataclass_fields__ if f != "meeting_date"]


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
        "service_areas": [f"{a.directorate}: {a.service}" for a in scope.service_areas],
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
        **{name: params[name] for name in FRONT_FIELDS},
    )


def report_request(*, scope: Scope, front: FrontMatter, user) -> CommitteeReport:
    """Record a report to be made; the caller queues ``report_render`` after commit."""
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


def _progress(report_id: int, text: str) -> None:
    CommitteeReport.objects.filter(pk=report_id).update(progress=text)


def report_render(*, report_id: int) -> bool:
    """Render a queued report's PDF and store it with its checksum; mark the decisions it
    puts before members as reported. Claims the report first, so a retried or duplicate
    task renders nothing twice. Returns whether this call stored the PDF."""
    claimed = CommitteeReport.objects.filter(pk=report_id, status=Status.QUEUED).update(
        status=Status.RENDERING, progress="Gathering the decisions and figures"
    )
    if not claimed:
        return False
    report = CommitteeReport.objects.get(pk=report_id)
    try:
        params = report.parameters
        scope = scope_from_parameters(params)
        front = front_from_parameters(params)
        made_on = timezone.localdate(report.created_at)
        content = report_content(scope, today=scope.as_of or made_on, report_id=report.pk)
        _progress(report.pk, "Laying out the pages")
        rendered = report_pdf(report_html(front=front, content=content, made_on=made_on))
        with transaction.atomic():
            report.pdf.save(report.filename, ContentFile(rendered.data), save=False)
            report.sha256 = hashlib.sha256(rendered.data).hexdigest()
            report.page_count = rendered.page_count
            report.size_bytes = len(rendered.data)
            report.status = Status.READY
            report.progress = ""
            report.finished_at = timezone.now()
            report.save()
            ReportedDecision.objects.bulk_create(
                [ReportedDecision(report=report, decision=d) for d in content.decisions],
                ignore_conflicts=True,
            )
    except Exception as exc:
        logger.exception("Committee report %s could not be made", report_id)
        CommitteeReport.objects.filter(pk=report_id).update(
            status=Status.FAILED,
            progress="",
            error=f"The report could not be made: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        return False
    return True


def stored_pdf_intact(report: CommitteeReport) -> bytes | None:
    """The stored PDF's bytes if they still match the checksum recorded when it was made;
    None if the file was altered or lost."""
    try:
        with report.pdf.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ValueError):
        return None
    return data if hashlib.sha256(data).hexdigest() == report.sha256 else None
