"""The front matter a monitoring officer starts from, drafted from the data.

Every draft is ordinary text the officer can change before the report is made; the
meeting's title and the author default to those of the last report made, since a
council reports to the same committee year after year."""

from dataclasses import dataclass
from datetime import date

from ..models import CommitteeReport
from .content import ReportContent, long_date, period_label

Kind = CommitteeReport.Kind
OMBUDSMAN = "the Local Government and Social Care Ombudsman"


@dataclass
class FrontMatter:
    meeting_title: str = ""
    meeting_date: date | None = None  # the officer's to give: no draft
    subject: str = ""
    report_by: str = ""
    wards_affected: str = "All"
    for_information: bool = True
    recommendations: str = ""
    requested_by: str = ""
    purpose: str = ""
    background: str = ""
    conclusion: str = ""

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _plural(n: int, word: str, plural: str = "") -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def _percent(value) -> str:
    return "no" if value is None else f"{value}%"


def _subject(content: ReportContent) -> str:
    scope = content.scope
    if scope.kind == Kind.ANNUAL:
        return f"The Ombudsman's annual review of the Council, {content.summary['year_label']}"
    if scope.kind == Kind.UPHELD:
        return f"Complaints upheld by {OMBUDSMAN}, {period_label(*scope.period())}"
    if scope.kind == Kind.OVERDUE:
        return f"Ombudsman remedies overdue at {long_date(scope.as_of)}"
    return (
        f"Public interest report on complaint {content.summary['reference']} and the "
        "Council's response"
    )


def _requested_by(content: ReportContent, meeting_title: str) -> str:
    """Who asked for the report: the committee it goes to, or the duty it is made under."""
    kind = content.scope.kind
    committee = f"The {meeting_title}" if meeting_title else "The Committee"
    if kind == Kind.PUBLIC_INTEREST:
        return (
            "Section 31(2) of the Local Government Act 1974: the Council must consider the "
            "Ombudsman's report and say what it has done or will do."
        )
    if kind == Kind.UPHELD:
        return (
            f"{committee}, and the Monitoring Officer's duty to report to members on "
            "complaints the Ombudsman upheld (section 5A of the Local Government and Housing "
            "Act 1989)."
        )
    if kind == Kind.OVERDUE:
        return f"{committee}, which follows the remedies the Council agreed with the Ombudsman."
    return f"{committee}, as part of its annual review of complaints to the Ombudsman."


def _purpose(content: ReportContent) -> str:
    scope, s = content.scope, content.summary
    if scope.kind == Kind.ANNUAL:
        return (
            f"To report the Ombudsman's annual figures for the Council for {s['year_label']}, "
            "compare them with similar authorities and earlier years, and set out the "
            "complaints the Ombudsman upheld, what the Council did to put things right and "
            "what it has learnt."
        )
    if scope.kind == Kind.UPHELD:
        return (
            f"To bring to the Committee's attention the {_plural(s['upheld'], 'complaint')} "
            f"upheld by {OMBUDSMAN} between {long_date(scope.period_start)} and "
            f"{long_date(scope.period_end)}, what the Council did to put things right and "
            "what it has learnt, as the Monitoring Officer's duty under section 5A of the "
            "Local Government and Housing Act 1989 requires."
        )
    if scope.kind == Kind.OVERDUE:
        return (
            "To tell the Committee which remedies the Council agreed with the Ombudsman are "
            f"past their agreed deadlines at {long_date(scope.as_of)}, and in which services."
        )
    return (
        f"To lay before the Committee the Ombudsman's public interest report on complaint "
        f"{s['reference']} ({s['decided']}), as section 31(2) of the Local Government Act "
        "1974 requires, and the Council's response to it."
    )


def _compliance(outcomes: int, complied: int, late: int, rate) -> str:
    """The Ombudsman's compliance outcomes in a sentence: how many cases it checked, in how
    many the Council did what it agreed, and how many of those late."""
    text = (
        "The Ombudsman checked whether the Council had done what it agreed in "
        f"{_plural(outcomes, 'case')}: "
    )
    if outcomes == 1:
        return text + ("it had, but late." if late else "it had." if complied else "it had not.")
    if complied == outcomes:
        text += f"it had in all {outcomes:,}"
    else:
        text += f"it had in {complied:,} ({_percent(rate)})"
    if late:
        text += f", {late:,} of them after the agreed date"
    return text + "."


def _against_the_period_before(now, before) -> str:
    """The opening of an upheld-decisions report: the period's decisions against the
    period of the same length before it, and upheld complaints by directorate."""
    text = (
        f"Between {long_date(now.start)} and {long_date(now.end)} the Ombudsman decided "
        f"{_plural(now.decided, 'complaint')} about the Council and completed "
        f"{_plural(now.investigations, 'detailed investigation')}, upholding {now.upheld:,}"
        + (f" ({now.upheld_rate}%)." if now.upheld_rate is not None else ".")
    )
    period = period_label(before.start, before.end)
    if not before.decided:
        text += f" No decision about the Council is recorded for the period before ({period})."
    else:
        text += (
            f" In the period before ({period}) it decided {before.decided:,}, completed "
            f"{_plural(before.investigations, 'detailed investigation')} and upheld "
            f"{before.upheld:,}"
            + (f" ({before.upheld_rate}%)." if before.upheld_rate is not None else ".")
        )
    directorates = sorted(set(now.upheld_by_directorate) | set(before.upheld_by_directorate))
    if now.upheld:
        parts = [
            f"{d or 'no service area'} {now.upheld_by_directorate.get(d, 0):,}"
            + (f" ({before.upheld_by_directorate.get(d, 0):,} before)" if before.decided else "")
            for d in directorates
        ]
        text += " Upheld complaints by directorate: " + "; ".join(parts) + "."
    return text + "\n"


