from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AgreedAction


@admin.register(AgreedAction)
class AgreedActionAdmin(SimpleHistoryAdmin):
    list_display = [
        "decision", "kind", "organisation", "owner", "amount", "due_date", "status",
        "completed_on",
    ]  # fmt: skip
    list_filter = ["status", "kind", "service_area", "organisation"]
    search_fields = ["decision__complaint__reference", "description", "payee_label"]
    date_hierarchy = "due_date"
    list_select_related = ["decision__complaint", "organisation", "owner"]
    autocomplete_fields = ["decision", "owner"]
    readonly_fields = ["decision_date"]

    def save_model(self, request, obj, form, change):
        obj.decision_date = obj.decision.decision_date
        super().save_model(request, obj, form, change)
