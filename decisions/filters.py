"""Filters of the decisions list (django-filter). Views check ``is_valid()`` first."""

import django_filters
from django import forms
from django.db.models import Q

from ombudsman.forms import DateFilter

from .models import Category, Decision, Organisation, ServiceArea
from .references import compact

SORTS = {
    # key: (label, ordering)
    "reference": ("LGSCO reference", ("reference",)),
    "decided": ("Decision date", ("latest_decision_date", "reference")),
    "outcome": ("Outcome", ("latest_outcome", "reference")),
    "service_area": (
        "Service area",
        ("service_area__directorate", "service_area__service", "reference"),
    ),
}  # fmt: skip
DEFAULT_SORT = "-decided"


class ComplaintFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Reference or words in the summary", method="filter_text")
    organisation = django_filters.ModelChoiceFilter(
        field_name="organisations",
        queryset=Organisation.objects.all(),
        label="Organisation",
        empty_label="Any",
    )
    service_area = django_filters.ModelChoiceFilter(
        queryset=ServiceArea.objects.all(), label="Service area", empty_label="Any"
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.select_related("parent").order_by("parent__name", "name"),
        method="filter_category",
        label="Category",
        empty_label="Any",
    )
    outcome = django_filters.ChoiceFilter(
        field_name="latest_outcome",
        choices=Decision.Outcome.choices,
        label="Outcome",
        empty_label="Any",
    )
    decided_from = DateFilter(
        field_name="latest_decision_date",
        lookup_expr="gte",
        label="Decided on or after",
    )
    decided_to = DateFilter(
        field_name="latest_decision_date",
        lookup_expr="lte",
        label="Decided on or before",
    )
    has_open_actions = django_filters.ChoiceFilter(
        label="Has open actions",
        choices=[("yes", "Yes"), ("no", "No")],
        empty_label="Any",
        method="filter_open_actions",
    )
    # Carried by the column headings' links and a hidden input: not a field to link to.
    sort = django_filters.CharFilter(
        method="filter_sort", label="Sort by", widget=forms.HiddenInput
    )

    class Meta:
        fields = []

    def filter_text(self, queryset, name, value):
        words = value.strip()
        if not words:
            return queryset
        return queryset.filter(
            Q(reference_compact__icontains=compact(words))
            | Q(decisions__summary__icontains=words)
            | Q(council_reference__iexact=words)
        ).distinct()

    def filter_open_actions(self, queryset, name, value):
        return queryset.filter(has_open_actions=(value == "yes"))

    def filter_category(self, queryset, name, value):
        # A top-level category includes all its subcategories.
        return queryset.filter(Q(category=value) | Q(category__parent=value))

    def filter_sort(self, queryset, name, value):
        return queryset  # applied by sorted_qs() after every other filter

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["sort"].validators.append(_validate_sort)

    def sorted_qs(self):
        key = self.form.cleaned_data.get("sort") or DEFAULT_SORT
        descending = key.startswith("-")
        ordering = SORTS[key.lstrip("-")][1]
        if descending:
            ordering = tuple(f"-{f}" for f in ordering)
        return self.qs.order_by(*ordering)


def _validate_sort(value):
    if value and value.lstrip("-") not in SORTS:
        raise forms.ValidationError(
            "Sort by one of: " + ", ".join(label for label, _ in SORTS.values()) + "."
        )
