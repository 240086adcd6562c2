"""``{% sort_header "due" %}``: a list's sortable column heading, MOJ sortable-table style:
a link that sorts by the column, or turns it round, keeping the other filters; and
aria-sort on the heading with the direction it is sorted in ("none" if not by it), which
an arrow beside the sorted column's link shows too (▲ ascending, ▼ descending).

``{% sort_header "owner" "service_area" %}`` is one heading for a column whose cells hold
two facts, a link for each; it is sorted when either is. ``numeric=True`` right-aligns it.
The links come from the view's ``list_context`` (``ombudsman/listing.py``)."""

from django import template

from ombudsman.listing import UNSORTED

register = template.Library()


@register.inclusion_tag("includes/sort_header.html", takes_context=True)
def sort_header(context, *keys: str, numeric: bool = False) -> dict:
    links = [context["sort_links"][key] for key in keys]
    sorted_by = [link.aria_sort for link in links if link.aria_sort != UNSORTED]
    return {
        "links": links,
        "aria_sort": sorted_by[0] if sorted_by else UNSORTED,
        "numeric": numeric,
    }
