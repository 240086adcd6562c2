"""The demo's committee report: Portsmouth City Council's report to its Governance and
Audit and Standards Committee of 3 March 2020 on the complaints the Ombudsman upheld in
2018/19, made from the demo's records as a monitoring officer would make it."""

from datetime import date

from decisions.models import CommitteeReport, Organisation
from decisions.reports.content import Scope, report_content
from decisions.reports.drafts import draft_front_matter
from decisions.reports.services import report_render, report_request

from .common import PORTSMOUTH

MEETING = "Governance and Audit and Standards Committee"
MEETING_DATE = date(2020, 3, 3)


def committee_report(*, user, today: date) -> CommitteeReport | None:
    """Make the report once; None when it is already there."""
    if CommitteeReport.objects.filter(meeting_title=MEETING, meeting_date=MEETING_DATE).exists():
        return None
    scope = Scope(
        kind=CommitteeReport.Kind.UPHELD,
        period_start=date(2018, 4, 1),
        period_end=date(2019, 3, 31),
        organisation=Organisation.objects.get(name=PORTSMOUTH),
        as_of=today,
    )
    front = draft_front_matter(report_content(scope, today=today))
    front.meeting_title = MEETING
    front.meeting_date = MEETING_DATE
    front.subject = (
        "Additional information in relation to complaints upheld by the Local Government "
        "and Social Care Ombudsman in 2018/19"
    )
    front.report_by = "Assistant Director of Corporate Services"
    front.background = (
        "The annual review of corporate complaints, including the Ombudsman's complaints, "
        "was considered by the Committee in September 2019, and the Committee asked for "
        "more detail of the complaints the Ombudsman upheld in 2018/19.\n" + front.background
    )
    report = report_request(scope=scope, front=front, user=user)
    report_render(report_id=report.pk)
    report.refresh_from_db()
    return report
