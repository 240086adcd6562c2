"""Plainly fictional recent cases (26 xxx xxx), dated relative to the day the demo is loaded.

Between them they show every state an action can be in today: long overdue (one of them
recorded by the Ombudsman as not complied), just overdue, extended and no longer overdue,
due soon, undated, done, and withdrawn because a further decision superseded it; and the
Ombudsman's enquiries answered on time, answered late, overdue and due soon.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from remedies.models import AgreedAction

from .common import (
    CAMBS,
    CHARGING,
    CHILDREN,
    COMPLAINTS,
    DIRECT_PAYMENTS,
    DRAFT,
    FURTHER,
    INITIAL,
    ONE_MONTH,
    SEN,
    THREE_MONTHS,
    TWO_MONTHS,
    UPHELD,
    YES,
    EnquiryRow,
    Extension,
    K,
    _action,
    _decided_for,
    _due,
)

NOT_COMPLIED = AgreedAction.ComplianceOutcome.NOT_COMPLIED


def _answered(kind, sent: date, *, days=28, late_by=0, notes="") -> EnquiryRow:
    """An enquiry answered ``days`` after it was sent with a reply due four weeks (or
    ``days``) later: three days early, or ``late_by`` days late."""
    due = sent + timedelta(days=days)
    answered = due + timedelta(days=late_by) if late_by else due - timedelta(days=3)
    return EnquiryRow(kind, sent, due, answered, notes)


def initial(decided: date) -> EnquiryRow:
    """The Ombudsman's initial enquiries, sent when it took the complaint on (four months
    before its decision) and answered on time."""
    return _answered(
        INITIAL,
        decided - relativedelta(months=4),
        notes="Case file, the Council's complaint responses and a chronology sent.",
    )


def cases(orgs: dict, areas: dict, users: dict, today: date) -> list[dict]:
    """Plainly fictional cases dated relative to today, so that today's views show
    actions long overdue, just overdue, due soon and undated."""
    today = today
    council = orgs[CAMBS]
    manager, officer = users["service.manager"], users["officer"]
    fictional = "Fictional demo case, dated relative to the day the demo data was loaded."

    def case(reference, label, area, category, decided, summary, findings, actions, **extra):
        return {
            "reference": reference,
            "label": label,
            "organisations": [CAMBS],
            "area": area,
            "category": category,
            "decided": decided,
            "received": decided - relativedelta(months=4),
            "council_reference": f"DEMO-{reference.replace(' ', '')}",
            "summary": f"{fictional} {summary}",
            "findings": findings,
            "actions": actions,
            **extra,
        }

    # Long overdue: decided five months ago, one-month actions still open.
    long_ago = today - relativedelta(months=5)
    # Just overdue: a one-month action fell due three to six days ago.
    lately = _decided_for(ONE_MONTH, today - timedelta(days=3))
    lately_apology = _due(ONE_MONTH, lately) - timedelta(days=8)
    # Due soon: a two-month action falls due in six to nine days.
    soon = _decided_for(TWO_MONTHS, today + timedelta(days=9))
    soon_apology = _due(ONE_MONTH, soon) - timedelta(days=2)
    # Recent, with an action the decision gives no date for.
    recent = today - timedelta(days=12)
    # Re-opened: a first decision four months ago, then a further decision after a
    # review, with an action falling due in a week.
    first = today - relativedelta(months=4)
    further = _decided_for(ONE_MONTH, today + timedelta(days=7))

    sen, dp, charging = areas[SEN], areas[DIRECT_PAYMENTS], areas[CHARGING]
    complaints, children = areas[COMPLAINTS], areas[CHILDREN]
    return [
        case(
            "26 001 101",
            "Mrs P",
            SEN,
            "Education > Special educational needs",
            long_ago,
            "Mrs P complained that her son's amended Education, Health and Care Plan was "
            "issued months late after his annual review. Fault causing frustration and "
            "lost provision.",
            [("Delay issuing the amended plan after the annual review", YES, True, UPHELD)],
            [
                _action(
                    K.APOLOGY,
                    council,
                    "Apologise to Mrs P for the delay.",
                    phrase=ONE_MONTH,
                    payee="Mrs P",
                    area=sen,
                    owner=manager,
                ),
                _action(
                    K.FINANCIAL,
                    council,
                    "Payment for the provision lost during the delay.",
                    phrase=ONE_MONTH,
                    payee="Mrs P",
                    amount="400.00",
                    area=sen,
                    owner=manager,
                    notes="The service disputes how the amount was worked out and has not "
                    "paid; the Ombudsman has recorded that the Council did not comply.",
                    outcome=NOT_COMPLIED,
                ),
                _action(
                    K.SERVICE_IMPROVEMENT,
                    council,
                    "Check that annual reviews are "
                    "tracked so amended plans are issued within the legal time limit.",
                    phrase=THREE_MONTHS,
                    area=sen,
                    owner=manager,
                    extension=Extension(
                        today + timedelta(days=21),
                        "The annual review tracker is moving into the new case management "
                        "system. The Council asked the Ombudsman for more time by telephone; "
                        "written agreement awaited.",
                        agreed_in_writing=False,
                    ),
                ),
            ],
            enquiries=[
                initial(long_ago),
                _answered(
                    DRAFT,
                    long_ago - timedelta(days=28),
                    days=14,
                    notes="No comments on the draft decision.",
                ),
                EnquiryRow(
                    FURTHER,
                    today - timedelta(days=30),
                    today - timedelta(days=9),
                    notes="The Ombudsman's compliance team asked for evidence of the "
                    "apology and the payment, or the date they will be made.",
                ),
            ],
        ),
        case(
            "26 001 102",
            "Mr L",
            DIRECT_PAYMENTS,
            "Adult care services > Direct payments",
            lately,
            "Mr L complained that his direct payments were suspended without notice. "
            "Fault causing distress and a gap in his care.",
            [("Direct payments suspended without notice", YES, True, UPHELD)],
            [
                _action(
                    K.APOLOGY,
                    council,
                    "Apologise to Mr L.",
                    phrase=ONE_MONTH,
                    payee="Mr L",
                    area=dp,
                    owner=manager,
                    done_on=lately_apology,
                    note="Apology letter from the head of service sent to Mr L by post and e-mail.",
                    evidence=["apology-letter-mr-l.pdf"],
                ),
                _action(
                    K.FINANCIAL,
                    council,
                    "Payment for the distress and the gap in care.",
                    phrase=ONE_MONTH,
                    payee="Mr L",
                    amount="250.00",
                    area=dp,
                    owner=officer,
                ),
                _action(
                    K.SERVICE_IMPROVEMENT,
                    council,
                    "Remind staff to give written "
                    "notice and reasons before suspending direct payments.",
                    phrase=THREE_MONTHS,
                    area=dp,
                    owner=manager,
                ),
            ],
            enquiries=[
                initial(lately),
                _answered(
                    FURTHER,
                    lately - relativedelta(months=2),
                    days=21,
                    late_by=5,
                    notes="Asked for the letters sent before the suspension. Answered five "
                    "days late: the direct payments records were with internal audit.",
                ),
            ],
        ),
        case(
            "26 001 103",
            "Ms T",
            COMPLAINTS,
            "Corporate and other services > Corporate complaints handling",
            soon,
            "Ms T complained that the Council took five months to answer her stage two "
            "complaint. Fault causing time and trouble.",
            [("Delay answering the stage two complaint", YES, True, UPHELD)],
            [
                _action(
                    K.APOLOGY,
                    council,
                    "Apologise to Ms T for the delay.",
                    phrase=ONE_MONTH,
                    payee="Ms T",
                    area=complaints,
                    owner=officer,
                    done_on=soon_apology,
                    evidence=["apology-letter-ms-t.pdf"],
                ),
                _action(
                    K.FINANCIAL,
                    council,
                    "Payment for time and trouble.",
                    phrase=TWO_MONTHS,
                    payee="Ms T",
                    amount="150.00",
                    area=complaints,
                    owner=officer,
                ),
                _action(
                    K.SERVICE_IMPROVEMENT,
                    council,
                    "Report stage two response times to the management team every month.",
                    phrase=TWO_MONTHS,
                    area=complaints,
                    owner=officer,
                ),
            ],
            enquiries=[
                initial(soon),
                _answered(
                    DRAFT,
                    soon - timedelta(days=21),
                    days=14,
                    notes="The Council accepted the draft decision's recommendations.",
                ),
            ],
        ),
        case(
            "26 001 104",
            "Miss W",
            CHILDREN,
            "Children's care services > Looked after children",
            recent,
            "Miss W, a care leaver, complained that her pathway plan had not been "
            "reviewed for over a year. Fault causing uncertainty about her support.",
            [("Pathway plan not reviewed", YES, True, UPHELD)],
            [
                _action(
                    K.REVIEW_OR_REASSESS,
                    council,
                    "Review Miss W's pathway plan with her.",
                    phrase="As soon as practicable",
                    payee="Miss W",
                    area=children,
                    owner=manager,
                ),
                _action(
                    K.APOLOGY,
                    council,
                    "Apologise to Miss W.",
                    phrase=ONE_MONTH,
                    payee="Miss W",
                    area=children,
                    owner=officer,
                ),
                _action(
                    K.FINANCIAL,
                    council,
                    "Payment for the uncertainty caused.",
                    phrase=TWO_MONTHS,
                    payee="Miss W",
                    amount="300.00",
                    area=children,
                    owner=officer,
                ),
            ],
            enquiries=[
                initial(recent),
                EnquiryRow(
                    FURTHER,
                    today - timedelta(days=9),
                    today + timedelta(days=5),
                    notes="The Ombudsman asked for the date of Miss W's pathway plan review "
                    "and the name of her personal adviser.",
                ),
            ],
        ),
        *reopened(case, council, charging, manager, first, further),
    ]


def reopened(case, council, charging, manager, first: date, further: date) -> list[dict]:
    """26 001 105: a decision, then a further decision after the Ombudsman reviewed it on
    new evidence. The further decision replaces the first decision's reassessment with a
    refund, so that action is withdrawn."""
    category = "Adult care services > Charging"
    return [
        case(
            "26 001 105",
            "Mr H",
            CHARGING,
            category,
            first,
            "Mr H complained that the Council took eight months to complete his financial "
            "assessment and never explained how his contribution to his care was worked "
            "out. Fault causing uncertainty and distress.",
            [("Delay and no explanation of the financial assessment", YES, True, UPHELD)],
            [
                _action(
                    K.APOLOGY,
                    council,
                    "Apologise to Mr H for the delay and the lack of explanation.",
                    phrase=ONE_MONTH,
                    payee="Mr H",
                    area=charging,
                    owner=manager,
                    done_on=first + timedelta(days=16),
                ),
                _action(
                    K.REVIEW_OR_REASSESS,
                    council,
                    "Reassess Mr H's contribution towards the cost of his care and write "
                    "to him explaining how it was worked out.",
                    phrase=TWO_MONTHS,
                    payee="Mr H",
                    area=charging,
                    owner=manager,
                ),
            ],
            enquiries=[initial(first)],
        ),
        case(
            "26 001 105",
            "Mr H",
            CHARGING,
            category,
            further,
            f"Further decision after Mr H asked the Ombudsman to review its decision of "
            f"{first:%-d %B %Y}. His bank statements showed the Council had counted "
            "disability benefits that must be disregarded as income, so he had been "
            "overcharged from the start. The refund and a correct calculation replace "
            "the reassessment the first decision asked for.",
            [("Disability benefits counted as income in the assessment", YES, True, UPHELD)],
            [
                _action(
                    K.FINANCIAL,
                    council,
                    "Refund the contributions Mr H was overcharged, with interest.",
                    phrase=ONE_MONTH,
                    payee="Mr H",
                    amount="1240.00",
                    area=charging,
                    owner=manager,
                ),
                _action(
                    K.REVIEW_OR_REASSESS,
                    council,
                    "Recalculate Mr H's weekly contribution without the disregarded "
                    "benefits and confirm it to him in writing.",
                    phrase=ONE_MONTH,
                    payee="Mr H",
                    area=charging,
                    owner=manager,
                    done_on=further + timedelta(days=10),
                    evidence=["revised-contribution-letter-mr-h.pdf"],
                ),
                _action(
                    K.SERVICE_IMPROVEMENT,
                    council,
                    "Remind financial assessment officers which disability benefits are "
                    "disregarded, and check the last six months' assessments for the same "
                    "error.",
                    phrase=THREE_MONTHS,
                    area=charging,
                    owner=manager,
                ),
            ],
            decision_number=2,
            # (row of the earlier decision, why it is withdrawn)
            supersedes=(
                1,
                f"Withdrawn: superseded by the Ombudsman's further decision of "
                f"{further:%-d %B %Y}, which replaced the reassessment with a refund and "
                "a corrected calculation.",
            ),
            enquiries=[
                _answered(
                    FURTHER,
                    first + timedelta(days=35),
                    days=21,
                    notes="Reviewing its decision, the Ombudsman asked how the disability "
                    "benefits had been treated in Mr H's assessment.",
                )
            ],
        ),
    ]
