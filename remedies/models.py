"""Agreed actions (the remedies and service improvements a decision asks for), their
extensions, evidence and reminders, and the duties that follow a public interest report."""

import uuid
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from decisions.models import Decision, Enquiry, Organisation, ServiceArea
from ombudsman.indexes import SortIndex
from ombudsman.timing import due_soon_until, in_force_expression
from ombudsman.versioning import Versioned

from .choices import ActionStatus

# The timing vocabulary of agreed actions (the constants are in ``ombudsman.timing``). Each
# condition reads the ``in_force`` annotation that ``with_in_force()`` adds; as ``Q``
# objects they serve the conditional counts of one aggregate query (the dashboard, the
# digest, the statistics), as queryset methods a plain filter.


def overdue_q(day: date) -> Q:
    """Open and past the date in force on ``day``: due yesterday is overdue, due today is
    not yet. An undated action is never overdue."""
    return Q(status=AgreedAction.Status.OPEN) & Q(in_force__lt=day)


def not_overdue_q(day: date) -> Q:
    """The complement of ``overdue_q``, spelt out: SQL's NOT would drop undated actions
    (NOT on a comparison with NULL is NULL, not true)."""
    return ~Q(status=AgreedAction.Status.OPEN) | Q(in_force__isnull=True) | Q(in_force__gte=day)


def due_soon_q(today: date) -> Q:
    """Open and due from ``today`` up to and including ``timing.DUE_SOON_DAYS`` days
    ahead."""
    return Q(status=AgreedAction.Status.OPEN) & Q(
        in_force__gte=today, in_force__lte=due_soon_until(today)
    )


def completed_late_q() -> Q:
    """Done after the date in force (an extension agreed in time moves that date)."""
    return Q(status=AgreedAction.Status.DONE) & Q(completed_on__gt=F("in_force"))


def completed_on_time_q() -> Q:
    # An action with no date cannot be late, as it can never be overdue.
    return Q(status=AgreedAction.Status.DONE) & (
        Q(in_force__isnull=True) | Q(completed_on__lte=F("in_force"))
    )


def owed_by_council_q(path: str = "") -> Q:
    """The actions the council answers for: its own, and those of a provider acting for it
    (a commissioned care provider's failings are the council's to put right). In a joint
    decision an NHS trust's, an ICB's or another council's actions are theirs, and their
    lateness or non-compliance is not the council's.

    Until an administrator has said which organisation is the council (the home
    authority), nobody's actions can be told apart, so every action counts. ``path`` leads
    from the queried model to the action (``"actions__"`` from a decision, say).
    A semi-join on the organisations table: no join per action."""
    bodies = Organisation.objects.filter(
        Q(is_home_authority=True) | Q(kind=Organisation.Kind.PROVIDER)
    )
    no_home = ~models.Exists(Organisation.objects.filter(is_home_authority=True))
    return Q(**{f"{path}organisation_id__in": bodies.values("pk")}) | Q(no_home)


class Timing(NamedTuple):
    """What ``AgreedAction.timing_on`` says: ``key`` is one of withdrawn, done,
    done_late, overdue, undated, due_soon, open; ``days`` the days overdue (overdue) or
    left (due_soon, open); ``on`` the completion date (done, done_late)."""

    key: str
    days: int | None = None
    on: date | None = None


class AgreedActionQuerySet(models.QuerySet):
    """Agreed actions, with the words every page, job and report uses of their timing."""

    def with_in_force(self) -> "AgreedActionQuerySet":
        """Annotated with ``in_force``, the date in force (once, however often asked)."""
        if "in_force" in self.query.annotations:
            return self
        return self.annotate(in_force=in_force_expression())

    def open(self) -> "AgreedActionQuerySet":
        return self.filter(status=AgreedAction.Status.OPEN)

    def owed_by_council(self) -> "AgreedActionQuerySet":
        """The actions the council answers for (``owed_by_council_q``)."""
        return self.filter(owed_by_council_q())

    def overdue_on(self, day: date) -> "AgreedActionQuerySet":
        return self.with_in_force().filter(overdue_q(day))

    def not_overdue_on(self, day: date) -> "AgreedActionQuerySet":
        return self.with_in_force().filter(not_overdue_q(day))

    def overdue_or_due_soon(self, today: date) -> "AgreedActionQuerySet":
        """Open and overdue, or due soon: a date in force up to the end of the "due soon"
        window (one range, so PostgreSQL reads it from the date-in-force index)."""
        return self.open().with_in_force().filter(in_force__lte=due_soon_until(today))

    def completed_late(self) -> "AgreedActionQuerySet":
        return self.with_in_force().filter(completed_late_q())

    def completed_on_time(self) -> "AgreedActionQuerySet":
        return self.with_in_force().filter(completed_on_time_q())


