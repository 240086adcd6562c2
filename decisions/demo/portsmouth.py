"""Portsmouth City Council's 2018/19 cases, from its committee report on upheld complaints."""

from datetime import date

from decisions.models import Decision

from .common import (
    BLUE_BADGES,
    CHILDREN,
    DIRECT_PAYMENTS,
    LEASEHOLD,
    NO,
    NOT_UPHELD,
    OCCUPATIONAL_THERAPY,
    PORTSMOUTH,
    SAFEGUARDING,
    SEN,
    UPHELD,
    YES,
    K,
    _action,
)


def cases(orgs: dict, areas: dict) -> list[dict]:
    """The upheld 2018/19 cases in Portsmouth City Council's committee report (and one it
    included, not upheld, for its learning). The report gives no references, dates or
    deadlines: the references and dates here are the demo's own, and the actions carry
    no deadline; nothing printed says so."""
    council = orgs[PORTSMOUTH]
    no_deadline = "The committee report gives no deadline."
    own_learning = (
        "The Council's own learning from the complaint; the Ombudsman made no "
        "service-improvement recommendation."
    )

    def improvement(text, area, done_on, notes=no_deadline):
        return _action(
            K.SERVICE_IMPROVEMENT,
            council,
            text,
            area=areas[area],
            done_on=done_on,
            notes=notes,
        )

    def remedy(kind, text, area, done_on, payee, amount=None, notes=no_deadline):
        return _action(
            kind,
            council,
            text,
            area=areas[area],
            done_on=done_on,
            payee=payee,
            amount=amount,
            notes=notes,
        )

    def case(reference, label, area, category, decided, summary, findings, actions, **kw):
        return {
            "reference": reference,
            "label": label,
            "organisations": [PORTSMOUTH],
            "area": area,
            "category": category,
            "decided": decided,
            "summary": summary,
            "findings": findings,
            "actions": actions,
            **kw,
        }

    return [
        case(
            "18 901 101",
            "",
            CHILDREN,
            "Children's care services > Disabled children",
            date(2018, 4, 26),
            "Children with disabilities team. A worker from a contracted service became "
            "inappropriately involved with a family. The Council did not follow its "
            "safeguarding procedures and may have missed chances to protect the family, "
            "a significant injustice.",
            [
                (
                    "Safeguarding procedures not followed after concerns about a contracted "
                    "service's worker",
                    YES,
                    True,
                    UPHELD,
                )
            ],
            [
                improvement(
                    "Move the Local Authority Designated Officer role from Human "
                    "Resources into Children's Services.",
                    CHILDREN,
                    date(2019, 2, 1),
                ),
                improvement(
                    "Strengthen the adult safeguarding allegations management "
                    "process run by the new advisor post.",
                    SAFEGUARDING,
                    date(2019, 3, 29),
                ),
                improvement(
                    "Improve safer recruitment: stronger handling of references "
                    "and training before sitting on a recruitment panel.",
                    CHILDREN,
                    date(2019, 4, 30),
                ),
                improvement(
                    "Guidance for staff on families being exploited and on "
                    "colleagues becoming too close to families.",
                    CHILDREN,
                    date(2019, 6, 28),
                ),
            ],
        ),
        case(
            "18 901 102",
            "Mr X and Ms Y",
            CHILDREN,
            "Children's care services > Looked after children",
            date(2019, 1, 24),
            "Children with disabilities team. Mr X and Ms Y said they were not sent the "
            "looked after children reviews, that their contact with the Council was "
            "unreasonably restricted and that their complaints were badly handled. Fault "
            "only because the Council could not show it had sent the reviews; it had "
            "already sent them again.",
            [
                (
                    "Looked after children reviews not shown to have been sent",
                    YES,
                    True,
                    UPHELD,
                ),
                ("Restrictions on contact with the Council", NO, None, NOT_UPHELD),
                ("Handling of their complaints", NO, None, NOT_UPHELD),
            ],
            [
                remedy(
                    K.PROVIDE_SERVICE,
                    "Send the looked after children reviews again.",
                    CHILDREN,
                    date(2019, 1, 24),
                    "Mr X and Ms Y",
                    notes="Done before the decision.",
                )
            ],
            satisfactory_remedy=True,
        ),
        case(
            "18 901 103",
            "Mr A",
            CHILDREN,
            "Children's care services > Child protection",
            date(2018, 6, 21),
            "Central locality team. Mr A said a safeguarding procedure was mishandled, "
            "restricting his contact with his children, and that he was left out of the "
            "process. Not upheld: two faults (a safety plan changed without being signed "
            "again; no sign a social worker tried to tell Mr A directly about a child in "
            "need meeting) caused no injustice, but the Council was asked to stop them "
            "happening again.",
            [
                ("Safety plan amended without new signatures", YES, False, NOT_UPHELD),
                (
                    "No evidence a social worker tried to tell Mr A directly about the child "
                    "in need meeting",
                    YES,
                    False,
                    NOT_UPHELD,
                ),
                (
                    "Handling of the safeguarding procedure and contact arrangements",
                    NO,
                    None,
                    NOT_UPHELD,
                ),
            ],
            [
                improvement(
                    "Remind staff that a signed agreement changed afterwards "
                    "must be signed again or reissued.",
                    CHILDREN,
                    date(2019, 1, 15),
                ),
                improvement(
                    "Advise staff to rely on a family member to pass on messages "
                    "only after direct contact has failed, and to record the "
                    "attempts.",
                    CHILDREN,
                    date(2019, 1, 15),
                ),
            ],
            outcome=Decision.Outcome.NOT_UPHELD,
        ),
        case(
            "18 901 104",
            "Mrs K",
            SEN,
            "Education > Special educational needs",
            date(2018, 12, 13),
            "Special educational needs. Mrs K complained about how the Council answered "
            "her complaints about her daughter's Education, Health and Care Plan. Fault: "
            "avoidable delays, and a wrong distinction between formal and informal "
            "complaints. A payment for her time and trouble was recommended.",
            [("Delays answering Mrs K's complaints, treated as informal", YES, True, UPHELD)],
            [
                remedy(
                    K.FINANCIAL,
                    "Payment for time and trouble chasing the complaints.",
                    SEN,
                    date(2019, 1, 9),
                    "Mrs K",
                ),
                improvement(
                    "Update the complaints guidance for education staff so every "
                    "complaint follows the formal process on time.",
                    SEN,
                    date(2019, 3, 1),
                ),
            ],
        ),
        case(
            "18 901 105",
            "Mr X",
            SEN,
            "Education > Special educational needs",
            date(2018, 8, 16),
            "Special educational needs. Mr X complained that his daughter's Education, "
            "Health and Care Plan was not produced as the law requires. Fault: it was not "
            "considered within the statutory timescales, in a case from 2014 confused by "
            "the move to the new plans.",
            [("Plan not considered within the statutory timescales", YES, True, UPHELD)],
            [
                improvement(
                    "Improve communication between the SEN team and parents about "
                    "which assessment route applies.",
                    SEN,
                    date(2019, 1, 31),
                    notes=own_learning,
                )
            ],
        ),
        case(
            "18 901 106",
            "Mr X",
            SAFEGUARDING,
            "Adult care services > Safeguarding",
            date(2018, 11, 29),
            "Adult safeguarding. Mr X complained about the response to a safeguarding "
            "concern about his son, Mr Y. The case was referred to the mental health team "
            "but the Council did not make sure its recommendations were carried out, "
            "failed to meet an eligible need in reasonable time and took no part in a "
            "major decision about Mr Y's housing. Fault causing injustice to both.",
            [
                (
                    "Eligible need not met in reasonable time; no part in the decision on Mr "
                    "Y's accommodation",
                    YES,
                    True,
                    UPHELD,
                )
            ],
            [
                remedy(
                    K.FINANCIAL,
                    "Financial remedy for Mr X's time and trouble.",
                    SAFEGUARDING,
                    date(2019, 1, 4),
                    "Mr X",
                ),
                remedy(
                    K.FINANCIAL,
                    "Financial remedy for Mr Y.",
                    SAFEGUARDING,
                    date(2019, 1, 4),
                    "Mr Y",
                ),
                improvement(
                    "Remind staff to keep oversight of cases referred to other "
                    "organisations and to monitor the outcome.",
                    SAFEGUARDING,
                    date(2019, 2, 1),
                ),
                improvement(
                    "Advise staff to contact people directly before relying on "
                    "family members, and to record failed attempts.",
                    SAFEGUARDING,
                    date(2019, 2, 1),
                ),
            ],
        ),
        case(
            "18 901 107",
            "Mrs B",
            DIRECT_PAYMENTS,
            "Adult care services > Direct payments",
            date(2019, 2, 14),
            "Direct payments. Mrs B complained the Council did not support her disabled "
            "husband, Mr B, to take part in a leisure activity and was inflexible about "
            "direct payments. Fault in refusing to pay for the equipment and in unclear "
            "documents.",
            [
                (
                    "Refusal to pay for the equipment Mr B needed for a leisure activity",
                    YES,
                    True,
                    UPHELD,
                ),
                ("Care and support documents unclear", YES, True, UPHELD),
            ],
            [
                remedy(
                    K.APOLOGY,
                    "Apologise to Mrs B.",
                    DIRECT_PAYMENTS,
                    date(2019, 2, 28),
                    "Mrs B",
                ),
                remedy(
                    K.FINANCIAL,
                    "Repay what was spent on equipment from personal income.",
                    DIRECT_PAYMENTS,
                    date(2019, 3, 8),
                    "Mrs B",
                ),
                remedy(
                    K.FINANCIAL,
                    "Payment for the distress caused by unclear documents "
                    "and the delay in providing equipment.",
                    DIRECT_PAYMENTS,
                    date(2019, 3, 8),
                    "Mrs B",
                    amount="150.00",
                ),
                remedy(
                    K.REVIEW_OR_REASSESS,
                    "Assess Mr B and give him a care plan and "
                    "personal budget that say clearly which services meet which "
                    "eligible needs and how they are paid for.",
                    DIRECT_PAYMENTS,
                    date(2019, 4, 26),
                    "Mr B",
                ),
                remedy(
                    K.PROVIDE_SERVICE,
                    "Pay for an occupational therapy assessment "
                    "and further equipment for the leisure activity.",
                    DIRECT_PAYMENTS,
                    date(2019, 5, 17),
                    "Mr B",
                ),
                remedy(
                    K.REVIEW_OR_REASSESS,
                    "Carer's assessment, care plan and personal budget for Mrs B.",
                    DIRECT_PAYMENTS,
                    date(2019, 4, 26),
                    "Mrs B",
                ),
                improvement(
                    "Clarify when direct payments can be used for leisure activities.",
                    DIRECT_PAYMENTS,
                    date(2019, 5, 31),
                ),
                improvement(
                    "Tell all staff that support plans must show how personal "
                    "budgets can be spent; train them in strength-based "
                    "assessment and care planning.",
                    DIRECT_PAYMENTS,
                    date(2019, 7, 31),
                ),
            ],
        ),
        case(
            "18 901 108",
            "Mr X",
            LEASEHOLD,
            "Housing > Right to buy",
            date(2019, 3, 7),
            "Leasehold. Mr X said that because the Council did not answer his email about "
            "maintenance and service charges he missed a deadline in his right to buy "
            "application. Fault: an important email went unanswered. An apology for the "
            "uncertainty was recommended; no payment or service improvement.",
            [("Email about maintenance and service charges not answered", YES, True, UPHELD)],
            [
                remedy(
                    K.APOLOGY,
                    "Apologise for the uncertainty caused.",
                    LEASEHOLD,
                    date(2019, 3, 15),
                    "Mr X",
                ),
                improvement(
                    "Make staff check every address and contact a customer may "
                    "have used so that all queries are answered.",
                    LEASEHOLD,
                    date(2019, 4, 30),
                    notes=own_learning,
                ),
            ],
        ),
        case(
            "18 901 109",
            "Mrs Z",
            BLUE_BADGES,
            "Highways and transport > Other",
            date(2018, 10, 4),
            "Blue badge. Mrs Z said the assessment of her mobility was unfair and ignored "
            "how her condition varies. No fault in the assessment, but the decision letter "
            "did not explain its reasons; no injustice, so no remedy. First filed under "
            "adult social care (its occupational therapists do the assessments) and moved "
            "to the parking service, which decides the applications.",
            [
                ("Assessment of eligibility for a blue badge", NO, None, NOT_UPHELD),
                ("Decision letter did not fully explain the reasons", YES, False, UPHELD),
            ],
            [
                improvement(
                    "Give fuller reasons in blue badge decision letters.",
                    BLUE_BADGES,
                    date(2019, 1, 10),
                    notes=own_learning,
                )
            ],
            first_area=OCCUPATIONAL_THERAPY,
        ),
    ]
