"""Filters of the agreed-action list (django-filter). Views check ``is_valid()`` first.

Overdue, age band and completed late use the dashboard's own conditions, so the list
behind each dashboard figure holds exactly the rows that figure counts.
"""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from decisions.models import Organisation, ServiceArea
from ombudsman.forms import DateFilter
from ombudsman.people import person_name

from .dashboard import (
    AGE_BANDS,
    NONE,
    age_band_q,
    completed_late_q,
    completed_on_time_q,
    not_overdue_q,
    overdue_q,
)
from .models import AgreedAction

SORTS = {
    # key: (label, ordering); every sort ends with the id, so pages never overlap.
    "due": ("Due", ("in_force", "id")),
    "reference": ("LGSCO reference", ("decision__complaint__reference", "id")),
    "kind": ("Action", ("kind", "in_force", "id")),
    "organisation": ("Organisation", ("organisation__name", "in_force", "id")),
    "service_area": (
        "Service area",
        ("service_area__directorate", "service_area__service", "in_force", "id"),
    ),
    "owner": ("Owner", ("owner__last_name", "owner__first_name", "in_force", "id")),
    "status": ("Status", ("status", "in_force", "id")),
    "amount": ("Amount", ("amount", "id")),
}
DEFAULT_SORT = "due"
YES_NO = [("yes", "Yes"), ("no", "No")]


class OwnerField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_name(obj)


class OwnerFilter(django_filters.ModelChoiceFilter):
    field_class = OwnerField


def _owners():
    owns = AgreedAction.objects.filter(owner=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(Exists(owns))
        .order_by("last_name", "first_name", "username")
    )


class ActionFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        for start, end, what in [
            ("due_from", "due_to", "due date"),
            ("completed_from", "completed_to", "completion date"),
        ]:
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, f"The last {what} must be on or after the first.")
        return data


class ActionFilter(django_filters.FilterSet):
    service_area = django_filters.ModelChoiceFilter(
        queryset=ServiceArea.objects.all(),
        label="Service area",
        empty_label="Any",
        null_label="No service area",
        null_value=NONE,
    )
    owner = OwnerFilter(
        queryset=_owners(),
        label="Owner",
        empty_label="Any",
        null_label="No owner",
        null_value=NONE,
    )
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(), label="Organisation", empty_label="Any"
    )
    kind = django_filters.ChoiceFilter(
        choices=AgreedAction.Kind.choices, label="Kind of action", empty_label="Any"
    )
    status = django_filters.ChoiceFilter(
        choices=AgreedAction.Status.choices, label="Status", empty_label="Any"
    )
    due_from = DateFilter(field_name="in_force", lookup_expr="gte", label="Due on or after")
    due_to = DateFilter(field_name="in_force", lookup_expr="lte", label="Due on or before")
    overdue = django_filters.ChoiceFilter(
        choices=YES_NO, label="Overdue", empty_label="Any", method="filter_overdue"
    )
    age = django_filters.ChoiceFilter(
        choices=[(key, label) for key, label, *_ in AGE_BANDS],
        label="Days overdue",
        empty_label="Any",
        method="filter_age",
    )
    late = django_filters.ChoiceFilter(
        choices=[("yes", "Yes"), ("no", "No: on time")],
        label="Completed late",
        empty_label="Any",
        method="filter_late",
    )
    completed_from = DateFilter(
        field_name="completed_on",
        lookup_expr="gte",
        label="Completed on or after",
    )
    completed_to = DateFilter(
        field_name="completed_on",
        lookup_expr="lte",
        label="Completed on or before",
    )
    # Carried by the column headings' links and a hidden input: not a field to link to.
    sort = django_filters.CharFilter(
        method="filter_sort", label="Sort by", widget=forms.HiddenInput
    )

    class Meta:
        fields = []
        form = ActionFilterForm

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.form.fields["sort"].validators.append(_validate_sort)

    def filter_overdue(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(overdue_q(self.today))
        return queryset.filter(not_overdue_q(self.today))

    def filter_age(self, queryset, name, value):
        return queryset.filter(age_band_q(value, self.today))

    def filter_late(self, queryset, name, value):
        return queryset.filter(completed_late_q() if value == "yes" else completed_on_time_q())

    def filter_sort(self, queryset, name, value):
        return queryset  # applied by sorted_qs() after every other filter

    @property
    def sort_key(self) -> str:
        return self.form.cleaned_data.get("sort") or DEFAULT_SORT

    def sorted_qs(self):
        key = self.sort_key
        descending = key.startswith("-")
        # Empty values (no date, no owner, no amount) last whichever way.
        ordering = [
            F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
            for name in SORTS[key.lstrip("-")][1]
        ]
        return self.qs.order_by(*ordering)


def _validate_sort(value):
    if value and value.lstrip("-") not in SORTS:
        raise forms.ValidationError(
            "Sort by one of: " + ", ".join(label for label, _ in SORTS.values()) + "."
        )
