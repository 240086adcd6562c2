"""The facts a decision states about itself: reference, bodies, category, outcome, date,
kind, complainant, summary and the findings of fault and injustice.

Each reader looks only where the Ombudsman prints the fact ("Decision date : 13 Feb 2025",
"Complaint reference:", the title line "Kent County Council (24 000 000)", a report's title
block) and returns None when it is not there: a value inferred from elsewhere would be a
guess the officer cannot tell from a printed fact.
"""

import re
from dataclasses import dataclass
from datetime import date

from decisions.references import InvalidReference, normalise_reference

from .text import Para, Section, fold, heading_kind, squash
from .vocabulary import (
    BODY_SHORT_NAMES,
    DATE_RE,
    LABEL,
    LABELS,
    NAME_CONNECTORS,
    PUBLIC_BODY_SHORT,
    body_key,
    parse_date,
)

REFERENCE_RE = r"\d{2}[\s.-]?\d{3}[\s.-]?\d{3}\s?[A-Za-z]?(?![A-Za-z0-9])"

# "Category : Housing > Homelessness", "Decision date: 13 Feb 2025"; the value may be on
# the next line (an HTML page renders label and value as separate blocks).
_LABELLED = re.compile(
    r"^(?P<label>category|decision date|date of decision|decision|complaint reference|"
    r"complaint against|complaints? about|our reference|reference|summary|date)\s*:\s*"
    r"(?P<value>.*)$",
    re.IGNORECASE,
)


class NotADecision(ValueError):
    """The text is not an Ombudsman decision or report; the message says why."""


@dataclass
class Header:
    reference: str | None = None
    title_bodies: list[str] | None = None
    category: str | None = None
    outcome_printed: str | None = None
    decision_date: date | None = None


def labelled_values(paras: list[Para]) -> dict[str, list[str]]:
    """Labelled header lines, label folded: {"category": ["Housing > Homelessness"]}."""
    found: dict[str, list[str]] = {}
    for position, para in enumerate(paras):
        match = _LABELLED.match(para.text)
        if not match:
            continue
        label = fold(match["label"])
        value = match["value"].strip()
        following = []
        for later in paras[position + 1 : position + 6]:
            if _LABELLED.match(later.text) or heading_kind(later) not in (None, "other"):
                break
            following.append(later.text)
        if not value and following:
            if label == "complaint against":
                # The PDF layout lists one body a line.
                value = "\n".join(
                    line for line in following if len(line) < 120 and not line.endswith(".")
                )
            else:
                value = following[0]
        if value:
            found.setdefault(label, []).append(value)
    return found


# --- Reference and title ------------------------------------------------------------------

_TITLE = re.compile(rf"^(?P<name>[A-Z&].{{2,200}}?)\s*\((?P<ref>{REFERENCE_RE})\)\s*$")
_REPORT_TITLE = re.compile(
    rf"complaint\s+about\s+(?P<name>[A-Z][^()]{{2,160}}?)\s*\(\s*reference\s+(?:number|no\.?)"
    rf"\s*:?\s*(?P<ref>{REFERENCE_RE})\s*\)",
    re.IGNORECASE,
)


def _normalised(raw: str) -> str | None:
    try:
        return normalise_reference(raw)
    except InvalidReference:
        return None


