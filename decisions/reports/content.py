"""What goes into a committee report, read from the database in a fixed number of queries.

The report's body is a list of numbered sections. Each kind of report (annual, upheld
decisions in a period, a public interest report, overdue remedies) assembles its own
sections from the same parts: the statistics table, charts, decisions grouped by
directorate and service, tables of actions. Only the Ombudsman's anonymised labels
("Mr X") are used for people: no user, officer or owner is named, and no free-text note
or full decision text is taken, because those may hold a real name.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from ombudsman.charts import Chart
from ombudsman.timing import ombudsman_year_of
from remedies.dashboard import Dashboard, dashboard, overdue_by_area_chart
from remedies.models import AgreedAction

from .. import statistics
from ..models import (
    CommitteeReport,
    Decision,
    Finding,
    Organisation,
    ReportedDecision,
    ServiceArea,
)
from ..statistics.repeats import REPEAT_MONTHS, repeat_faults

Kind = CommitteeReport.Kind
A = AgreedAction
IMPROVEMENT_KINDS = {A.Kind.SERVICE_IMPROVEMENT}
NO_AREA = "No service area"


def money(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    return (
        f"£{amount:,.2f}".replace(".00", "")
        if amount == amount.to_integral()
        else f"£{amount:,.2f}"
    )


def long_date(day: date | None) -> str:
    return f"{day:%-d %B %Y}" if day else ""


def period_label(start: date, end: date) -> str:
    return f"{long_date(start)} to {long_date(end)}"


@dataclass
class Scope:
    """What a report covers, as the monitoring officer chose it."""

    kind: str
    period_start: date | None = None
    period_end: date | None = None
    service_areas: list[ServiceArea] = field(default_factory=list)
    decision: Decision | None = None  # the public interest report
    unreported_only: bool = False
    as_of: date | None = None  # "today" for the overdue report
    # The council whose upheld decisions are reported: the home authority unless chosen.
    organisation: Organisation | None = None

    @property
    def areas_label(self) -> str:
        if not self.service_areas:
            return "All service areas"
        return "; ".join(str(a) for a in self.service_areas)

    @property
    def ombudsman_year(self) -> int | None:
        return ombudsman_year_of(self.period_start) if self.period_start else None

    def council(self) -> Organisation | None:
        """The council the report is about: the one chosen, else the home authority."""
        return self.organisation or statistics.home_authority()

    def period(self) -> tuple[date, date]:
        """The first and last day of an annual or upheld-decisions report's period."""
        if self.period_start is None or self.period_end is None:
            raise ValueError(f"The scope of a report of the kind {self.kind!r} has no period.")
        return self.period_start, self.period_end


# --- Decisions and their actions ----------------------------------------------------------


@dataclass
class ActionLine:
    kind: str
    text: str
    organisation: str
    payee: str
    amount: str
    due: str  # the date in force
    original_due: str  # when an extension moved it
    status: str
    completed_on: str
    timeliness: str  # where it stands, in words: "Paid on 8 March 2019, on time"
    compliance: str
    is_late: bool = False
    is_overdue: bool = False
    by_other: str = ""  # the body that owes it, when not the council the report is about

    @property
    def sentence(self) -> str:
        """The action as a sentence a committee paper prints: the words agreed, else its
        kind with the payee and amount ("Financial remedy of £150 to Mrs B.")."""
        text = self.text.strip()
        if not text:
            text = self.kind + (f" of {self.amount}" if self.amount else "")
            text += f" to {self.payee}" if self.payee else ""
        if self.by_other:
            text = text.rstrip(".") + f" ({self.by_other})"
        return text if text.endswith((".", "!", "?")) else text + "."


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _timeliness(action: AgreedAction, today: date) -> tuple[str, bool, bool]:
    """Where the action stands, in words, from AgreedAction.timing_on (the one choice):
    dates only where they exist, lateness said ("paid 12 days after the agreed date")."""
    timing = action.timing_on(today)
    due = action.effective_due_date
    done = "paid" if action.kind == A.Kind.FINANCIAL else "done"
    if timing.key == "withdrawn":
        return "Withdrawn", False, False
    if timing.key == "overdue":
        days = _days(timing.days or 0)
        return f"Overdue by {days} (due {long_date(due)}), not yet {done}", False, True
    if timing.key in ("done", "done_late"):
        on = f"{done.capitalize()} on {long_date(action.completed_on)}"
        if due is None:  # no date was agreed: neither on time nor late
            return on, False, False
        if timing.key == "done_late" and action.completed_on is not None:
            late = (action.completed_on - due).days
            return f"{on}, {_days(late)} after the agreed date", True, False
        return f"{on}, on time", False, False
    if timing.key == "undated":
        return f"Not yet {done}; no date was agreed", False, False
    return f"Due by {long_date(due)}; not yet {done}", False, False


