"""What the demo cases share: the organisations and service areas they are filed under,
deadline wordings, and helpers that build findings, agreed-action rows, what happened to
each action afterwards, and the Ombudsman's enquiries."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from decisions.models import Enquiry, Finding, Organisation
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
CHARGING = (ASC, "Financial assessments and charging")

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
    CHARGING: "service.manager",
}

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


@dataclass(frozen=True)
class Extension:
    """A new date in force for an action, recorded by the complaints officer."""

    new_due_date: date
    reason: str
    agreed_in_writing: bool


@dataclass(frozen=True)
class Story:
    """What happened to an action after the decision, replayed through the services.

    ``done_on``: completed then (by ``by``, a username; else the owner or the complaints
    officer), with ``note`` (else a note for the kind of action) and ``evidence`` (names
    of generated PDF files). ``extension`` comes before the completion. ``outcome`` is the
    Ombudsman's outcome given by hand (only "not complied" needs it: the others follow
    from the dates). ``withdrawn`` is the reason an action was withdrawn.
    """

    done_on: date | None = None
    by: str = ""
    note: str = ""
    evidence: tuple[str, ...] = ()
    extension: Extension | None = None
    outcome: str = ""
    withdrawn: str = ""
    committee: str = ""  # a "report to committee" action: the committee that considered it


def completion_note(kind, payee="", amount=None) -> str:
    """A short note of what was done, for an action recorded without one of its own."""
    to = f" to {payee}" if payee else ""
    paid = f"£{Decimal(amount):,.2f}".removesuffix(".00") if amount is not None else "Payment"
    notes = {
        K.APOLOGY: f"Apology letter sent{to}, signed by the head of service.",
        K.FINANCIAL: f"{paid} paid{to} by bank transfer; the remittance is on file.",
        K.SERVICE_IMPROVEMENT: "Change made and staff briefed; the briefing note is on file.",
        K.REVIEW_OR_REASSESS: f"Review carried out; the outcome was sent in writing{to}.",
        K.PROVIDE_SERVICE: "Arranged and confirmed in writing.",
        K.REPORT_TO_COMMITTEE: "Considered by members; the minutes went to the Ombudsman.",
        K.ACTION_PLAN: "Action plan sent to the Ombudsman.",
        K.EVIDENCE_TO_OMBUDSMAN: "Sent to the Ombudsman.",
        K.NOTIFY_BODY: "Letter sent; a copy is on file.",
    }
    return notes.get(kind, "Done.")


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
    by="",
    note="",
    evidence=(),
    extension=None,
    outcome="",
    withdrawn="",
    committee="",
):
    """One agreed-action row as ``actions_save`` takes it, recorded open; ``due`` sets the
    date by hand, otherwise the wording gives it (or nothing, for wording with no
    deadline). What happened next goes in the row's ``story`` (see ``Story``), which the
    command takes out before saving the row."""
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
        "status": AgreedAction.Status.OPEN,
        "completed_on": None,
        "notes": notes,
        "due_date": due,
        "due_date_set_by_hand": due is not None,
        "story": Story(
            done_on=done_on,
            by=by,
            note=note or (completion_note(kind, payee, amount) if done_on else ""),
            evidence=tuple(evidence),
            extension=extension,
            outcome=outcome,
            withdrawn=withdrawn,
            committee=committee,
        ),
    }


def _duty(done_on, note, *, by, evidence=()) -> Story:
    """What happened to one of the statutory duties a report brings, in template order."""
    return Story(done_on=done_on, by=by, note=note, evidence=tuple(evidence))


@dataclass(frozen=True)
class EnquiryRow:
    """An enquiry from the Ombudsman, recorded with ``enquiry_save``."""

    kind: str
    sent_on: date
    due_on: date
    answered_on: date | None = None
    notes: str = ""


def _due(phrase: str, decided: date) -> date:
    """The due date a demo wording gives from ``decided`` (every one of them gives one)."""
    due = due_date_from_phrase(phrase, decided)
    if due is None:
        raise ValueError(f"The demo's wording {phrase!r} gives no date")
    return due


def _decided_for(phrase: str, due: date) -> date:
    """The latest decision date whose deadline wording falls due on or before ``due``
    (a month counted from the 31st can end a few days early)."""
    decided = due
    while _due(phrase, decided) > due:
        decided -= timedelta(days=1)
    return decided


YES, NO, NO_FINDING = Finding.Fault.YES, Finding.Fault.NO, Finding.Fault.NO_FINDING
UPHELD, PARTLY = Finding.Result.UPHELD, Finding.Result.PARTLY_UPHELD
NOT_UPHELD, NO_RESULT = Finding.Result.NOT_UPHELD, Finding.Result.NO_FINDING
INITIAL, FURTHER, DRAFT = Enquiry.Kind.INITIAL, Enquiry.Kind.FURTHER, Enquiry.Kind.DRAFT