def read_header(paras: list[Para], head_text: str) -> Header:
    header = Header()
    labelled = labelled_values(paras[:60])

    for raw in labelled.get("complaint reference", []) + labelled.get("our reference", []):
        if match := re.search(REFERENCE_RE, raw):
            header.reference = _normalised(match.group(0))
            break
    for raw in labelled.get("complaint against", []):
        header.title_bodies = [squash(line) for line in raw.split("\n") if line.strip()]
        break
    for para in paras[:40]:
        if match := _TITLE.match(para.text):
            header.reference = header.reference or _normalised(match["ref"])
            if header.title_bodies is None:
                header.title_bodies = [squash(match["name"])]
            break
    if match := _REPORT_TITLE.search(head_text):
        header.reference = header.reference or _normalised(match["ref"])
        if header.title_bodies is None:
            header.title_bodies = [squash(match["name"])]
    if header.reference is None:
        # A page that starts with the bare reference (an old report summary page).
        for para in paras[:3]:
            if re.fullmatch(REFERENCE_RE, para.text.strip()):
                header.reference = _normalised(para.text)
                break

    for raw in labelled.get("category", []):
        header.category = squash(raw.rstrip("."))
        break
    for raw in labelled.get("decision", []):
        # "Decision : Upheld"; not a "Decision:" heading followed by its paragraph.
        if outcome_value(raw) is not None or len(raw) <= 60:
            header.outcome_printed = squash(raw.rstrip("."))
        break
    for label in ("decision date", "date of decision", "date"):
        for raw in labelled.get(label, []):
            if (found := re.search(DATE_RE, raw, re.IGNORECASE)) and (
                value := parse_date(found.group(0))
            ):
                header.decision_date = value
                break
        if header.decision_date:
            break
    return header


def report_title_date(head: list[Para]) -> date | None:
    """A report's date: a line holding only a date in its title block."""
    for para in head[:15]:
        if value := parse_date(para.text):
            return value
    return None


def report_summary_category(summary_section: Section | None) -> str | None:
    """A report's subject line under "Report summary": "Adult care services: charging"."""
    if summary_section is None or not summary_section.paras:
        return None
    first = summary_section.paras[0].text
    if len(first) <= 90 and re.fullmatch(r"[A-Z][\w ',&-]+:\s*[\w ',&-]+", first):
        return squash(first)
    return None


# --- Bodies -------------------------------------------------------------------------------

_DEFINITION = re.compile(
    rf"\(\s*['\"]?(?P<the>[Tt]he\s+)?(?P<short>(?i:{BODY_SHORT_NAMES})|[A-Z]{{2,6}})['\"]?\s*\)"
)


def definitions(text: str) -> list[tuple[str, str]]:
    """Bodies named in full with the short name the decision then uses: [("Peterborough
    City Council", "Council"), ("Change Grow Live", "CGL")], in order of first mention."""
    found: list[tuple[str, str]] = []
    for match in _DEFINITION.finditer(text):
        line = text[: match.start()].rsplit("\n", 1)[-1]
        words = line.rstrip().split()
        name: list[str] = []
        for word in reversed(words[-12:]):
            bare = word.strip()
            if not bare or bare[-1] in ",;:.)" or bare[0] in "(\"'":
                break
            if bare[0].isupper() or bare[0].isdigit() or bare in NAME_CONNECTORS:
                name.insert(0, bare)
            else:
                break
        while name and (name[0] in NAME_CONNECTORS or name[0] in ("The", "A", "An")):
            name.pop(0)
        short = match["short"]
        if len(name) < 2 or name[0] in ("Mr", "Mrs", "Ms", "Miss", "Dr", "In", "On", "By"):
            continue
        full = " ".join(name)
        if not match["the"] and "".join(w[0] for w in name if w[0].isupper()) != short:
            # "Change Grow Live (CGL)" spells its initials; "Cabinet Office (COO)" is not
            # a body definition we can trust.
            if not full.upper().startswith(short):
                continue
        if all(existing != full for existing, _ in found):
            found.append((full, short))
    return found


def _same_body(a: str, b: str) -> bool:
    return body_key(a) == body_key(b)


def organisations(
    title_bodies: list[str] | None, defined: list[tuple[str, str]], joint: bool
) -> list[str]:
    """The bodies complained about, as printed.

    The title (or "Complaint against:") names them; a joint decision of both Ombudsmen
    names every public body it investigated with a short name ("(the Trust)"), and the
    full names from the text are preferred to the shortened title ("... & ... ICB").
    """
    public = [full for full, short in defined if PUBLIC_BODY_SHORT.match(short)]
    result: list[str] = []
    for name in title_bodies or []:
        full = next((candidate for candidate in public if _same_body(candidate, name)), name)
        if full not in result:
            result.append(full)
    if joint or not result:
        councils = [full for full, short in defined if short.lower() == "council"]
        for full in public if joint else councils:
            if not any(_same_body(full, existing) for existing in result):
                result.append(full)
    return result


