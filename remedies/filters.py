"""Filters of the agreed-action list (django-filter). Views check ``is_valid()`` first.

The list opens on the open actions the council answers for, soonest due first; "Whose
actions" offers all organisations (a joint decision's other bodies too), and "Status" any.

Overdue, age band and completed late use the same conditions as the dashboard (the
agreed actions' queryset, and the dashboard's age bands), so the list behind each
dashboard figure holds exactly the rows that figure counts.
"""

from collections.abc import Collection
from typing import cast

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Expression, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from decisions.filters import ServiceAreaFilter
from decisions.models import Organisation, ServiceArea
from ombudsman.listing import Sort, SortedFilterSet, Words, date_range
from ombudsman.people import name_order, person_name

from .dashboard import AGE_BANDS, NONE, age_band_q
from .models import (
    ActionTallyState,
    AgreedAction,
    AgreedActionQuerySet,
    OpenActionTally,
    owed_by_council_q,
)
from .tally import NONE as TALLY_NONE
from .tally import not_yet_overdue

YES_NO = [("yes", "Yes"), ("no", "No")]
# Whose actions a list or the dashboard shows: the council's (the default, also when the
# parameter is absent) or every organisation's, joint decisions' other bodies included.
WHOSE_COUNCIL, WHOSE_ALL = "council", "all"
WHOSE = [
    (WHOSE_COUNCIL, "The council and providers acting for it"),
    (WHOSE_ALL, "All organisations, including other bodies in joint decisions"),
]


class OwnerField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_name(obj)


class OwnerFilter(django_filters.ModelChoiceFilter):
    field_class = OwnerField


def _owners():
    owns = AgreedAction.objects.filter(owner=OuterRef("pk"))
    return get_user_model().objects.filter(Exists(owns)).order_by(*name_order())


