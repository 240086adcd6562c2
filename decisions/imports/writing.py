"""Writing an import: every decision it can import, in one transaction."""

from django.db import transaction

from remedies.models import AgreedAction

from ..models import Decision
from ..recording import decision_record
from ..statistics.summary import keeps_year_summaries
from .checks import ImportPlan


@transaction.atomic
# Each decision_record counts its complaint before writing; the outcomes set afterwards
# are counted when the whole import is.
@keeps_year_summaries(lambda **_: [])
def import_apply(plan: ImportPlan, *, user) -> list[Decision]:
    """Record every decision the plan can import, in one transaction. Decisions already
    present are left as they are."""
    made = []
    for planned in plan.to_import:
        actions = [dict(a) for a in planned.actions]
        outcomes = [a.pop("compliance_outcome") for a in actions]
        if planned.status == "further":
            decision = decision_record(
                user=user, complaint=planned.complaint, decision_data=planned.decision_fields,
                findings=[], actions=actions,
            )  # fmt: skip
        else:
            decision = decision_record(
                user=user,
                complaint_data={
                    "fields": planned.complaint_fields,
                    "organisations": planned.organisations,
                    "related": [],
                },
                decision_data=planned.decision_fields,
                findings=[],
                actions=actions,
            )
        saved = [
            a for a in decision.actions.order_by("id") if a.kind != AgreedAction.Kind.STATUTORY_DUTY
        ]
        for action, outcome in zip(saved, outcomes, strict=False):
            if outcome:
                action.compliance_outcome = outcome
                action.evidence_sent_on = action.completed_on
                action.save(update_fields=["compliance_outcome", "evidence_sent_on"])
        made.append(decision)
    return made