# --- Complainant --------------------------------------------------------------------------

# Each of these finds the words that come before the label, then reads the label run.
_COMPLAINANT_BEFORE = [
    re.compile(
        rf"(?:refer(?:red)? to|call(?:ed)?|known)\s+(?:him|her|them|the\s+complainant|here)?,?"
        rf"\s*(?:as\s+)?['\"]?({LABELS.pattern})"
    ),
    # "to whom I will refer as Miss Y", "whom I shall describe as Miss Q", "I will refer to
    # the complainant as Miss F", "The complainant, Mr X, says", "the complainant (Mrs X)".
    re.compile(
        rf"\b(?:refer|call|describe|name|know)\w*\s+(?:to\s+)?(?:(?:him|her|them|the\s+"
        rf"complainant)\s+)?(?:here\s+)?as\s+['\"]?({LABELS.pattern})"
    ),
    re.compile(rf"\b[Cc]omplainant,?\s+\(?['\"]?({LABELS.pattern})(?![\w'])"),
    re.compile(rf"[Cc]omplaint\s+(?:from|by|of)\s+({LABELS.pattern})"),
]
# Words that, straight after a run of labels, say the run is who complained ("Mr X
# complains", "Mrs Y's complaint", "Ms Z says"). Matched at the end of each whole run
# rather than searched as label-then-words: a search backtracks through every shorter run
# at every start, which takes minutes on a long list of labels.
_COMPLAINANT_AFTER = re.compile(
    r"\s+(?:complain|complains|complained|has complained)\b|'s?\s+complaint"
    r"|\s+(?:says|said|told us|asked)\b"
)


def complainant(zones: list[str]) -> str | None:
    """The anonymised label of the person who complained, where the text says who
    complained ("Mr X complains", "a complaint from Mrs Y", "whom I shall refer to as Ms
    D"); a label merely mentioned (a son, a neighbour) is not taken."""
    for zone in zones:
        best: tuple[int, str] | None = None
        for pattern in _COMPLAINANT_BEFORE:
            match = pattern.search(zone)
            if match and (best is None or match.start(1) < best[0]):
                best = (match.start(1), match.group(1))
        for run in LABELS.finditer(zone):
            if best is not None and run.start() >= best[0]:
                break
            if _COMPLAINANT_AFTER.match(zone, run.end()):
                best = (run.start(), run.group(0))
                break
        if best:
            return " ".join(best[1].replace(".", "").split())
    return None


def first_label(text: str) -> str | None:
    match = LABELS.search(text)
    return " ".join(match.group(0).split()) if match else None


def single_label(text: str) -> str | None:
    match = LABEL.search(text)
    return match.group(0) if match else None


# --- Outcome ------------------------------------------------------------------------------

_WHOSE_COMPLAINT = r"(?:\s+(?:[\w']+\s+){0,3}?complaints?\b)?"
_WHO = r"\b(?:we|i|the ombudsm[ae]n)\s+"
_OUTCOME_SENTENCES = [
    re.compile(rf"{_WHO}(?:have\s+|has\s+)?not\s+upheld\b{_WHOSE_COMPLAINT}", re.I),
    re.compile(rf"{_WHO}(?:did|do|does)\s+not\s+uphold\b{_WHOSE_COMPLAINT}", re.I),
    re.compile(rf"{_WHO}(?:have\s+|has\s+)?(?:upheld|upholds?)\b{_WHOSE_COMPLAINT}", re.I),
]


