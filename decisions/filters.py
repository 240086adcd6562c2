"""Filters of the decisions list (django-filter). Views check ``is_valid()`` first."""

import django_filters
from django.db.models import OuterRef, Q, Subquery

from ombudsman.listing import Sort, SortedFilterSet, Words, date_range

from .complaint_count import complaint_count
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


# From this many complaints found, a search is asked of each complaint in the list's order
# rather than looked up in the indexes (``ComplaintFilter.filter_text``): at 200,000
# complaints both ways cost a few milliseconds a page here (measured with
# ``benchmark_pages --pages search``), and each is hundreds on the other's side.
COMMON_MATCHES = 2_000
# Such a search says it found "more than 1,000" complaints when more than 1,000 of the
# first 2,000 the list would show (its other filters, its order) hold the words, and
# lists those first 1,000 (40 pages): the exact number a word of nearly every summary
# finds is a pass over every summary (290 ms of 200,000 on a quiet machine, measured
# with `benchmark_pages --pages search`), where these 2,000 are read in milliseconds.
# A rarer word is counted exactly, from the indexes (``ComplaintFilter.count``). The
# downloads hold every complaint found.
COUNTED_UP_TO = 1_000
COUNT_FIRST = 2 * COUNTED_UP_TO


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

    def __init__(self, *args, walk_common: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Whether a search finding many complaints is asked of each in the list's order
        # (for a page) rather than looked up in the indexes (for their number).
        self.walk_common = walk_common
        self.walked = False

    def filter_text(self, queryset, name, value):
        words = value.strip()
        if not words:
            return queryset
        # The complaints any of whose decisions' summaries hold the words, whose reference
        # does, or whose council's reference is them.
        summaries = Decision.objects.filter(summary__icontains=words)
        references = Complaint.objects.alias(compact=reference_compact()).filter(
            compact__icontains=compact(words)
        )
        councils = Complaint.objects.filter(council_reference__iexact=words)
        found = (
            summaries.order_by().values("complaint_id"),
            references.order_by().values("pk"),
            councils.order_by().values("pk"),
        )
        union = found[0].union(*found[1:])
        # Which way is cheap depends on how many it finds, which one bounded query tells
        # (it stops at COMMON_MATCHES, each part read from its own index or, for a word
        # in most summaries, from the first rows of the table).
        if (
            not self.walk_common
            or found[0].union(*found[1:], all=True)[:COMMON_MATCHES].count() < COMMON_MATCHES
        ):
            # Few: each part looked up in its own index (trigrams on PostgreSQL, see the
            # models), and the list kept to their union. UNION, not UNION ALL: PostgreSQL
            # then knows how many complaints it finds, and joins them in one pass.
            return queryset.filter(pk__in=union)
        # Many (a word of most summaries): asked of each complaint as the list walks the
        # index of its order, so that a page stops at its 25th match, where the union
        # would join and sort every complaint found. The same complaints either way.
        self.walked = True
        # (A scalar subquery, not EXISTS, which PostgreSQL would make one hash of every
        # decision found before the first row.)
        self._first_summary = Subquery(
            summaries.filter(complaint=OuterRef("pk")).order_by().values("pk")[:1]
        )
        self._found = Q(compact__icontains=compact(words)) | Q(first_summary__isnull=False)
        self._found |= Q(council_reference__iexact=words)
        return self._holding(queryset)

    def _holding(self, queryset):
        """The complaints of ``queryset`` the (walked) search finds."""
        return queryset.alias(
            compact=reference_compact(), first_summary=self._first_summary
        ).filter(self._found)

    def count(self) -> int:
        self.qs  # noqa: B018 - filters, which tells whether the search walked
        if not self.walked:
            if self._narrows_nothing():
                return complaint_count()  # one kept row, not every complaint counted
            return self.qs.count()
        # A search that walked: more than COUNTED_UP_TO among the first COUNT_FIRST
        # complaints the list would show without it says "more than" (``count_bounded``);
        # otherwise the number, counted from the union (a pass over what is found, where
        # asking each complaint reads every one).
        # (items(): a QueryDict's last value of each, as the filters read them.)
        unsearched = {**dict((self.data or {}).items()), "q": ""}
        first = type(self)(unsearched, self.queryset, request=self.request).sorted_qs()
        complaints = self.queryset if self.queryset is not None else Complaint.objects.all()
        among_first = self._holding(complaints.filter(pk__in=first[:COUNT_FIRST].values("pk")))
        # Unordered: PostgreSQL then stops at the 1,001st complaint holding the words,
        # where a sort would have it ask every one of the 2,000 first.
        if among_first.order_by().values("pk")[: COUNTED_UP_TO + 1].count() > COUNTED_UP_TO:
            self.count_bounded = True
            return COUNTED_UP_TO
        return type(self)(self.data, self.queryset, request=self.request, walk_common=False).count()

    def _narrows_nothing(self) -> bool:
        """Whether the list is every complaint: no filter chosen, over every complaint
        (someone who sees every case)."""
        chosen = self.form.cleaned_data
        return (
            self.queryset is not None
            and self.queryset.model is Complaint
            and not self.queryset.query.has_filters()
            and all(value in (None, "") for name, value in chosen.items() if name != "sort")
        )

    def filter_open_actions(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(has_open_actions_q())
        return queryset.exclude(has_open_actions_q())

    def filter_category(self, queryset, name, value):
        # A top-level category includes all its subcategories: their ids, looked up in
        # the complaints' index of categories (no join of every complaint's category).
        chosen = Category.objects.filter(Q(pk=value.pk) | Q(parent=value.pk))
        return queryset.filter(category__in=chosen.values("pk"))
