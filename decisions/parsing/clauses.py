"""Sentences and clauses of an obligation: where one action ends and the next begins,
which list items belong to a lead-in, and the deadline words of each."""

import re

from .text import Para, Section, heading_kind, squash
from .vocabulary import DUE_PHRASE

# --- Verbs --------------------------------------------------------------------------------

_VERB_BASES = """
apologise apologize pay make review provide arrange ensure remind train share send write
consider reconsider reassess re-assess update amend create issue refund reimburse respond
complete carry appoint allocate invite offer take produce prepare develop introduce
circulate publish give backdate reinstate remove cancel waive withdraw correct contact meet
explain confirm tell notify inform advise refer seek implement monitor decide assess
rectify repair commission establish identify liaise instruct remedy compensate acknowledge
consult deliver fund rewrite reword restore act improve change adopt retrain hold discuss
apply record add delete ask calculate recalculate undertake progress finalise conclude
process determine investigate draw put bring report check audit visit agree work look set
keep award credit install revise redesign reissue re-issue refer remit use repay revisit
""".split()
_IRREGULAR_PAST = """
paid made written wrote given gave taken took sent put set carried withdrawn withdrew met
told undertaken undertook drawn drew held kept brought sought
""".split()


def _third_person(base: str) -> set[str]:
    if base.endswith(("s", "sh", "ch", "x")):
        return {base + "es"}
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return {base[:-1] + "ies"}
    return {base + "s"}


def _past(base: str) -> set[str]:
    if base.endswith("e"):
        return {base + "d"}
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return {base[:-1] + "ied"}
    return {base + "ed", base + base[-1] + "ed"}


FORWARD_VERBS = frozenset(form for base in _VERB_BASES for form in {base} | _third_person(base))
PAST_VERBS = frozenset(
    {form for base in _VERB_BASES for form in _past(base)} | set(_IRREGULAR_PAST)
)
_FILLERS = frozenset(
    {"will", "should", "must", "would", "also", "then", "has", "have", "each", "both", "jointly"}
)
_SEPARATOR = re.compile(r"\s*,\s*and\s+|\s*,\s*|\s+and\s+|\s*;\s*(?:and\s+)?")


def base_of_gerund(word: str) -> str | None:
    """ "apologising" -> "apologise", "paying" -> "pay", or None if not one of ours."""
    if not word.endswith("ing"):
        return None
    stem = word[:-3]
    for candidate in (stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else ""):
        if candidate in FORWARD_VERBS:
            return candidate
    return None


def starts_with_verb(text: str) -> bool:
    words = re.findall(r"[A-Za-z][A-Za-z-]*", text[:60].lower())
    while words and words[0] in ("each", "also", "then", "to", "both", "jointly", "by"):
        words.pop(0)
    return bool(words) and (words[0] in FORWARD_VERBS or base_of_gerund(words[0]) is not None)


# "remedy the injustice by: apologising to Miss Y; making a payment ...": the verbs are
# in the list after "by".
_REMEDY_BY = re.compile(
    r"^(?:remedy|resolve|put\s+right|address)\b[^.:]*?\bby\b:?\s*", re.IGNORECASE
)


def gerunds_to_verbs(text: str) -> str:
    """ "apologising to Mr X and paying him £100" -> "apologise to Mr X and pay him £100"."""

    def base(match: re.Match) -> str:
        found = base_of_gerund(match.group(0).lower())
        return found if found else match.group(0)

    return re.sub(r"\b[A-Za-z]+ing\b", base, text)


def action_clauses(rest: str) -> list[str]:
    """The clauses of an obligation, reading "remedy the injustice by: a; b; and c" as
    its list, and "provide an apology, explanation and payment" as one clause a remedy."""
    if match := _REMEDY_BY.match(rest.strip()):
        listed = gerunds_to_verbs(rest.strip()[match.end() :])
        if ";" in listed:
            items = [re.sub(r"^\s*and\s+", "", item) for item in listed.split(";")]
            return [item.strip(" ,.") for item in items if item.strip(" ,.")]
        return [c for clause in split_clauses(listed, FORWARD_VERBS) for c in _nouns(clause)]
    return [c for clause in split_clauses(rest, FORWARD_VERBS) for c in _nouns(clause)]


# Remedies named by nouns after one verb: "provide an apology, explanation and payment".
_REMEDY_NOUN = (
    r"(?:(?:written|full|formal|symbolic|further|additional|financial|proper|clear)\s+)*"
    r"(?:apology|apologies|explanation|payment|remedy|refund|reimbursement|compensation|"
    r"response|review|reassessment|assessment|acknowledgement)"
)
_NOUN_LIST = re.compile(
    rf"^(?P<verb>(?:provide|provides|give|gives|offer|offers|make|makes)\s+(?:(?:him|her|them)\s+)?"
    rf"(?:with\s+)?)(?P<list>(?:an?\s+)?{_REMEDY_NOUN}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)"
    rf"(?:an?\s+)?{_REMEDY_NOUN})+)(?P<rest>\b.*)$",
    re.IGNORECASE,
)