def outcome_value(printed: str | None) -> str | None:
    """The Decision.Outcome value for the Ombudsman's printed outcome wording."""
    if not printed:
        return None
    words = fold(printed)
    if re.match(r"not upheld|no fault|not investigated: no fault", words):
        return "not_upheld"
    if re.match(
        r"upheld|fault found|(?:we|i|the ombudsm[ae]n) (?:have |has )?(?:upheld|upholds?\b)", words
    ):
        return "upheld"
    if re.match(r"(?:we|i|the ombudsm[ae]n) (?:have |has )?not upheld|.* not uphold", words):
        return "not_upheld"
    if words.startswith("closed after initial enquiries"):
        return "closed_initial"
    if words.startswith("referred back") or words.startswith("premature"):
        return "referred_back"
    if words.startswith(("incomplete", "invalid")):
        return "incomplete"
    if words.startswith("advice given"):
        return "advice"
    return None


def outcome_from_text(zones: list[str]) -> str | None:
    """The outcome where the decision states it in words ("We have upheld Mr X's
    complaint"), looked for in the summary and the final decision only."""
    for zone in zones:
        for pattern in _OUTCOME_SENTENCES:
            if match := pattern.search(zone):
                return squash(match.group(0)).rstrip(" ,;")
    return None


# --- Fault and injustice ------------------------------------------------------------------

