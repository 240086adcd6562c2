"""Saved views of a list: a person names the filters a list shows and finds them again.

Each person sees and deletes only their own views. A view keeps the list's query string
as the list itself puts it in its links (ombudsman/listing.py), and it is opened as a link
to the list with that query, so the list's filters check it like any other: a stale or
tampered query gets the list's error messages, never a server error."""

from django.db import transaction

from .models import SavedView

# Each list's page and the page that saves a view of it, by the name a saved view keeps.
LIST_URLS: dict[str, str] = {
    SavedView.List.DECISIONS: "decisions:list",
    SavedView.List.ACTIONS: "remedies:action_list",
}
SAVE_URLS: dict[str, str] = {
    SavedView.List.DECISIONS: "decisions:save_view",
    SavedView.List.ACTIONS: "remedies:save_view",
}


def saved_views_of(user, list_name: str):
    """The person's views of the list, by name."""
    if not user.is_authenticated:
        return SavedView.objects.none()
    return SavedView.objects.filter(user=user, list_name=list_name).order_by("name", "pk")


def saved_view_create(*, user, list_name: str, name: str, query: str) -> SavedView:
    """Saves the list's ``query`` as the person's view ``name`` (the form has checked the
    name is theirs alone; the database's constraint holds it against two at once)."""
    with transaction.atomic():
        return SavedView.objects.create(user=user, list_name=list_name, name=name, query=query)


def saved_view_delete(*, view: SavedView) -> None:
    with transaction.atomic():
        view.delete()