def action_line(action: AgreedAction, today: date, council_id: int | None = None) -> ActionLine:
    timeliness, late, overdue = _timeliness(action, today)
    extended = action.extended_due_date and action.due_date
    organisation = action.organisation.short_name or action.organisation.name
    return ActionLine(
        kind=action.get_kind_display(),
        text=action.description,
        organisation=organisation,
        payee=action.payee_label,
        amount=money(action.amount),
        due=long_date(action.effective_due_date),
        original_due=long_date(action.due_date) if extended else "",
        status=action.get_status_display(),
        completed_on=long_date(action.completed_on),
        timeliness=timeliness,
        compliance=action.get_compliance_outcome_display(),
        is_late=late,
        is_overdue=overdue,
        by_other=action.organisation.name
        if council_id is not None and action.organisation_id != council_id
        else "",
    )


@dataclass
class FindingLine:
    point: str
    fault: str
    injustice: str
    result: str


# Words that keep their capital inside a sentence (titles, the Council, the Ombudsman).
KEEP_CAPITAL = {"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Council", "Ombudsman", "I"}


def _point(text: str) -> str:
    """A complaint point as it reads inside a sentence: the first letter in lower case
    unless the first word is a name or an abbreviation ("SEN", "Mr X", "EHC plan")."""
    text = text.strip().rstrip(".;")
    first = text.split(" ", 1)[0] if text else ""
    word = first.removesuffix("'s").removesuffix("’s")
    keep = word in KEEP_CAPITAL or (len(first) > 1 and first[1:] != first[1:].lower())
    return text if keep or not text else text[0].lower() + text[1:]


