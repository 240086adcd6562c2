"""``manage.py load_demo``: realistic demonstration data, safe to run more than once.

The records follow real public documents of the kind the product handles (a public interest
report, two decision statements and a council's committee report on its upheld complaints),
retold here in brief; the product never reads those documents at run time. A few plainly
fictional recent cases, dated relative to today, give the dashboards something due soon,
something just overdue and something long overdue.

Complainants appear only by the anonymised labels the Ombudsman uses ("Mr X", "Ms D").
The case data lives in ``decisions.demo``; this command creates the records.

Idempotent: organisations are keyed on name, service areas on (directorate, service), users
on username and decisions on the complaint's LGSCO reference; anything already present is
left exactly as it is.
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from decisions.demo import cambridgeshire, fictional, portsmouth
from decisions.demo.common import ORGANISATIONS, SERVICE_AREAS, _finding
from decisions.models import Category, Complaint, Decision, Organisation, ServiceArea
from decisions.recording import decision_record

# username, group (None for the administrator), first name, last name, role shown to people
USERS = [
    ("officer", "Complaints officers", "Hannah", "Whitfield", "Complaints officer"),
    ("service.manager", "Service managers", "Daniel", "Okafor", "Service manager"),
    ("manager", "Managers", "Claire", "Donovan", "Manager"),
    ("monitoring", "Monitoring officers", "Richard", "Ellison", "Monitoring officer"),
    ("admin", None, "", "", "Administrator (superuser)"),
]
ADMIN = "admin"


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
            *cambridgeshire.cases(self.orgs, self.areas, self.users),
            *portsmouth.cases(self.orgs, self.areas),
            *fictional.cases(self.orgs, self.areas, self.users, self.today),
        ]
