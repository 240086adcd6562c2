"""Plainly fictional recent cases (26 xxx xxx), dated relative to the day the demo is loaded."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from remedies.deadlines import due_date_from_phrase

from .common import (
    CAMBS,
    CHILDREN,
    COMPLAINTS,
    DIRECT_PAYMENTS,
    ONE_MONTH,
    SEN,
    THREE_MONTHS,
    TWO_MONTHS,
    UPHELD,
    YES,
    K,
    _action,
    _decided_for,
)


def cases(orgs: dict, areas: dict, users: dict, today: date) -> list[dict]:
    """Plainly fictional cases dated relative to today, so that today's views show
    actions long overdue, just overdue, due soon and undated."""
    today = today
    council = orgs[CAMBS]
    manager, officer = users["service.manager"], users["officer"]
    fictional = "Fictional demo case, dated relative to the day the demo data was loaded."

    def case(reference, label, area, category, decided, summary, findings, actions):
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
        }

    # Long overdue: decided five months ago, one-month actions still open.
    long_ago = today - relativedelta(months=5)
    # Just overdue: a one-month action fell due three to six days ago.
    lately = _decided_for(ONE_MONTH, today - timedelta(days=3))
    lately_apology = due_date_from_phrase(ONE_MONTH, lately) - timedelta(days=8)
    # Due soon: a two-month action falls due in six to nine days.
    soon = _decided_for(TWO_MONTHS, today + timedelta(days=9))
    soon_apology = due_date_from_phrase(ONE_MONTH, soon) - timedelta(days=2)
    # Recent, with an action the decision gives no date for.
    recent = today - timedelta(days=12)

    sen, dp = areas[SEN], areas[DIRECT_PAYMENTS]
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
                ),
                _action(
                    K.SERVICE_IMPROVEMENT,
                    council,
                    "Check that annual reviews are "
                    "tracked so amended plans are issued within the legal time limit.",
                    phrase=THREE_MONTHS,
                    area=sen,
                    owner=manager,
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
        ),
    ]
