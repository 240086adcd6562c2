"""``manage.py load_demo``: realistic demonstration data, safe to run more than once.

The records follow real public documents of the kind the product handles (a public interest
report, two decision statements and a council's committee report on its upheld complaints),
retold here in brief; the product never reads those documents at run time. A few plainly
fictional recent cases, dated relative to today, give the dashboards something due soon,
something just overdue and something long overdue.

Complainants appear only by the anonymised labels the Ombudsman uses ("Mr X", "Ms D").
The case data lives in ``decisions.demo``; this command creates the records.

What happened after each decision is replayed through the same services the pages use,
acting as the demo user who did it, so that each record's history says who did what:
actions completed (with a note, evidence files and the date evidence went to the
Ombudsman), extended, withdrawn, the Ombudsman's compliance outcomes, the statutory duties
of the public interest report, and the Ombudsman's enquiries. The Ombudsman's outcome
follows its rule: done by the date in force (the agreed date, or the extension agreed) is
complied, done after it complied late; it is recorded once the evidence has been with the
Ombudsman for three weeks. Then the morning's overdue sweep runs for today, flagging what
is overdue and recording (and, as configured, sending) the reminders. Last, the monitoring
officer makes a committee report on the 2018/19 upheld complaints, as Portsmouth's was. The
manager has entered the Ombudsman's annual review letter for 2023-24 (``decisions.demo.letter``).

Idempotent: organisations are keyed on name, service areas on (directorate, service), users
on username and decisions on the complaint's LGSCO reference (and, for a further decision,
on how many decisions the complaint has); anything already present is left exactly as it
is. What happened after a decision is replayed only when that decision is recorded, and
the sweep records each reminder once, so a second run creates and changes nothing.
"""

import secrets
import textwrap
from contextlib import contextmanager
from datetime import date, timedelta
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

from decisions.demo import cambridgeshire, fictional, letter, portsmouth
from decisions.demo.common import ORGANISATIONS, SERVICE_AREAS, EnquiryRow, Story, _finding
from decisions.demo.pdf import demo_pdf
from decisions.demo.reports import committee_report
from decisions.models import (
    AnnualLetter,
    Category,
    Complaint,
    Decision,
    Enquiry,
    Organisation,
    ServiceArea,
)
from decisions.recording import decision_record
from decisions.services import annual_letter_save, enquiry_save
from decisions.statistics.summary import year_summaries_kept, year_summaries_rebuild
from remedies.models import AgreedAction
from remedies.services import (
    ACTION_FIELDS,
    action_complete,
    action_extend,
    action_record_compliance,
    actions_save,
)
from remedies.tasks import run_overdue_sweep

# username, group (None for the administrator), first name, last name, role shown to people
USERS = [
    ("officer", "Complaints officers", "Hannah", "Whitfield", "Complaints officer"),
    ("service.manager", "Service managers", "Daniel", "Okafor", "Service manager"),
    ("manager", "Managers", "Claire", "Donovan", "Manager"),
    ("monitoring", "Monitoring officers", "Richard", "Ellison", "Monitoring officer"),
    ("admin", None, "", "", "Administrator (superuser)"),
]
ADMIN = "admin"

# The Ombudsman gives its compliance outcome some weeks after the evidence reaches it.
OUTCOME_AFTER = timedelta(days=21)


