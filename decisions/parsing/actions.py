"""Reading the agreed actions: who is to do what, for whom, for how much, by when.

The Ombudsman writes actions in a few regular ways, and this module reads those:

- a body and an obligation: "Within one month of the final decision the Council should
  apologise to Mr X and pay him £200", "The Council has agreed to ...", "We recommend the
  Council ...", with the deadline in the same sentence or in the lead-in of a list;
- a lead-in and a list: "Within two months ... the Trust, the Council and the ICB should:"
  followed by one action a bullet; a lead-in whose own verb carries on into the list
  ("should invite the relevant scrutiny committee to:") is a single action;
- a pointer: "The Council will complete the above within four weeks" after a list given
  earlier (an early resolution);
- remedies the body had already given and the Ombudsman relied on ("The Council has
  apologised and offered £50"), which have no deadline.

Each clause joined by "and" with its own verb is its own action; evidence to the
Ombudsman that goes with an action ("and provide us with a copy") is part of it. Joint
actions are one per body; "each pay Mr X £200 (i.e. £600 in total)" is one £200 payment
per body; "£200 each" to two people is two payments.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from . import kinds
from .clauses import (
    PAST_VERBS,
    action_clauses,
    due_from_followers,
    due_in,
    list_after,
    opens_a_list,
    sentences,
    split_clauses,
    starts_with_verb,
    summarise,
)
from .kinds import BACK_REFERENCE, NOT_AN_ACTION, forward_kind, past_kind
from .text import Para, squash
from .vocabulary import (
    AMOUNT,
    EACH_AFTER,
    NUMBER_WORDS,
    OTHER_SUM_AFTER,
    OTHER_SUM_BEFORE,
    PEOPLE_NOUNS,
    RATE_AFTER,
    TOTAL_AFTER,
    TOTAL_BEFORE,
    body_key,
    money,
    people_named,
    split_labels,
)


@dataclass
class ParsedAction:
    """One agreed action of one body.

    ``organisation`` is the body's name as printed in the decision, or None when the text
    never names the body it calls "the Council" (``actor`` then keeps the words used).
    ``due_phrase`` is the deadline exactly as written; ``due_date`` is what it resolves
    to from the decision date (filled in by ``parse_decision``). ``already_done`` marks a
    remedy the body had given before the decision, which the Ombudsman relied on: offered
    as done.
    """

    kind: str
    organisation: str | None
    payee: str | None
    amount: Decimal | None
    due_phrase: str | None
    text: str
    actor: str | None = None
    already_done: bool = False
    due_date: date | None = None
    # The deadline counts from an event whose date the text does not give ("no later than
    # one month after the full council's consideration of this report"): no due date yet.
    due_on_event: bool = False
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Body:
    name: str | None  # as printed in full, None when the text never names it
    written: str  # the words the sentence uses: "the Council"


_ALLOWED_PREFIX = re.compile(
    r"^(?:within|by|no later than|if|where|to remedy|to put|in addition|additionally|also|"
    r"furthermore|further|as|once|after|when|so|therefore|finally|moreover|in|on|following|"
    r"subject to|for|and|but|then|secondly|firstly|lastly|however|to)\b",
    re.IGNORECASE,
)
_MODAL = (
    r"(?:should|must|shall|will|(?:has|have)\s+(?:also\s+|now\s+|since\s+)?agreed\s+that\s+"
    r"(?:[^,.:]{0,80}?,?\s+)?(?:it|they)\s+(?:will|would|should)|(?:has|have)\s+(?:also\s+|now\s+|"
    r"since\s+)?agreed\s+to|agreed\s+to|agrees?\s+"
    r"to|(?:has|have)\s+offered\s+to|offered\s+to|(?:has|have)\s+undertaken\s+to|undertook\s+"
    r"to|(?:has|have)\s+accepted\s+(?:our\s+recommendations?\s+)?to|is\s+to|are\s+to|needs?\s+"
    r"to)"
)
_ADVERBS = r"(?:\s+(?:also|now|then|further|additionally|therefore|still|jointly))*"
_GENERIC_ACTOR = (
    r"[Tt]he\s+(?:[Cc]ouncil|[Tt]rust|ICB|CCG|[Bb]oard|[Aa]uthority|[Cc]are\s+[Pp]rovider|"
    r"[Pp]rovider|[Cc]are\s+[Hh]ome|[Cc]ompany|[Ss]chool|[Aa]cademy|[Ll]andlord|[Ii]ntegrated"
    r"\s+[Cc]are\s+[Bb]oard|[Oo]rganisations?|[Bb]odies|[Cc]ouncils|[Aa]gency|[Pp]artnership)\b"
)
_PRONOUN = r"\b(?:[Ii]t|[Tt]hey)\b"
_CONTINGENCY = re.compile(
    r"^(?:if\s+(?:it|this|that|they)\s+(?:is|are|does|do|can|cannot|can't|isn't|aren't)"
    r"(?:\s+not)?\b|if\s+not\b|otherwise\b|failing\s+(?:this|that)\b)",
    re.IGNORECASE,
)
_UNDERTAKING = re.compile(
    r"^(?:agreed|offered|undertaken|undertook|accepted|proposed|promised)\s+(?:to|that)\b",
    re.IGNORECASE,
)
_SUBJECT_NOUN = re.compile(r"^(?:The|A|An|Its|Her|His|Their)\s+[A-Za-z]")
# "and said it would ...": a remedy promised in the body's response, not yet given.
_SAID_IT_WOULD = re.compile(
    r"\b(?:said|confirmed|promised|undertook|agreed)\s+(?:that\s+)?(?:it|they)\s+would\s+",
    re.IGNORECASE,
)
# Words that relate what a body did to the complaint and its remedy.
_REMEDY_CONTEXT = re.compile(
    r"\b(?:already|since|subsequently|in\s+response|complaints?|remed\w*|put\s+(?:things|"
    r"matters|this|it)\s+right|goodwill|redress|compensation|in\s+recognition|acknowledg\w*|"
    r"apolog\w*|offered|agreed|resolve\w*|satisf\w*)\b",
    re.IGNORECASE,
)
# Whom an action is for, after its verb: "pay Ms Y's family", "contact other residents",
# "write to the daughter", "a payment to her son".
_FOR_PEOPLE = re.compile(
    r"\b(?:pay|repay|refund|reimburse|compensate|offer|contact|write\s+to|inform|tell|notify|"
    r"meet|visit|invite|identify|support|payments?\s+to|remedy\s+to|sum\s+to)\s+(.*)",
    re.IGNORECASE,
)
# A person named only as the subject of a service ("review its decision on Mrs X's grant"
# is for Mrs X; "remind staff how to deal with tenants" is for nobody).
_AS_A_SERVICE = re.compile(r"\b(?:staff|officers|employees|policy|policies|procedures?)\b", re.I)


@dataclass
class _Clause:
    bodies: list[Body]
    rest: str  # the words after the obligation: "apologise to Mr X ..."
    sentence: str


class ActionReader:
    """Reads the actions of one decision; knows its bodies and complainant so that "the
    Council", "it" and "him" can be resolved."""

    def __init__(
        self,
        *,
        organisations: list[str],
        defined: list[tuple[str, str]],
        complainant: str | None,
        full_text: str,
        for_another: bool = False,
    ) -> None:
        self.organisations = organisations
        self.defined = defined
        self.complainant = complainant
        self.full_text = full_text
        # A remedy that names nobody is for the complainant, when one person complained for
        # themselves; one who complained for someone else (or several) leaves it open.
        self.default_payee = (
            complainant
            if complainant and not for_another and len(split_labels(complainant)) == 1
            else None
        )
        names = sorted(
            {re.escape(name) for name in organisations}
            | {re.escape(full) for full, _ in defined}
            | {rf"\b{re.escape(short)}\b" for _, short in defined if short.isupper()},
            key=len,
            reverse=True,
        )
        one = "|".join([*names, _GENERIC_ACTOR])
        actor_list = rf"(?:{one})(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?:{one}))*"
        self._one_actor = re.compile(one)
        self._forward = re.compile(
            rf"(?P<actors>{actor_list}|{_PRONOUN})(?:\s+(?:also|therefore|then|now))?"
            rf"(?P<mid>\s*,[^,.]{{1,160}},)?\s+(?P<modal>{_MODAL})"
            rf"(?!\s+(?:have|not|be|had|need|consider\s+whether)\b)"
            rf"(?:\s*,[^,.]{{1,160}},)?{_ADVERBS}\s*"
        )
        self._recommend = re.compile(
            # "We recommend the council:", "We recommend that, no later than one month
            # after ..., the Council:", "The Ombudsman recommended the Council should".
            rf"\b(?:[Ww]e|I|[Tt]he\s+Ombudsm[ae]n)\s+(?:\w+\s+)?(?:recommends?|recommended|"
            rf"asks?|asked)\s+(?:that\s*)?(?:,\s*[^,.:;]{{1,160}},\s*)?"
            rf"(?P<actors>{actor_list})(?:\s+(?:(?:should|must|to)\s+)?{_ADVERBS}\s*|\s*$)"
        )
        self._past = re.compile(
            rf"(?P<actors>{actor_list}|{_PRONOUN})\s+(?P<has>(?:has|have)\s+)?"
            r"(?:(?:already|also|since|now|recently|previously|subsequently|then|both)\s+)*"
            r"(?=(?P<verb>[a-z]+)\b)"
        )
        self._actor_start = re.compile(rf"^(?:{actor_list})")
        self.subject: list[Body] | None = None

    # --- Bodies ---------------------------------------------------------------------------

    def _resolve_one(self, written: str) -> list[Body]:
        words = squash(written)
        lower = words.lower()
        if lower in ("the organisations", "the bodies", "the councils"):
            return [Body(name, words) for name in self.organisations] or [Body(None, words)]
        for full, short in self.defined:
            if words == full or lower in (f"the {short.lower()}", short.lower()):
                return [Body(full, words)]
        for name in self.organisations:
            if body_key(name) == body_key(words):
                return [Body(name, words)]
        short = lower.removeprefix("the ").strip()
        matches = [name for name in self.organisations if _is_kind_of(name, short)]
        if len(matches) == 1:
            return [Body(matches[0], words)]
        if len(self.organisations) == 1 and short in ("council", "authority"):
            return [Body(self.organisations[0], words)]
        if (
            len(self.organisations) == 1
            and short not in _COUNCIL_WORDS
            and not _is_kind_of(self.organisations[0], "council")
        ):
            # A decision about one care provider or company calls it "the Care Provider".
            return [Body(self.organisations[0], words)]
        return [Body(None, words)]

    def resolve(self, written: str) -> list[Body]:
        """The bodies an actor phrase names: "the Trust, the Council and the ICB" -> three;
        "it" / "they" -> the subject of the sentences before."""
        if re.fullmatch(_PRONOUN, written.strip()):
            if self.subject:
                return list(self.subject)
            # A decision about one body: "it" is that body.
            return self.default_bodies() if len(self.organisations) == 1 else []
        bodies: list[Body] = []
        for match in self._one_actor.finditer(written):
            for body in self._resolve_one(match.group(0)):
                if body not in bodies:
                    bodies.append(body)
        return bodies

    def default_bodies(self) -> list[Body]:
        if self.subject:
            return list(self.subject)
        if len(self.organisations) == 1:
            return [Body(self.organisations[0], "the Council")]
        return [Body(None, "the Council")]

    def _track_subject(self, sentence: str) -> None:
        """Remember who "it" can mean: the body a sentence starts with, forgotten when a
        sentence starts with some other thing ("The Review Panel said ...")."""
        stripped = sentence.lstrip("-• ")
        if match := self._actor_start.match(stripped):
            self.subject = self.resolve(match.group(0)) or self.subject
        elif _SUBJECT_NOUN.match(stripped):
            self.subject = None

    # --- Clauses --------------------------------------------------------------------------

    def forward_clause(self, sentence: str) -> _Clause | None:
        """The obligation a sentence states, if it states one: its bodies and the words
        that follow the modal ("should", "has agreed to", "We recommend the Council")."""
        if match := self._recommend.search(sentence):
            bodies = self.resolve(match["actors"])
            if bodies:
                return _Clause(bodies, sentence[match.end() :], sentence)
        for match in self._forward.finditer(sentence):
            prefix = sentence[: match.start()].strip(" -•,")
            if prefix and not _ALLOWED_PREFIX.match(prefix):
                continue
            bodies = self.resolve(match["actors"])
            if not bodies:
                continue
            return _Clause(bodies, sentence[match.end() :], sentence)
        return None

    # --- Building actions -----------------------------------------------------------------

    def _people_count(self) -> int | None:
        match = re.search(
            rf"\b(two|three|four|five|six|seven|eight|nine|ten)\s+(?:\w+\s+)?{PEOPLE_NOUNS}\b",
            self.full_text,
            re.IGNORECASE,
        )
        return NUMBER_WORDS[match[1].lower()] if match else None

    def _payee(self, kind: str, clause: str) -> str | None:
        """Whom an action is for: the person or people the clause names ("apologise to Mr
        X", "pay Ms Y's family"), the complainant where it says "him", "her" or "the
        complainant", or, for an apology or a payment that names nobody, the complainant
        who complained for themselves. Actions on services are for nobody."""
        if kind in (
            kinds.SERVICE_IMPROVEMENT,
            kinds.REPORT_TO_COMMITTEE,
            kinds.ACTION_PLAN,
            kinds.EVIDENCE_TO_OMBUDSMAN,
            kinds.NOTIFY_BODY,
        ):
            return None
        personal = kind in (kinds.APOLOGY, kinds.FINANCIAL)
        if personal and (
            match := re.search(r"apolog\w*\s+(?:\w+\s+){0,2}?to\s+(.*)", clause, re.IGNORECASE)
        ):
            if named := people_named(match[1][:80]):
                return named[0]
        if match := _FOR_PEOPLE.search(clause):
            if named := people_named(match[1][:80]):
                return named[0]
        if (named := people_named(clause)) and not _AS_A_SERVICE.search(clause):
            return named[0]
        if self.complainant and re.search(r"\bthe\s+complainant\b", clause, re.IGNORECASE):
            return self.complainant
        single = self.complainant and len(split_labels(self.complainant)) == 1
        if single and re.search(r"\b(?:him|her|his)\b", clause):
            return self.complainant
        if personal and self.complainant and re.search(r"\b(?:them|their)\b", clause):
            return self.complainant
        return self.default_payee if personal else None

    def _amounts(self, clause: str, context: str) -> list[tuple[Decimal, str | None, bool]]:
        """The sums a clause pays: (amount, payee words, paid to each person), leaving out
        totals that add others up ("(i.e. £600 in total)", "This makes a total of ...") and
        using the stated total of a rate ("£50 per month ... A total of £100")."""
        paid, totals = [], []
        previous_end = 0
        for match in AMOUNT.finditer(clause):
            value = money(match)
            if value is None:
                continue
            before, after = (
                clause[max(0, match.start() - 40) : match.start()],
                clause[match.end() :],
            )
            if TOTAL_BEFORE.search(before) or TOTAL_AFTER.match(after):
                totals.append(value)
                continue
            if OTHER_SUM_BEFORE.search(before) or OTHER_SUM_AFTER.match(after):
                continue
            people = people_named(clause[previous_end : match.start()])
            payee = people[-1] if people else None
            if payee is None and (
                found := re.match(r"\s+to\s+(.{1,80})", clause[match.end() :])
            ):  # "£200 to Mr X", "£200 to her son"
                payee = next(iter(people_named(found[1])), None)
            paid.append(
                (value, payee, bool(EACH_AFTER.match(after)), bool(RATE_AFTER.match(after)))
            )
            previous_end = match.end()
        if paid and all(rate for *_, rate in paid):
            stated = [
                money(m)
                for m in AMOUNT.finditer(context)
                if TOTAL_BEFORE.search(context[max(0, m.start() - 40) : m.start()])
                or TOTAL_AFTER.match(context[m.end() :])
            ]
            if len(stated) == 1 and stated[0] is not None:
                return [(stated[0], paid[0][1], False)]
        if not paid and len(totals) == 1:
            people = people_named(clause)
            return [(totals[0], people[0] if people else None, False)]
        return [(value, payee, each) for value, payee, each, _ in paid]

    def build(
        self,
        *,
        clause: str,
        bodies: list[Body],
        due: str | None,
        context: str,
        kind: str,
        text: str | None = None,
        already_done: bool = False,
    ) -> list[ParsedAction]:
        summary = summarise(text or clause)
        joint_each = len(bodies) > 1 and re.search(r"\b(?:each|both)\b", clause, re.IGNORECASE)
        if kind != kinds.FINANCIAL:
            payee = self._payee(kind, clause)
            return [
                self._action(kind, body, payee, None, due, summary, already_done) for body in bodies
            ]
        amounts: list[tuple[Decimal | None, str | None, bool]] = [
            *self._amounts(clause, context)
        ] or [(None, None, False)]
        actions = []
        for amount, payee_words, each_person in amounts:
            payee_words = payee_words or self._payee(kind, clause)
            payees: list[str | None] = [payee_words]
            each_of = re.search(
                r"\beach\s+of\s+(?:the\s+|them\b)?(\w+)?|\b(?:both|all)\s+of\s+(?:the\s+)?(\w+)",
                clause,
                re.IGNORECASE,
            )
            if each_person and payee_words and len(split_labels(payee_words)) > 1:
                payees = list(split_labels(payee_words))
            elif each_of and amount is not None:
                count = self._people_count()
                payees = [squash(each_of.group(0))] * (count or 1)
                if count is None:
                    self.uncounted = True
            payers = bodies if joint_each or len(bodies) == 1 else [_joint(bodies)]
            for body in payers:
                for payee in payees:
                    actions.append(
                        self._action(kind, body, payee, amount, due, summary, already_done)
                    )
        return actions

    uncounted = False

    @staticmethod
    def _action(kind, body, payee, amount, due, summary, already_done) -> ParsedAction:
        action = ParsedAction(
            kind=kind,
            organisation=body.name,
            payee=payee,
            amount=amount,
            due_phrase=due,
            text=summary,
            actor=body.written,
            already_done=already_done,
        )
        action.missing = [
            name
            for name, value in (
                ("organisation", action.organisation),
                ("payee", action.payee if kind in (kinds.APOLOGY, kinds.FINANCIAL) else True),
                ("amount", action.amount if kind == kinds.FINANCIAL else True),
                ("due_phrase", action.due_phrase if not already_done else True),
            )
            if value is None
        ]
        return action

    # --- Paragraph by paragraph -----------------------------------------------------------

    def item_actions(
        self,
        text: str,
        *,
        default_bodies: list[Body] | None = None,
        default_due: str | None = None,
        imperative: bool = False,
        display: str | None = None,
        back_refs: list | None = None,
    ) -> list[ParsedAction]:
        """The actions of one paragraph or list item.

        The first sentence with an obligation gives one action per clause; later
        sentences add only a kind not seen yet (so "They should also apologise" after
        "write to Mr X to acknowledge the failings" is the same apology)."""
        actions: list[ParsedAction] = []
        seen_kinds: set[str] = set()
        first = True
        parts = sentences(text)
        for position, sentence in enumerate(parts):
            self._track_subject(sentence)
            if not first and _CONTINGENCY.match(sentence):
                # "If it isn't, the organisations should ...": a fallback for the action
                # before, not an action of its own.
                continue
            found = self.forward_clause(sentence)
            if found is None and imperative and starts_with_verb(sentence):
                found = _Clause(default_bodies or self.default_bodies(), sentence, sentence)
            if found is None:
                continue
            if found.bodies and found.bodies[0].name is not None or not self.subject:
                self.subject = found.bodies
            due = due_in(sentence) or due_from_followers(parts[position + 1 :]) or default_due
            clauses = []
            for clause in action_clauses(found.rest):
                amounts = list(AMOUNT.finditer(clause))
                kind = forward_kind(clause, bool(amounts))
                if kind is None:
                    if BACK_REFERENCE.search(clause) and back_refs is not None:
                        back_refs.append((found.bodies, due_in(sentence) or default_due))
                    continue
                clauses.append((kind, clause))
            if len(clauses) > 1:
                main = [c for c in clauses if c[0] != kinds.EVIDENCE_TO_OMBUDSMAN]
                clauses = main or clauses[:1]
            if not first:
                # A later sentence restates a kind already asked for ("The Council
                # should consider the report at ...", "They should also apologise"),
                # unless it adds one "also" ("It will also review its procedures"); an
                # apology or a report to members is asked for once.
                adds = re.search(r"\balso\b", sentence, re.IGNORECASE)
                clauses = [
                    (kind, clause)
                    for kind, clause in clauses
                    if (kind not in kinds.SUBSIDIARY or adds and kind == kinds.OTHER)
                    and (
                        kind not in seen_kinds
                        or adds
                        and kind not in (kinds.APOLOGY, kinds.REPORT_TO_COMMITTEE)
                    )
                ]
            for kind, clause in clauses:
                actions += self.build(
                    clause=clause,
                    bodies=found.bodies,
                    due=due,
                    context=text,
                    kind=kind,
                    text=display if display and len(clauses) == 1 else None,
                )
                seen_kinds.add(kind)
            if clauses:
                first = False
        return actions

    def past_actions(self, paras: list[Para]) -> list[ParsedAction]:
        """Remedies the body had already given: "The Council has apologised, and it
        offered Miss X £100"; no deadline."""
        actions = []
        for sentence in (s for para in paras for s in sentences(para.text)):
            self._track_subject(sentence)
            for match in self._past.finditer(sentence):
                if match["verb"] not in PAST_VERBS:
                    continue
                prefix = sentence[: match.start()].strip(" -•,")
                if not match["has"] and prefix and not _ALLOWED_PREFIX.match(prefix):
                    continue
                bodies = self.resolve(match["actors"])
                if not bodies:
                    continue
                given = sentence[match.start("verb") :]
                promised = ""
                if said := _SAID_IT_WOULD.search(given):
                    # "apologised and said it would write off the arrears": the apology is
                    # given, the write-off promised.
                    given, promised = given[: said.start()], given[said.end() :]
                relied_on = bool(match["has"]) or bool(_REMEDY_CONTEXT.search(sentence))
                for clause in split_clauses(given, PAST_VERBS):
                    if _UNDERTAKING.match(clause):
                        continue  # "has agreed to ...": an action to come, read as one
                    amounts = list(AMOUNT.finditer(clause))
                    kind = past_kind(clause, bool(amounts))
                    # What a body did in the story ("it wrote off the balance") is a remedy
                    # only when the decision relates it to the complaint; an apology
                    # always is one.
                    if kind is not None and (relied_on or kind == kinds.APOLOGY):
                        actions += self.build(
                            clause=clause,
                            bodies=bodies,
                            due=None,
                            context=sentence,
                            kind=kind,
                            already_done=True,
                        )
                for clause in action_clauses(promised) if promised else []:
                    kind = forward_kind(clause, bool(AMOUNT.search(clause)))
                    if kind is not None:
                        actions += self.build(
                            clause=clause, bodies=bodies, due=None, context=sentence, kind=kind
                        )
                break
        return actions

    def nominal_actions(self, text: str) -> list[ParsedAction]:
        """Remedies named as a list of nouns rather than verbs: "the agreed actions of an
        apology, payment of £300 and tighter controls for highway repairs are enough", "The
        action already taken by the Council, which included written apologies and payment
        of £100, suitably put matters right" (already given)."""
        actions: list[ParsedAction] = []
        for sentence in sentences(text):
            self._track_subject(sentence)
            lead = _NOMINAL_AGREED.search(sentence) or _NOMINAL_DONE.search(sentence)
            if lead is None:
                continue
            done = lead.re is _NOMINAL_DONE
            actors = lead.groupdict().get("actors")
            bodies = (self.resolve(actors) if actors else []) or self.default_bodies()
            listed = _NOMINAL_END.split(sentence[lead.end() :], maxsplit=1)[0]
            for item in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", listed):
                item = item.strip(" ,.;")
                if not item or len(item.split()) > 12:
                    continue
                amounts = list(AMOUNT.finditer(item))
                kind = _nominal_kind(item, bool(amounts))
                actions += self.build(
                    clause=item,
                    bodies=bodies,
                    due=None,
                    context=sentence,
                    kind=kind,
                    already_done=done,
                )
        return actions

    def list_actions(self, paras: list[Para], *, imperative_items: bool) -> list[ParsedAction]:
        """Actions of a run of paragraphs, reading lead-ins with their lists."""
        actions: list[ParsedAction] = []
        self.back_refs: list = []
        position = 0
        while position < len(paras):
            para = paras[position]
            if para.text.rstrip().endswith(":"):
                items = list_after(paras, position)
                lead = para.text.rstrip().rstrip(":")
                clause = self.forward_clause(lead)
                if clause is None and imperative_items and starts_with_verb(lead):
                    clause = _Clause(self.default_bodies(), lead, lead)
                if clause is not None and items:
                    self.subject = clause.bodies
                    due = due_in(lead)
                    if opens_a_list(clause.rest):
                        for item in items:
                            actions += self.item_actions(
                                item.text,
                                default_bodies=clause.bodies,
                                default_due=due,
                                imperative=True,
                                back_refs=self.back_refs,
                            )
                    else:
                        detail = "; ".join(item.text.rstrip(" ;,.") for item in items)
                        actions += self.item_actions(
                            lead,
                            display=f"{summarise(clause.rest)}: {detail}",
                            back_refs=self.back_refs,
                        )
                    position += 1 + len(items)
                    continue
            pointers = len(self.back_refs)
            found = self.item_actions(
                para.text, imperative=imperative_items, back_refs=self.back_refs
            )
            if not found and len(self.back_refs) > pointers and actions:
                # "The Council should do this within four weeks": the deadline of the
                # actions listed before it.
                _bodies, due = self.back_refs[-1]
                for action in actions:
                    if action.due_phrase is None and due:
                        action.due_phrase = due
                        action.missing = [m for m in action.missing if m != "due_phrase"]
            actions += found
            position += 1
        return actions


