"""Filters of the decisions list (django-filter). Views check ``is_valid()`` first."""

import django_filters
from django.db.models import Q

from ombudsman.listing import Sort, SortedFilterSet, Words, date_range

from .models import (
    Category,
    Complaint,
    Decision,
    Organisation,
    ServiceArea,
    has_open_actions_q,
    reference_compact,
)
from .references import compact


class _ByDirectorate(django_filters.fields.ModelChoiceIterator):
    def __iter__(self):
        flat, groups = [], {}
        for value, label in super().__iter__():
            area = getattr(value, "instance", None)
            if area is None:
                flat.append((value, label))  # "Any", "No service area"
            else:
                groups.setdefault(area.directorate, []).append((value, area.service))
        yield from flat
        yield from groups.items()


class ServiceAreaField(django_filters.fields.ModelChoiceField):
    """Service areas grouped under their directorates (optgroup): a chosen one shows its
    service alone, which fits the filter panel ("Children, Families and Education: Spe"
    did not), and its selected-filter tag names both."""

    iterator = _ByDirectorate


class ServiceAreaFilter(django_filters.ModelChoiceFilter):
    field_class = ServiceAreaField


class ComplaintFilter(SortedFilterSet):
    SORTS = {
        "reference": Sort("LGSCO reference", ("reference",)),
        "decided": Sort("Decision date", ("latest_decision_date", "reference"), True),
        "outcome": Sort("Outcome", ("latest_outcome", "reference")),
        # The names the complaint keeps of its service area (not a join: see selectors).
        "service_area": Sort("Service area", ("area_directorate", "area_service", "reference")),
    }
    DEFAULT_SORT = "-decided"  # newest first is what people want first
    # "3 complaints, upheld, Adult Social Care: Safeguarding, decided on or after 1 April 2025"
    WORDS = {
        "q": Words("matching {}", joined=True),
        "outcome": Words("latest outcome {}", lower=True),
        "organisation": Words("about {}"),
        "service_area": Words(),
        "category": Words(),
        "decided_from": Words("decided on or after {}"),
        "decided_to": Words("decided on or before {}"),
        "has_open_actions": Words(
            values={"yes": "with open actions", "no": "with no open actions"}
        ),
    }

    q = django_filters.CharFilter(label="Reference or words in the summary", method="filter_text")
    organisation = django_filters.ModelChoiceFilter(
        field_name="organisations",
        queryset=Organisation.objects.all(),
        label="Organisation",
        empty_label="Any",
    )
    service_area = ServiceAreaFilter(
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
    decided_from, decided_to = date_range(
        "latest_decision_date", "Decided", "decision date", start="decided_from"
    )
    has_open_actions = django_filters.ChoiceFilter(
        label="Has open actions",
        choices=[("yes", "Yes"), ("no", "No")],
        empty_label="Any",
        method="filter_open_actions",
    )

    class Meta:
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        words = value.strip()
        if not words:
            return queryset
        # The complaints any of whose decisions' summaries hold the words, whose reference
        # does, or whose council's reference is them: each looked up in its own index
        # (trigrams on PostgreSQL, see the models), the three put together, and the list
        # then kept to those. Asked of each complaint instead (a condition per row), the
        # search read every complaint and every decision whatever it found. UNION, not
        # UNION ALL: PostgreSQL then knows how many complaints it finds (a union it must
        # make distinct itself it takes for 200), and joins many of them in one pass.
        summaries = Decision.objects.filter(summary__icontains=words).values("complaint_id")
        references = Complaint.objects.alias(compact=reference_compact()).filter(
            compact__icontains=compact(words)
        )
        councils = Complaint.objects.filter(council_reference__iexact=words)
        matching = summaries.order_by().union(
            references.order_by().values("pk"), councils.order_by().values("pk")
        )
        return queryset.filter(pk__in=matching)

    def filter_open_actions(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(has_open_actions_q())
        return queryset.exclude(has_open_actions_q())

    def filter_category(self, queryset, name, value):
        # A top-level category includes all its subcategories: their ids, looked up in
        # the complaints' index of categories (no join of every complaint's category).
        chosen = Category.objects.filter(Q(pk=value.pk) | Q(parent=value.pk))
        return queryset.filter(category__in=chosen.values("pk"))