@contextmanager
def acting_as(user):
    """Name ``user`` in the change history of whatever the block saves, as the history
    middleware does for a signed-in request."""
    context = HistoricalRecords.context
    previous = getattr(context, "request", None)
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is None:
            del context.request
        else:
            context.request = previous


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
            "extensions": 0,
            "evidence files": 0,
            "enquiries": 0,
            "annual review letters": 0,
        }
        self.skipped = []
        with transaction.atomic():
            new_users = self._users()
            self._organisations()
            self._service_areas()
            for case in self._cases():
                self._record(case)
            self._annual_letter()
            self._passwords(new_users, reset=reset_passwords)
            # The home authority is set above, outside the services: count from scratch.
            year_summaries_rebuild()
        self._summary()
        self._sweep()
        self._committee_report()

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
        roles = {username: role for username, *_rest, role in USERS}
        rows = []
        for user in users:
            # Each its own: a demo reachable by others (a trial server) must not let whoever
            # was given one role's sign-in try it on the others.
            password = secrets.token_urlsafe(12)
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
        number = case.get("decision_number", 1)  # 2 for a further decision on a complaint
        complaint = Complaint.objects.filter(reference=reference).first()
        if complaint is not None and complaint.decisions.count() >= number:
            self.skipped.append(reference if number == 1 else f"{reference} ({number})")
            return
        if complaint is None and number > 1:
            raise CommandError(f"{reference}: a further decision needs the first one.")
        officer = self.users["officer"]
        decision_data = {
            "decision_date": case["decided"],
            "kind": case.get("kind", Decision.Kind.STATEMENT),
            "outcome": case.get("outcome", Decision.Outcome.UPHELD),
            "satisfactory_remedy": case.get("satisfactory_remedy", False),
            "summary": case["summary"],
        }
        rows = [{k: v for k, v in row.items() if k != "story"} for row in case["actions"]]
        # A new complaint's data. A complaint already there was recorded by hand earlier with
        # no decision yet, or this is a further decision on it.
        complaint_data = None
        if complaint is None:
            area = case.get("first_area", case["area"])
            complaint_data = {
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
        with acting_as(officer):
            decision = decision_record(
                user=officer,
                decision_data=decision_data,
                findings=[_finding(*row) for row in case["findings"]],
                actions=rows,
                complaint=complaint,
                complaint_data=complaint_data,
            )
            if complaint is None and "first_area" in case:
                # Filed under the wrong service area first, then moved: the history keeps both.
                moved = decision.complaint
                moved.service_area = self.areas[case["area"]]
                # Set for django-simple-history, which records it as the reason for the change
                # at save(); the model's type does not know the attribute.
                moved._change_reason = "Moved to the right service area"  # type: ignore[attr-defined]
                with year_summaries_kept(complaints=[moved.pk]):  # as a service writes
                    moved.save()
        self.created["decisions"] += 1

        # Row actions first, in row order, then the statutory duties of a report.
        actions = list(decision.actions.order_by("id"))
        self.created["actions"] += len(actions)
        stories = [row["story"] for row in case["actions"]] + case.get("duties", [])
        for action, story in zip(actions, stories, strict=False):
            self._replay(action, story)
        if "supersedes" in case:
            self._withdraw(decision, *case["supersedes"])
        for row in case.get("enquiries", []):
            self._enquiry(decision.complaint, row)

    # ---------------------------------------------------------------------------------------
    # What happened after the decision
    # ---------------------------------------------------------------------------------------

    def _replay(self, action: AgreedAction, story: Story) -> None:
        """Extend, complete (with evidence) and record the Ombudsman's outcome, in that
        order, as the people who would have done it."""
        officer = self.users["officer"]
        if story.extension:
            extension = story.extension
            with acting_as(officer):
                action_extend(
                    action=action,
                    user=officer,
                    new_due_date=extension.new_due_date,
                    reason=extension.reason,
                    agreed_in_writing=extension.agreed_in_writing,
                )
            self.created["extensions"] += 1
        outcome = story.outcome
        if story.done_on:
            user = self.users[story.by] if story.by else (action.owner or officer)
            sent = self._evidence_sent_on(action, story.done_on)
            files = [self._evidence_file(action, story, name) for name in story.evidence]
            with acting_as(user):
                action = action_complete(
                    action=action,
                    user=user,
                    completed_on=story.done_on,
                    note=story.note,
                    files=files,
                    evidence_sent_on=sent,
                    committee=story.committee,
                )
            self.created["evidence files"] += len(files)
            if not outcome and sent and sent + OUTCOME_AFTER <= self.today:
                outcome = action.suggested_compliance_outcome
        if outcome:
            with acting_as(officer):
                action_record_compliance(
                    action=action, evidence_sent_on=action.evidence_sent_on, outcome=outcome
                )

    def _evidence_sent_on(self, action: AgreedAction, done_on: date) -> date | None:
        """A few days after completion (two to six, varying with the date), for an action
        the Ombudsman set a deadline for; None if that day has not come yet."""
        if action.due_date is None:
            return None
        sent = done_on + timedelta(days=2 + done_on.toordinal() % 5)
        return sent if sent <= self.today else None

    @staticmethod
    def _evidence_file(action: AgreedAction, story: Story, name: str) -> SimpleUploadedFile:
        complaint = action.decision.complaint
        payee = f" ({action.payee_label})" if action.payee_label else ""
        lines = [
            f"{complaint.reference}: {action.organisation}. File: {name}",
            f"Completed on {story.done_on:%-d %B %Y}",
            "",
            *textwrap.wrap(action.description, 90),
            "",
            *textwrap.wrap(story.note, 90),
        ]
        title = f"{action.get_kind_display()}{payee}"
        return SimpleUploadedFile(name, demo_pdf(title, lines), "application/pdf")

    def _withdraw(self, decision: Decision, row: int, why: str) -> None:
        """Withdraw an action of the complaint's earlier decision that ``decision``
        supersedes, through the service the decision's edit page uses."""
        earlier = (
            decision.complaint.decisions.exclude(pk=decision.pk)
            .order_by("-decision_date", "-id")
            .first()
        )
        if earlier is None:
            raise CommandError(
                f"{decision.complaint.reference}: no earlier decision to withdraw from."
            )
        action = list(earlier.actions.order_by("id"))[row]
        if action.status != AgreedAction.Status.OPEN:
            return
        fields = {name: getattr(action, name) for name in ACTION_FIELDS}
        fields.update(status=AgreedAction.Status.WITHDRAWN, completed_on=None, notes=why)
        with acting_as(self.users["officer"]):
            actions_save(
                decision=earlier,
                rows=[
                    {
                        "id": action.pk,
                        "delete": False,
                        **fields,
                        "due_date": action.due_date,
                        "due_date_set_by_hand": action.due_date_set_by_hand,
                    }
                ],
            )

    def _enquiry(self, complaint: Complaint, row: EnquiryRow) -> None:
        enquiry = Enquiry(
            complaint=complaint,
            kind=row.kind,
            sent_on=row.sent_on,
            due_on=row.due_on,
            answered_on=row.answered_on,
            notes=row.notes,
        )
        with acting_as(self.users["officer"]):
            enquiry_save(enquiry=enquiry)
        self.created["enquiries"] += 1

    def _annual_letter(self) -> None:
        """The Ombudsman's annual review letter for 2023-24, as the manager enters it, unless
        a letter for that year is recorded already."""
        if AnnualLetter.objects.filter(ombudsman_year=letter.LETTER_YEAR).exists():
            return
        with acting_as(self.users["manager"]):
            annual_letter_save(
                year=letter.LETTER_YEAR,
                figures=letter.LETTER_FIGURES,
                averages=letter.LETTER_AVERAGES,
                home=Organisation.objects.filter(is_home_authority=True).first(),
                user=self.users["manager"],
            )
        self.created["annual review letters"] += 1

    def _sweep(self) -> None:
        """This morning's overdue sweep, as the scheduler runs it: flags what is overdue
        and records the reminders due (each only once), then sends each person one e-mail
        listing theirs."""
        result = run_overdue_sweep()
        self.stdout.write(
            f"Overdue sweep for {self.today:%-d %B %Y}: "
            f"{result['newly_overdue_actions']} action(s) and "
            f"{result['newly_overdue_enquiries']} enquiry(ies) newly overdue, "
            f"{result['reminders_recorded']} reminder(s) recorded, "
            f"{result['emails_to_send']} e-mail(s) to send."
        )

    def _committee_report(self) -> None:
        """A committee report in the list, made as the monitoring officer would make it."""
        report = committee_report(user=self.users["monitoring"], today=self.today)
        if report is not None:
            self.stdout.write(
                f"Committee report made: {report.subject} ({report.page_count} pages, "
                f"{report.get_status_display().lower()})."
            )

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
            *letter.cases(self.orgs, self.areas, self.users, self.today),
        ]
