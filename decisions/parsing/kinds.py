"""What kind of agreed action a clause asks for, from the Ombudsman's regular wording.

The values are ``remedies.models.AgreedAction.Kind`` values (a test checks they stay so);
they are plain strings here so that this module needs no app registry.
"""

import re

from .vocabulary import DUE_PHRASE

APOLOGY = "apology"
FINANCIAL = "financial"
SERVICE_IMPROVEMENT = "service_improvement"
REVIEW_OR_REASSESS = "review_or_reassess"
PROVIDE_SERVICE = "provide_service"
REPORT_TO_COMMITTEE = "report_to_committee"
ACTION_PLAN = "action_plan"
EVIDENCE_TO_OMBUDSMAN = "evidence_to_ombudsman"
NOTIFY_BODY = "notify_body"
OTHER = "other"

ALL_KINDS = (
    APOLOGY, FINANCIAL, SERVICE_IMPROVEMENT, REVIEW_OR_REASSESS, PROVIDE_SERVICE,
    REPORT_TO_COMMITTEE, ACTION_PLAN, EVIDENCE_TO_OMBUDSMAN, NOTIFY_BODY, OTHER,
)  # fmt: skip

# Kinds that ride along with the main action of a paragraph ("... and provide us with a
# copy of its letter") rather than standing on their own.
SUBSIDIARY = frozenset({EVIDENCE_TO_OMBUDSMAN, OTHER, NOTIFY_BODY})

_I = re.IGNORECASE

# Words that restate the decision rather than ask for anything.
NOT_AN_ACTION = re.compile(
    r"^(?:(?:agree\w*\s+to\s+)?resolve\s+(?:the|this|her|his|their|it\b|matters)\s*(?:complaint|"
    r"early|\b)|(?:our|the|these|its)\s+recommendations?\b|proposals\b|accept\w*\s+"
    r"(?:our|the|these)\s+recommendations?|agree\w*\s+to\s+(?:our|the|these)\s+"
    r"recommendations?|act\s+on\s+(?:our|the|these)\s+recommendations?|comply\s+with|"
    r"remedy\s+(?:the|this|any)\s+injustice\b(?!.*£)|put\s+(?:things|this|matters)\s+right"
    r"(?!.*£)|take\s+(?:the\s+)?(?:following|action\s+to\s+remedy)|do\s+(?:the\s+following|"
    r"so|this|these|that)\b|\w+\s+the\s+following|(?:consider|take\s+account\s+of|follow|"
    r"have\s+regard\s+to)\s+(?:this|our|the)\s+guidance)",
    _I,
)
# "will complete the above within four weeks": the actions are listed elsewhere.
BACK_REFERENCE = re.compile(
    r"\b(?:complete|carry\s+out|do|implement|take|action)\w*\s+(?:all\s+)?(?:of\s+)?(?:the\s+"
    r"(?:above|actions?\s+(?:above|set\s+out\s+above|listed\s+above)|above\s+actions?|(?:suggested|"
    r"recommended|agreed|proposed)\s+(?:actions?|remed(?:y|ies)|steps))|these"
    r"(?:\s+actions)?|those(?:\s+actions)?|this)\b",
    _I,
)

