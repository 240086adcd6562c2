"""Words and patterns shared by the readers: dates, money, people's labels, the bodies the
Ombudsman names, and the deadline wording of agreed actions."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

# --- Dates --------------------------------------------------------------------------------

_MONTH_NAMES = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
]  # fmt: skip
MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
MONTHS.update({name[:3]: number for name, number in list(MONTHS.items())})
MONTHS["sept"] = 9
MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))

# "13 Feb 2025", "13 February 2025", "13th February, 2025", "13/02/2025", "2025-02-13".
DATE_RE = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTH_RE})\.?,?\s+\d{{4}}"
    r"|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})"
)
_DATE_PARTS = re.compile(
    rf"^(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{MONTH_RE})\.?,?\s+(?P<year>\d{{4}})$",
    re.IGNORECASE,
)


def parse_date(text: str) -> date | None:
    """The date written in ``text`` (the whole of it), or None if it is not one date."""
    text = " ".join(text.split()).strip(" .")
    try:
        if match := _DATE_PARTS.match(text):
            return date(int(match["year"]), MONTHS[match["month"].lower()], int(match["day"]))
        if match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
            return date(int(match[3]), int(match[2]), int(match[1]))  # British order
        if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:  # 30 February and the like
        return None
    return None


# --- Money --------------------------------------------------------------------------------

AMOUNT = re.compile(r"£\s?(?P<figure>\d{1,3}(?:,\d{3})+|\d+)(?P<pence>\.\d{1,2})?(?!\d)")
# A sum that adds others up rather than being paid on its own account.
TOTAL_BEFORE = re.compile(
    r"(?:\btotal(?:\s+payment)?(?:\s+of)?|\btotall?ing|\bi\.?\s?e\.?,?|\bthat\s+is,?|\bmakes?|"
    r"\bcomes?\s+to|\bsumm?ing\s+to|\bin\s+all\s+of)\s*$",
    re.IGNORECASE,
)
TOTAL_AFTER = re.compile(r"^\s*(?:in\s+total|altogether|in\s+all|overall)\b", re.IGNORECASE)
# "in addition to the £100 it has already offered": a sum mentioned, not one to pay now.
OTHER_SUM_BEFORE = re.compile(
    r"(?:in\s+addition\s+to|on\s+top\s+of|less|minus|including|excluding|instead\s+of|as\s+"
    r"well\s+as|rather\s+than|deduct\w*|besides|replac\w*)\s+(?:the\s+|any\s+|its\s+|their\s+)?$",
    re.IGNORECASE,
)
OTHER_SUM_AFTER = re.compile(
    r"^\s*(?:(?:it|the\s+council|they)\s+(?:has|have|had)\s+)?(?:already|previously)\b",
    re.IGNORECASE,
)
# "£50 per month", "£25 a week": a rate, not a sum paid.
RATE_AFTER = re.compile(
    r"^\s*(?:per|a|an|each|every)\s+(?:calendar\s+)?(?:day|week|fortnight|month|year|"
    r"annum|night|hour)\b",
    re.IGNORECASE,
)
EACH_AFTER = re.compile(r"^\s*(?:each|apiece|to each)\b", re.IGNORECASE)


def money(match: re.Match) -> Decimal | None:
    try:
        value = Decimal(match["figure"].replace(",", "") + (match["pence"] or ""))
    except InvalidOperation:
        return None
    return value.quantize(Decimal("0.01"))


# --- People -------------------------------------------------------------------------------

TITLE_RE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr)"
# "Mr X", "Mr and Mrs X", "Ms D"; the letter must stand alone ("Mr Xavier" is a name).
ONE_LABEL_RE = rf"\b{TITLE_RE}\.?(?:\s+and\s+{TITLE_RE}\.?)?\s+[A-Z](?![A-Za-z])"
LABEL = re.compile(ONE_LABEL_RE)
LABELS = re.compile(rf"{ONE_LABEL_RE}(?:(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+){ONE_LABEL_RE})*")


def split_labels(labels: str) -> list[str]:
    """Each person of a label list: "Mr X and Mrs Y" -> ["Mr X", "Mrs Y"]; "Mr and Mrs X"
    -> ["Mr X", "Mrs X"]."""
    people = []
    for label in LABEL.findall(labels):
        label = " ".join(label.replace(".", "").split())
        if match := re.fullmatch(rf"({TITLE_RE}) and ({TITLE_RE}) ([A-Z])", label):
            people += [f"{match[1]} {match[3]}", f"{match[2]} {match[3]}"]
        else:
            people.append(label)
    return people


NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "both": 2,
}  # fmt: skip
PEOPLE_NOUNS = (
    r"(?:men|women|people|persons|neighbours|residents|complainants|sisters|brothers|"
    r"children|sons|daughters|parents|siblings|tenants|owners|householders|families|"
    r"occupiers|objectors|carers|grandparents|pupils|students)"
)

# The people a remedy is for, where the decision says who they are rather than giving them
# a label: "Ms Y's family", "the daughter", "her son", "other special guardians", "each of
# the neighbours", "other residents of temporary accommodation".
_PERSON_NOUN = (
    r"(?:famil(?:y|ies)|daughters?|sons?|mothers?|fathers?|parents?|husbands?|wi(?:fe|ves)|"
    r"partners?|brothers?|sisters?|siblings?|child(?:ren)?|grand(?:child(?:ren)?|sons?|"
    r"daughters?|mothers?|fathers?|parents?)|neighbours?|residents?|tenants?|guardians?|"
    r"carers?|estates?|households?|occupiers?|occupants?|leaseholders?|applicants?|pupils?|"
    r"students?|people|persons?|relatives?|representatives?|service\s+users?|clients?|"
    r"traders?|claimants?|owners?|householders?|objectors?|executors?|men|women)"
)
_PREPOSITIONS = r"(?:of|in|at|living\s+in|affected\s+by|waiting\s+for|on)"
_NOT_OF_A_NAME = r"(?!(?:to|for|and|or|by|about|that|with|within|because|so|as|who|which|the)\b)"
PEOPLE_PHRASE = re.compile(
    rf"(?:(?:each|both|all|any|some|none)\s+of\s+(?:the|her|his|their)\s+|(?:the|her|his|their|"
    rf"its|all|any|other|all\s+other|every|each|affected)\s+|{ONE_LABEL_RE}'s?\s+)"
    rf"(?:{_NOT_OF_A_NAME}(?!(?:a|an|of|in|on|at)\b)[A-Za-z][\w-]*\s+){{0,3}}?(?i:{_PERSON_NOUN})\b"
    rf"(?:\s+{_PREPOSITIONS}(?:\s+{_NOT_OF_A_NAME}[a-z][\w'-]*){{1,4}})?"
)
# A label or such a phrase, the phrase first so that "Ms Y's family" is not read as "Ms Y".
_PAYEE_WORDS = re.compile(rf"(?P<phrase>{PEOPLE_PHRASE.pattern})|(?P<label>{LABELS.pattern})")


PAYEE_MAX = 60  # the longest payee an action records


def people_named(text: str) -> list[str]:
    """The people ``text`` names, in order: labels ("Mr and Mrs L") and phrases ("Ms Y's
    family", "other special guardians")."""
    named = []
    for match in _PAYEE_WORDS.finditer(text):
        if match["phrase"] and text[match.end() : match.end() + 1] == "'":
            continue  # "her son's diagnosis" is about the son, not for him
        words = " ".join(match.group(0).split())
        if len(words) > PAYEE_MAX:
            # A long description: its head ("other residents"), which fits a payee.
            words = " ".join(re.split(rf"\s+{_PREPOSITIONS}\s+", words, maxsplit=1)[0].split())
        named.append(words[:PAYEE_MAX])
    return named


# --- Bodies -------------------------------------------------------------------------------

# The short names decisions give the bodies complained about: "(the Council)".
BODY_SHORT_NAMES = (
    r"(?:Council|Trust|ICB|CCG|Board|Authority|Integrated Care Board|Clinical Commissioning "
    r"Group|Care Provider|Provider|Care Home|Company|School|Academy|Landlord)"
)
PUBLIC_BODY_SHORT = re.compile(
    r"^(?:Council|Trust|ICB|CCG|Board|Authority|Integrated Care Board|Clinical Commissioning "
    r"Group)$",
    re.IGNORECASE,
)
NAME_CONNECTORS = frozenset({"and", "of", "&", "for", "upon", "on", "the", "in", "-", "de"})

ABBREVIATIONS = {
    "icb": "integrated care board",
    "ccg": "clinical commissioning group",
    "&": "and",
    "nhs ft": "nhs foundation trust",
    "mbc": "metropolitan borough council",
    "cc": "county council",
    "bc": "borough council",
    "dc": "district council",
}


def body_key(name: str) -> str:
    """A comparable form of a body's name: "NHS Cambridgeshire & Peterborough ICB" and
    "NHS Cambridgeshire and Peterborough Integrated Care Board" give the same key."""
    words = re.sub(r"[^\w&]+", " ", name.casefold()).split()
    expanded = " ".join(ABBREVIATIONS.get(word, word) for word in words)
    return " ".join(word for word in expanded.split() if word != "the")


# --- Deadlines ----------------------------------------------------------------------------

_NUMBER = (
    r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
    r"fifty|sixty|ninety|(?:twenty|thirty)[-\s](?:one|two|three|four|five|six|seven|eight|"
    r"nine))"
)
_UNIT = r"(?:(?:working|calendar|business)\s+)?(?:days?|weeks?|months?|years?|fortnights?)"
_FROM = (
    r"\s+(?:of|from|after|following)\s+(?:the\s+date\s+of\s+|receiving\s+|receipt\s+of\s+"
    r"|the\s+issue\s+of\s+)?(?:the|this|our|my|its|his|her)\s+(?:final\s+|draft\s+)?"
    r"(?:decision(?:\s+statement)?|report|statement|letter)"
)
# A period counted from some other event, kept as written up to where the sentence moves
# on: "no later than one month after the full council's consideration of this report",
# "within 20 working days of receiving Mrs X's bank details, pay her ...".
_EVENT = (
    r"\s+(?:of|from|after|following)\s+[^,.;:()\[\n]{2,120}?"
    r"(?=\s*[,.;:()\[\n]|\s*$|\s+(?:and|or|but|so|then)\s|\s+(?:the\s+)?(?:[A-Z][\w&'-]*\s+){0,6}"
    r"(?:should|will|must|shall|has|have|is|are|agrees?|agreed)\b|\s+(?:it|they|we)\s+(?:should|"
    r"will|must|shall)\b)"
)
DUE_PHRASE = re.compile(
    rf"\b(?:(?:[Ww]ithin|[Nn]o\s+later\s+than)\s+(?:the\s+next\s+)?{_NUMBER}(?:\s*\(\d+\))?\s+"
    rf"{_UNIT}(?:{_FROM}|{_EVENT})?"
    rf"|(?:[Bb]y|[Nn]o\s+later\s+than)\s+(?:the\s+end\s+of\s+)?(?:the\s+)?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?i:{MONTH_RE})\b(?:\s+\d{{4}})?)"
)
