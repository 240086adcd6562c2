"""The list pages' shared parts (the decisions list, the agreed-action list): a FilterSet
whose sort is declared once and validated like any other filter, and the view plumbing:
filter, validate, sort, paginate, the column headings' links, and the CSV and Excel
downloads of exactly the filtered rows in the list's order.

What a list shows is said twice, from the same valid filter values: as the MOJ filter
component's selected-filter tags (each a link to the same list without that filter) and
as a sentence above the rows ("21 overdue actions the council answers for, Adult Social
Care"). A list may open on default filters (``DEFAULTS``: the actions list opens on the
council's open actions); they apply while the query names none of the list's filters, and
every link the page makes names them explicitly, so that removing a default ("Any" status)
stays removed.

Empty values (no date, no owner, no service area, no amount) sort last whichever way a
column is sorted: the rows that can be sorted are the ones a person is looking for."""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import ClassVar, overload
from urllib.parse import urlencode

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, Model, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from .exports import Column, download_response
from .forms import DateFilter, SavedViewForm
from .groupwalk import walk_sql
from .saved_views import LIST_URLS, SAVE_URLS, saved_view_create, saved_views_of

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
    last ones break ties, so that pages never overlap).

    ``group``: the related record whose fields the ordering starts with ("owner" for
    owner__last_name...; they must tell its records apart), for a sort whose page
    PostgreSQL reads group by group (``ombudsman.groupwalk``) once the list is long;
    ``many_groups`` when those records are as many as the rows (a complaint per
    decision), read in order from an index on their fields rather than sorted first."""

    label: str
    ordering: tuple[str, ...]
    descending_first: bool = False  # its heading's first click puts the newest first
    group: str = ""
    many_groups: bool = False


class SortedRows:
    """A list's filtered rows in its chosen order, as the Paginator reads them: their
    count (``counted``: the filters' cheapest query for it, ``SortedFilterSet.count``),
    then a page (a slice of a queryset, read as the page is shown).

    A sort by a related record's fields (``Sort.group``) reads its page group by group
    on PostgreSQL (``ombudsman.groupwalk``): the page's ids in the walk, then the rows
    with them in the same query, sorted as the list is (25 rows). Not while the rows
    are few: then the plain ORDER BY sorts them in a millisecond or two, where a walk
    could read many groups holding none of them (an owner's actions by reference walks
    complaints, most of them another's). The count is known before the page is read
    (the Paginator asks it first), and ``LIST_GROUP_WALK_FROM`` says from how many rows
    the walk is cheaper (measured at national scale: see its setting)."""

    def __init__(
        self,
        rows: QuerySet,
        sort: Sort,
        descending: bool,
        counted: Callable[[], int] | None = None,
    ):
        self.rows, self.sort, self.descending = rows, sort, descending
        self._counted = counted or rows.count
        self.sorted = rows.order_by(
            *(
                F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
                for name in sort.ordering
            )
        )
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._counted()
        return self._count

    def walks(self) -> bool:
        return (
            bool(self.sort.group)
            and connections[self.rows.db].vendor == "postgresql"
            and self.count() >= settings.LIST_GROUP_WALK_FROM
        )

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator:
        return iter(self.sorted)

    @overload
    def __getitem__(self, index: int) -> Model: ...
    @overload
    def __getitem__(self, index: slice) -> QuerySet: ...
    def __getitem__(self, index: int | slice) -> Model | QuerySet:
        if not isinstance(index, slice) or not self.walks():
            return self.sorted[index]
        offset = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        if stop <= offset:
            return self.sorted.none()
        ids = RawSQL(  # noqa: S611 (the SQL of querysets, with their parameters)
            *walk_sql(
                self.rows, group=self.sort.group, ordering=self.sort.ordering,
                descending=self.descending, offset=offset, limit=stop - offset,
                many_groups=self.sort.many_groups,
            )
        )  # fmt: skip
        return self.sorted.filter(pk__in=ids)


@dataclass(frozen=True)
class Words:
    """How a filter's chosen value reads in the sentence that says what a list shows:
    ``template`` with "{}" for the value's label, or the words for a value of its own
    (``values``: overdue "yes" is "overdue"). It stands ``before`` the noun ("open
    actions"), right after it (``joined``: "actions the council answers for"), or after a
    comma (the default: "actions, Adult Social Care")."""

    template: str = "{}"
    values: dict[str, str] = field(default_factory=dict)
    before: bool = False
    joined: bool = False
    lower: bool = False  # the label lower-cased: "open", "financial remedy"

    def say(self, value: str, label: str) -> str:
        if value in self.values:
            return self.values[value]
        return self.template.format(label.lower() if self.lower else label)


@dataclass(frozen=True)
class Tag:
    """A selected filter (MOJ filter component): its heading, what was chosen, and the
    link to the same list without it."""

    heading: str
    text: str
    remove_url: str


@dataclass(frozen=True)
class SortLink:
    """A column heading: the link that sorts by it (or turns it round) and aria-sort."""

    label: str
    url: str
    aria_sort: str


class _FetchedChoices(forms.models.ModelChoiceIterator):
    """A filter's records (organisations, service areas, categories, owners) read with one
    plain query, kept for the form's life, rather than Django's way for a form's choices:
    a server-side cursor each time they are read (DECLARE, FETCH and CLOSE, the rows
    copied aside by PostgreSQL as the cursor is held), which for a select is twice (the
    "required" attribute looks at the first choice, then the options are drawn). These
    are lists of tens of rows, the page shows them all."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for record in self.queryset:
            yield self.choice(record)


@cache
def _fetching(iterator: type) -> type:
    """``iterator`` (Django's, django-filter's with its "None" choice, or a list's own)
    reading its records as ``_FetchedChoices`` does: it goes below the class's own
    ``__iter__`` in the method order, above Django's."""
    if issubclass(iterator, _FetchedChoices):
        return iterator
    return type(f"Fetched{iterator.__name__}", (iterator, _FetchedChoices), {})


class SortedFilterSet(django_filters.FilterSet):
    """A list's filters and its sort. A subclass declares ``SORTS`` (key: ``Sort``) and
    ``DEFAULT_SORT``; "-key" sorts the other way. ``sorted_qs()`` is the filtered rows in
    the chosen order; an unknown sort is an error of the form, as a bad filter is."""

    SORTS: ClassVar[dict[str, Sort]] = {}
    DEFAULT_SORT: ClassVar[str] = ""
    # The filters a list opens on, while the query names none of its filters.
    DEFAULTS: ClassVar[dict[str, str]] = {}
    # A filter whose "off" is a value of its own ("whose": "all"): its default holds while
    # the query leaves it out, and that value is neither a tag nor words in the sentence.
    UNFILTERED: ClassVar[dict[str, str]] = {}
    # How each filter reads in the sentence above the rows, in the sentence's order; a
    # filter not named here says "<its label>: <the value>".
    WORDS: ClassVar[dict[str, Words]] = {}
    # Whether ``count`` is a bound ("more than 1,000") rather than the number found: the
    # list then shows the first that many and says so (a search of a word in nearly every
    # summary, ``decisions.filters.COUNTED_UP_TO``).
    count_bounded = False

    # Carried by the column headings' links and a hidden input: not a field to link to.
    sort = django_filters.CharFilter(
        method="filter_sort", label="Sort by", widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["sort"] = self.filters.pop("sort")  # its errors after the filters' own
        self.form.fields["sort"].validators.append(self._validate_sort)

    def get_form_class(self):
        """The list's form, made once per list rather than once per request (its fields
        made from the filters, and a class made twice over, each time a page was opened):
        the filters name their records' querysets, and none depends on the request (a
        list whose filter's queryset is a callable of the request would get its own)."""
        cls = type(self)
        form_class = cls.__dict__.get("_form_class")
        if form_class is None:
            form_class = self._make_form_class()
            if not any(callable(getattr(f, "queryset", None)) for f in self.filters.values()):
                cls._form_class = form_class
        return form_class

    def _make_form_class(self):
        form_class = super().get_form_class()
        ranges = [
            (f.start, name, f.noun)
            for name, f in self.filters.items()
            if isinstance(f, RangeFilter)
        ]
        for form_field in form_class.base_fields.values():
            if isinstance(form_field, forms.ModelChoiceField):
                # Each form's copy of the field takes its iterator from here.
                form_field.iterator = _fetching(form_field.iterator)
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

    def count(self) -> int:
        """How many rows the filters find, for the count above the list: counted, unless a
        subclass has a cheaper query for the same number."""
        return self.qs.count()

    def sorted_rows(self) -> SortedRows:
        """The filtered rows in the chosen order, as a list's pages read them (counted by
        ``count``)."""
        key = self.sort_key
        sort = self.SORTS[key.removeprefix("-")]
        return SortedRows(self.qs, sort, key.startswith("-"), counted=self.count)

    def sorted_qs(self) -> QuerySet:
        """The filtered rows in the chosen order, all of them (a download)."""
        return self.sorted_rows().sorted

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

    # What the list shows, from the valid filter values.

    @staticmethod
    def _filter_keys(name: str) -> set[str]:
        """The query's keys that carry a filter: its name, and a date's three boxes."""
        return {name, *(f"{name}-{part}" for part in ("day", "month", "year"))}

    @classmethod
    def names_a_filter(cls, data: Mapping[str, object]) -> bool:
        """Whether ``data`` names one of the list's filters (the sort is not one)."""
        return any(
            key in data
            for name in cls.base_filters
            if name != "sort"
            for key in cls._filter_keys(name)
        )

    def chosen(self) -> list[tuple[str, str, str]]:
        """(name, value as sent, its label) of each filter given a valid value, in the
        order of the filters on the form."""
        if not hasattr(self.form, "cleaned_data"):
            self.form.is_valid()
        out = []
        for name, form_field in self.form.fields.items():
            if name == "sort" or name in self.form.errors:
                continue
            value = self.form.cleaned_data.get(name)
            if value in (None, "", [], ()) or value == self.UNFILTERED.get(name):
                continue
            out.append((name, self.form[name].value(), _label(form_field, value)))
        return out

    def link_params(self, params: dict[str, str]) -> dict[str, str]:
        """``params`` as a link puts them, shortest, opening the same list: a default
        that absence gives is left out ("whose=council"), and while no filter is named
        (which would bring the defaults back), those that are off are named, empty."""
        out = {
            k: v
            for k, v in params.items()
            if v and not (k in self.UNFILTERED and self.DEFAULTS.get(k) == v)
        }
        if self.DEFAULTS and not self.names_a_filter(out):
            out |= {
                name: ""
                for name in self.DEFAULTS
                if name not in out and name not in self.UNFILTERED
            }
        if "sort" in out:
            out["sort"] = out.pop("sort")  # last: the filters read first
        return out

    def tags(self, params: dict[str, str]) -> list[Tag]:
        """The selected filters, each with the link that removes it alone (a default
        removed stays removed)."""
        tags = []
        for name, _, label in self.chosen():
            kept = {k: v for k, v in params.items() if k not in self._filter_keys(name)}
            kept[name] = self.UNFILTERED.get(name, "")
            url = "?" + urlencode(self.link_params(kept))
            tags.append(Tag(str(self.filters[name].label), label, url))
        return tags

    def clear_query(self) -> str:
        """The query of the list with no filter at all (not even its defaults)."""
        return urlencode(self.link_params(dict(self.UNFILTERED)))

    def describe(self, count: int, noun: str) -> str:
        """The sentence that says what the list shows: "21 overdue actions the council
        answers for, Adult Social Care"."""
        chosen = {name: (str(value), label) for name, value, label in self.chosen()}
        order = [name for name in self.WORDS if name in chosen]
        order += [name for name in chosen if name not in self.WORDS]
        before: list[str] = []
        joined: list[str] = []
        after: list[str] = []
        for name in order:
            value, label = chosen[name]
            words = self.WORDS.get(name)
            if words is None:
                after.append(f"{self.filters[name].label}: {label}")
                continue
            said = words.say(value, label)
            (before if words.before else joined if words.joined else after).append(said)
        plural = noun if count == 1 and not self.count_bounded else f"{noun}s"
        number = f"More than {count:,}" if self.count_bounded else f"{count:,}"
        sentence = " ".join([number, *before, plural, *joined])
        return ", ".join([sentence, *after])


def _label(form_field: forms.Field, value) -> str:
    """How a chosen value reads: a choice's label, a record's name, a date in words."""
    if isinstance(form_field, forms.ModelChoiceField):
        null_value = getattr(form_field, "null_value", None)
        if null_value is not None and value == null_value:
            return str(form_field.null_label)  # type: ignore[attr-defined]
        return str(form_field.label_from_instance(value))
    if isinstance(form_field, forms.ChoiceField):
        return str(dict(form_field.choices).get(value, value))  # type: ignore[arg-type]
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return f"“{value}”"


def filtered(filterset_class: type[SortedFilterSet], request: HttpRequest, queryset, **kwargs):
    """The list's filters from the query string, validated (no query: every row, or the
    list's ``DEFAULTS`` while the query names none of its filters)."""
    return filtered_by(filterset_class, request.GET, queryset, **kwargs)


def filtered_by(filterset_class: type[SortedFilterSet], query: QueryDict, queryset, **kwargs):
    if filterset_class.DEFAULTS:
        # Opened plainly: the defaults. Otherwise a default the query leaves out is off,
        # and said so (an empty value), so that the form and the links show it off; but
        # one that has a value for "off" (UNFILTERED) is off only when the query says so.
        opened = not filterset_class.names_a_filter(query)
        data = query.copy()
        for name, value in filterset_class.DEFAULTS.items():
            if opened or (name in filterset_class.UNFILTERED and not data.get(name)):
                data[name] = value
            elif name not in data:
                data[name] = ""
        query = data
    # Made once: which filters the query names is the class's to say, not a filterset's.
    filterset = filterset_class(query, queryset=queryset, **kwargs)
    filterset.is_valid()  # before .qs: django-filter otherwise drops bad values silently
    return filterset


def _kept_params(filterset: SortedFilterSet) -> dict[str, str]:
    """The filters a heading or page link keeps: all but the page and the sort."""
    return filterset.link_params(
        {
            k: v
            for k, v in (filterset.data or {}).items()
            if k not in ("page", "sort") and isinstance(v, str)
        }
    )


def list_context(
    request: HttpRequest,
    filterset: SortedFilterSet,
    *,
    noun: str,
    downloads: tuple[str, str],
    saved_as: str,
    with_rows: Callable[[list], object] | None = None,
) -> dict:
    """What every list page (``templates/list_page.html``) shows around its table: the
    filters; the page of rows, none while a filter is refused (never every row passed off
    as the filtered ones); the column headings' links; the query the pagination and the
    downloads (the URL names of the CSV and the Excel one) carry; what a row is (``noun``,
    "complaint": "3 complaints", "No complaints match"); the person's saved views of the
    list (``saved_as``: its name among ``SavedView.List``). ``with_rows`` is given the
    page's rows, read, to add what they show from other tables (in a query of its own)."""
    rows_ok = not filterset.errors
    page = None
    if rows_ok:
        paginator = Paginator(filterset.sorted_rows(), settings.LIST_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        if with_rows is not None:
            page.object_list = list(page.object_list)
            with_rows(page.object_list)
    params = _kept_params(filterset)
    csv_name, xlsx_name = downloads
    tags = filterset.tags({**params, "sort": filterset.sort_key})
    return {
        "filterset": filterset,
        "rows_ok": rows_ok,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number) if page else [],
        "sort_links": filterset.sort_links(params),
        "page_query": urlencode({**params, "sort": filterset.sort_key}),
        "noun": noun,
        "summary": filterset.describe(page.paginator.count, noun) if page is not None else "",
        "tags": tags,
        "clear_url": "?" + filterset.clear_query() if filterset.DEFAULTS else request.path,
        "csv_url": reverse(csv_name),
        "xlsx_url": reverse(xlsx_name),
        "saved_views": list(saved_views_of(request.user, saved_as)),
        "save_view_url": reverse(SAVE_URLS[saved_as]),
    }


def save_view_page(request: HttpRequest, filterset: SortedFilterSet, *, saved_as: str, noun: str):
    """The question page that saves a list's filters (this page's own query string) as a
    named view: the filters are checked as the list checks them, and a name is asked for
    (GOV.UK error summary: none, too long, one the person already has)."""
    list_url = reverse(LIST_URLS[saved_as])
    rows_ok = not filterset.errors
    query = urlencode({**_kept_params(filterset), "sort": filterset.sort_key})
    if request.method == "POST":
        form = SavedViewForm(request.POST, user=request.user, list_name=saved_as)
        if rows_ok and form.is_valid():
            view = saved_view_create(
                user=request.user, list_name=saved_as, name=form.cleaned_data["name"], query=query
            )
            messages.success(request, f"Your view “{view.name}” is saved.")
            return redirect(f"{list_url}?{query}")
    else:
        form = SavedViewForm(user=request.user, list_name=saved_as)
    summary = ""
    if rows_ok:
        summary = filterset.describe(filterset.count(), noun)
    return render(
        request,
        "save_view.html",
        {
            "form": form,
            "filterset": filterset,
            "rows_ok": rows_ok,
            "summary": summary,
            "back_url": f"{list_url}?{query}",
        },
    )


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