_APOLOGY = re.compile(
    r"\bapolog|\backnowledg\w*\s+(?:\w+\s+){0,2}(?:fault|failings?|failures?|errors?|"
    r"mistakes?|shortcomings)",
    _I,
)
_FINANCIAL_WORDS = re.compile(
    r"\b(?:(?:re)?pa(?:y|id|ys|yment)|refund|reimburs|compensat|award|credit|financial|goodwill|"
    r"remedy\s+of\s+£|offer\w*\s+(?:\w+\s+){0,6}£)",
    _I,
)
_COMMITTEE = re.compile(
    r"\b(?:committee|cabinet|full\s+council|scrutiny|elected\s+members|consider\s+(?:the|"
    r"this|our)\s+report|lay\s+(?:the|this)\s+report|report\s+to\s+(?:its\s+)?members)",
    _I,
)
_ACTION_PLAN = re.compile(
    r"\b(?:provid|produc|prepar|draw\w*\s+up|creat|develop|giv|agree|send|write)\w*\b"
    r"[^.]{0,60}\baction\s+plan"
    r"|\bplan\s+of\s+action\b",
    _I,
)
_NOTIFY = re.compile(
    r"\b(?:advis|inform|notif|tell|told|refer|alert|keep|writ\w*\s+to|shar)\w*\b[^.]{0,60}?"
    r"\b(?:NHS\s+England|CQC|Care\s+Quality\s+Commission|Ofsted|Department\s+for\s+Education|"
    r"DfE|regulator|Information\s+Commissioner|ICO|Secretary\s+of\s+State|police|"
    r"safeguarding\s+(?:board|partnership)|Social\s+Work\s+England)",
    _I,
)
_EVIDENCE = re.compile(
    r"^\s*(?:provid|send|giv|shar|confirm|tell|show|report|let)\w*\b"
    r"(?=.*\b(?:us|the\s+ombudsm[ae]n|evidence|proof)\b)|^\s*confirm",
    _I,
)
_SERVICE_IMPROVEMENT = re.compile(
    r"\b(?:polic(?:y|ies)|procedures?|processes|(?:its|their)\s+(?:\w+\s+)?process\b|practices?|"
    r"guidance|training|train|retrain|remind(?!ers?\b)\w*|reminders?\s+to\s+(?:\w+\s+){0,2}"
    r"(?:staff|officers|employees|workers|teams?)|prevent\s+(?:a\s+|any\s+)?(?:recurrence|"
    r"repetition|repeat)|(?:tighter|better|stronger|new)\s+controls|record[-\s]keeping|keeps?\s+(?:its\s+|their\s+)?records|audits?|systems?|templates?|website|"
    r"leaflets?|lessons|improv\w*|learning|protocols?|checklists?|arrangements|"
    r"service\s+improvements?|service\s+provision|take\s+(?:\w+\s+)?action\s+to\s+(?:address|"
    r"prevent|avoid|stop|tackle)|(?:what|which)\s+(?:steps|measures|changes)\b|reduce\s+(?:the\s+|any\s+|"
    r"further\s+)?delays?|how\s+(?:it|they)\s+(?:deals?|handles?|manages?|responds?|checks?|"
    r"makes?\s+sure|ensures?|monitors?|records?|processes|communicates?|assess(?:es)?)|"
    r"(?:creat|amend|updat|chang|revis|review|redesign|reword|rewrit)\w*\b[^.]{0,60}"
    r"\bletters?\b)",
    _I,
)
_REVIEW = re.compile(
    r"\b(?:re-?assess\w*|re-?consider\w*|re-?review\w*|re-?calculat\w*|re-?determin\w*|"
    r"review\w*|revisit\w*|consider\s+whether|fresh\s+(?:\w+\s+)?(?:assessment|decision)|"
    r"new\s+(?:\w+\s+)?assessment|assess\w*\s+(?:\w+\s+){0,3}needs|(?:carer'?s'?|needs|"
    r"care)\s+assessment)",
    _I,
)
_PROVIDE_SERVICE = re.compile(
    r"\b(?:arrang|provid|appoint|allocat|carr(?:y|ied)\s+out|complet|offer|put\w*\s+in\s+place|"
    r"fund|commission|install|repair|deliver|find|secur|assess|make|issu|finalis|draw\w*\s+up)"
    r"\w*\b[^.]{0,80}?\b(?:care|support|services?|co-?ordinator|placement|accommodation|"
    r"housing|therapy|equipment|adaptations?|school|education|tuition|transport|respite|"
    r"package|social\s+worker|advocate|assessment|EHC\s*P?|plan|meeting|works?|repairs?|"
    r"provision|grant|personal\s+budget)\b"
    r"|\b(?:care|support|services?|co-?ordinator|placement|accommodation|therapy|equipment|"
    r"package|social\s+worker|advocate|assessment|meeting|provision)\b[^.]{0,40}?\b(?:is|are|be)\s+"
    r"(?:appointed|allocated|provided|arranged|put\s+in\s+place|offered|completed|carried\s+out)",
    _I,
)


# Money without a sum: a charge cancelled, waived, written off or refunded is money to the
# person ("cancel the invoice", "refund the rest of the fees").
_CHARGE_CANCELLED = re.compile(
    r"\b(?:cancel|waiv|writ\w*\s+off|write\s+off|refund|reimburs)\w*\b[^.]{0,40}?\b(?:invoices?|"
    r"charges?|fees?|debts?|arrears|penalt(?:y|ies)|PCNs?|bills?|costs|fines?|deposit)\b",
    _I,
)
# Arranging how a debt is paid back is neither money to the person nor a service.
_REPAYMENT_PLAN = re.compile(r"\b(?:re)?payment\s+(?:plan|arrangement)|\binstalments\b", _I)