# The lead-in of a list of remedies named by nouns.
_NOMINAL_AGREED = re.compile(
    r"\b(?:the\s+)?agreed\s+(?:actions?|remed(?:y|ies)|steps?)\s+(?:of|to\s+provide)\s+"
    # "we set out the action it has agreed ... This comprises an apology and a payment"
    r"|^(?:this|which|these|it|they|the\s+(?:agreed\s+)?(?:action|remedy))\s+(?:comprises?|consists?\s+"
    r"of|includes?)\s+",
    re.IGNORECASE,
)
_NOMINAL_DONE = re.compile(
    r"\b(?:the\s+)?(?:actions?|remed(?:y|ies)|steps?)\s+(?:(?:it|they)\s+(?:has|have|had)\s+)?"
    r"already\s+(?:taken|offered|provided|given|made)(?:\s+by\s+(?P<actors>(?:the\s+)?"
    r"[A-Z][\w&' -]{1,80}?))?\s*,?\s*(?:which\s+)?(?:included?|including|namely|compris\w*|"
    r"of)\s+",
    re.IGNORECASE,
)
# Where such a list ends: "... are enough", ", suitably put matters right".
_NOMINAL_END = re.compile(
    r",?\s+(?:are|is|was|were|would|will|should|provides?|provided|puts?|suitably|"
    r"remed\w+|to\s+remedy|as\s+(?:a|the)\s+remedy|for\s+(?:the|his|her|their)\s+"
    r"injustice)\b|[;:]",
    re.IGNORECASE,
)