def _sort_indexes(name: str, *expressions, include: tuple[str, ...] = ()) -> list[models.Index]:
    """The indexes of one sort of the actions list: ``expressions`` ascending, and all
    descending with empty values last (``ombudsman.listing.SortedFilterSet.sorted_qs``);
    with the columns ``include`` names (PostgreSQL: read from the index alone)."""
    return [
        models.Index(*expressions, name=f"action_{name}_asc", include=include),
        SortIndex(
            *(e.desc(nulls_last=True) for e in expressions),
            name=f"action_{name}_desc",
            include=include,
        ),
    ]


# What a group's actions are filtered by as the list opens (the status, whose they are)
# and their date in force: the page of a sort by another table's fields is found from the
# group indexes alone, each read only as far as its group's rows on the page.
_GROUP_INCLUDE = ("extended_due_date", "due_date", "status")


class AgreedAction(Versioned):
    """One thing one organisation agreed to do, by a deadline.

    In a joint decision each body owes its own action ("the Trust, the Council and the ICB
    should each pay Mr X £200" is three actions).
    """

    class Kind(models.TextChoices):
        APOLOGY = "apology", "Apology"
        FINANCIAL = "financial", "Financial remedy"
        SERVICE_IMPROVEMENT = "service_improvement", "Service improvement"
        REVIEW_OR_REASSESS = "review_or_reassess", "Review or new assessment"
        PROVIDE_SERVICE = "provide_service", "Provide a service"
        REPORT_TO_COMMITTEE = "report_to_committee", "Report to committee"
        ACTION_PLAN = "action_plan", "Action plan for the Ombudsman"
        EVIDENCE_TO_OMBUDSMAN = "evidence_to_ombudsman", "Evidence to the Ombudsman"
        NOTIFY_BODY = "notify_body", "Notify another body"
        STATUTORY_DUTY = "statutory_duty", "Statutory duty"
        OTHER = "other", "Other"

    Status = ActionStatus

    class ComplianceOutcome(models.TextChoices):
        COMPLIED = "complied", "Complied"
        COMPLIED_LATE = "complied_late", "Complied late"
        NOT_COMPLIED = "not_complied", "Not complied"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="actions")
    # A copy of the decision's date, kept in step by the services that change it, so that
    # the database itself refuses a due date or completion before the decision.
    decision_date = models.DateField(editable=False)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    description = models.TextField(blank=True, help_text="What is to be done, in brief.")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name="responsible organisation",
    )
    service_area = models.ForeignKey(
        ServiceArea, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    payee_label = models.CharField(
        max_length=60, blank=True, help_text='Anonymised, as the Ombudsman writes it: "Mr X".'
    )
    amount = models.DecimalField(
        "amount (£)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    deadline_phrase = models.CharField(
        max_length=200,
        blank=True,
        help_text='The deadline as the decision words it, e.g. "within one month of the '
        'final decision".',
    )
    due_date = models.DateField(null=True, blank=True)
    due_date_set_by_hand = models.BooleanField(
        default=False,
        help_text="The due date was entered by hand rather than worked out from the wording.",
    )
    # The date in force after the latest extension agreed with the Ombudsman; the original
    # due date stays in due_date, because "complied late" is judged against what was agreed.
    extended_due_date = models.DateField("extended to", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField("completion date", null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    completion_note = models.TextField(blank=True)
    # A "report to committee" action completed by the committee report that put its
    # decision before members; reopened if that report is withdrawn.
    completed_by_report = models.ForeignKey(
        "decisions.CommitteeReport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="completed_actions",
    )
    evidence_sent_on = models.DateField("evidence sent to the Ombudsman on", null=True, blank=True)
    compliance_outcome = models.CharField(
        "Ombudsman's compliance outcome",
        max_length=15,
        choices=ComplianceOutcome.choices,
        blank=True,
    )
    # Set by the overdue sweep on the first morning the action is found past its date.
    overdue_since = models.DateField(null=True, blank=True, editable=False)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = AgreedActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        permissions = [("view_dashboard", "Can see the overdue-remedy dashboard")]
        indexes = [
            models.Index(fields=["status", "due_date"], name="action_status_due"),
            # What the sweep, the dashboard and the lists filter and sort by: the date in
            # force of open actions; covering (PostgreSQL) so the dashboard's breakdowns
            # are read from the index alone. With the status too, though all are open: a
            # count's own condition names it (overdue_q...), and PostgreSQL reads only
            # what the index holds to leave the table alone.
            models.Index(
                in_force_expression(),
                condition=Q(status="open"),
                include=["id", "extended_due_date", "due_date", "service_area", "owner"]
                + ["organisation", "status"],
                name="action_open_effective_due",
            ),
            # "Has open actions" on the decisions list: one probe per complaint on the page.
            models.Index(
                fields=["decision"], condition=Q(status="open"), name="action_open_decision"
            ),
            # The annual statistics' compliance outcomes, per decision.
            models.Index(
                fields=["decision"],
                condition=~Q(compliance_outcome=""),
                include=["compliance_outcome", "evidence_sent_on", "completed_on"]
                + ["extended_due_date", "due_date", "decision_date", "organisation"],
                name="action_compliance_by_decision",
            ),
            # The dashboard's figures read the open actions and those done in the year or
            # the charted quarters: with this, only those rows (as a bitmap), not all.
            models.Index(
                fields=["completed_on"], condition=Q(status="done"), name="action_done_completed"
            ),
            models.Index(fields=["owner", "status", "due_date"], name="action_owner_open"),
            # One for each way the actions list sorts by the action's own columns
            # (remedies.filters.ActionFilter: ascending, and descending with empty values
            # last), so that a page is the first rows of an index, whatever the status.
            *_sort_indexes("due", in_force_expression(), F("id")),
            *_sort_indexes("kind", F("kind"), in_force_expression(), F("id")),
            *_sort_indexes("status", F("status"), in_force_expression(), F("id")),
            *_sort_indexes("amount", F("amount"), F("id")),
            # And each group's actions, in their order within it, for the sorts by
            # another table's fields, read group by group (ombudsman.groupwalk).
            *_sort_indexes(
                "org",
                F("organisation"),
                in_force_expression(),
                F("id"),
                include=_GROUP_INCLUDE,
            ),
            *_sort_indexes(
                "area",
                F("service_area"),
                in_force_expression(),
                F("id"),
                include=(*_GROUP_INCLUDE, "organisation"),
            ),
            *_sort_indexes(
                "owner",
                F("owner"),
                in_force_expression(),
                F("id"),
                include=(*_GROUP_INCLUDE, "organisation"),
            ),
            models.Index(fields=["service_area", "status"], name="action_area_status"),
            models.Index(fields=["organisation", "status"], name="action_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="action_amount_not_negative",
                violation_error_message="An amount cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(due_date__gte=F("decision_date")),
                name="action_due_not_before_decision",
                violation_error_message="The due date cannot be before the decision date.",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("decision_date")),
                name="action_completed_not_before_decision",
                violation_error_message="An action cannot be completed before the decision.",
            ),
            models.CheckConstraint(
                condition=Q(extended_due_date__isnull=True)
                | Q(extended_due_date__gte=F("decision_date")),
                name="action_extension_not_before_decision",
                violation_error_message="An extension cannot end before the decision date.",
            ),
            models.CheckConstraint(
                condition=Q(evidence_sent_on__isnull=True)
                | Q(evidence_sent_on__gte=F("decision_date")),
                name="action_evidence_not_before_decision",
                violation_error_message="Evidence cannot be sent before the decision.",
            ),
            models.CheckConstraint(
                condition=Q(status="done", completed_on__isnull=False)
                | (~Q(status="done") & Q(completed_on__isnull=True)),
                name="action_completed_on_iff_done",
                violation_error_message="A done action needs its completion date, and only a "
                "done action has one.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.organisation}"

    @property
    def effective_due_date(self) -> date | None:
        """The date in force: the latest extension, else the agreed due date."""
        return self.extended_due_date or self.due_date

    def days_overdue(self, today: date) -> int:
        """Days past the date in force for an open action; 0 when not overdue or undated."""
        due = self.effective_due_date
        if self.status != self.Status.OPEN or due is None:
            return 0
        return max(0, (today - due).days)

    def is_due_soon(self, today: date) -> bool:
        """Open and due from ``today`` to ``timing.DUE_SOON_DAYS`` days ahead (as
        ``due_soon_q``)."""
        due = self.effective_due_date
        if self.status != self.Status.OPEN or due is None:
            return False
        return today <= due <= due_soon_until(today)

    def timing_on(self, today: date) -> "Timing":
        """Where the action stands on ``today``, the one choice every page, e-mail and
        report words in its own way: withdrawn, done, done late, overdue, undated, due
        soon or open, with the days overdue or left, or the completion date."""
        if self.status == self.Status.WITHDRAWN:
            return Timing("withdrawn")
        if self.status == self.Status.DONE:
            return Timing("done_late" if self.completed_late else "done", on=self.completed_on)
        if overdue := self.days_overdue(today):
            return Timing("overdue", days=overdue)
        due = self.effective_due_date
        if due is None:
            return Timing("undated")
        return Timing("due_soon" if self.is_due_soon(today) else "open", days=(due - today).days)

    @property
    def completed_late(self) -> bool | None:
        """Whether it was done after the date in force (None while not done or undated)."""
        due = self.effective_due_date
        if self.completed_on is None or due is None:
            return None
        return self.completed_on > due

    @property
    def suggested_compliance_outcome(self) -> str:
        """What the Ombudsman's rule gives: done by the agreed date (with any extension)
        is complied; done after it, complied late; not done, nothing yet."""
        if self.completed_late is None:
            return ""
        return (
            self.ComplianceOutcome.COMPLIED_LATE
            if self.completed_late
            else (self.ComplianceOutcome.COMPLIED)
        )


class OpenActionTally(models.Model):
    """The open actions of one organisation, service area and owner, kept by the writing
    services (``remedies.tally``) so that the dashboard reads a few hundred rows, not
    every open action, and the finished ones of the same line (done, withdrawn), so that
    the actions list counts any status the same way. Nothing here depends on the day:
    what is overdue is worked out on reading, from these and the few actions not yet due
    (``remedies.dashboard``).

    ``service_area`` and ``owner`` are ids, 0 for none (a key without NULLs, so that a
    write adds to its row with one INSERT ... ON CONFLICT)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    service_area = models.PositiveIntegerField()
    owner = models.PositiveIntegerField()
    open = models.IntegerField(default=0)
    dated = models.IntegerField(default=0, help_text="Of them, those with a date in force.")
    unpaid = models.DecimalField(
        max_digits=14, decimal_places=2, default=0, help_text="Amounts of financial remedies."
    )
    done = models.IntegerField(default=0, help_text="Actions of the line completed.")
    withdrawn = models.IntegerField(default=0, help_text="Actions of the line withdrawn.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "service_area", "owner"], name="open_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"Open actions of {self.organisation_id}, {self.service_area}, {self.owner}"


class CompletionTally(models.Model):
    """The actions of one organisation completed on one day, on time and late, kept as
    ``OpenActionTally`` is."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    completed_on = models.DateField()
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["completed_on", "organisation"], name="completion_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"Actions of {self.organisation_id} completed on {self.completed_on}"


class ActionTallyState(models.Model):
    """One row: when the tallies were built from the records (and kept since). Until
    then the dashboard counts from the records."""

    built_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Action tallies built {self.built_at or 'never'}"


class Extension(models.Model):
    """A new due date for an action, with the reason; the earlier date stays on record."""

    action = models.ForeignKey(AgreedAction, on_delete=models.CASCADE, related_name="extensions")
    previous_due_date = models.DateField("date in force before", null=True, blank=True)
    new_due_date = models.DateField()
    reason = models.TextField()
    agreed_in_writing = models.BooleanField("the Ombudsman agreed it in writing", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Extension of {self.action} to {self.new_due_date:%-d %b %Y}"


def _evidence_path(instance, filename):
    # Never the uploader's file name on disk: it is kept in original_name for display.
    return f"evidence/{instance.action_id}/{uuid.uuid4().hex}{instance.extension}"


class Evidence(models.Model):
    """A file showing an action was done. Kept under MEDIA_ROOT, outside the static files,
    and served only to signed-in users who may see the decision."""

    action = models.ForeignKey(AgreedAction, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=_evidence_path, max_length=255)
    original_name = models.CharField(max_length=255)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    kind_label = models.CharField("kind", max_length=40)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.original_name


class ReminderEmail(models.Model):
    """One person's reminder e-mail of one day: everything due for them that morning, in
    one message. Recorded by the sweep before it is sent, and the outbox row its sender
    claims (``remedies.reminders``): the unique constraint allows one per person per day,
    however often the sweep runs, and the claim lets one sender send it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        # Everything it would have listed was finished or re-dated before it went out.
        OBSOLETE = "obsolete", "Nothing left to send"
        # Every attempt failed (ombudsman.outbox); "Try again" in the admin.
        FAILED = "failed", "Could not be sent"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_emails"
    )
    day = models.DateField(help_text="The morning it is for.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    subject = models.CharField(max_length=300, blank=True, help_text="As it was sent.")
    items = models.PositiveIntegerField(default=0, help_text="Things it listed, as sent.")
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-day", "recipient_id"]
        indexes = [models.Index(fields=["status"], name="reminder_email_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "day"], name="reminder_email_once_per_person_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Reminders for {self.recipient} ({self.day:%-d %b %Y})"


class Reminder(models.Model):
    """A reminder or escalation about one action or one enquiry, recorded before it is
    sent so that none is sent twice: the unique constraints allow one of each kind per
    due date, however many sweeps run. It goes out in its recipient's reminder e-mail of
    the day (``email``, set when that e-mail's sender takes it)."""

    class Kind(models.TextChoices):
        UPCOMING = "upcoming", "Due soon"
        DUE_TODAY = "due_today", "Due today"
        OVERDUE = "overdue", "Overdue"
        ESCALATION = "escalation", "Escalation"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        # The action was finished, withdrawn or given a new date before it went out.
        OBSOLETE = "obsolete", "No longer needed"

    # No index of their own: the unique constraints below begin with them (PostgreSQL
    # reads "action = x" from the partial one). The sweep inserts thousands of reminders a
    # morning at national scale, and each index is written for every row.
    action = models.ForeignKey(
        AgreedAction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        db_index=False,
    )
    enquiry = models.ForeignKey(
        Enquiry,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        db_index=False,
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    due_date = models.DateField(help_text="The date in force the reminder is about.")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    email = models.ForeignKey(
        ReminderEmail,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
        help_text="The e-mail that carries it; none until a sender takes it.",
        db_index=False,  # the partial index reminder_in_email below
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The reminders waiting: the sweep's, and those a sender takes for its
            # recipient. Only these: a status index over every reminder ever sent would be
            # written for each of the thousands the sweep records, and never read but for
            # the few waiting.
            models.Index(
                fields=["recipient"],
                condition=Q(status="pending"),
                name="reminder_pending_recipient",
            ),
            # The reminders an e-mail carries. A reminder is recorded in none, so the
            # sweep's inserts write nothing here.
            models.Index(
                fields=["email"], condition=Q(email__isnull=False), name="reminder_in_email"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__isnull=False, enquiry__isnull=True)
                | Q(action__isnull=True, enquiry__isnull=False),
                name="reminder_about_action_or_enquiry",
            ),
            models.UniqueConstraint(
                fields=["action", "kind", "due_date"],
                condition=Q(action__isnull=False),
                name="reminder_once_per_action_kind_date",
            ),
            models.UniqueConstraint(
                fields=["enquiry", "kind", "due_date"],
                condition=Q(enquiry__isnull=False),
                name="reminder_once_per_enquiry_kind_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder to {self.recipient}"


class StatutoryDutyTemplate(models.Model):
    """A duty that follows every public interest report, created as an action on each
    report. Administrators edit the wording and periods (they should be checked against
    the current Act)."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    legal_basis = models.CharField(max_length=200)
    deadline_phrase = models.CharField(
        max_length=200,
        blank=True,
        help_text='Counted from the date of the report, e.g. "within three months".',
    )
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class CalendarFeed(models.Model):
    """A user's secret address for their actions' deadlines as an iCalendar feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class WeeklyDigest(models.Model):
    """One Monday e-mail to one person, recorded before it is sent: the unique constraint
    allows one per person per week, however often the job runs."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        # Every attempt failed (ombudsman.outbox); "Try again" in the admin.
        FAILED = "failed", "Could not be sent"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_digests"
    )
    week_starting = models.DateField(help_text="The Monday of the week it is for.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    overdue_count = models.PositiveIntegerField(default=0)
    due_soon_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-week_starting", "recipient_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "week_starting"], name="weekly_digest_once_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"Weekly digest for {self.recipient} ({self.week_starting:%-d %b %Y})"
