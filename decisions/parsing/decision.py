"""``parse_decision``: the whole of a decision's text to a ``ParsedDecision``."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from remedies.deadlines import counts_from_an_event, due_date_from_phrase

from . import header as h
from . import kinds
from .actions import ActionReader, ParsedAction, dedupe
from .clauses import back_reference_list, sentences
from .text import Para, Section, html_to_text, looks_like_html, paragraphs, sections

# The fields an officer checks, in the order of the form; ``missing`` lists them by these
# names when the text does not give them.
FIELDS = (
    "reference", "organisations", "category", "outcome", "decision_date", "complainant",
    "summary", "fault", "injustice", "actions", "total_money",
)  # fmt: skip


@dataclass
class ParsedFinding:
    """A sentence of the decision that finds fault (or none)."""

    text: str
    fault: bool | None
    injustice: bool | None


@dataclass
class ParsedDecision:
    """What the text of a decision says, and what it does not (``missing``).

    ``outcome`` is a ``Decision.Outcome`` value mapped from ``outcome_printed``, the
    Ombudsman's own words; ``category`` is as printed ("Housing > Homelessness", or a
    report's "Adult care services: charging"). Nothing is inferred where the text is
    silent: those fields are None (or empty) and named in ``missing``.
    """

    reference: str | None = None
    organisations: list[str] = field(default_factory=list)
    category: str | None = None
    outcome: str | None = None
    outcome_printed: str | None = None
    decision_date: date | None = None
    is_report: bool = False
    complainant: str | None = None
    summary: str | None = None
    fault: bool | None = None
    injustice: bool | None = None
    findings: list[ParsedFinding] = field(default_factory=list)
    actions: list[ParsedAction] = field(default_factory=list)
    total_money: Decimal | None = None
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """The ``Decision.Kind`` value."""
        return "report" if self.is_report else "statement"

    @property
    def category_path(self) -> tuple[str, str] | None:
        """The category as (top level, subcategory), whichever way it was printed."""
        if not self.category:
            return None
        parts = re.split(r"\s*>\s*|:\s+", self.category, maxsplit=1)
        if len(parts) != 2:
            return None
        top, sub = (part.strip() for part in parts)
        return top[:1].upper() + top[1:], sub[:1].upper() + sub[1:]


NotADecision = h.NotADecision


def _text_of(sections_: list[Section], *section_kinds: str) -> str:
    return "\n".join(
        para.text for section in sections_ if section.kind in section_kinds
        for para in section.paras
    )  # fmt: skip


def _summary(paras: list[Para], labelled: dict, secs: list[Section], report: bool) -> str | None:
    if labelled.get("summary"):
        return labelled["summary"][0]
    summary_section = next((s for s in secs if s.kind == "summary"), None)
    if summary_section and summary_section.paras:
        body = summary_section.paras
        if report and h.report_summary_category(summary_section):
            body = body[1:]
        if body:
            return body[0].text
    # An old report page: the first paragraph after the labelled header lines.
    for para in secs[0].paras[:12]:
        text = para.text
        if len(text) > 60 and not h._LABELLED.match(text) and not h._TITLE.match(text):
            return text
    return None


# A sentence about putting the fault right, not about finding it: "The organisations have
# agreed to take action to address the impact of this fault", "To remedy the injustice
# caused by the fault, the Council should ...".
_REMEDY_SENTENCE = re.compile(
    r"\b(?:ha(?:s|ve|d) (?:now )?agreed|agreed to|agrees? to|will|should|must|recommend\w*"
    r"|to (?:remedy|address|put right|acknowledge)|in order to|remed(?:y|ies|ied))\b",
    re.IGNORECASE,
)


# The complainant acts for someone else: "Mrs X complains on behalf of her mother".
_FOR_ANOTHER = re.compile(
    r"\b(?:complain\w*|complaint|brings?|brought|acts?|acting)[\s,]+(?:\w+[\s,]+){0,3}?on\s+behalf"
    r"\s+of\b",
    re.IGNORECASE,
)
_NOT_INVESTIGATED = re.compile(
    r"\b(?:will|would|can|could|did|do|does)\s*not\s+(?:investigate|start|continue)|\bcannot\s+"
    r"investigate|\bdecided\s+not\s+to\s+investigate|\bdiscontinu",
    re.IGNORECASE,
)


def _findings(decisive: list[str]) -> list[ParsedFinding]:
    """The sentences that state a finding of fault, or of none; never a sentence about the
    remedy, which names the fault only to put it right."""
    found = []
    for text in decisive:
        for sentence in sentences(text):
            if not re.search(r"\bfault\b", sentence, re.IGNORECASE):
                continue
            if _REMEDY_SENTENCE.search(sentence):
                continue
            fault, injustice = h.fault_and_injustice(sentence, "")
            if fault is None:
                continue  # mentions fault without saying whether there was any
            found.append(ParsedFinding(sentence, fault, injustice))
    return found


def parse_decision(text: str) -> ParsedDecision:
    """Read a decision statement or report of the Ombudsman.

    ``text`` is the decision as pasted from the Ombudsman's web page, as extracted from a
    PDF report, or HTML. Raises ``NotADecision`` with a message for the officer when the
    text is not a decision (empty, an annual review letter, a committee report, anything
    else). Pure: no database, no clock.
    """
    if looks_like_html(text or ""):
        text = html_to_text(text)
    paras = paragraphs(text or "")
    cleaned = "\n".join(para.text for para in paras)
    head_text = " ".join(para.text for para in paras[:15])
    header = h.read_header(paras, head_text)
    h.reject_if_not_a_decision(cleaned, has_reference=header.reference is not None)

    secs = sections(paras)
    labelled = h.labelled_values(paras[:60])
    result = ParsedDecision(reference=header.reference, is_report=h.is_report(cleaned))
    result.summary = _summary(paras, labelled, secs, result.is_report)

    result.category = header.category
    if result.category is None and result.is_report:
        result.category = h.report_summary_category(
            next((s for s in secs if s.kind == "summary"), None)
        )

    final_text = _text_of(secs, "final")
    finding = next((s for s in secs if s.title.strip().lower() == "finding" and s.paras), None)
    result.outcome_printed = header.outcome_printed
    if result.outcome_printed is None and finding is not None:
        result.outcome_printed = finding.paras[0].text.rstrip(".")
    if result.outcome_printed is None:
        result.outcome_printed = h.outcome_from_text(
            [result.summary or "", final_text, "\n".join(p.text for p in secs[0].paras)]
        )
    result.outcome = h.outcome_value(result.outcome_printed)

    result.decision_date = header.decision_date
    if result.decision_date is None and result.is_report:
        result.decision_date = h.report_title_date(secs[0].paras)

    defined = h.definitions(cleaned)
    joint = bool(re.search(r"\bOmbudsmen\b", cleaned))
    bodies = h.organisations(header.title_bodies, defined, joint)
    # In the order the decision introduces them ("the Trust, the Council and the ICB").
    result.organisations = sorted(
        bodies, key=lambda name: (cleaned.find(name) % (len(cleaned) + 1), bodies.index(name))
    )

    complaint_text = _text_of(secs, "complaint")
    result.complainant = h.complainant(
        [result.summary or "", complaint_text, "\n".join(p.text for p in secs[0].paras)]
    )

    decisive = [result.summary or "", result.outcome_printed or "", final_text]
    if not any(s.kind in ("analysis", "final", "action") for s in secs):
        decisive.append(_text_of(secs, "head", "other", "complaint"))
    reasoning = _text_of(secs, "analysis")
    result.fault, result.injustice = h.fault_and_injustice("\n".join(decisive), reasoning)
    if result.fault is None and result.outcome in ("upheld", "not_upheld"):
        # The Ombudsman upholds a complaint when, and only when, it finds fault.
        result.fault = result.outcome == "upheld"
    result.findings = _findings([final_text])

    reader = ActionReader(
        organisations=result.organisations,
        defined=defined,
        complainant=result.complainant,
        full_text=cleaned,
        for_another=bool(_FOR_ANOTHER.search(f"{result.summary or ''}\n{complaint_text}")),
    )
    truncated = bool(re.search(r"\[(?:…|\.\.\.)\]", cleaned))
    result.actions, from_section = _actions(reader, secs)
    if not from_section and result.summary:
        # No agreed-action section (or the page was cut before it): the summary's own
        # account of the remedies, without deadlines, less those the text states again.
        reader.subject = None
        stated = reader.item_actions(result.summary)
        if not stated:
            reader.subject = None
            stated = [a for a in reader.nominal_actions(result.summary) if not a.already_done]
        stated = [a for a in stated if not _restates(a, result.actions)]
        if stated:
            result.actions = stated + result.actions
            result.notes.append(
                "Some actions were read from the summary, which gives no deadlines: check "
                "them against the full decision."
            )
    if result.summary:
        # Remedies the body had already given, as the summary states them ("It has already
        # apologised and made a payment"), unless the rest of the text lists them too.
        reader.subject = None
        given = reader.past_actions([Para(result.summary)])
        given += [a for a in reader.nominal_actions(result.summary) if a.already_done]
        result.actions += dedupe(given, result.actions)
    if truncated:
        result.notes.append("The text is incomplete ([...] marks a missing part).")
    for action in result.actions:
        if action.due_phrase:
            action.due_on_event = counts_from_an_event(action.due_phrase)
        if action.due_phrase and result.decision_date:
            action.due_date = due_date_from_phrase(action.due_phrase, result.decision_date)

    if (
        result.fault is None
        and any(not action.already_done for action in result.actions)
        and not _NOT_INVESTIGATED.search(result.summary or final_text)
    ):
        # The Ombudsman asks for a remedy only where it finds fault (or, resolving a
        # complaint early, where it would be likely to).
        result.fault = True

    amounts = [a.amount for a in result.actions if a.kind == kinds.FINANCIAL and a.amount]
    if amounts and not reader.uncounted:
        result.total_money = sum(amounts, Decimal("0.00"))
    if reader.uncounted:
        result.notes.append(
            "A payment is made to 'each' of a group the text does not count: check the "
            "number of payments and the total."
        )
    result.missing = [name for name in FIELDS if getattr(result, name) in (None, [], "")]
    return result


def _restates(action: ParsedAction, found: list[ParsedAction]) -> bool:
    """Whether a remedy the summary mentions is one the rest of the text states: the same
    kind by the same body, of the same sum where both give one."""
    return any(
        other.kind == action.kind
        and other.organisation == action.organisation
        and (other.amount is None or action.amount is None or other.amount == action.amount)
        for other in found
        if not other.already_done
    )


def _actions(reader: ActionReader, secs: list[Section]) -> tuple[list[ParsedAction], bool]:
    """The actions the text states, and whether they come from its agreed-action section
    (which is then the whole answer)."""
    action_sections = [s for s in secs if s.kind == "action"]
    structured = any(s.kind in ("analysis", "final", "action", "intro") for s in secs)
    analysis = [p for s in secs if s.kind in ("analysis", "final") for p in s.paras]
    actions: list[ParsedAction] = []

    if action_sections:
        last = action_sections[-1]
        reader.subject = None
        actions = reader.list_actions(last.paras, imperative_items=True)
        if not actions and reader.back_refs:
            bodies, due = reader.back_refs[0]
            before = secs[: secs.index(last)]
            prior = [p for s in before if s.kind == "analysis" for p in s.paras] or [
                p for s in before for p in s.paras
            ]
            for item in back_reference_list(prior):
                actions += reader.item_actions(
                    item.text, default_bodies=bodies, default_due=due, imperative=True
                )
    if not actions and analysis:
        reader.subject = None
        actions = reader.list_actions(analysis, imperative_items=False)
    if not actions and not structured:
        body = [
            p for s in secs if s.kind in ("head", "complaint", "other", "summary") for p in s.paras
        ]
        reader.subject = None
        actions = reader.list_actions(body, imperative_items=False)

    from_section = bool(action_sections) and bool(actions)
    reader.subject = None
    past = reader.past_actions(analysis)
    return actions + dedupe(past, actions), from_section
