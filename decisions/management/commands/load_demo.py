"""``manage.py load_demo``: realistic demonstration data, safe to run more than once.

The records follow real public documents of the kind the product handles (a public interest
report, two decision statements and a council's committee report on its upheld complaints),
retold here in brief; the product never reads those documents at run time. A few plainly
fictional recent cases, dated relative to today, give the dashboards something due soon,
something just overdue and something long overdue.

Complainants appear only by the anonymised labels the Ombudsman uses ("Mr X", "Ms D").

Idempotent: organisations are keyed on name, service areas on (directorate, service), users
on username and decisions on the complaint's LGSCO reference; anything already present is
left exactly as it is.
"""

import secrets
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from decisions.models import Category, Complaint, Decision, Finding, Organisation, ServiceArea
from decisions.recording import decision_record
from remedies.deadlines import due_date_from_phrase
from remedies.models import AgreedAction

# --------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------

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
USERS = [
    ("officer", "Complaints officers", "Hannah", "Whitfield", "Complaints officer"),
    ("service.manager", "Service managers", "Daniel", "Okafor", "Service manager"),
    ("manager", "Managers", "Claire", "Donovan", "Manager"),
    ("monitoring", "Monitoring officers", "Richard", "Ellison", "Monitoring officer"),
    ("admin", None, "", "", "Administrator (superuser)"),
]
ADMIN = "admin"

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


