"""Agreed actions: the remedies and service improvements a decision asks for."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from decisions.models import Decision, Organisation, ServiceArea


class AgreedAction(models.Model):
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

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        WITHDRAWN = "withdrawn", "Withdrawn"

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
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField("completion date", null=True, blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="action_status_due"),
            models.Index(fields=["owner", "status", "due_date"], name="action_owner_open"),
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
                condition=Q(status="done", completed_on__isnull=False)
                | (~Q(status="done") & Q(completed_on__isnull=True)),
                name="action_completed_on_iff_done",
                violation_error_message="A done action needs its completion date, and only a "
                "done action has one.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.organisation}"

    def days_overdue(self, today: date) -> int:
        """Days past the due date for an open action; 0 when not overdue or undated."""
        if self.status != self.Status.OPEN or self.due_date is None:
            return 0
        return max(0, (today - self.due_date).days)

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue(timezone.localdate()) > 0
