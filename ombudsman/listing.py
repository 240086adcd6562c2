"""The list pages' shared parts (the decisions list, the agreed-action list): a FilterSet
whose sort is declared once and validated like any other filter, and the view plumbing:
filter, validate, sort, paginate, the column headings' links, and the CSV and Excel
downloads of exactly the filtered rows in the list's order.

Empty values (no date, no owner, no service area, no amount) sort last whichever way a
column is sorted: the rows that can be sorted are the ones a person is looking for."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlencode

import django_filters
from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone

from .exports import Column, download_response
from .forms import DateFilter

ASCENDING, DESCENDING, UNSORTED = "ascending", "descending", "none"  # aria-sort's values


class RangeFilter(DateFilter):
    """The "on or before" end of a ``date_range``: it knows its start and what the date is."""

    def __init__(self, *args, start: str, noun: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.start, self.noun = start, noun


def date_range(field_name: str, what: str, noun: str, start: str) -> tuple[DateFilter, RangeFilter]:
    """A list's "from" and "to" filters on a date: ``decided_from, decided_to =
    date_range("latest_decision_date", "Decided", "decision date", start="decided_from")``
    gives "Decided on or after" and "Decided on or before", each typed into a GOV.UK date
    input; a "to" before the "from" is refused (``SortedFilterSet``)."""
    return (
        DateFilter(field_name=field_name, lookup_expr="gte", label=f"{what} on or after"),
        RangeFilter(
            field_name=field_name, lookup_expr="lte", label=f"{what} on or before",
            start=start, noun=noun,
        ),
    )  # fmt: skip


class ListFilterForm(forms.Form):
    """The form of every list's filters: a date range must not end before it starts."""

    ranges: ClassVar[list[tuple[str, str, str]]] = []  # (start, end, noun)

    def clean(self):
        data = super().clean()
        for start, end, noun in self.ranges:
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, f"The last {noun} must be on or after the first.")
        return data


@dataclass(frozen=True)
class Sort:
    """A column a list can be sorted by: its heading and the fields it orders by (the
    last ones break ties, so that pages never overlap)."""

    label: str
    ordering: tuple[str, ...]
    descending_first: bool = False  # its heading's first click puts the newest first


@dataclass(frozen=True)
class SortLink:
    """A column heading: the link that sorts by it (or turns it round) and aria-sort."""

    label: str
    url: str
    aria_sort: str


class SortedFilterSet(django_filters.FilterSet):
    """A list's filters and its sort. A subclass declares ``SORTS`` (key: ``Sort``) and
    ``DEFAULT_SORT``; "-key" sorts the other way. ``sorted_qs()`` is the filtered rows in
    the chosen order; an unknown sort is an error of the form, as a bad filter is."""

    SORTS: ClassVar[dict[str, Sort]] = {}
    DEFAULT_SORT: ClassVar[str] = ""

    # Carried by the column headings' links and a hidden input: not a field to link to.
    sort = django_filters.CharFilter(
        method="filter_sort", label="Sort by", widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["sort"] = self.filters.pop("sort")  # its errors after the filters' own
        self.form.fields["sort"].validators.append(self._validate_sort)

    def get_form_class(self):
        form_class = super().get_form_class()
        ranges = [
            (f.start, name, f.noun)
            for name, f in self.filters.items()
            if isinstance(f, RangeFilter)
        ]
        return type(form_class.__name__, (form_class, ListFilterForm), {"ranges": ranges})

    def _validate_sort(self, value: str) -> None:
        if value and value.removeprefix("-") not in self.SORTS:
            labels = ", ".join(sort.label for sort in self.SORTS.values())
            raise forms.ValidationError(f"Sort by one of: {labels}.")

    def filter_sort(self, queryset, name, value):
        return queryset  # applied by sorted_qs() after every other filter

    @property
    def sort_key(self) -> str:
        """The sort chosen, or the default while the filters are not valid."""
        chosen = None if self.errors else self.form.cleaned_data.get("sort")
        return chosen or self.DEFAULT_SORT

    def sorted_qs(self) -> QuerySet:
        key = self.sort_key
        fields = self.SORTS[key.removeprefix("-")].ordering
        if key.startswith("-"):
            return self.qs.order_by(*(F(name).desc(nulls_last=True) for name in fields))
        return self.qs.order_by(*(F(name).asc(nulls_last=True) for name in fields))

    def sort_links(self, params: dict[str, str]) -> dict[str, SortLink]:
        """Each column's heading link, keeping the other ``params``: an ascending column
        turns descending, anything else sorts the column its own first way."""
        current = self.sort_key
        links = {}
        for key, sort in self.SORTS.items():
            active = current.removeprefix("-") == key
            descending = current.startswith("-")
            if active:
                next_sort = key if descending else f"-{key}"
                aria_sort = DESCENDING if descending else ASCENDING
            else:
                next_sort = f"-{key}" if sort.descending_first else key
                aria_sort = UNSORTED
            links[key] = SortLink(
                sort.label, "?" + urlencode({**params, "sort": next_sort}), aria_sort
            )
        return links


def filtered(filterset_class: type[SortedFilterSet], request: HttpRequest, queryset, **kwargs):
    """The list's filters from the query string, validated (no query: every row)."""
    filterset = filterset_class(request.GET, queryset=queryset, **kwargs)
    filterset.is_valid()  # before .qs: django-filter otherwise drops bad values silently
    return filterset


def _kept_params(query: QueryDict) -> dict[str, str]:
    """The filters a heading or page link keeps: all but the page and the sort."""
    return {
        k: v for k, v in query.items() if k not in ("page", "sort") and isinstance(v, str) and v
    }


def list_context(
    request: HttpRequest, filterset: SortedFilterSet, *, noun: str, downloads: tuple[str, str]
) -> dict:
    """What every list page (``templates/list_page.html``) shows around its table: the
    filters; the page of rows, none while a filter is refused (never every row passed off
    as the filtered ones); the column headings' links; the query the pagination and the
    downloads (the URL names of the CSV and the Excel one) carry; what a row is (``noun``,
    "complaint": "3 complaints", "No complaints match")."""
    rows_ok = not filterset.errors
    page = None
    if rows_ok:
        paginator = Paginator(filterset.sorted_qs(), settings.LIST_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
    params = _kept_params(request.GET)
    csv_name, xlsx_name = downloads
    return {
        "filterset": filterset,
        "rows_ok": rows_ok,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number) if page else [],
        "sort_links": filterset.sort_links(params),
        "page_query": urlencode({**params, "sort": filterset.sort_key}),
        "noun": noun,
        "csv_url": reverse(csv_name),
        "xlsx_url": reverse(xlsx_name),
    }


def list_download(
    request: HttpRequest,
    filterset: SortedFilterSet,
    fmt: str,
    *,
    columns: list[Column],
    rows: Callable[[QuerySet], Iterable[list]],
    name: str,
    refused: Callable[[HttpRequest], HttpResponse],
) -> HttpResponse:
    """The filtered list, every page in the list's order, as CSV or Excel named
    "name-YYYY-MM-DD"; the list with its errors (``refused``) while a filter is not valid."""
    if filterset.errors:
        return refused(request)
    today = timezone.localdate()
    return download_response(
        fmt, columns, rows(filterset.sorted_qs()), name=f"{name}-{today:%Y-%m-%d}"
    )
