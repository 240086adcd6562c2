"""Three Cambridgeshire and Peterborough cases from published Ombudsman documents: the public
interest report 22 010 218, the joint decision 24 005 859a and the decision 22 003 603."""

from datetime import date

from decisions.models import Decision

from .common import (
    CAMBS,
    CGL,
    CHILDREN,
    DRAFT,
    DRUGS,
    FURTHER,
    ICB,
    INITIAL,
    MENTAL_HEALTH,
    NO,
    NO_FINDING,
    NO_RESULT,
    NOT_UPHELD,
    ONE_MONTH,
    PARTLY,
    PETERBOROUGH,
    REPORT_THREE_MONTHS,
    THREE_MONTHS,
    TRUST,
    TWO_MONTHS,
    UPHELD,
    YES,
    EnquiryRow,
    Extension,
    K,
    _action,
    _duty,
)


def cases(orgs: dict, areas: dict, users: dict) -> list[dict]:
    """``orgs`` by name, ``areas`` by (directorate, service), ``users`` by username."""
    return [
        public_interest_report(orgs, areas, users),
        care_coordinator(orgs, areas, users),
        children_complaints_procedure(orgs, areas),
    ]


def public_interest_report(orgs: dict, areas: dict, users: dict) -> dict:
    council, cgl = orgs[CAMBS], orgs[CGL]
    area = areas[DRUGS]
    manager, monitoring = users["service.manager"], users["monitoring"]
    return {
        "reference": "22 010 218",
        "label": "",
        "organisations": [CAMBS, CGL],
        "area": DRUGS,
        "category": "Corporate and other services > Public health",
        "decided": date(2023, 7, 28),
        "kind": Decision.Kind.REPORT,
        "summary": (
            "Public interest report. Change Grow Live (CGL) runs the drug and alcohol "
            "service the Council commissions. While looking at an earlier complaint "
            "(21 011 449) the Ombudsman found other clients kept on benzodiazepines for "
            "the long term and investigated on its own initiative. For three of them the "
            "records did not show why prescribing departed from CGL's own procedure and "
            "national guidance. A specialist pharmacist later judged the prescribing "
            "appropriate, but the poor records were fault by CGL, acting for the "
            "Council, and left uncertainty about what had been discussed and agreed. "
            "The Council must consider the report and say within three months what it "
            "has done or will do; CGL will share its national clinical audit."
        ),
        "findings": [
            (
                "Records did not show the clinical reason for keeping three clients on "
                "long-term benzodiazepine prescriptions",
                YES,
                True,
                UPHELD,
            ),
            (
                "Whether the long-term prescribing itself was clinically appropriate",
                NO_FINDING,
                None,
                NO_RESULT,
            ),
        ],
        "actions": [
            _action(
                K.REPORT_TO_COMMITTEE,
                council,
                "Consider the report at full Council, Cabinet or a delegated committee of "
                "members and tell the Ombudsman what action has been or will be taken "
                "(Local Government Act 1974, s31(2)).",
                phrase=REPORT_THREE_MONTHS,
                area=area,
                owner=monitoring,
                done_on=date(2023, 10, 12),
                committee="Adults and Health Committee",
                notes="Considered by the committee; minutes sent to the Ombudsman.",
                note="Adults and Health Committee considered the report on 12 October 2023, "
                "accepted the findings and agreed the actions; minutes sent to the "
                "Ombudsman.",
                evidence=["committee-minutes-12-october-2023.pdf"],
            ),
            _action(
                K.EVIDENCE_TO_OMBUDSMAN,
                cgl,
                "Share with the Ombudsman the report of CGL's national clinical audit of "
                "benzodiazepine prescribing.",
                phrase=REPORT_THREE_MONTHS,
                area=area,
                done_on=date(2024, 1, 31),
                notes="The national audit took longer than planned; report sent late.",
                note="CGL's national audit report forwarded to the Ombudsman by the "
                "commissioning team.",
            ),
            _action(
                K.SERVICE_IMPROVEMENT,
                council,
                "Make sure CGL's records show the reasons for prescribing decisions and "
                "the discussions and management plans agreed with each client.",
                phrase=REPORT_THREE_MONTHS,
                area=area,
                owner=manager,
                done_on=date(2023, 9, 29),
                note="CGL issued a records standard for prescribing reviews; the contract "
                "manager checked a sample of ten client records.",
            ),
            _action(
                K.SERVICE_IMPROVEMENT,
                council,
                "Have CGL update its benzodiazepine policy to reflect NICE guidance and "
                "the NHS England guidance of March 2023.",
                phrase=REPORT_THREE_MONTHS,
                area=area,
                owner=manager,
                done_on=date(2023, 10, 20),
                note="Updated benzodiazepine policy received from CGL and checked against "
                "the NICE and NHS England guidance.",
            ),
            _action(
                K.SERVICE_IMPROVEMENT,
                council,
                "Make sure CGL audits every year the Cambridgeshire clients on long-term "
                "benzodiazepine prescriptions.",
                phrase=REPORT_THREE_MONTHS,
                area=area,
                owner=manager,
                done_on=date(2024, 2, 16),
                notes="First yearly audit completed after the three-month date.",
                note="First yearly audit of long-term benzodiazepine clients received and "
                "added to the contract monitoring plan.",
            ),
        ],
        # The three statutory duties the report brings, in the templates' order.
        "duties": [
            _duty(
                date(2023, 8, 10),
                "Public notice in the Cambridge Independent and on the Council's website "
                "on 10 August 2023; copies available at New Shire Hall and online for "
                "three weeks.",
                by="officer",
                evidence=["public-notice-cambridge-independent.pdf"],
            ),
            _duty(
                date(2023, 10, 12),
                "Laid before the Adults and Health Committee on 12 October 2023; the "
                "Ombudsman was told the same week what the Council had done and will do.",
                by="monitoring",
            ),
            _duty(
                date(2023, 11, 9),
                "Monitoring officer's report sent to all members on 9 November 2023, "
                "after the committee meeting rather than before the three-month date.",
                by="monitoring",
            ),
        ],
    }


