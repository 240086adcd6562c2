"""Reads for the decisions pages. Each costs a fixed number of queries however many rows."""

from django.db.models import OuterRef, Prefetch, Subquery

from remedies.models import AgreedAction
from remedies.selectors import visible_actions, visible_complaints, visible_decisions

from .models import Category, Complaint, Decision, ReportedDecision, reference_compact


def complaint_list():
    """One row per complaint with its latest decision's date, outcome, kind and summary,
    and its number of open actions: the columns each complaint keeps
    (decisions.complaint_columns), which the list's indexes sort and filter by, so that a
    page reads one page of an index. The summary is read for the rows fetched only."""
    # The service area and category are read for the page's rows only (two small queries)
    # rather than joined: PostgreSQL would join them to every complaint before sorting.
    categories = Category.objects.select_related("parent")
    return Complaint.objects.prefetch_related(
        "service_area", Prefetch("category", queryset=categories), "organisations"
    ).annotate(
        latest_summary=Subquery(
            Decision.objects.filter(pk=OuterRef("latest_decision_id")).order_by().values("summary")
        ),
        reference_compact=reference_compact(),
    )


def decision_detail(pk: int, user) -> Decision:
    """A decision that ``user`` may see (else Decision.DoesNotExist) with everything its
    page shows, in a fixed number of queries. Of its actions, the complaint's other
    decisions and its related complaints, only those the user may see are listed."""
    actions = AgreedAction.objects.select_related("organisation", "service_area", "owner")
    return (
        visible_decisions(user)
        .select_related(
            "complaint__service_area",
            "complaint__category__parent",
            "complaint__officer",
            "created_by",
        )
        .prefetch_related(
            "findings",
            Prefetch("actions", queryset=visible_actions(user, actions).order_by("due_date", "id")),
            "complaint__organisations",
            "complaint__enquiries",
            Prefetch(
                "complaint__related",
                queryset=visible_complaints(user).order_by("reference"),
            ),
            Prefetch(
                "complaint__decisions",
                queryset=visible_decisions(user).order_by("-decision_date", "-id"),
            ),
            Prefetch(
                "reported_in",
                queryset=ReportedDecision.objects.standing()
                .select_related("report")
                .order_by("reported_on", "id"),
            ),
        )
        .get(pk=pk)
    )
