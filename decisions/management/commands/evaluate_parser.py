"""Measure the decision parser on a folder of labelled decisions.

    .venv/bin/python manage.py evaluate_parser [FOLDER]

FOLDER holds ``NAME.txt`` (a decision's text) with ``NAME.json`` beside it (the labelled
answer), in the layout of the shared corpus; it defaults to ``../shared/corpus/decisions``
next to the project, which only this evaluation reads (the product never does).

Scored as the corpus README says: a field is right when the parser's value equals the
answer after trimming and case-folding, and a null answer is right only when the parser
left the field empty. The reference is expected empty where ``reference_printed`` is
false; the category is not scored where ``category_from_url`` is true. An answer remedy is
matched by a parsed action with the same kind, amount and deadline words; recall and
precision count those matches over the corpus. Each answer remedy is also paired with the
closest parsed action to show which of its fields were read right. Remedies the body had
already provided are labelled with no deadline (``due: null``); the parser offers them as
actions already done, with none, and they are matched like any other.

Beside the table it prints the ten most common kinds of miss ("action payee: expected a
value, got none"), so that the next round of work starts from the biggest.

The corpus's kind vocabulary has no ``notify_body`` or ``statutory_duty``; the labels file
those under ``other``, so the parser's are compared as ``other``.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from decisions.models import Decision
from decisions.parsing import NotADecision, ParsedDecision, parse_decision
from decisions.parsing.text import fold

# The issue's targets (percent); fields without one are shown for information.
TARGETS = {
    "reference": 100,
    "decision date": 100,
    "outcome": 95,
    "organisations": 95,
    "complainant": 95,
    "total money": 95,
    "action recall": 90,
    "action precision": 90,
}
CORPUS_KINDS = {"notify_body": "other", "statutory_duty": "other"}


def default_folder() -> Path:
    return Path(settings.BASE_DIR).parent / "shared" / "corpus" / "decisions"


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _same_text(expected, got) -> bool:
    if expected is None:
        return got in (None, "", [])
    return got not in (None, "") and fold(str(expected)) == fold(str(got))


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += int(ok)

    @property
    def percent(self) -> float | None:
        return 100.0 * self.right / self.total if self.total else None


@dataclass
class Evaluation:
    fields: dict[str, Tally] = field(default_factory=dict)
    answers: int = 0
    parsed: int = 0
    matched: int = 0
    misses: list[tuple[str, str, str, str]] = field(default_factory=list)
    # How often each kind of miss happened: "action payee: expected a value, got none".
    miss_kinds: Counter = field(default_factory=Counter)
    files: int = 0

    def tally(self, name: str) -> Tally:
        return self.fields.setdefault(name, Tally())

    def score(self, file: str, name: str, ok: bool, expected, got) -> None:
        self.tally(name).add(ok)
        if not ok:
            self.miss(file, name, expected, got, f"{name}: {_miss_kind(name, expected, got)}")

    def miss(self, file: str, name: str, expected, got, kind: str) -> None:
        self.misses.append((file, name, _show(expected), _show(got)))
        self.miss_kinds[kind] += 1

    def top_misses(self, count: int = 10) -> list[tuple[str, int]]:
        """The commonest kinds of miss, most frequent first (ties by name)."""
        return sorted(self.miss_kinds.items(), key=lambda item: (-item[1], item[0]))[:count]

    @property
    def recall(self) -> float | None:
        return 100.0 * self.matched / self.answers if self.answers else None

    @property
    def precision(self) -> float | None:
        return 100.0 * self.matched / self.parsed if self.parsed else None

    def percent(self, name: str) -> float | None:
        if name == "action recall":
            return self.recall
        if name == "action precision":
            return self.precision
        return self.tally(name).percent

    def meets_targets(self) -> bool:
        return all(
            (value := self.percent(name)) is not None and value + 1e-9 >= target
            for name, target in TARGETS.items()
        )


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == set()


def _miss_kind(name: str, expected, got) -> str:
    """A miss described without its values, so that like misses count together: a value
    expected and none given, one given where the text says nothing, or a different one.
    Yes/no answers and an action's kind, having few values, say which way round."""
    if isinstance(expected, bool) or isinstance(got, bool) or name == "action kind":
        words = {None: "none", True: "yes", False: "no"}
        want, have = words.get(expected, expected), words.get(got, _action_kind(got))
        return f"expected {want}, got {have}"
    if _empty(got):
        return "expected a value, got none"
    if _empty(expected):
        return "expected none, got a value"
    return "a different value"


def _show(value) -> str:
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, list | tuple | set):
        return "; ".join(sorted(str(v) for v in value))
    return str(value)


