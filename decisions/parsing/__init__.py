"""Reading a decision of the Local Government and Social Care Ombudsman from its text.

Pure: no database, no models queried, no clock. ``parse_decision`` takes the text as
pasted from the Ombudsman's web page, extracted from a report PDF, or HTML, and returns a
``ParsedDecision`` for the officer to check; what the text does not say is left empty and
named in ``missing``. A text that is not a decision raises ``NotADecision``.

    text.py        paragraphs, headings and sections; html_to_text
    vocabulary.py  dates, money, people's labels, bodies' names, deadline wording
    header.py      reference, bodies, category, outcome, date, complainant, fault
    kinds.py       the kind of an agreed action from its wording
    actions.py     the agreed actions
    decision.py    parse_decision and its result
"""

from .actions import ParsedAction
from .decision import FIELDS, ParsedDecision, ParsedFinding, parse_decision
from .header import NotADecision
from .kinds import ALL_KINDS
from .text import html_to_text

__all__ = [
    "ALL_KINDS",
    "FIELDS",
    "NotADecision",
    "ParsedAction",
    "ParsedDecision",
    "ParsedFinding",
    "html_to_text",
    "parse_decision",
]