def _nouns(clause: str) -> list[str]:
    """ "provide an apology, explanation, payment" -> one clause a noun, each with the verb
    ("provide an apology", "provide explanation", "provide payment"); the words after the
    list stay with its last noun."""
    match = _NOUN_LIST.match(clause)
    if not match:
        return [clause]
    nouns = [n for n in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", match["list"]) if n]
    parts = [f"{match['verb']}{noun}" for noun in nouns]
    parts[-1] += match["rest"]
    return parts


def split_clauses(rest: str, verbs: frozenset[str]) -> list[str]:
    """Split "apologise to Mr X and pay him £200, and review its policy" into one clause
    per verb. A verb with nothing after it ("review and improve its procedures") joins
    the clause that follows; apologising needs no object."""
    cuts = [0]
    for match in _SEPARATOR.finditer(rest):
        words = re.findall(r"[A-Za-z][A-Za-z-]*|\S", rest[match.end() : match.end() + 60])
        position = 0
        if words and words[0].lower() in ("it", "they"):
            position = 1
        while position < len(words) and (
            words[position].lower() in _FILLERS
            or (words[position].lower() == "to" and "and" in match.group(0))
        ):
            position += 1
        if position < len(words) and words[position].lower() in verbs:
            cuts.append(match.start())
    clauses = []
    for start, end in zip(cuts, cuts[1:] + [len(rest)], strict=True):
        clause = _SEPARATOR.sub(" ", rest[start:end], count=1) if start else rest[start:end]
        clause = clause.strip(" ,;")
        if clause:
            clauses.append(clause)
    merged: list[str] = []
    pending = ""
    for clause in clauses:
        if pending:
            clause = f"{pending} and {clause}"
            pending = ""
        if len(clause.split()) == 1 and not clause.lower().startswith("apolog"):
            pending = clause
            continue
        merged.append(clause)
    if pending:
        merged.append(pending)
    return merged


# --- Sentences ----------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.;!?])[\"')\]]*\s+(?=[A-Z(\"'])")


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def due_in(sentence: str) -> str | None:
    match = DUE_PHRASE.search(sentence)
    return squash(match.group(0)).rstrip(" ,.;") if match else None


def due_from_followers(followers: list[str]) -> str | None:
    """A deadline given in a sentence of its own after the action: "It should do this
    within one month of the final decision"."""
    for sentence in followers[:2]:
        if re.search(r"\b(?:do|complete|make)\s+(?:this|these|so|the\s+payment)", sentence, re.I):
            return due_in(sentence)
    return None


def summarise(text: str) -> str:
    text = squash(text).strip(" ,;:.")
    text = re.sub(r"^(?:(?:it|they)\s+)?(?:(?:has|have)\s+)?", "", text, flags=re.IGNORECASE)
    text = re.sub(r"[;,]?\s+and$", "", text)
    text = re.sub(r"\(\s*i\.e\.[^)]*\)", "", text).replace("  ", " ")
    if len(text) > 220:
        text = text[:217].rsplit(" ", 1)[0] + "..."
    return text[:1].upper() + text[1:] if text else text


def opens_a_list(rest: str) -> bool:
    """Whether a lead-in leaves its verb to the list ("the Council should:", "... agreed
    to take the following action within one month:") rather than carrying one itself."""
    words = DUE_PHRASE.sub(" ", rest)
    words = re.sub(
        r"\b(?:(?:to\s+)?(?:take|do|complete|carry\s+out|implement)\s+)?(?:all\s+of\s+)?"
        r"(?:(?:the\s+)?following(?:\s+(?:actions?|steps?|remed(?:y|ies)|things?))?|(?:the|these|"
        r"those)\s+(?:suggested|recommended|agreed|proposed|above|below)\s+(?:actions?|steps?|"
        r"remed(?:y|ies)))\b",
        " ",
        words,
        flags=re.IGNORECASE,
    )
    words = re.sub(r"\b(?:each|also|then|jointly|both|now)\b", " ", words, flags=re.IGNORECASE)
    return (
        not words.strip(" ,;:.-")
        or bool(re.search(r"\bfollowing\s*$", rest, re.I))
        or bool(_REMEDY_BY.match(rest.strip()) and re.search(r"\bby\s*$", rest, re.I))
    )


def list_after(paras: list[Para], position: int) -> list[Para]:
    """The list items that belong to the lead-in at ``position``."""
    lead = paras[position]
    items = []
    for para in paras[position + 1 :]:
        if heading_kind(para) not in (None, "other") or para.text.endswith(":"):
            break
        different_marker = para.is_item and para.marker != lead.marker
        if not (different_marker or starts_with_verb(para.text) or para.text[:1].islower()):
            break
        items.append(para)
    return items


def section_text(section: Section) -> str:
    return "\n".join(para.text for para in section.paras)


def back_reference_list(paras: list[Para]) -> list[Para]:
    """The last list introduced by a lead-in in ``paras`` (where "the above" points)."""
    for position in range(len(paras) - 1, -1, -1):
        if paras[position].text.rstrip().endswith(":"):
            items = list_after(paras, position)
            if items:
                return items
    return []
