from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from decisions.admin import KeepsYearSummaries, KeptFiguresAdmin
from ombudsman.access import can_run_sweep
from ombudsman.outbox import enqueue

from .deadlines import due_date_from_phrase
from .digest import DIGESTS
from .models import (
    ActionTallyState,
    AgreedAction,
    CalendarFeed,
    CompletionTally,
    Evidence,
    Extension,
    OpenActionTally,
    Reminder,
    ReminderEmail,
    StatutoryDutyTemplate,
    WeeklyDigest,
)
from .reminders import REMINDER_EMAILS
from .tasks import run_overdue_sweep


class ExtensionInline(admin.TabularInline):
    model = Extension
    extra = 0
    fields = readonly_fields = (
        "previous_due_date",
        "new_due_date",
        "reason",
        "agreed_in_writing",
        "created_by",
    )
    can_delete = False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = readonly_fields = ("original_name", "kind_label", "size", "uploaded_by", "uploaded_at")
    can_delete = False


@admin.register(AgreedAction)
class AgreedActionAdmin(KeepsYearSummaries, SimpleHistoryAdmin):
    complaint_path = "decision__complaint_id"

    def complaint_of(self, obj) -> int | None:
        return obj.decision.complaint_id if obj.decision_id else None

    list_display = [
        "decision", "kind", "organisation", "owner", "amount", "due_date",
        "extended_due_date", "status", "completed_on", "compliance_outcome",
    ]  # fmt: skip
    list_filter = ["status", "kind", "compliance_outcome", "service_area", "organisation"]
    search_fields = ["decision__complaint__reference", "description", "payee_label"]
    date_hierarchy = "due_date"
    list_select_related = ["decision__complaint", "organisation", "owner"]
    autocomplete_fields = ["decision", "owner"]
    readonly_fields = ["decision_date", "overdue_since"]
    inlines = [ExtensionInline, EvidenceInline]

    def save_model(self, request, obj, form, change):
        obj.decision_date = obj.decision.decision_date
        if "due_date" in form.changed_data:
            # A date typed here is the officer's own; an emptied one is worked out again.
            obj.due_date_set_by_hand = obj.due_date is not None
        if not obj.due_date_set_by_hand:
            obj.due_date = due_date_from_phrase(obj.deadline_phrase, obj.decision_date)
        super().save_model(request, obj, form, change)