def _background(content: ReportContent) -> str:
    scope, s = content.scope, content.summary
    if scope.kind == Kind.ANNUAL:
        text = (
            f"In {s['year_label']} the Ombudsman decided "
            f"{_plural(s['decided'], 'complaint')} about the Council and completed "
            f"{_plural(s['investigations'], 'detailed investigation')}, upholding "
            f"{s['upheld']:,} ({_percent(s['upheld_rate'])})."
        )
        previous = s["previous"]
        if previous is not None:
            text += (
                f" In {previous.label} it completed {previous.investigations:,} and upheld "
                f"{previous.upheld:,}"
                + (f" ({previous.upheld_rate}%)." if previous.upheld_rate is not None else ".")
            )
        if s["average_upheld_rate"]:
            text += f" The average for {s['similar']} was {s['average_upheld_rate']}."
        if s["upheld_by_area"]:
            text += (
                " Upheld complaints by service: "
                + "; ".join(f"{label} {n:,}" for label, n in s["upheld_by_area"])
                + "."
            )
        if s["compliance_outcomes"]:
            text += "\n" + _compliance(
                s["compliance_outcomes"], s["complied"], s["complied_late"], s["compliance_rate"]
            )
        if s["actions_completed"]:
            text += (
                f" Of the {_plural(s['actions_completed'], 'remedy', 'remedies')} the Council "
                f"completed in the year, {s['actions_completed_late']:,} "
                f"{'was' if s['actions_completed_late'] == 1 else 'were'} completed after "
                "the agreed date."
            )
        return text
    if scope.kind == Kind.UPHELD:
        text = _against_the_period_before(s["period"], s["before"]) if "period" in s else ""
        improvements = f"{s['improvements']:,}" if s["improvements"] else "none"
        text += (
            f"The Council agreed {_plural(s['actions'], 'action')} to put things right in "
            f"these complaints, {improvements} of them service improvements, and "
            f"{s['money']} in payments. {s['done']:,} have been completed"
        )
        if s["late"]:
            text += f", {s['late']:,} of them late."
        elif s["undated_done"]:  # no date agreed for some: neither on time nor late
            text += ", none after an agreed date."
        else:
            text += ", all on time."
        if s["already_reported"]:
            text += (
                f" {_plural(s['already_reported'], 'decision')} in this report "
                f"{'was' if s['already_reported'] == 1 else 'were'} reported to members "
                "before; each says when."
            )
        return text
    if scope.kind == Kind.OVERDUE:
        return (
            f"The Council has {_plural(s['open'], 'open action')} agreed with the Ombudsman. "
            f"{s['overdue']:,} {'is' if s['overdue'] == 1 else 'are'} past the agreed date "
            f"and {s['due_soon']:,} fall due in the next {s['due_soon_days']} days. In "
            f"{s['year_label']} so far "
            f"{_plural(s['completed_late'], 'action was', 'actions were')} completed late."
        )
    return (
        f"The Ombudsman issued a report under section 30 of the Local Government Act 1974 on "
        f"a complaint about {s['organisations']}. It made "
        f"{_plural(s['recommendations'], 'recommendation')}, of which {s['done']:,} "
        f"{'has' if s['done'] == 1 else 'have'} been completed."
    )


def _conclusion(content: ReportContent) -> str:
    scope, s = content.scope, content.summary
    if scope.kind == Kind.OVERDUE:
        if not s["overdue"]:
            return "No remedy agreed with the Ombudsman is overdue."
        return (
            "The services named in section 5 are asked to complete the overdue remedies and "
            "send evidence to the Ombudsman without further delay."
        )
    if scope.kind == Kind.PUBLIC_INTEREST:
        return (
            "The Council will tell the Ombudsman what it has done, or proposes to do, in "
            "response to the report within three months of receiving it."
        )
    return (
        "A review of the upheld complaints shows what the Council has put right and the "
        "changes it has made to its services so that the faults are not repeated."
    )


def draft_front_matter(content: ReportContent) -> FrontMatter:
    last = (
        CommitteeReport.objects.filter(status=CommitteeReport.Status.READY)
        .order_by("-created_at")
        .values("meeting_title", "parameters")
        .first()
    )
    is_pir = content.scope.kind == Kind.PUBLIC_INTEREST
    meeting_title = last["meeting_title"] if last else ""
    return FrontMatter(
        meeting_title=meeting_title,
        requested_by=_requested_by(content, meeting_title),
        report_by=(last["parameters"].get("report_by", "") if last else "") or "Monitoring Officer",
        subject=_subject(content),
        for_information=not is_pir,
        recommendations=(
            "That the Committee:\n"
            "1. notes the Ombudsman's report and its findings;\n"
            "2. agrees the Council's response and the actions set out in this report; and\n"
            "3. asks the Monitoring Officer to tell the Ombudsman what the Council has done "
            "or proposes to do."
        )
        if is_pir
        else "",
        purpose=_purpose(content),
        background=_background(content),
        conclusion=_conclusion(content),
    )