def _outcome_right(expected, parsed: ParsedDecision) -> bool:
    if expected is None:
        return parsed.outcome is None and not parsed.outcome_printed
    candidates = [parsed.outcome_printed]
    if parsed.outcome:
        candidates.append(Decision.Outcome(parsed.outcome).label)
    return any(_same_text(expected, candidate) for candidate in candidates if candidate)


def _action_kind(kind: str) -> str:
    return CORPUS_KINDS.get(kind, kind)


def _strict_match(answer: dict, action) -> bool:
    return (
        _action_kind(action.kind) == answer.get("kind")
        and _decimal(answer.get("amount_gbp")) == action.amount
        and _same_text(answer.get("due"), action.due_phrase)
    )


def _closeness(answer: dict, action) -> int:
    score = 0
    score += 4 if _action_kind(action.kind) == answer.get("kind") else 0
    score += 2 if _decimal(answer.get("amount_gbp")) == action.amount else 0
    score += 2 if _same_text(answer.get("due"), action.due_phrase) else 0
    score += 1 if _same_text(answer.get("organisation"), action.organisation) else 0
    score += 1 if _same_text(answer.get("payee"), action.payee) else 0
    return score


def evaluate_one(name: str, text: str, answer: dict, evaluation: Evaluation) -> None:
    evaluation.files += 1
    try:
        parsed = parse_decision(text)
    except NotADecision as refused:
        evaluation.score(name, "parsed as a decision", False, "a decision", str(refused))
        parsed = ParsedDecision()
    score = evaluation.score

    expected_reference = answer.get("reference") if answer.get("reference_printed", True) else None
    score(name, "reference", _same_text(expected_reference, parsed.reference),
          expected_reference, parsed.reference)  # fmt: skip
    expected_bodies = {fold(o) for o in answer.get("organisations") or []}
    got_bodies = {fold(o) for o in parsed.organisations}
    score(name, "organisations", expected_bodies == got_bodies,
          answer.get("organisations"), parsed.organisations)  # fmt: skip
    if not answer.get("category_from_url"):
        score(name, "category", _same_text(answer.get("category"), parsed.category),
              answer.get("category"), parsed.category)  # fmt: skip
    score(name, "outcome", _outcome_right(answer.get("outcome"), parsed),
          answer.get("outcome"), parsed.outcome_printed)  # fmt: skip
    got_date = parsed.decision_date.isoformat() if parsed.decision_date else None
    score(name, "decision date", _same_text(answer.get("decision_date"), got_date),
          answer.get("decision_date"), got_date)  # fmt: skip
    score(name, "complainant", _same_text(answer.get("complainant"), parsed.complainant),
          answer.get("complainant"), parsed.complainant)  # fmt: skip
    expected_total = _decimal(answer.get("total_financial_gbp"))
    score(name, "total money", expected_total == parsed.total_money,
          expected_total, parsed.total_money)  # fmt: skip
    for label, key, verdict in (
        ("fault", "fault", parsed.fault),
        ("injustice", "injustice", parsed.injustice),
        ("report (vs statement)", "public_interest_report", parsed.is_report),
    ):
        score(name, label, answer.get(key) == verdict, answer.get(key), verdict)

    remedies = list(answer.get("remedies") or [])
    actions = list(parsed.actions)
    evaluation.answers += len(remedies)
    evaluation.parsed += len(actions)

    # README matching: same kind, amount and deadline words.
    unmatched = list(actions)
    unmatched_answers = []
    for remedy in remedies:
        candidates = [a for a in unmatched if _strict_match(remedy, a)]
        if candidates:
            best = max(candidates, key=lambda a: _closeness(remedy, a))
            unmatched.remove(best)
            evaluation.matched += 1
        else:
            unmatched_answers.append(remedy)
            evaluation.miss(
                name, "action not found", _describe_answer(remedy), "(no matching action)",
                f"action not found: {_why_not_found(remedy, actions)}",
            )  # fmt: skip
    for action in unmatched:
        evaluation.miss(
            name, "action not in the answer", None, _describe_action(action),
            f"action not in the answer: {_action_kind(action.kind)}"
            + (" (already done)" if action.already_done else ""),
        )  # fmt: skip

    # Per-field reading: each answer remedy against its closest parsed action.
    pool = list(actions)
    for remedy in remedies:
        if not pool:
            break
        best = max(pool, key=lambda a: _closeness(remedy, a))
        if _closeness(remedy, best) < 4:
            continue
        pool.remove(best)
        for label, expected, got, ok in (
            ("action kind", remedy.get("kind"), best.kind,
             remedy.get("kind") == _action_kind(best.kind)),
            ("action amount", remedy.get("amount_gbp"), best.amount,
             _decimal(remedy.get("amount_gbp")) == best.amount),
            ("action payee", remedy.get("payee"), best.payee,
             _same_text(remedy.get("payee"), best.payee)),
            ("action organisation", remedy.get("organisation"), best.organisation,
             _same_text(remedy.get("organisation"), best.organisation)),
            ("action due phrase", remedy.get("due"), best.due_phrase,
             _same_text(remedy.get("due"), best.due_phrase)),
        ):  # fmt: skip
            score(name, label, ok, expected, got)