@admin.register(Extension)
class ExtensionAdmin(SimpleHistoryAdmin):
    """Read-only: an extension is recorded on the action's page, which also moves the
    action's date in force."""

    list_display = ["action", "previous_due_date", "new_due_date", "agreed_in_writing"]
    list_filter = ["agreed_in_writing"]
    search_fields = ["action__decision__complaint__reference", "reason"]
    list_select_related = ["action__decision__complaint", "action__organisation"]
    readonly_fields = [
        "action", "previous_due_date", "new_due_date", "reason", "agreed_in_writing",
        "created_by",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["original_name", "action", "kind_label", "size", "uploaded_at"]
    list_filter = ["kind_label"]
    list_select_related = ["action__decision__complaint", "action__organisation"]
    search_fields = ["original_name", "action__decision__complaint__reference"]
    readonly_fields = [
        "action", "file", "original_name", "extension", "content_type", "kind_label", "size",
        "uploaded_by",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False  # evidence is added by completing an action, where it is checked


def _try_again(outbox):
    """The admin action that sends again the rows of ``outbox`` that could not be sent."""

    @admin.action(description="Try again: send the chosen ones that could not be sent")
    def try_again(modeladmin, request, queryset):
        pks = list(queryset.filter(status=outbox.failed).values_list("pk", flat=True))
        again = outbox.try_again(pks)
        if outbox.publish(pks) < len(pks):
            messages.warning(
                request,
                f"{again} will be sent again. The job queue is not running: they are "
                "queued and will be sent when it is back.",
            )
        else:
            messages.success(request, f"{again} queued to be sent again.")

    return try_again


def _e_mails(n: int) -> str:
    return f"{n} e-mail{'' if n == 1 else 's'}"


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    change_list_template = "admin/remedies/reminder/change_list.html"
    list_display = [
        "kind", "action", "enquiry", "due_date", "recipient", "status", "email", "sent_at",
    ]  # fmt: skip
    list_filter = ["status", "kind"]
    search_fields = [
        "action__decision__complaint__reference", "enquiry__complaint__reference",
        "recipient__username",
    ]  # fmt: skip
    list_select_related = [
        "action__decision__complaint", "action__organisation", "enquiry__complaint",
        "recipient", "email__recipient",
    ]  # fmt: skip
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request):
        return False  # reminders are recorded by the overdue sweep

    def get_urls(self):
        run = self.admin_site.admin_view(require_POST(self.run_sweep_view))
        return [path("run-sweep/", run, name="remedies_reminder_run_sweep"), *super().get_urls()]

    def run_sweep_view(self, request):
        if not can_run_sweep(request.user):
            messages.error(request, "You may not run the sweep.")
        elif settings.CELERY_TASK_ALWAYS_EAGER:
            summary = run_overdue_sweep.delay().get()
            messages.success(
                request,
                "Overdue sweep run: {newly_overdue_actions} actions and "
                "{newly_overdue_enquiries} enquiries newly overdue, {reminders_recorded} "
                "reminders recorded, {reminders_to_send} sent or queued in {emails}.".format(
                    emails=_e_mails(summary["emails_to_send"]), **summary
                ),
            )
        elif enqueue(run_overdue_sweep.name):
            messages.success(request, "The overdue sweep has been queued for the worker.")
        else:
            # The job queue is down: the sweep is a few SQL statements, so it runs here;
            # its e-mails wait in their rows for the requeue once the queue is back.
            summary = run_overdue_sweep()
            messages.warning(
                request,
                "The job queue is not running, so the sweep was run here: "
                "{newly_overdue_actions} actions and {newly_overdue_enquiries} enquiries newly "
                "overdue, {reminders_recorded} reminders recorded. The reminders waiting "
                "are queued and will be e-mailed when the queue is back, one e-mail a "
                "person.".format(**summary),
            )
        return HttpResponseRedirect(reverse("admin:remedies_reminder_changelist"))


@admin.register(ReminderEmail)
class ReminderEmailAdmin(admin.ModelAdmin):
    """Each person's reminder e-mail of a day; the failed ones with their error and "Try
    again"."""

    change_list_template = "admin/remedies/reminder/change_list.html"
    list_display = [
        "recipient", "day", "subject", "items", "status", "sent_at", "attempts", "last_error",
    ]  # fmt: skip
    actions = [_try_again(REMINDER_EMAILS)]
    list_filter = ["status", "day"]
    search_fields = ["recipient__username", "recipient__email", "subject"]
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in ReminderEmail._meta.fields]

    def has_add_permission(self, request):
        return False  # recorded by the overdue sweep


@admin.register(StatutoryDutyTemplate)
class StatutoryDutyTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["title", "legal_basis", "deadline_phrase", "active", "order"]
    list_filter = ["active"]
    search_fields = ["title", "legal_basis"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["user__username"]
    exclude = ["token"]  # a secret: users reset their own from "My actions"
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(WeeklyDigest)
class WeeklyDigestAdmin(admin.ModelAdmin):
    list_display = [
        "recipient", "week_starting", "overdue_count", "due_soon_count", "status", "attempts",
        "last_error",
    ]  # fmt: skip
    actions = [_try_again(DIGESTS)]
    list_filter = ["status", "week_starting"]
    search_fields = ["recipient__username", "recipient__email"]
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in WeeklyDigest._meta.fields]

    def has_add_permission(self, request):
        return False  # recorded by the Monday job


@admin.register(OpenActionTally)
class OpenActionTallyAdmin(KeptFiguresAdmin):
    """The dashboard's tally of actions per line (``remedies.tally``): the services' to keep."""

    list_display = [
        "organisation",
        "service_area",
        "owner",
        "open",
        "dated",
        "unpaid",
        "done",
        "withdrawn",
    ]
    list_filter = ["organisation"]
    search_fields = ["organisation__name"]


@admin.register(CompletionTally)
class CompletionTallyAdmin(KeptFiguresAdmin):
    """The dashboard's tally of completed actions per organisation and day."""

    list_display = ["organisation", "completed_on", "on_time", "late"]
    list_filter = ["organisation", "completed_on"]
    search_fields = ["organisation__name"]


@admin.register(ActionTallyState)
class ActionTallyStateAdmin(KeptFiguresAdmin):
    """When the tallies were last built."""

    list_display = ["built_at"]
    list_filter = ["built_at"]
    search_fields = ["built_at"]
