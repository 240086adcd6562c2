"""What the demo cases share: the organisations and service areas they are filed under,
deadline wordings, and helpers that build findings and agreed-action rows."""

from datetime import date, timedelta
from decimal import Decimal

from decisions.models import Finding, Organisation
from remedies.deadlines import due_date_from_phrase
from remedies.models import AgreedAction

CAMBS = "Cambridgeshire County Council"
CGL = "Change Grow Live (CGL)"
PETERBOROUGH = "Peterborough City Council"
TRUST = "Cambridgeshire and Peterborough NHS Foundation Trust"
ICB = "NHS Cambridgeshire and Peterborough Integrated Care Board"
PORTSMOUTH = "Portsmouth City Council"

ORGANISATIONS = [
    # name, short name, kind, population, home authority
    (CAMBS, "the Council", Organisation.Kind.COUNTY, 678849, True),  # 2021 census
    (CGL, "CGL", Organisation.Kind.PROVIDER, None, False),
    (PETERBOROUGH, "the Council", Organisation.Kind.UNITARY, None, False),
    (TRUST, "the Trust", Organisation.Kind.NHS_TRUST, None, False),
    (ICB, "the ICB", Organisation.Kind.ICB, None, False),
    (PORTSMOUTH, "the Council", Organisation.Kind.UNITARY, None, False),
]

CFE = "Children, Families and Education"
ASC = "Adult Social Care"

DRUGS = ("Public Health", "Drug and alcohol services")
CHILDREN = (CFE, "Children's social care")
SEN = (CFE, "Special educational needs")
SAFEGUARDING = (ASC, "Safeguarding")
DIRECT_PAYMENTS = (ASC, "Direct payments")
MENTAL_HEALTH = (ASC, "Mental health")
OCCUPATIONAL_THERAPY = (ASC, "Occupational therapy")
LEASEHOLD = ("Housing, Neighbourhood and Building Services", "Leasehold")
BLUE_BADGES = ("Regeneration", "Parking and blue badges")
COMPLAINTS = ("Corporate Services", "Complaints")

SERVICE_AREAS = {
    # (directorate, service): username of the lead officer, or None
    DRUGS: None,
    CHILDREN: None,
    SEN: None,
    SAFEGUARDING: None,
    DIRECT_PAYMENTS: "service.manager",
    MENTAL_HEALTH: "service.manager",
    OCCUPATIONAL_THERAPY: None,
    LEASEHOLD: None,
    BLUE_BADGES: None,
    COMPLAINTS: "officer",
}

# username, group (None for the administrator), first name, last name, role shown to people

PLACEHOLDER = "Placeholder reference and date (the committee report gives neither)."

ONE_MONTH = "Within one month of the final decision"
TWO_MONTHS = "Within two months of the final decision"
THREE_MONTHS = "Within three months of the final decision"
REPORT_THREE_MONTHS = "Within three months of the report"

K = AgreedAction.Kind


def _finding(point, fault, injustice, result):
    return {
        "id": None,
        "delete": False,
        "point": point,
        "fault": fault,
        "injustice": injustice,
        "result": result,
    }


def _action(
    kind,
    organisation,
    description,
    *,
    phrase="",
    payee="",
    amount=None,
    area=None,
    owner=None,
    done_on=None,
    notes="",
    due=None,
):
    """One agreed-action row as ``actions_save`` takes it. ``due`` sets the date by hand;
    otherwise the wording gives it (or nothing, for wording with no deadline)."""
    return {
        "id": None,
        "delete": False,
        "kind": kind,
        "description": description,
        "organisation": organisation,
        "service_area": area,
        "owner": owner,
        "payee_label": payee,
        "amount": Decimal(amount) if amount is not None else None,
        "deadline_phrase": phrase,
        "status": AgreedAction.Status.DONE if done_on else AgreedAction.Status.OPEN,
        "completed_on": done_on,
        "notes": notes,
        "due_date": due,
        "due_date_set_by_hand": due is not None,
    }


def _decided_for(phrase: str, due: date) -> date:
    """The latest decision date whose deadline wording falls due on or before ``due``
    (a month counted from the 31st can end a few days early)."""
    decided = due
    while due_date_from_phrase(phrase, decided) > due:
        decided -= timedelta(days=1)
    return decided


YES, NO, NO_FINDING = Finding.Fault.YES, Finding.Fault.NO, Finding.Fault.NO_FINDING
UPHELD, PARTLY = Finding.Result.UPHELD, Finding.Result.PARTLY_UPHELD
NOT_UPHELD, NO_RESULT = Finding.Result.NOT_UPHELD, Finding.Result.NO_FINDING
