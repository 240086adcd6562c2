"""Reads for the decisions pages. Each costs a fixed number of queries however many rows."""

from collections import defaultdict

from django.db.models import OuterRef, Prefetch, Subquery

from remedies.models import AgreedAction
from remedies.selectors import visible_actions, visible_complaints, visible_decisions

from .models import Complaint, Decision, ReportedDecision, reference_compact


def complaint_list():
    """One row per complaint with its latest decision's date, outcome, kind and summary,
    and its number of open actions: the columns each complaint keeps
    (decisions.complaint_columns), which the list's indexes sort and filter by, so that a
    page reads one page of an index. The summary is read for the rows fetched only; the
    service area's name is the one the complaint keeps (``Complaint.service_area_name``),
    the organisations' names are read for a page's rows by ``with_organisation_names``."""
    return Complaint.objects.annotate(
        latest_summary=Subquery(
            Decision.objects.filter(pk=OuterRef("latest_decision_id")).order_by().values("summary")
        ),
        reference_compact=reference_compact(),
    )


def organisation_names(complaints: list[int]) -> dict[int, list[str]]:
    """The names of the organisations each complaint is about, by name: one query."""
    through = Complaint.organisations.through
    pairs = (
        through.objects.filter(complaint_id__in=complaints)
        .order_by("organisation__name", "organisation_id")
        .values_list("complaint_id", "organisation__name")
    )
    names = defaultdict(list)
    for complaint, name in pairs:
        names[complaint].append(name)
    return names


def with_organisation_names(complaints: list[Complaint]) -> list[Complaint]:
    """``complaints`` (a page of the list), each given ``organisation_names``: one query,
    names and no records (the page shows the names alone)."""
    names = organisation_names([complaint.pk for complaint in complaints])
    for complaint in complaints:
        complaint.organisation_names = names.get(complaint.pk, [])  # type: ignore[attr-defined]
    return complaints


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