def _listed(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return "; ".join(items[:-1]) + "; and " + items[-1]


def fault_and_injustice(decision: Decision) -> list[str]:
    """What the Ombudsman found, as the sentences of a paragraph, from the findings."""
    findings = list(decision.findings.all())
    label = decision.complaint.complainant_label
    Fault = Finding.Fault
    at_fault = [f for f in findings if f.fault == Fault.YES]
    sentences = []
    if at_fault:
        points = [_point(f.point) for f in at_fault]
        if len(points) == 1:
            sentences.append(f"The Ombudsman found fault: {points[0]}.")
        else:
            sentences.append(
                f"The Ombudsman found fault on {len(points)} points: {_listed(points)}."
            )
        injustice = [f.injustice for f in at_fault]
        if any(injustice):
            sentences.append(f"The fault caused injustice{f' to {label}' if label else ''}.")
        elif injustice and all(i is False for i in injustice):
            sentences.append("It found the fault caused no injustice.")
    no_fault = [_point(f.point) for f in findings if f.fault == Fault.NO]
    if no_fault:
        sentences.append(f"It found no fault in {_listed(no_fault)}.")
    if not at_fault and decision.outcome == Decision.Outcome.UPHELD:
        sentences.insert(0, "The Ombudsman upheld the complaint.")
    if decision.satisfactory_remedy:
        sentences.append(
            "It found that the Council had already provided a satisfactory remedy before "
            "the complaint reached it."
        )
    return sentences


def _progress(actions: list[AgreedAction], lines: list[ActionLine]) -> str:
    """How the agreed actions stand, in one sentence (the report's "on time" in words)."""
    live = [ln for ln in lines if ln.timeliness != "Withdrawn"]
    if not live:
        return "No action was agreed."
    late = sum(1 for ln in live if ln.is_late)
    overdue = sum(1 for ln in live if ln.is_overdue)
    if overdue:
        return (
            f"{_count(overdue, 'action is', 'actions are')} past the agreed date and not yet "
            "done."
            + (f" {_count(late, 'action was', 'actions were')} completed late." if late else "")
        )
    if late:
        return f"{_count(late, 'action was', 'actions were')} completed after the agreed date."
    open_ = [a for a in actions if a.status == A.Status.OPEN]
    if open_:
        return "The actions still open are within their agreed dates."
    done = [a for a in actions if a.status == A.Status.DONE]
    dated = sum(1 for a in done if a.effective_due_date)
    if dated == len(done):
        return "Every action was completed by its agreed date."
    if not dated:
        return "Every action was completed; no dates were agreed."
    return "Every action was completed; those with an agreed date by that date."


def _count(n: int, one: str, many: str) -> str:
    words = {1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five"}
    return f"{words.get(n, f'{n:,}')} {one if n == 1 else many}"


COMPLIANCE_WORDS: dict[str, str] = {
    A.ComplianceOutcome.COMPLIED: "The Ombudsman recorded that the Council complied with "
    "its recommendations.",
    A.ComplianceOutcome.COMPLIED_LATE: "The Ombudsman recorded that the Council complied "
    "with its recommendations, late.",
    A.ComplianceOutcome.NOT_COMPLIED: "The Ombudsman recorded that the Council did not "
    "comply with its recommendations.",
}


@dataclass
class DecisionEntry:
    number: str
    reference: str
    complainant: str
    decided: str
    kind: str
    outcome: str
    category: str
    directorate: str
    service: str
    organisations: str
    summary: str
    satisfactory_remedy: bool
    findings: list[FindingLine]
    fault_text: list[str]  # the sentences of "Fault and injustice"
    remedies: list[ActionLine]  # all that put things right for the complainant
    agreed: list[ActionLine]  # those of them that are not payments
    payments: list[ActionLine]
    improvements: list[ActionLine]
    money_total: str
    progress: str  # how the actions stand, in a sentence
    compliance: str  # the Ombudsman's compliance outcome, in a sentence ("" when none)
    reported_before: list[str]

    @property
    def payments_dated(self) -> bool:
        return any(p.due for p in self.payments)


def _decision_entry(
    decision: Decision, today: date, report_id: int | None, council_id: int | None = None
) -> DecisionEntry:
    complaint = decision.complaint
    area = complaint.service_area
    actions = list(decision.actions.all())
    lines = [action_line(a, today, council_id) for a in actions]
    pairs = list(zip(actions, lines, strict=True))
    remedies = [ln for a, ln in pairs if a.kind not in IMPROVEMENT_KINDS]
    total = sum((a.amount for a in actions if a.amount is not None), Decimal("0"))
    compliance = statistics.worst_outcome(a.compliance_outcome for a in actions)
    reported = [
        f"{r.committee or 'members'}, {long_date(r.reported_on)}"
        for r in decision.reported_in.all()
        if r.report_id is None or r.report_id != report_id
    ]
    category = complaint.category
    return DecisionEntry(
        number="",
        reference=complaint.reference,
        complainant=complaint.complainant_label,
        decided=long_date(decision.decision_date),
        kind=decision.get_kind_display(),
        outcome=decision.get_outcome_display(),
        category=str(category) if category else "",
        directorate=area.directorate if area else NO_AREA,
        service=area.service if area else NO_AREA,
        organisations=", ".join(o.name for o in complaint.organisations.all()),
        summary=decision.summary,
        satisfactory_remedy=decision.satisfactory_remedy,
        findings=[
            FindingLine(
                f.point,
                f.get_fault_display(),
                {True: "Yes", False: "No", None: "Not stated"}[f.injustice],
                f.get_result_display(),
            )
            for f in decision.findings.all()
        ],
        fault_text=fault_and_injustice(decision),
        remedies=remedies,
        agreed=[ln for a, ln in pairs if a.kind not in IMPROVEMENT_KINDS | {A.Kind.FINANCIAL}],
        payments=[ln for a, ln in pairs if a.kind == A.Kind.FINANCIAL],
        improvements=[ln for a, ln in pairs if a.kind in IMPROVEMENT_KINDS],
        money_total=money(total) if total else "",
        progress=_progress(actions, lines),
        compliance=COMPLIANCE_WORDS.get(compliance, ""),
        reported_before=reported,
    )


def _decisions_queryset() -> QuerySet:
    return Decision.objects.select_related(
        "complaint__service_area", "complaint__category__parent"
    ).prefetch_related(
        "findings",
        "complaint__organisations",
        Prefetch(
            "actions",
            queryset=AgreedAction.objects.select_related("organisation").order_by("due_date", "id"),
        ),
        Prefetch(
            "reported_in",
            queryset=ReportedDecision.objects.standing().order_by("reported_on", "id"),
        ),
    )


def upheld_decisions(scope: Scope) -> QuerySet:
    """The upheld decisions about the council decided in the scope's period and service
    areas, in the order a report lists them."""
    decisions = _decisions_queryset().filter(
        outcome=Decision.Outcome.UPHELD,
        decision_date__range=(scope.period_start, scope.period_end),
    )
    about = scope.council()
    if about is not None:
        decisions = decisions.filter(complaint__organisations=about)
    if scope.service_areas:
        decisions = decisions.filter(complaint__service_area__in=scope.service_areas)
    if scope.unreported_only:
        decisions = decisions.exclude(
            pk__in=ReportedDecision.objects.standing().values("decision_id")
        )
    return decisions.order_by(
        "complaint__service_area__directorate",
        "complaint__service_area__service",
        "decision_date",
        "complaint__reference",
    )


@dataclass
class ServiceGroup:
    number: str
    service: str
    entries: list[DecisionEntry]


@dataclass
class DirectorateGroup:
    directorate: str
    services: list[ServiceGroup]

    @property
    def count(self) -> int:
        return sum(len(s.entries) for s in self.services)


def group_by_directorate(entries: list[DecisionEntry]) -> list[DirectorateGroup]:
    grouped: OrderedDict[str, OrderedDict[str, list]] = OrderedDict()
    for entry in entries:
        grouped.setdefault(entry.directorate, OrderedDict()).setdefault(entry.service, [])
        grouped[entry.directorate][entry.service].append(entry)
    return [
        DirectorateGroup(d, [ServiceGroup("", s, e) for s, e in services.items()])
        for d, services in grouped.items()
    ]


# --- Sections ----------------------------------------------------------------------------


@dataclass
class Section:
    heading: str
    template: str  # under templates/pdf/sections/
    data: dict = field(default_factory=dict)
    number: str = ""
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class ReportContent:
    """Everything a report shows besides its front matter."""

    scope: Scope
    sections: list[Section]
    decisions: list[Decision]  # the decisions put before members (s5A)
    charts: list[Chart]
    summary: dict  # figures the drafts quote


def number_sections(sections: list[Section], first: int) -> list[Section]:
    """Number sections from ``first`` and the decision entries inside them (5.1, 5.2 ...
    per service group, as a committee paper numbers its paragraphs)."""
    for n, section in enumerate(sections, start=first):
        section.number = str(n)
        groups = section.data.get("groups")
        if groups:
            sub = 0
            for group in groups:
                for service in group.services:
                    sub += 1
                    service.number = f"{n}.{sub}"
                    for k, entry in enumerate(service.entries, start=1):
                        entry.number = f"{n}.{sub}.{k}"
    return sections


def _upheld_sections(scope: Scope, today: date, report_id) -> tuple[list, list, dict]:
    decisions = list(upheld_decisions(scope))
    council = scope.council()
    council_id = council.pk if council else None
    entries = [_decision_entry(d, today, report_id, council_id) for d in decisions]
    groups = group_by_directorate(entries)
    actions = [a for d in decisions for a in d.actions.all()]
    done = [a for a in actions if a.status == A.Status.DONE]
    late = [a for a in done if a.completed_late]
    money_total = sum((a.amount for a in actions if a.amount is not None), Decimal("0"))
    summary = {
        "upheld": len(decisions),
        "actions": len(actions),
        "done": len(done),
        "late": len(late),
        "undated_done": sum(1 for a in done if a.effective_due_date is None),
        "open": sum(1 for a in actions if a.status == A.Status.OPEN),
        "overdue": sum(1 for a in actions if a.days_overdue(today)),
        "money": money(money_total) if money_total else "£0",
        "improvements": sum(1 for a in actions if a.kind in IMPROVEMENT_KINDS),
        "remedies": sum(1 for a in actions if a.kind not in IMPROVEMENT_KINDS),
        "already_reported": sum(1 for e in entries if e.reported_before),
    }
    if council is not None and scope.period_start and scope.period_end:
        start, end = scope.period()
        summary["period"] = statistics.period_counts(council, start, end, scope.service_areas)
        summary["before"] = statistics.period_counts(
            council, *statistics.previous_period(start, end), scope.service_areas
        )
    rows = [
        {
            "directorate": g.directorate,
            "service": s.service,
            "decisions": len(s.entries),
            "remedies": sum(len(e.remedies) for e in s.entries),
            "improvements": sum(len(e.improvements) for e in s.entries),
        }
        for g in groups
        for s in g.services
    ]
    sections = [
        Section(
            "Summary of upheld decisions",
            "upheld_summary.html",
            {"rows": rows, "summary": summary},
        )
    ]
    sections += [
        Section(group.directorate, "decision_group.html", {"groups": [group]}) for group in groups
    ]
    if not groups:
        sections[0].paragraphs.append(
            "The Ombudsman upheld no complaints about the Council in this period and these "
            "service areas."
        )
    return sections, decisions, summary


def _statistics_section(year: int) -> tuple[Section, list[Chart], dict]:
    stats = statistics.annual_statistics(year)
    charts = statistics.trend_charts(stats) if stats.home_authority else []
    f = stats.figures
    summary = {
        "year_label": stats.label,
        "investigations": f.investigations if f else 0,
        "upheld": f.upheld if f else 0,
        "upheld_rate": f.upheld_rate if f else None,
        "compliance_rate": f.compliance_rate if f else None,
        "compliance_outcomes": f.compliance_outcomes if f else 0,
        "complied": (f.complied + f.complied_late) if f else 0,
        "complied_late": f.complied_late if f else 0,
        "average_upheld_rate": f.average_upheld_rate if f else "",
        "similar": stats.similar_authorities,
        # The opening summary's figures, all from the statistics module.
        "decided": sum(row.decisions for row in stats.by_outcome),
        "previous": stats.trend[-2] if len(stats.trend) > 1 else None,
        "upheld_by_area": [(r.label, r.upheld) for r in stats.by_service_area if r.upheld],
        "actions_completed": f.actions_completed if f else 0,
        "actions_completed_late": f.actions_completed_late if f else 0,
    }
    section = Section(
        f"The Ombudsman's figures for {stats.label}",
        "statistics.html",
        {"stats": stats, "charts": charts},
    )
    return section, charts, summary


def _repeat_faults_section(scope: Scope) -> Section:
    """Where the Ombudsman found fault again in the report's year (members ask for it)."""
    start, end = scope.period()
    return Section(
        "Repeat faults",
        "repeat_faults.html",
        {"repeats": repeat_faults(start=start, end=end), "months": REPEAT_MONTHS},
    )


def _overdue_sections(scope: Scope) -> tuple[list[Section], list[Chart], dict]:
    today = scope.as_of
    if today is None:
        raise ValueError("The scope of an overdue remedies report has no date (as_of).")
    actions = AgreedAction.objects.owed_by_council()
    if scope.service_areas:
        actions = actions.filter(
            Q(service_area__in=scope.service_areas)
            | Q(
                service_area__isnull=True, decision__complaint__service_area__in=scope.service_areas
            )
        )
    board: Dashboard = dashboard(today=today, actions=actions)
    chart = overdue_by_area_chart(board.by_service_area, board.overdue)
    overdue = (
        actions.overdue_on(today)
        .select_related("decision__complaint", "service_area", "organisation")
        .order_by("service_area__directorate", "service_area__service", "in_force", "id")
    )
    rows = []
    money_total = Decimal("0")
    for action in overdue:
        area = action.service_area or action.decision.complaint.service_area
        line = action_line(action, today)
        money_total += action.amount or 0
        rows.append(
            {
                "reference": action.decision.complaint.reference,
                "area": str(area) if area else NO_AREA,
                "line": line,
                "days": action.days_overdue(today),
            }
        )
    summary = {
        "open": board.open,
        "overdue": board.overdue,
        "due_soon": board.due_soon,
        "due_soon_days": board.due_soon_days,
        "completed_late": board.completed_late,
        "year_label": board.year_label,
        "money": money(money_total) if money_total else "£0",
        "by_age": board.by_age,
    }
    sections = [
        Section(
            "Overdue remedies at a glance",
            "overdue_summary.html",
            {"board": board, "charts": [chart], "summary": summary},
        ),
        Section("Overdue remedies by service area", "overdue_list.html", {"rows": rows}),
    ]
    return sections, [chart], summary


def _public_interest_sections(scope: Scope, today: date, report_id) -> tuple[list, list, dict]:
    if scope.decision is None:
        raise ValueError("The scope of a public interest report has no decision.")
    decision = _decisions_queryset().get(pk=scope.decision.pk)
    council = scope.council()
    council_id = council.pk if council else None
    entry = _decision_entry(decision, today, report_id, council_id)
    duties = [
        action_line(a, today, council_id)
        for a in decision.actions.all()
        if a.kind == A.Kind.STATUTORY_DUTY
    ]
    recommendations = [
        action_line(a, today, council_id)
        for a in decision.actions.all()
        if a.kind != A.Kind.STATUTORY_DUTY
    ]
    summary = {
        "reference": entry.reference,
        "decided": entry.decided,
        "recommendations": len(recommendations),
        "done": sum(1 for ln in recommendations if ln.status == "Done"),
        "duties": len(duties),
        "organisations": entry.organisations,
    }
    sections = [
        Section("The Ombudsman's report", "pir_report.html", {"entry": entry}),
        Section(
            "The Ombudsman's recommendations and the Council's response",
            "action_table.html",
            {"lines": recommendations, "empty": "The report made no recommendations."},
        ),
        Section(
            "The Council's statutory duties after the report",
            "action_table.html",
            {
                "lines": duties,
                "intro": "Local Government Act 1974 sections 30 and 31, and Local Government "
                "and Housing Act 1989 section 5A.",
                "empty": "No statutory duties are recorded for this report.",
            },
        ),
    ]
    return sections, [decision], summary


def report_content(scope: Scope, *, today: date, report_id=None) -> ReportContent:
    """The body of a report of ``scope.kind``; ``number_sections`` numbers it once the
    front matter's own sections are known."""
    charts: list[Chart] = []
    decisions: list[Decision] = []
    if scope.kind == Kind.ANNUAL:
        year = scope.ombudsman_year
        if year is None:
            raise ValueError("The scope of an annual report has no period.")
        stats_section, charts, summary = _statistics_section(year)
        upheld, decisions, upheld_summary = _upheld_sections(scope, today, report_id)
        summary.update({f"upheld_{k}": v for k, v in upheld_summary.items()})
        sections = [stats_section, *upheld, _repeat_faults_section(scope)]
    elif scope.kind == Kind.UPHELD:
        sections, decisions, summary = _upheld_sections(scope, today, report_id)
    elif scope.kind == Kind.OVERDUE:
        sections, charts, summary = _overdue_sections(scope)
    else:
        sections, decisions, summary = _public_interest_sections(scope, today, report_id)
    return ReportContent(
        scope=scope,
        sections=sections,
        decisions=decisions,
        charts=charts,
        summary=summary,
    )