# A clause whose head is a payment, whatever it is said to recognise: "make a payment to
# recognise the failure to meet his care needs", "offer her a symbolic financial remedy",
# "provide an additional payment".
_PAYMENT_HEAD = re.compile(
    r"^\s*(?:each\s+|also\s+|jointly\s+)?(?:(?:make|makes|offer|offers|provide|provides|give|"
    r"gives|award|awards|arrange|arranges|agree|agrees)\s+(?:to\s+(?:make|pay)\s+)?"
    r"(?:[\w']+\s+){0,4}?(?:payments?|financial\s+remed(?:y|ies)|compensation|redress|"
    r"refunds?|reimbursement)\b|(?:re)?pays?\b|refunds?\b|reimburses?\b)",
    _I,
)
# "consider whether it should repay any costs": a decision still to make.
_DECIDE_HEAD = re.compile(r"^\s*(?:re)?consider\w*\s+(?:whether|if)\b", _I)


def forward_kind(clause: str, has_amount: bool) -> str | None:
    """The kind of an action the decision asks for, or None when the words only restate
    the decision ("resolve the complaint") or point at actions listed elsewhere."""
    text = clause.strip()
    # Its deadline does not make a pointer at the actions above an action of its own.
    bare = DUE_PHRASE.sub(" ", text)
    if NOT_AN_ACTION.match(text) or BACK_REFERENCE.search(bare) and len(bare.split()) < 12:
        return None
    if _APOLOGY.search(text):
        return APOLOGY
    if _DECIDE_HEAD.match(text) and not has_amount:
        return REVIEW_OR_REASSESS
    if _REPAYMENT_PLAN.search(text) and not has_amount:
        return OTHER
    if has_amount or _PAYMENT_HEAD.match(text):
        return FINANCIAL
    if _CHARGE_CANCELLED.search(text):
        return FINANCIAL
    if _COMMITTEE.search(text):
        return REPORT_TO_COMMITTEE
    if _NOTIFY.search(text):
        return NOTIFY_BODY
    if _ACTION_PLAN.search(text):
        return ACTION_PLAN
    if _EVIDENCE.match(text):
        return EVIDENCE_TO_OMBUDSMAN
    if _SERVICE_IMPROVEMENT.search(text):
        return SERVICE_IMPROVEMENT
    if _REVIEW.search(text):
        return REVIEW_OR_REASSESS
    if _REPAYMENT_PLAN.search(text):
        return OTHER
    if _PROVIDE_SERVICE.search(text):
        return PROVIDE_SERVICE
    if _FINANCIAL_WORDS.search(text):
        return FINANCIAL
    return OTHER


_PAST_WRITE_OFF = re.compile(
    r"\b(?:writ\w*|wrote)\s+off|\bwaived|\bcancell?ed|\bwithdr[ae]w|\brescinded|\bremoved\s+"
    r"the\s+(?:charge|penalty|fine|debt|PCN)",
    _I,
)
# "made a payment through its complaints procedure", "awarded full relief": money given
# without a sum stated.
_PAST_MONEY_NO_SUM = re.compile(
    r"\b(?:made|given|gave|awarded|granted)\s+(?:\w+\s+){0,3}(?:payments?|compensation|redress|"
    r"relief|refunds?)\b|\b(?:refunded|reimbursed)\b",
    _I,
)
_PAST_OFFER_TO = re.compile(r"\boffered\s+(?:\w+\s+){1,8}?to\s+(?![A-Z])[a-z]+", re.UNICODE)
_PAST_SERVICE = re.compile(
    r"\b(?:remind(?!er)\w*|train\w*|improv\w*|(?:updat|amend|chang|revis|review|rewrit|reword)\w*"
    r"\s+(?:its|their|the)\s+(?:\w+\s+){0,3}(?:polic(?:y|ies)|procedures?|process(?:es)?|"
    r"practices?|guidance|letters?|templates?|website|systems?|leaflets?))",
    _I,
)
_PAST_REVIEW = re.compile(
    r"\b(?:re-?assessed|re-?considered|reviewed|re-?calculated)\s+(?:\w+\s+){0,3}(?:case|"
    r"assessment|care\s+plan|needs|decision|application|eligibility|charges?|banding)",
    _I,
)


def past_kind(clause: str, has_amount: bool) -> str | None:
    """The kind of a remedy the body had already given ("the Council has apologised and
    offered £50"), or None: past clauses are mostly narrative, so only the remedies the
    Ombudsman regularly relies on are taken."""
    if _APOLOGY.search(clause):
        return APOLOGY
    if has_amount and _FINANCIAL_WORDS.search(clause):
        return FINANCIAL
    if _PAST_MONEY_NO_SUM.search(clause):
        return FINANCIAL
    if _PAST_WRITE_OFF.search(clause):
        return FINANCIAL if has_amount else OTHER
    if _PAST_SERVICE.search(clause):
        return SERVICE_IMPROVEMENT
    if _PAST_REVIEW.search(clause):
        return REVIEW_OR_REASSESS
    if _PAST_OFFER_TO.search(clause):
        return OTHER
    return None
