"""The Ombudsman's complaint reference: two, three and three digits, e.g. ``22 010 218``,
with an optional lower-case suffix letter for a re-opened or split case (``24 005 859a``).

Pure functions, no Django state: used by forms, the decision import and the list filter.
"""

import re

EXPECTED_FORM = "two, three and three digits, like 22 010 218 (or 24 005 859a with a suffix)"

# Digits may be run together or separated by spaces, hyphens or full stops.
_INPUT = re.compile(
    r"^(?P<a>\d{2})[\s\-.]*(?P<b>\d{3})[\s\-.]*(?P<c>\d{3})\s*(?P<suffix>[A-Za-z])?$"
)
STORED = re.compile(r"^\d{2} \d{3} \d{3}[a-z]?$")


class InvalidReference(ValueError):
    """The text is not an Ombudsman reference."""


def normalise_reference(raw: str) -> str:
    """Return the stored form of a reference typed in any of the accepted ways.

    >>> normalise_reference(" 22-010-218 ")
    '22 010 218'
    >>> normalise_reference("24005859A")
    '24 005 859a'
    """
    match = _INPUT.match((raw or "").strip())
    if not match:
        raise InvalidReference(f"Enter the Ombudsman reference as {EXPECTED_FORM}.")
    suffix = (match["suffix"] or "").lower()
    return f"{match['a']} {match['b']} {match['c']}{suffix}"


def reference_slug(reference: str) -> str:
    """The form used in URLs and file names: ``24-005-859a``."""
    return reference.replace(" ", "-")


def compact(text: str) -> str:
    """Drop separators so that a search for ``22010218`` finds ``22 010 218``."""
    return re.sub(r"[\s\-.]", "", text or "").lower()