_FAULT_YES = re.compile(
    r"\b(?:found|finds?|finding of|findings? of)\s+(?:some\s+)?fault|\bfault\s+(?:found|causing|"
    r"which caused|that caused|by (?:the|an?)\b)|\bthere (?:was|is|has been|were)\s+(?:some\s+|"
    r"also\s+)?fault|\b(?:this|that|it|which) (?:is|was|were|amounts? to|amounted to) (?:also )?"
    r"fault\b|\b(?:was|were|is|are|been) (?:also )?at fault|\b(?:find|found|finds|consider)\s+"
    r"(?:the\s+|that\s+the\s+)?[A-Z]?[\w']+(?:\s+[A-Z][\w']+){0,3}\s+(?:was\s+|were\s+)?at\s+"
    r"fault|\baccept(?:s|ed)? (?:it was at )?fault",
    re.IGNORECASE,
)
_FAULT_NO = re.compile(
    r"\bno fault\b|\bnot (?:at )?fault\b|\b(?:did|do|does|could|can) not (?:find|see) (?:any )?"
    r"fault|\bnot find (?:any )?fault|\bwithout fault|\b(?:do|does|did)\s+not\s+(?:consider|"
    r"think|believe|agree)\b[^.;]{0,80}?\bfault",
    re.IGNORECASE,
)
# Sentences that speak of fault or injustice without finding either: the test the
# Ombudsman applies ("whether there was fault", "if there has been fault"), a complaint
# not taken on ("not enough evidence of fault", "insufficient remaining injustice").
_NEITHER = re.compile(
    r"\b(?:not\s+enough|insufficient|no|little|limited)\s+(?:\w+\s+){0,2}?(?:evidence|"
    r"remaining|significant|personal|worthwhile)\b[^.;]{0,40}?\b(?:fault|injustice)|\bwhether\s+"
    r"(?:there\s+(?:was|is|has\s+been)\s+)?(?:any\s+)?(?:fault|injustice)|\bif\s+there\s+(?:was|"
    r"is|has\s+been)\s+(?:any\s+)?fault|\bany\s+(?:\w+\s+)?(?:fault|injustice)\b|\b(?:injustice|"
    r"fault)\b[^.;]{0,60}?\bnot\s+(?:significant|serious)\s+enough|\b(?:enough|sufficient)\s+"
    r"evidence\s+of\s+(?:\w+\s+)?fault",
    re.IGNORECASE,
)
# What the Ombudsman calls the harm a fault did.
_HARM = (
    r"(?:(?:avoidable|unnecessary|significant|some|considerable|further|real|prolonged|"
    r"additional|much|great|severe|financial|personal|the)\s+)*(?:distress|frustration|"
    r"uncertainty|anxiety|upset|inconvenience|confusion|worry|stress|strain|hardship|"
    r"disappointment|injustice|harm|outrage|disadvantage|detriment|(?:a\s+)?loss(?:\s+of\s+"
    r"(?:an?\s+)?\w+)?|lost\s+opportunit(?:y|ies)|missed\s+opportunit(?:y|ies)|time\s+and\s+"
    r"trouble)\b"
)
_INJUSTICE_YES = re.compile(
    r"\bfault,?\s+(?:found,?\s+)?causing,?\s+(?:\w+\s+){0,4}injustice"
    rf"|\b(?:caus\w*|led\s+to|resulted\s+in)\s+(?:[\w']+\s+){{0,4}}?(?:an?\s+)?{_HARM}"
    rf"|\bput\s+(?:[\w']+\s+){{0,3}}?to\s+(?:unnecessary\s+|avoidable\s+)?time\s+and\s+trouble"
    r"|\binjustice\s+(?:caused|suffered|this caused)"
    r"|\b(?:is|was) (?:an|a significant|significant) injustice"
    rf"|\b(?:acknowledge|recognise|recognize|reflect|remedy|address|put\s+right|compensate\s+"
    rf"(?:\w+\s+)?for|in\s+recognition\s+of)\s+(?:[\w']+\s+){{0,3}}?{_HARM}"
    r"|\bremed\w*\s+(?:for|to|of)\s+(?:[\w']+\s+){0,3}?injustice"
    # "pay her £500 for the uncertainty caused", "apologise to Ms X for her distress"
    # (what is to be done for it; a remedy already given may be for what was not a finding)
    rf"|\b(?:apologi[sz]e|apologi[sz]ing|pay|pays|paying|payments?)\b[^.;£]{{0,60}}?(?:£\s?[\d,.]+"
    rf"[^.;]{{0,30}}?)?\bfor\s+(?:[\w']+\s+){{0,3}}?{_HARM}"
    rf"|\b(?:suffered|experienced|has\s+been\s+caused|was\s+caused|been\s+put\s+to)\s+"
    rf"(?:[\w']+\s+){{0,3}}?{_HARM}"
    r"|\b(?:financial\s+remedy|payment|compensation)\s+to\s+(?:reflect|recognise|acknowledge)\b",
    re.IGNORECASE,
)
_INJUSTICE_NO = re.compile(
    r"\b(?:did not|does not|has not) cause(?:d)? (?:\w+\s+){0,2}(?:any |an )?injustice|"
    r"\bno injustice\b|\bwithout injustice",
    re.IGNORECASE,
)
# The complainant's account, not the Ombudsman's finding: "Mr X says the delay caused
# him distress", "She complains this caused her frustration".
_REPORTED = re.compile(
    rf"(?:{LABEL.pattern}|\b(?:[Hh]e|[Ss]he|[Tt]hey|[Tt]he\s+complainant|[Tt]he\s+family)\b)"
    r"(?:'s)?\s+(?:\w+\s+){0,2}?(?:says?|said|saying|complain\w*|believes?|believed|feels?|felt|"
    r"considers?|considered|claims?|claimed|alleges?|alleged|told\s+(?:us|the\s+\w+)|wants?|"
    r"wanted|argues?|argued|stated?|thinks?|thought|explained|reports?|reported)\b"
)


def _finding(text: str, yes: re.Pattern, no: re.Pattern) -> bool | None:
    """True if a sentence finds it, else False if a sentence finds it absent, else None.
    A sentence that reports what the complainant says, or names the test without
    applying it, finds nothing."""
    found = None
    for sentence in re.split(r"(?<=[.;!?])\s+|\n", text):
        if _NEITHER.search(sentence):
            continue
        if no.search(sentence):
            found = False if found is None else found
        elif (match := yes.search(sentence)) and not _REPORTED.search(sentence[: match.start()]):
            return True
    return found