def _nominal_kind(item: str, has_amount: bool) -> str:
    if re.search(r"\bapolog", item, re.IGNORECASE):
        return kinds.APOLOGY
    if has_amount or re.search(
        r"\b(?:payments?|compensation|redress|refunds?|reimbursement)\b", item, re.IGNORECASE
    ):
        return kinds.FINANCIAL
    return forward_kind(item, has_amount) or kinds.OTHER


_COUNCIL_WORDS = frozenset({"council", "councils", "authority", "organisations", "bodies"})


def _is_kind_of(name: str, short: str) -> bool:
    key = body_key(name)
    words = {
        "council": ("council", "borough of", "city of", "corporation"),
        "trust": ("trust",),
        "icb": ("integrated care board",),
        "integrated care board": ("integrated care board",),
        "ccg": ("clinical commissioning group",),
        "board": ("board",),
        "authority": ("authority", "council"),
    }.get(short, (short,))
    return any(word in key for word in words)


def _joint(bodies: list[Body]) -> Body:
    names = [body.name or body.written for body in bodies]
    written = " and ".join(body.written for body in bodies)
    return Body(" and ".join(names) if all(body.name for body in bodies) else None, written)


def dedupe(actions: list[ParsedAction], existing: list[ParsedAction]) -> list[ParsedAction]:
    """Already-given remedies that repeat one found elsewhere are dropped: an apology or a
    payment of the same sum by the same body (of no stated sum, only when both were
    already given), or the same words."""
    kept: list[ParsedAction] = []
    for action in actions:
        key = (action.kind, action.amount, action.organisation)
        repeated = next(
            (
                other
                for other in existing + kept
                if (other.kind, other.amount, other.organisation) == key
                and (
                    action.kind == kinds.APOLOGY
                    # A payment given without a sum is not the payment still to make.
                    or action.kind == kinds.FINANCIAL
                    and (action.amount is not None or other.already_done)
                )
                or other.text == action.text
                and other.organisation == action.organisation
            ),
            None,
        )
        if repeated is None:
            kept.append(action)
        elif repeated.payee is None and action.payee:
            # Said twice, once naming whom it is for ("It apologised to Miss X and Ms D").
            repeated.payee = action.payee
            repeated.missing = [m for m in repeated.missing if m != "payee"]
    return kept


__all__ = ["ActionReader", "ParsedAction", "NOT_AN_ACTION"]