def care_coordinator(orgs: dict, areas: dict, users: dict) -> dict:
    trust, council, icb = orgs[TRUST], orgs[PETERBOROUGH], orgs[ICB]
    area = areas[MENTAL_HEALTH]
    manager, officer = users["service.manager"], users["officer"]
    monitoring = users["monitoring"]
    apology = (
        "Write to Mr X and Mr Y acknowledging the failings and apologise for the "
        "distress caused by avoidable uncertainty."
    )
    coordinator = (
        "Make sure a care coordinator is appointed for Mr Y, agreeing with the other "
        "bodies how to fund, procure and manage a bespoke arrangement if standard "
        "services cannot provide one."
    )
    plan = (
        "Send the Ombudsmen an action plan to resolve the commissioning and policy gaps "
        "this case and the joint needs assessment showed, including how others affected "
        "will be found."
    )
    payments = []
    for body, paid_on, owner in (
        (trust, date(2025, 4, 10), None),
        (council, date(2025, 3, 28), manager),
        (icb, date(2025, 5, 2), None),
    ):
        remittance = body is council  # the Council's own payments have remittances on file
        for payee, why in (
            ("Mr X", "uncertainty about whether his son lost out on beneficial support"),
            ("Mr Y", "uncertainty about whether he lost out on beneficial support"),
        ):
            payments.append(
                _action(
                    K.FINANCIAL,
                    body,
                    f"Symbolic payment to {payee} for the {why}.",
                    phrase=TWO_MONTHS,
                    payee=payee,
                    amount="200.00",
                    area=area,
                    owner=owner,
                    done_on=paid_on,
                    evidence=[f"payment-remittance-{_slug(payee)}.pdf"] if remittance else [],
                )
            )
    return {
        "reference": "24 005 859a",
        "label": "Mr X",
        "organisations": [TRUST, PETERBOROUGH, ICB],
        "area": MENTAL_HEALTH,
        "category": "Health > Mental health services",
        "decided": date(2025, 2, 13),
        "summary": (
            "Joint decision of the Ombudsmen. Mr X complained for his son, Mr Y, who is "
            "entitled to section 117 aftercare, that he still had no care coordinator "
            "although an earlier decision said he should have one. The local s117 policy "
            "allows only a health professional in the role, which is narrower than "
            "national guidance, no service is commissioned for someone in Mr Y's "
            "position, and no bespoke arrangement was considered. Fault by the Trust, "
            "the Council and the ICB, causing avoidable uncertainty and distress. Each "
            "body agreed to apologise, pay Mr X and Mr Y £200 each, secure a care "
            "coordinator and send an action plan; the Council will take the issues to "
            "scrutiny and the ICB will tell NHS England."
        ),
        "findings": [
            (
                "No care coordinator allocated to Mr Y despite the Ombudsmen's earlier "
                "recommendation",
                YES,
                True,
                UPHELD,
            ),
            (
                "Local s117 policy restricts the care coordinator role more narrowly than "
                "national guidance",
                YES,
                True,
                UPHELD,
            ),
            (
                "No bespoke, individually funded way of providing a care coordinator considered",
                YES,
                True,
                UPHELD,
            ),
        ],
        "actions": [
            _action(
                K.APOLOGY,
                trust,
                apology,
                phrase=ONE_MONTH,
                payee="Mr X and Mr Y",
                area=area,
                done_on=date(2025, 3, 11),
            ),
            _action(
                K.APOLOGY,
                council,
                apology,
                phrase=ONE_MONTH,
                payee="Mr X and Mr Y",
                area=area,
                owner=manager,
                done_on=date(2025, 3, 4),
                note="Joint letter of apology from the Director of Adult Social Care sent "
                "to Mr X and Mr Y.",
                evidence=["apology-letter-mr-x-and-mr-y.pdf"],
            ),
            _action(
                K.APOLOGY,
                icb,
                apology,
                phrase=ONE_MONTH,
                payee="Mr X and Mr Y",
                area=area,
                done_on=date(2025, 3, 20),
                notes="Letter sent a week after the deadline.",
            ),
            *payments,
            _action(
                K.PROVIDE_SERVICE,
                trust,
                coordinator,
                phrase=THREE_MONTHS,
                area=area,
                done_on=date(2025, 7, 21),
                extension=Extension(
                    date(2025, 7, 31),
                    "No commissioned service could provide a care coordinator for Mr Y; the "
                    "Trust asked for time to agree an individually commissioned arrangement "
                    "with the Council and the ICB. The Ombudsmen agreed the new date by "
                    "e-mail on 6 May 2025.",
                    agreed_in_writing=True,
                ),
                note="Care coordinator in post from 21 July 2025 under the individually "
                "commissioned arrangement; confirmed to the Ombudsmen.",
            ),
            _action(
                K.PROVIDE_SERVICE,
                council,
                coordinator,
                phrase=THREE_MONTHS,
                area=area,
                owner=manager,
                done_on=date(2025, 7, 21),
                notes="Care coordinator in post through an individually commissioned "
                "arrangement agreed by all three bodies.",
                note="Coordinator in post from 21 July 2025. Unlike the Trust, the Council "
                "did not ask the Ombudsmen for more time, so this counts as late.",
                evidence=["care-coordinator-appointment-letter.pdf"],
            ),
            _action(
                K.PROVIDE_SERVICE,
                icb,
                coordinator,
                phrase=THREE_MONTHS,
                area=area,
                done_on=date(2025, 7, 21),
            ),
            _action(
                K.ACTION_PLAN,
                trust,
                plan,
                phrase=THREE_MONTHS,
                area=area,
                owner=officer,
                notes="The Trust's part of the plan is still awaited; chased.",
            ),
            _action(
                K.ACTION_PLAN,
                council,
                plan,
                phrase=THREE_MONTHS,
                area=area,
                owner=manager,
                done_on=date(2025, 5, 9),
            ),
            _action(
                K.ACTION_PLAN,
                icb,
                plan,
                phrase=THREE_MONTHS,
                area=area,
                done_on=date(2025, 6, 30),
            ),
            _action(
                K.REPORT_TO_COMMITTEE,
                council,
                "Ask the relevant scrutiny committee to consider the policy and "
                "commissioning issues, the lessons for joint working with the Trust "
                "and the ICB, and to monitor progress.",
                phrase=THREE_MONTHS,
                area=area,
                owner=monitoring,
                done_on=date(2025, 4, 24),
                committee="Adults and Health Committee",
                note="The Adults and Health Committee considered the policy and "
                "commissioning issues and the lessons for joint working on 24 April 2025, "
                "and asked for a progress report in six months; minutes sent to the "
                "Ombudsmen.",
            ),
            _action(
                K.NOTIFY_BODY,
                icb,
                "Tell the NHS England oversight team about this case and its wider "
                "lessons, and send it a copy of the action plan.",
                phrase=ONE_MONTH,
                area=area,
                done_on=date(2025, 3, 10),
            ),
        ],
        "enquiries": [
            EnquiryRow(
                INITIAL,
                date(2024, 8, 5),
                date(2024, 9, 2),
                date(2024, 8, 29),
                "Joint enquiries from both Ombudsmen; the Council's s117 policy and Mr Y's "
                "care records sent.",
            ),
            EnquiryRow(
                FURTHER,
                date(2024, 11, 4),
                date(2024, 11, 25),
                date(2024, 12, 6),
                "Asked how the care coordinator role is commissioned. Answered late: the "
                "reply had to be agreed with the Trust and the ICB.",
            ),
            EnquiryRow(
                DRAFT,
                date(2025, 1, 9),
                date(2025, 1, 23),
                date(2025, 1, 22),
                "Comments on the draft decision: the Council accepted the recommendations.",
            ),
        ],
    }


