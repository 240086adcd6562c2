"""Figures as the Ombudsman prints them, for every app's pages and reports."""

from decimal import ROUND_HALF_UP, Decimal


def percent(part: int, whole: int) -> int | None:
    """``part`` as a whole percentage of ``whole``, halves rounded up as the Ombudsman
    does (2 of 21 is 9.52%, shown as 10%; 1 of 8 is 12.5%, shown as 13%); None when there
    is nothing to divide by."""
    if not whole:
        return None
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP))


def counted(n: int, noun: str, plural: str = "") -> str:
    """A count with its noun, singular or plural as the count asks: "1 investigation",
    "2 investigations", "0 investigations"; ``plural`` where adding "s" is wrong."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
