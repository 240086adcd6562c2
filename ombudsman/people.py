"""How a person is shown, on every page, e-mail, download, history and choice list: their
full name, else their user name.

What "nobody" reads as depends on where it is shown ("No owner", "Not assigned",
"System"), so it is the caller's to say; here nobody is the empty string."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a type only: importing the auth models needs the apps loaded
    from django.contrib.auth.models import AbstractUser


def _name(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or username or ""


def name_columns(relation: str) -> list[str]:
    """The columns a ``values()`` query needs for ``name_in_row(row, relation)``."""
    return [f"{relation}__first_name", f"{relation}__last_name", f"{relation}__username"]


def name_in_row(row: dict, relation: str) -> str:
    """The name of the person ``relation`` points at in a ``values()`` row; "" when it
    points at no one (the columns are all NULL)."""
    return _name(*(row[column] for column in name_columns(relation)))


def name_order(relation: str = "") -> list[str]:
    """How people are listed everywhere (choice lists, filters, the dashboard, the sort by
    owner): by surname, then first name, then user name. ``relation`` is the path to the
    person ("owner") or empty for the user model itself."""
    prefix = f"{relation}__" if relation else ""
    return [f"{prefix}last_name", f"{prefix}first_name", f"{prefix}username"]


def person_name(user: "AbstractUser | None") -> str:
    """``user``'s full name, else their user name; "" for no one."""
    if user is None:
        return ""
    return _name(user.first_name, user.last_name, user.get_username())