class Command(BaseCommand):
    help = (
        "Load demonstration data: organisations, service areas, one user per role and "
        "decisions with their findings and agreed actions. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give the demo users new random passwords and print them.",
        )

    def handle(self, *args, reset_passwords=False, **options):
        self.today = timezone.localdate()
        self.created = {
            "organisations": 0,
            "service areas": 0,
            "users": 0,
            "complaints": 0,
            "decisions": 0,
            "actions": 0,
        }
        self.skipped = []
        with transaction.atomic():
            new_users = self._users()
            self._organisations()
            self._service_areas()
            for case in self._cases():
                self._record(case)
            self._passwords(new_users, reset=reset_passwords)
        self._summary()

    # ---------------------------------------------------------------------------------------
    # Users, organisations, service areas
    # ---------------------------------------------------------------------------------------

    def _users(self) -> list:
        User = get_user_model()
        self.users = {}
        created = []
        for username, group_name, first, last, _role in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.org",
                    is_staff=username == ADMIN,
                    is_superuser=username == ADMIN,
                )
                user.set_unusable_password()  # a real one is set below
                user.save()
                if group_name:
                    try:
                        user.groups.add(Group.objects.get(name=group_name))
                    except Group.DoesNotExist as exc:
                        raise CommandError(
                            f'The role group "{group_name}" is missing: run migrate first.'
                        ) from exc
                created.append(user)
                self.created["users"] += 1
            elif group_name and not user.groups.filter(name=group_name).exists():
                self.stdout.write(
                    self.style.WARNING(
                        f'User "{username}" already exists and is not in "{group_name}"; '
                        "left as it is."
                    )
                )
            self.users[username] = user
        return created

    def _passwords(self, new_users: list, *, reset: bool) -> None:
        users = list(self.users.values()) if reset else new_users
        if not users:
            names = ", ".join(self.users)
            self.stdout.write(
                f"The demo users already exist ({names}); their passwords are not shown "
                "again. Use --reset-passwords, or manage.py changepassword USER."
            )
            return
        demo_password = secrets.token_urlsafe(12)
        admin_password = secrets.token_urlsafe(12)
        roles = {username: role for username, *_rest, role in USERS}
        rows = []
        for user in users:
            password = admin_password if user.username == ADMIN else demo_password
            user.set_password(password)
            user.save(update_fields=["password"])
            rows.append((user.username, roles[user.username], password))
        rule = "=" * 78
        self.stdout.write(rule)
        self.stdout.write(
            "Demo user passwords"
            + (" (reset)" if reset else "")
            + ": shown ONLY ONCE, note them now."
        )
        self.stdout.write("")
        self.stdout.write(f"  {'username':<18}{'role':<28}password")
        for username, role, password in rows:
            self.stdout.write(f"  {username:<18}{role:<28}{password}")
        self.stdout.write("")
        self.stdout.write("To set a new password later: manage.py changepassword USER")
        self.stdout.write(rule)

    def _organisations(self) -> None:
        self.orgs = {}
        home = Organisation.objects.filter(is_home_authority=True).first()
        for name, short_name, kind, population, is_home in ORGANISATIONS:
            organisation = Organisation.objects.filter(name=name).first()
            if organisation is None:
                if is_home and home is not None:
                    self.stdout.write(
                        self.style.WARNING(
                            f"{home} is already the home authority; {name} is added "
                            "without that flag."
                        )
                    )
                    is_home = False
                organisation = Organisation.objects.create(
                    name=name,
                    short_name=short_name,
                    kind=kind,
                    population=population,
                    is_home_authority=is_home,
                )
                self.created["organisations"] += 1
            self.orgs[name] = organisation

    def _service_areas(self) -> None:
        self.areas = {}
        for (directorate, service), lead in SERVICE_AREAS.items():
            area = ServiceArea.objects.filter(directorate=directorate, service=service).first()
            if area is None:
                area = ServiceArea.objects.create(
                    directorate=directorate,
                    service=service,
                    lead=self.users.get(lead) if lead else None,
                )
                self.created["service areas"] += 1
            self.areas[(directorate, service)] = area

    @staticmethod
    def _category(path: str) -> Category:
        top, sub = (part.strip() for part in path.split(">"))
        try:
            return Category.objects.get(name=sub, parent__name=top, parent__parent=None)
        except Category.DoesNotExist as exc:
            raise CommandError(f'The LGSCO category "{path}" is missing.') from exc

    # ---------------------------------------------------------------------------------------
    # Recording
    # ---------------------------------------------------------------------------------------

    def _record(self, case: dict) -> None:
        reference = case["reference"]
        complaint = Complaint.objects.filter(reference=reference).first()
        if complaint is not None and complaint.decisions.exists():
            self.skipped.append(reference)
            return
        officer = self.users["officer"]
        decision_data = {
            "decision_date": case["decided"],
            "kind": case.get("kind", Decision.Kind.STATEMENT),
            "outcome": case.get("outcome", Decision.Outcome.UPHELD),
            "satisfactory_remedy": case.get("satisfactory_remedy", False),
            "summary": case["summary"],
        }
        kwargs = {
            "user": officer,
            "decision_data": decision_data,
            "findings": [_finding(*row) for row in case["findings"]],
            "actions": case["actions"],
        }
        if complaint is None:
            area = case.get("first_area", case["area"])
            kwargs["complaint_data"] = {
                "fields": {
                    "reference": reference,
                    "council_reference": case.get("council_reference", ""),
                    "complainant_label": case["label"],
                    "service_area": self.areas[area],
                    "category": self._category(case["category"]),
                    "officer": officer,
                    "received_on": case.get("received"),
                },
                "organisations": [self.orgs[name] for name in case["organisations"]],
                "related": [],
            }
            self.created["complaints"] += 1
        else:
            kwargs["complaint"] = complaint  # recorded by hand earlier, with no decision yet
        decision = decision_record(**kwargs)
        self.created["decisions"] += 1
        self.created["actions"] += len(case["actions"])

        if complaint is None and "first_area" in case:
            # Filed under the wrong service area first, then moved: the history keeps both.
            moved = decision.complaint
            moved.service_area = self.areas[case["area"]]
            moved._change_reason = "Moved to the right service area"
            moved.save()

    def _summary(self) -> None:
        made = ", ".join(f"{count} {what}" for what, count in self.created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: created {made}."))
        if self.skipped:
            self.stdout.write(
                f"Skipped {len(self.skipped)} decision(s) already present: "
                + ", ".join(self.skipped)
            )

    # ---------------------------------------------------------------------------------------
    # The cases
    # ---------------------------------------------------------------------------------------

    def _cases(self) -> list[dict]:
        return [
            self._public_interest_report(),
            self._care_coordinator(),
            self._children_complaints_procedure(),
            *self._portsmouth_2018_19(),
            *self._fictional_recent(),
        ]

    def _public_interest_report(self) -> dict:
        council, cgl = self.orgs[CAMBS], self.orgs[CGL]
        area = self.areas[DRUGS]
        manager, monitoring = self.users["service.manager"], self.users["monitoring"]
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
                    notes="Considered by the committee; minutes sent to the Ombudsman.",
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
                ),
            ],
        }

    def _care_coordinator(self) -> dict:
        trust, council, icb = self.orgs[TRUST], self.orgs[PETERBOROUGH], self.orgs[ICB]
        area = self.areas[MENTAL_HEALTH]
        manager, officer = self.users["service.manager"], self.users["officer"]
        monitoring = self.users["monitoring"]
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
                    "No bespoke, individually funded way of providing a care coordinator "
                    "considered",
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
        }

    def _children_complaints_procedure(self) -> dict:
        council = self.orgs[CAMBS]
        area = self.areas[CHILDREN]
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
                "suitable remedy. The published decision prints no date: 9 January 2023 is "
                "a demo placeholder."
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
                ),
            ],
        }

    def _portsmouth_2018_19(self) -> list[dict]:
        """The upheld 2018/19 cases in Portsmouth City Council's committee report (and one it
        included, not upheld, for its learning). The report gives no references, dates or
        deadlines: references and dates are placeholders and actions carry no deadline."""
        council = self.orgs[PORTSMOUTH]
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
                area=self.areas[area],
                done_on=done_on,
                notes=notes,
            )

        def remedy(kind, text, area, done_on, payee, amount=None, notes=no_deadline):
            return _action(
                kind,
                council,
                text,
                area=self.areas[area],
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
                "summary": f"{summary} {PLACEHOLDER}",
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
                "a significant injustice. The committee report gives no complainant label.",
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
                        "Payment for time and trouble chasing the complaints "
                        "(amount not given in the committee report).",
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
                        "Financial remedy for Mr X's time and trouble "
                        "(amount not given in the committee report).",
                        SAFEGUARDING,
                        date(2019, 1, 4),
                        "Mr X",
                    ),
                    remedy(
                        K.FINANCIAL,
                        "Financial remedy for Mr Y (amount not given in the committee report).",
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
                        "Repay what was spent on equipment from personal "
                        "income (amount not given in the committee report).",
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

    def _fictional_recent(self) -> list[dict]:
        """Plainly fictional cases dated relative to today, so that today's views show
        actions long overdue, just overdue, due soon and undated."""
        today = self.today
        council = self.orgs[CAMBS]
        manager, officer = self.users["service.manager"], self.users["officer"]
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

        sen, dp = self.areas[SEN], self.areas[DIRECT_PAYMENTS]
        complaints, children = self.areas[COMPLAINTS], self.areas[CHILDREN]
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