def _why_not_found(remedy: dict, actions: list) -> str:
    """Why no parsed action matches an answer remedy, judged against the parsed actions of
    its kind: none of the kind at all, or the amount or the deadline words differ."""
    kind = remedy.get("kind")
    if not actions:
        return f"{kind}, and no action parsed from the text"
    same_kind = [a for a in actions if _action_kind(a.kind) == kind]
    if not same_kind:
        return f"{kind}, no parsed action of that kind"
    amount = _decimal(remedy.get("amount_gbp"))
    if not any(a.amount == amount for a in same_kind):
        return f"{kind}, the amount differs"
    return f"{kind}, the deadline words differ"


def _describe_answer(remedy: dict) -> str:
    return (
        f"{remedy.get('kind')} {remedy.get('amount_gbp') or ''} by "
        f"{remedy.get('organisation') or '?'} due {remedy.get('due') or '-'}: "
        f"{remedy.get('text', '')[:60]}"
    )


def _describe_action(action) -> str:
    return (
        f"{action.kind} {action.amount or ''} by {action.organisation or action.actor or '?'} "
        f"due {action.due_phrase or '-'}: {action.text[:60]}"
    )


def evaluate_folder(folder: Path) -> Evaluation:
    evaluation = Evaluation()
    for text_path in sorted(folder.glob("*.txt")):
        answer_path = text_path.with_suffix(".json")
        if not answer_path.exists():
            continue
        answer = json.loads(answer_path.read_text(encoding="utf-8"))
        text = text_path.read_text(encoding="utf-8")
        evaluate_one(text_path.stem, text, answer, evaluation)
    return evaluation


ROWS = [
    "reference", "organisations", "category", "outcome", "decision date", "complainant",
    "action kind", "action amount", "action payee", "action organisation",
    "action due phrase", "total money", "fault", "injustice", "report (vs statement)",
    "parsed as a decision",
]  # fmt: skip


def render(evaluation: Evaluation) -> str:
    lines = [
        f"Decision parser on {evaluation.files} labelled decisions",
        "",
        f"{'field':<24}{'right':>7}{'of':>5}{'accuracy':>10}{'target':>8}",
    ]
    for name in ROWS:
        tally = evaluation.fields.get(name)
        if tally is None or not tally.total:
            continue
        target = f"{TARGETS[name]}%" if name in TARGETS else ""
        lines.append(f"{name:<24}{tally.right:>7}{tally.total:>5}{tally.percent:>9.1f}%{target:>8}")
    lines.append("")
    for name, value, numerator, denominator in (
        ("action recall", evaluation.recall, evaluation.matched, evaluation.answers),
        ("action precision", evaluation.precision, evaluation.matched, evaluation.parsed),
    ):
        shown = f"{value:.1f}%" if value is not None else "n/a"
        lines.append(f"{name:<24}{numerator:>7}{denominator:>5}{shown:>10}{TARGETS[name]:>7}%")
    lines.append("")
    lines.append(
        "(action kind/amount/payee/organisation/due phrase: each answer remedy against the "
        "closest parsed action; recall and precision match kind, amount and deadline words.)"
    )
    lines.append("Targets met." if evaluation.meets_targets() else "Targets NOT met.")
    lines.append("")
    top = evaluation.top_misses()
    if top:
        lines.append(f"The {len(top)} most common kinds of miss:")
        lines.extend(f"{count:>5}  {kind}" for kind, count in top)
        lines.append("")
    if evaluation.misses:
        lines.append(f"Misses ({len(evaluation.misses)}):")
        for file, name, expected, got in evaluation.misses:
            lines.append(f"  {file}  {name}\n      expected: {expected}\n      got:      {got}")
    else:
        lines.append("No misses.")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Score the decision parser on a folder of labelled decisions (NAME.txt + NAME.json)."

    def add_arguments(self, parser):
        parser.add_argument(
            "folder",
            nargs="?",
            help="Folder of NAME.txt with NAME.json beside it "
            "(default: ../shared/corpus/decisions next to the project).",
        )

    def handle(self, *args, folder=None, **options):
        path = Path(folder) if folder else default_folder()
        if not path.is_dir():
            raise CommandError(f"No folder at {path}.")
        evaluation = evaluate_folder(path)
        if not evaluation.files:
            raise CommandError(f"No NAME.txt with a NAME.json beside it in {path}.")
        self.stdout.write(render(evaluation))