def fault_and_injustice(decisive: str, reasoning: str) -> tuple[bool | None, bool | None]:
    """Fault and injustice as the decision finds them: the summary, the finding and the
    final decision first, then the reasoning. Neither is read from the explanation of the
    Ombudsman's powers (which defines "fault" and "injustice" in every statement)."""
    fault = injustice = None
    for zone in (decisive, reasoning):
        if fault is None:
            fault = _finding(zone, _FAULT_YES, _FAULT_NO)
        if injustice is None:
            injustice = _finding(zone, _INJUSTICE_YES, _INJUSTICE_NO)
    return fault, injustice


# --- Is it a decision at all? -------------------------------------------------------------

_DECISION_MARKS = [
    re.compile(r"the ombudsm[ae]n'?s'? final decision", re.I),
    re.compile(r"^\s*summary\s*:", re.I | re.M),
    re.compile(r"^\s*decision date\s*:", re.I | re.M),
    re.compile(r"^\s*complaint reference\s*:", re.I | re.M),
    re.compile(r"^\s*complaint against\s*:", re.I | re.M),
    re.compile(r"^\s*category\s*:", re.I | re.M),
    re.compile(r"investigator'?s decision on behalf of the ombudsm[ae]n", re.I),
    re.compile(r"decision of the ombudsm[ae]n", re.I),
    re.compile(r"report by the local government (?:and social care )?ombudsman", re.I),
    re.compile(r"investigation into a complaint about", re.I),
    re.compile(r"the ombudsm[ae]n'?s'? role and powers", re.I),
    re.compile(r"how (?:i|we) considered this complaint", re.I),
    re.compile(r"^\s*(?:final decision|agreed actions?)\s*$", re.I | re.M),
    re.compile(r"the ombudsman (?:upheld|did not uphold) the complaint", re.I),
]


def reject_if_not_a_decision(text: str, has_reference: bool) -> None:
    """Raise NotADecision, with a message an officer can act on, unless the text carries
    the marks of an Ombudsman decision statement or report."""
    if not text.strip():
        raise NotADecision("The text is empty: paste or upload the Ombudsman's decision.")
    opening = text[:3000]
    if re.search(r"annual review letter|annual summary of complaint statistics", opening, re.I):
        raise NotADecision(
            "This is the Ombudsman's annual review letter (the council's complaint "
            "statistics for a year), not a decision on a complaint. Its averages are "
            "entered under comparison averages; decisions are logged one at a time."
        )
    if re.search(
        r"^\s*(?:title of meeting|date of meeting|wards affected|report by)\s*:",
        opening,
        re.I | re.M,
    ) or re.search(r"\bagenda item\b", opening, re.I):
        raise NotADecision(
            "This is a council committee report, not an Ombudsman decision. Log each "
            "decision from the Ombudsman's own text (its web page or report)."
        )
    marks = sum(1 for pattern in _DECISION_MARKS if pattern.search(text))
    if marks + (1 if has_reference else 0) < 2:
        raise NotADecision(
            "This does not look like an Ombudsman decision or report: none of the usual "
            "parts were found (a complaint reference such as 24 005 859, \"The Ombudsman's "
            'final decision", "Summary:", "Decision date", "Final decision"). Paste '
            "the whole text of the decision as published."
        )


_REPORT_MARKS = re.compile(
    r"report by the local government|investigation into a complaint about|public interest "
    r"report|^\s*report summary\s*$|(?:date of|receiving|consider) (?:this|the) report\b",
    re.IGNORECASE | re.MULTILINE,
)
_STATEMENT_MARKS = re.compile(
    r"the ombudsm[ae]n'?s'? final decision|investigator'?s decision on behalf|decision "
    r"statement|^\s*summary\s*:",
    re.IGNORECASE | re.MULTILINE,
)
_OLD_REPORT_PAGE = re.compile(
    r"the ombudsman (?:upheld|did not uphold) the complaint|ombudsman satisfied with "
    r"(?:the )?council'?s response",
    re.IGNORECASE,
)


def is_report(text: str) -> bool:
    """A public interest report (or the summary page of one) rather than a statement."""
    if _REPORT_MARKS.search(text):
        return True
    return not _STATEMENT_MARKS.search(text) and bool(_OLD_REPORT_PAGE.search(text))
