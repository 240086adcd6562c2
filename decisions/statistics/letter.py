"""The annual review letter beside the product's own figures: which agree, which differ and
by how much, said in words. Pure arithmetic over a recorded AnnualLetter and the year's
YearFigures; no database access.

The letter prints its rates as whole percentages and its rate per 100,000 to the
precision it chooses ("3", "4.5"), so the product's figure is compared at the letter's
precision: a product figure of 3.1 per 100,000 agrees with a letter that says 3.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ombudsman.figures import percent

from ..models import AnnualLetter
from .figures import YearFigures, format_figure

Figure = int | Decimal | None


@dataclass(frozen=True)
class LetterRow:
    """One figure of the letter next to the product's: as the page shows them, and as
    numbers for the download (None where there is no figure)."""

    key: str
    label: str
    letter: str
    product: str
    agrees: bool
    difference: str  # in words: "2 fewer here than in the letter"; "" when they agree
    letter_figure: Figure
    product_figure: Figure
    # The product's figure less the letter's, compared as ``agrees`` compares them (at the
    # letter's precision); None when either has no figure.
    gap: Figure
    percent: bool = False  # a rate in whole percentages


def _plural(n: int | Decimal, one: str, many: str) -> str:
    return one if n == 1 else many


def _count_row(key: str, label: str, noun: str, letter: int, product: int) -> LetterRow:
    gap = product - letter
    if gap == 0:
        words = ""
    else:
        n = abs(gap)
        words = (
            f"{n} {_plural(n, noun, noun + 's')} {'more' if gap > 0 else 'fewer'} here "
            "than in the letter"
        )
    return LetterRow(key, label, str(letter), str(product), gap == 0, words, letter, product, gap)


def _rate_row(key: str, label: str, letter: int | None, product: int | None) -> LetterRow:
    shown_letter = f"{letter}%" if letter is not None else "No rate"
    shown_product = f"{product}%" if product is not None else "No rate"
    gap = None if letter is None or product is None else product - letter
    if letter == product:
        return LetterRow(
            key, label, shown_letter, shown_product, True, "", letter, product, gap, percent=True
        )
    if letter is None or product is None:
        words = (
            "The letter gives a rate; the product has nothing to work it out from"
            if product is None
            else "The product has a rate; the letter gives none"
        )
    else:
        n = abs(product - letter)
        words = (
            f"{n} percentage {_plural(n, 'point', 'points')} "
            f"{'higher' if product > letter else 'lower'} here than in the letter"
        )
    return LetterRow(
        key, label, shown_letter, shown_product, False, words, letter, product, gap, percent=True
    )


def _whole(value: Decimal | None) -> int | None:
    if value is None:
        return None
    return int(value.quantize(Decimal(1), ROUND_HALF_UP))


def _per_100k_row(letter: Decimal, product: Decimal | None) -> LetterRow:
    label = "Upheld decisions per 100,000 residents"
    shown = format_figure(letter)
    if product is None:
        return LetterRow(
            "upheld-per-100k",
            label,
            shown,
            "Population not recorded",
            False,
            "The product cannot work it out: record the council's population",
            letter,
            None,
            None,
        )
    # At the letter's precision: a whole number, or one decimal place.
    step = Decimal(1) if letter == letter.to_integral_value() else Decimal("0.1")
    ours = product.quantize(step, ROUND_HALF_UP)
    gap = ours - letter.quantize(step)
    words = ""
    if gap:
        words = (
            f"{format_figure(abs(gap))} {'more' if gap > 0 else 'fewer'} per 100,000 "
            "here than in the letter"
        )
    return LetterRow(
        "upheld-per-100k",
        label,
        shown,
        format_figure(product),
        gap == 0,
        words,
        letter,
        product,
        gap,
    )


def letter_comparison(letter: AnnualLetter, figures: YearFigures) -> list[LetterRow]:
    """The letter's figures, in its order, each beside the product's for the same year."""
    letter_compliance = _whole(letter.compliance_rate_percent)
    return [
        _count_row(
            "investigations",
            "Detailed investigations",
            "investigation",
            letter.investigations,
            figures.investigations,
        ),
        _count_row("upheld", "Upheld decisions", "upheld decision", letter.upheld, figures.upheld),
        _rate_row(
            "upheld-rate",
            "Upheld rate",
            percent(letter.upheld, letter.investigations),
            figures.upheld_rate,
        ),
        _per_100k_row(letter.upheld_per_100k, figures.upheld_per_100k),
        _count_row(
            "compliance-outcomes",
            "Compliance outcomes",
            "compliance outcome",
            letter.compliance_outcomes,
            figures.compliance_outcomes,
        ),
        _rate_row("compliance-rate", "Compliance rate", letter_compliance, figures.compliance_rate),
        _count_row(
            "satisfactory-remedies",
            "Satisfactory remedy decisions",
            "satisfactory remedy decision",
            letter.satisfactory_remedies,
            figures.satisfactory_remedies,
        ),
        _rate_row(
            "satisfactory-remedy-rate",
            "Satisfactory remedy rate",
            percent(letter.satisfactory_remedies, letter.upheld),
            figures.satisfactory_remedy_rate,
        ),
    ]
