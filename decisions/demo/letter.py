"""The Ombudsman's annual review letter for 2023-24 and the cases that let the demo check it
and show repeat faults.

The letter's figures are those the Ombudsman published for Cambridgeshire County Council
for the year to 31 March 2024 (30 detailed investigations, 21 upheld, 3 upheld per 100,000
residents, 18 compliance outcomes at 100%, 2 satisfactory remedies; county councils
averaged 85% upheld, 4.5 per 100,000, 100% compliance and 7% satisfactory remedies). The
demo holds only a few of that year's decisions, so the statistics page shows each
difference and the decisions that may explain it: one dated days before 31 March, one
joint with the NHS trust whose compliance outcome is not recorded.

Two fictional cases, dated relative to today, make a service area's repeat fault: a
second complaint about direct payments upheld within 24 months of 26 001 102.
"""

from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from .common import (
    CAMBS,
    DIRECT_PAYMENTS,
    OCCUPATIONAL_THERAPY,
    ONE_MONTH,
    SEN,
    TRUST,
    TWO_MONTHS,
    UPHELD,
    YES,
    K,
    _action,
)

LETTER_YEAR = 2023
LETTER_FIGURES = {
    "investigations": 30,
    "upheld": 21,
    "upheld_per_100k": Decimal("3"),
    "compliance_outcomes": 18,
    "compliance_rate_percent": Decimal("100"),
    "satisfactory_remedies": 2,
}
# ComparisonAverage's fields: the letter's averages for county councils.
LETTER_AVERAGES = {
    "upheld_rate_percent": Decimal("85"),
    "upheld_per_100k": Decimal("4.5"),
    "compliance_rate_percent": Decimal("100"),
    "satisfactory_remedy_percent": Decimal("7"),
}


def cases(orgs: dict, areas: dict, users: dict, today: date) -> list[dict]:
    council, trust = orgs[CAMBS], orgs[TRUST]
    manager, officer = users["service.manager"], users["officer"]
    fictional = "Fictional demo case."

    def case(reference, label, area, category, decided, summary, findings, actions, **extra):
        return {
            "reference": reference,
            "label": label,
            "organisations": extra.pop("organisations", [CAMBS]),
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

    year_end = date(2024, 3, 27)
    joint = date(2023, 11, 15)
    # Within 24 months of 26 001 102 (direct payments, decided a month ago).
    direct_payments = today - relativedelta(months=10)
    return [
        case(
            "23 019 412",
            "Ms R",
            SEN,
            "Education > Special educational needs",
            year_end,
            "Ms R complained that the Council did not arrange the speech and language "
            "therapy in her daughter's Education, Health and Care Plan for a term. Decided "
            "four days before the end of the Ombudsman's year.",
            [("Therapy in the plan not arranged for a term", YES, True, UPHELD)],
            [
                _action(
                    K.APOLOGY,
                    council,
                    "Apologise to Ms R for the missed therapy.",
                    phrase=ONE_MONTH,
                    payee="Ms R",
                    area=areas[SEN],
                    owner=officer,
                    done_on=year_end + timedelta(days=12),
                ),
            ],
        ),
        case(
            "23 008 655",
            "Mr T",
            OCCUPATIONAL_THERAPY,
            "Adult care services > Assessment and care plan",
            joint,
            "Mr T complained that neither the Council nor the NHS trust assessed his need "
            "for a hoist after he left hospital. A joint investigation found fault by both.",
            [("No assessment of equipment needs on discharge", YES, True, UPHELD)],
            [
                _action(
                    K.REVIEW_OR_REASSESS,
                    council,
                    "Assess Mr T's need for equipment at home.",
                    phrase="As soon as practicable",
                    payee="Mr T",
                    area=areas[OCCUPATIONAL_THERAPY],
                    owner=manager,
                    done_on=joint + timedelta(days=20),
                ),
                _action(
                    K.APOLOGY,
                    trust,
                    "The Trust to apologise to Mr T.",
                    phrase=ONE_MONTH,
                    payee="Mr T",
                    done_on=joint + timedelta(days=25),
                ),
            ],
            organisations=[CAMBS, TRUST],
        ),
        case(
            "25 007 310",
            "Mrs K",
            DIRECT_PAYMENTS,
            "Adult care services > Direct payments",
            direct_payments,
            "Mrs K complained that the Council stopped her direct payments without notice "
            "while it reviewed her care plan. Fault causing distress.",
            [("Direct payments stopped without notice", YES, True, UPHELD)],
            [
                _action(
                    K.APOLOGY,
                    council,
                    "Apologise to Mrs K.",
                    phrase=ONE_MONTH,
                    payee="Mrs K",
                    area=areas[DIRECT_PAYMENTS],
                    owner=manager,
                    done_on=direct_payments + timedelta(days=14),
                ),
                _action(
                    K.FINANCIAL,
                    council,
                    "Pay Mrs K for the care she arranged herself while payments were stopped.",
                    phrase=TWO_MONTHS,
                    payee="Mrs K",
                    amount="640.00",
                    area=areas[DIRECT_PAYMENTS],
                    owner=manager,
                    done_on=direct_payments + timedelta(days=30),
                ),
            ],
        ),
    ]
