"""The change history shown on a decision's page, from django-simple-history's records.

Every create, change and delete of the complaint, the decision, its findings and its
agreed actions is listed with who, when and which fields changed from what to what.
Costs a fixed number of queries: one per history table, one for the complaint's
organisations over time, one per kind of linked record named in a change.
"""

from ombudsman.audit import FieldChange, HistoryEntry, entries, related_names
from remedies.models import AgreedAction
from remedies.selectors import sees_every_case, visible_actions

from .models import Complaint, Decision, Finding, Organisation


def _label(model):
    if model is Complaint:
        return lambda r: f"Complaint {r.reference}"
    if model is Decision:
        return lambda r: f"Decision of {r.decision_date:%-d %b %Y}"
    if model is Finding:
        return lambda r: f"Finding: {r.point[:50]}"
    return lambda r: f"Agreed action: {r.get_kind_display()}"


def decision_history(decision: Decision, *, viewer=None) -> list[HistoryEntry]:
    """History of a decision's page, newest first. Given a ``viewer``, of the decision's
    actions only those the viewer may see (the ones its page lists)."""
    actions = AgreedAction.history.filter(decision_id=decision.pk)
    if viewer is not None and not sees_every_case(viewer):
        # Those who see every case see the history of deleted actions too.
        actions = actions.filter(id__in=visible_actions(viewer).values("pk"))
    sources = [
        (Complaint, Complaint.history.filter(id=decision.complaint_id)),
        (Decision, Decision.history.filter(id=decision.pk)),
        (Finding, Finding.history.filter(decision_id=decision.pk)),
        (AgreedAction, actions),
    ]
    loaded = [
        (model, list(qs.select_related("history_user").order_by("history_date", "history_id")))
        for model, qs in sources
    ]

    # The complaint's organisations at each of its history records.
    organisations_at: dict[int, set[int]] = {r.history_id: set() for r in loaded[0][1]}
    m2m_model = Complaint.history.model.organisations.model
    for history_id, organisation_id in m2m_model.objects.filter(
        history_id__in=organisations_at
    ).values_list("history_id", "organisation_id"):
        organisations_at[history_id].add(organisation_id)
    all_organisations = set().union(*organisations_at.values()) if organisations_at else set()
    names = related_names(loaded, extra={Organisation: all_organisations})

    def organisation_changes(record, previous):
        now = organisations_at[record.history_id]
        before = organisations_at[previous.history_id] if previous else set()
        if now == before:
            return []

        def listed(ids):
            return ", ".join(sorted(names.get((Organisation, i), "?") for i in ids))

        return [
            FieldChange(
                "Organisations complained about", listed(before) if previous else "", listed(now)
            )
        ]

    out = []
    for model, records in loaded:
        out += entries(
            model,
            records,
            names,
            _label(model),
            skip=("decision", "complaint"),
            extra_changes=organisation_changes if model is Complaint else None,
        )
    out.sort(key=lambda e: e.when, reverse=True)
    return out