def children_complaints_procedure(orgs: dict, areas: dict) -> dict:
    council = orgs[CAMBS]
    area = areas[CHILDREN]
    decided = date(2023, 1, 9)
    already = "Done by the Council before the Ombudsman's decision."
    return {
        "reference": "22 003 603",
        "label": "Ms D",
        "organisations": [CAMBS],
        "area": CHILDREN,
        "category": "Children's care services > Other",
        "decided": decided,
        "satisfactory_remedy": True,
        "summary": (
            "Ms D complained for herself and her daughter, Miss X, about the support "
            "children's social care gave Miss X and about how the statutory children's "
            "complaints procedure dealt with their complaints. There was some fault in "
            "the complaints handling: the two complaints were joined together, Miss X "
            "was not offered an advocate and the stage two investigation reached no "
            "finding on whether an assessment was accurate. The Council had already "
            "accepted the review panel's findings, apologised, carried out its "
            "recommendations and offered Miss X £100, which the Ombudsman found a "
            "suitable remedy."
        ),
        "findings": [
            (
                "Handling of the statutory complaints: complaints joined together, no "
                "advocate offered to Miss X, no finding on the accuracy of the assessment",
                YES,
                True,
                PARTLY,
            ),
            ("Delay in the stage two investigation after November 2021", NO, None, NOT_UPHELD),
            ("How the stage three review panel reached its decisions", NO, None, NOT_UPHELD),
            ("Support for Miss X and the closing of her case in 2020", NO, None, NOT_UPHELD),
        ],
        "actions": [
            _action(
                K.APOLOGY,
                council,
                "Apologise to Miss X and Ms D for the handling of their complaints.",
                payee="Ms D and Miss X",
                area=area,
                done_on=decided,
                notes=already,
                note=already,
            ),
            _action(
                K.FINANCIAL,
                council,
                "Payment for the lost chance to have her own complaint considered separately.",
                payee="Miss X",
                amount="100.00",
                area=area,
                done_on=decided,
                notes=already,
                note=already,
            ),
        ],
    }


def _slug(label: str) -> str:
    """A payee label as it appears in an evidence file's name: Mr X -> mr-x."""
    return "-".join(label.lower().split())