class ActionFilter(SortedFilterSet):
    # Every sort ends with the id, so pages never overlap. Those by another table's
    # fields read a long list's page group by group (``Sort.group``), each group's actions
    # from an index of the action in their order within it (remedies.models); a
    # complaint's few actions, reached through its decisions, are sorted as read.
    SORTS = {
        "due": Sort("Due", ("in_force", "id")),
        "reference": Sort(
            "LGSCO reference",
            ("decision__complaint__reference", "id"),
            group="decision__complaint",
            many_groups=True,
        ),
        "kind": Sort("Action", ("kind", "in_force", "id")),
        "organisation": Sort(
            "Organisation", ("organisation__name", "in_force", "id"), group="organisation"
        ),
        "service_area": Sort(
            "Service area",
            ("service_area__directorate", "service_area__service", "in_force", "id"),
            group="service_area",
        ),
        "owner": Sort("Owner", (*name_order("owner"), "in_force", "id"), group="owner"),
        "status": Sort("Status", ("status", "in_force", "id")),
        "amount": Sort("Amount", ("amount", "id")),
    }
    DEFAULT_SORT = "due"
    DEFAULTS = {"whose": WHOSE_COUNCIL, "status": AgreedAction.Status.OPEN}
    UNFILTERED = {"whose": WHOSE_ALL}
    # "21 overdue open actions the council answers for, Adult Social Care"
    WORDS = {
        "overdue": Words(values={"yes": "overdue", "no": "not overdue"}, before=True),
        "status": Words(lower=True, before=True),
        "whose": Words(values={WHOSE_COUNCIL: "the council answers for"}, joined=True),
        "service_area": Words(values={NONE: "no service area"}),
        "owner": Words("owned by {}", values={NONE: "with no owner"}),
        "organisation": Words("owed by {}"),
        "kind": Words("kind: {}", lower=True),
        "due_from": Words("due on or after {}"),
        "due_to": Words("due on or before {}"),
        "age": Words("{} overdue", lower=True),
        "late": Words(values={"yes": "completed late", "no": "completed on time"}),
        "completed_from": Words("completed on or after {}"),
        "completed_to": Words("completed on or before {}"),
    }

    whose = django_filters.ChoiceFilter(
        choices=WHOSE,
        label="Whose actions",
        empty_label=None,
        widget=forms.RadioSelect,
        method="filter_whose",
    )
    service_area = ServiceAreaFilter(
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
    due_from, due_to = date_range("in_force", "Due", "due date", start="due_from")
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
    completed_from, completed_to = date_range(
        "completed_on", "Completed", "completion date", start="completed_from"
    )

    class Meta:
        fields: list[str] = []

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def filter_queryset(self, queryset, leave_out: Collection[str] = ()):
        """The chosen filters (but those named in ``leave_out``) and whose actions."""
        for name, value in self.form.cleaned_data.items():
            if name not in leave_out:
                queryset = self.filters[name].filter(queryset, value)
        if self.form.cleaned_data.get("whose") != WHOSE_ALL:
            queryset = queryset.owed_by_council()
        return queryset

    # The filters whose actions the dashboard's kept tallies count (remedies.tally).
    TALLIED = {"status", "whose", "service_area", "owner", "organisation", "sort"}

    # The tallies' count of each status ("" is any).
    TALLY_OF_STATUS = {
        AgreedAction.Status.OPEN: F("open"),
        AgreedAction.Status.DONE: F("done"),
        AgreedAction.Status.WITHDRAWN: F("withdrawn"),
        "": F("open") + F("done") + F("withdrawn"),
    }

    def count(self) -> int:
        """The actions of a status (or of any), or the overdue ones, of the council or of
        every organisation, of a service area, an owner or an organisation, are counted
        from the dashboard's kept tallies, once built, for those who see every action: a
        few hundred rows, not every action (the same number: the writing services keep
        both in one transaction), in one query; the overdue ones are the lines' dated
        actions less those not yet overdue (``not_yet_overdue``, few). Else, or while the
        tallies are not built, the rows."""
        chosen = self.form.cleaned_data
        status, overdue = chosen.get("status") or "", chosen.get("overdue") or ""
        if (
            status not in self.TALLY_OF_STATUS
            or overdue not in ("", "yes")
            or (overdue and status not in ("", AgreedAction.Status.OPEN))  # done: none
            or any(
                value not in (None, "")
                for name, value in chosen.items()
                if name not in self.TALLIED | {"overdue"}
            )
            or self.queryset is None
            or self.queryset.query.has_filters()
        ):
            return super().count()
        tallies = OpenActionTally.objects.all()
        if chosen.get("whose") != WHOSE_ALL:
            tallies = tallies.filter(owed_by_council_q())
        if chosen.get("service_area") not in (None, ""):
            area = chosen["service_area"]
            tallies = tallies.filter(service_area=TALLY_NONE if area == NONE else area.pk)
        if chosen.get("owner") not in (None, ""):
            owner = chosen["owner"]
            if owner == NONE:
                # The lines of a person since deleted, whose actions now have no owner,
                # count with those of no owner (until the nightly rebuild moves them).
                people = get_user_model().objects.values("pk")
                tallies = tallies.filter(Q(owner=TALLY_NONE) | ~Q(owner__in=people))
            else:
                tallies = tallies.filter(owner=owner.pk)
        if chosen.get("organisation") is not None:
            tallies = tallies.filter(organisation=chosen["organisation"])
        counted = F("dated") if overdue else self.TALLY_OF_STATUS[status]
        total = tallies.order_by().values(_one=Value(1)).annotate(n=Sum(counted)).values("n")
        n: Expression = Coalesce(Subquery(total), 0)
        if overdue:
            rows = cast(AgreedActionQuerySet, self.queryset).with_in_force()
            actions = self.filter_queryset(rows, leave_out={"overdue"})
            not_yet = (
                not_yet_overdue(actions, self.today)
                .order_by()
                .values(_one=Value(1))
                .annotate(n=Count("id"))
                .values("n")
            )
            n -= Coalesce(Subquery(not_yet), 0)
        kept = list(
            ActionTallyState.objects.filter(built_at__isnull=False)
            .annotate(n=n)
            .values_list("n", flat=True)[:1]
        )
        return kept[0] if kept else super().count()

    def filter_whose(self, queryset, name, value):
        return queryset  # applied by filter_queryset, which also covers its absence

    def filter_overdue(self, queryset, name, value):
        if value == "yes":
            return queryset.overdue_on(self.today)
        return queryset.not_overdue_on(self.today)

    def filter_age(self, queryset, name, value):
        return queryset.filter(age_band_q(value, self.today))

    def filter_late(self, queryset, name, value):
        return queryset.completed_late() if value == "yes" else queryset.completed_on_time()
