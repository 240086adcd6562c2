"""The columns each complaint keeps for the decisions list (decisions.complaint_columns):
after any sequence of writes through the services, the administration or an import they
say what the records say; the list sorts and filters by them exactly as it did by
working them out on every request; every sort it offers reads an index in order; and the
nightly job mends what was written around the services."""

import threading
import time
from datetime import date
from urllib.parse import urlencode

import pytest
from celery.schedules import crontab
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Replace
from django.http import QueryDict

from decisions.complaint_columns import list_columns_drift, refresh_list_columns
from decisions.filters import ComplaintFilter
from decisions.models import LIST_COLUMNS, Complaint, Decision
from decisions.recording import decision_record
from decisions.references import compact
from decisions.selectors import complaint_list
from decisions.statistics.summary import year_summaries_kept
from decisions.tasks import rebuild_list_columns
from remedies.models import AgreedAction
from remedies.services import ACTION_FIELDS, actions_save

from . import test_year_summaries as summaries
from .factories import ComplaintFactory, UserFactory, category
from .spreadsheets import csv_upload
from .test_year_summaries import CATEGORIES, WRITES, _admin_change, _record_new, _rng, _row

pytestmark = pytest.mark.django_db

# The same world, written by the same services, as the year summaries' tests.
world = summaries.world
seeded_categories = summaries.seeded_categories


# From scratch, in Python: what each complaint's records say.


def _from_records() -> dict[int, dict]:
    out = {}
    complaints = Complaint.objects.select_related("service_area").prefetch_related(
        "decisions__actions"
    )
    for complaint in complaints:
        decisions = sorted(complaint.decisions.all(), key=lambda d: (d.decision_date, d.pk))
        latest = decisions[-1] if decisions else None
        area = complaint.service_area
        out[complaint.pk] = {
            "latest_decision": latest.pk if latest else None,
            "latest_decision_date": latest.decision_date if latest else None,
            "latest_outcome": latest.outcome if latest else None,
            "latest_kind": latest.kind if latest else None,
            "open_actions": sum(
                action.status == AgreedAction.Status.OPEN
                for decision in decisions
                for action in decision.actions.all()
            ),
            "area_directorate": area.directorate if area else None,
            "area_service": area.service if area else None,
        }
    return out


def _kept() -> dict[int, dict]:
    return {row.pop("id"): row for row in Complaint.objects.values("id", *LIST_COLUMNS)}


def _assert_kept_exactly() -> None:
    assert list_columns_drift() == []
    assert _kept() == _from_records()


# More writes that change what the list shows: actions deleted, reopened, withdrawn.


def _unchanged(decision: Decision) -> list[dict]:
    return [{"id": a.pk, "delete": False, "changed": False} for a in decision.actions.all()]


def _edited(action: AgreedAction, **changes) -> dict:
    row = {name: getattr(action, name) for name in ACTION_FIELDS}
    return row | {
        "id": action.pk, "delete": False, "due_date": action.due_date,
        "due_date_set_by_hand": action.due_date_set_by_hand, **changes,
    }  # fmt: skip


def _action_of(rng, **lookups) -> AgreedAction | None:
    actions = list(AgreedAction.objects.filter(**lookups).select_related("decision"))
    return rng.choice(actions) if actions else None


def _delete_action(rng, world, n):
    if action := _action_of(rng):
        rows = [r for r in _unchanged(action.decision) if r["id"] != action.pk]
        actions_save(decision=action.decision, rows=[*rows, {"id": action.pk, "delete": True}])


def _reopen(rng, world, n):
    if action := _action_of(rng, status__in=["done", "withdrawn"]):
        rows = [r for r in _unchanged(action.decision) if r["id"] != action.pk]
        reopened = _edited(action, status="open", completed_on=None)
        actions_save(decision=action.decision, rows=[*rows, reopened])


def _withdraw(rng, world, n):
    if action := _action_of(rng, status="open"):
        rows = [r for r in _unchanged(action.decision) if r["id"] != action.pk]
        actions_save(decision=action.decision, rows=[*rows, _edited(action, status="withdrawn")])


MORE_WRITES = [*WRITES, (_delete_action, 2), (_reopen, 2), (_withdraw, 1)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kept_columns_equal_the_records_after_random_writes(world, seed):
    rng = _rng(100 + seed)
    writes, weights = zip(*MORE_WRITES, strict=True)
    for n in range(5):
        _record_new(rng, world, n)
    for n in range(5, 80):
        rng.choices(writes, weights)[0](rng, world, n)
        if n % 20 == 0:
            _assert_kept_exactly()
    _assert_kept_exactly()
    # The writes reached every column: re-opened cases, actions open, done and gone.
    kept = _kept().values()
    assert any(row["open_actions"] > 1 for row in kept)
    assert any(row["open_actions"] == 0 and row["latest_outcome"] == "upheld" for row in kept)
    assert Complaint.objects.filter(decisions__isnull=False).count() > Complaint.objects.count()
    assert {row["area_directorate"] for row in kept} >= {None, "Adults", "Children"}


def test_an_import_keeps_the_columns(officer_client, world):
    base = {
        "organisations": "Cambridgeshire County Council", "complainant": "Mr X",
        "service area": "Adults: Charging", "category": "Adult care services > Charging",
        "decision kind": "Decision statement", "satisfactory remedy": "No", "summary": "Fault.",
        "reference": "24 100 001",
    }  # fmt: skip
    rows = [
        base | {
            "decision date": "13/02/2024", "outcome": "Upheld", "action kind": "Apology",
            "payee": "Mr X", "deadline": "within one month of the final decision",
        },
        base | {"decision date": "13/02/2024", "action kind": "Apology", "payee": "Mr X",
                "outcome": "Upheld", "deadline": "within two months of the final decision"},
        base | {"reference": "24 100 002", "decision date": "02/05/2024", "outcome": "Not upheld"},
    ]  # fmt: skip
    response = officer_client.post(
        "/decisions/import/", {"file": csv_upload(rows), "action": "check"}
    )
    assert response.status_code == 200
    assert officer_client.post("/decisions/import/", {"action": "import_all"}).status_code == 302
    _assert_kept_exactly()
    first = Complaint.objects.get(reference="24 100 001")
    assert (first.latest_outcome, first.open_actions, first.area_service) == (
        "upheld",
        2,
        "Charging",
    )


def test_administrators_changes_keep_the_columns(client, world):
    rng = _rng(120)
    for n in range(6):
        _record_new(rng, world, n)
    complaint = Complaint.objects.order_by("pk").first()
    latest = decision_record(
        user=world["officer"], complaint=complaint, findings=[], actions=[],
        decision_data={"decision_date": date(2025, 12, 1), "outcome": "advice", "summary": ""},
    )  # fmt: skip
    _assert_kept_exactly()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    # The latest decision deleted: the one before it is the latest again.
    response = client.post(f"/admin/decisions/decision/{latest.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    _assert_kept_exactly()
    assert Complaint.objects.get(pk=complaint.pk).latest_decision_id not in (latest.pk, None)

    # A service area renamed: the sort by service area follows its new name.
    area = world["areas"][1]
    Complaint.objects.filter(pk=complaint.pk).update(service_area=area)
    refresh_list_columns([complaint.pk])
    _admin_change(client, area, service="Charging and debt")
    _assert_kept_exactly()
    assert Complaint.objects.get(pk=complaint.pk).area_service == "Charging and debt"

    # A complaint with no decision left sorts last, as one without a decision always did.
    for decision in Decision.objects.filter(complaint=complaint):
        client.post(f"/admin/decisions/decision/{decision.pk}/delete/", {"post": "yes"})
    _assert_kept_exactly()
    assert Complaint.objects.get(pk=complaint.pk).latest_decision_date is None


def test_a_complaint_saved_from_an_old_copy_keeps_its_columns(world):
    rng = _rng(121)
    _record_new(rng, world, 1)
    copy = Complaint.objects.get()  # read before its next decision
    decision_record(
        user=world["officer"], complaint=copy, findings=[],
        actions=[_row(rng, world, date(2025, 12, 1))],
        decision_data={"decision_date": date(2025, 12, 1), "outcome": "upheld", "summary": ""},
    )  # fmt: skip
    copy.council_reference = "C-1"
    copy.save()
    _assert_kept_exactly()
    assert Complaint.objects.get().latest_decision_date == date(2025, 12, 1)


# The list: the same rows, in the same order, as when it worked the columns out.


def _as_before():
    """The list's rows as it found them before the columns were kept: worked out from the
    records on every request."""
    latest = Decision.objects.filter(complaint=OuterRef("pk")).order_by("-decision_date", "-id")
    open_actions = AgreedAction.objects.filter(
        decision__complaint=OuterRef("pk"), status=AgreedAction.Status.OPEN
    )
    return Complaint.objects.annotate(
        was_date=Subquery(latest.values("decision_date")[:1]),
        was_outcome=Subquery(latest.values("outcome")[:1]),
        was_open=Exists(open_actions),
    )


BEFORE_SORTS = {
    "reference": ("reference",),
    "decided": ("was_date", "reference"),
    "outcome": ("was_outcome", "reference"),
    "service_area": ("service_area__directorate", "service_area__service", "reference"),
}


def _listed(query: str) -> list[str]:
    filterset = ComplaintFilter(QueryDict(query), queryset=complaint_list())
    assert filterset.is_valid(), filterset.errors
    return [c.reference for c in filterset.sorted_qs()]


def test_every_sort_and_filter_lists_the_rows_it_listed_before(world):
    rng = _rng(130)
    writes, weights = zip(*MORE_WRITES, strict=True)
    for n in range(5):
        _record_new(rng, world, n)
    for n in range(5, 60):
        rng.choices(writes, weights)[0](rng, world, n)
    ComplaintFactory(reference="25 999 999")  # no decision yet
    # Words in some decisions' summaries (of earlier decisions too), a council's own
    # reference on one complaint.
    some = Decision.objects.order_by("pk").values_list("pk", flat=True)[::4]
    Decision.objects.filter(pk__in=list(some)).update(summary="Delay in the care assessment.")
    Complaint.objects.filter(pk=Complaint.objects.order_by("pk")[1].pk).update(
        council_reference="COMP-7"
    )
    before = _as_before()
    assert set(ComplaintFilter.SORTS) == set(BEFORE_SORTS)
    for key, fields in BEFORE_SORTS.items():
        ascending = before.order_by(*(F(f).asc(nulls_last=True) for f in fields))
        descending = before.order_by(*(F(f).desc(nulls_last=True) for f in fields))
        assert _listed(f"sort={key}") == [c.reference for c in ascending], key
        assert _listed(f"sort=-{key}") == [c.reference for c in descending], key
    newest = before.order_by(F("was_date").desc(nulls_last=True), F("reference").desc())
    filters = {
        "has_open_actions=yes": newest.filter(was_open=True),
        "has_open_actions=no": newest.filter(was_open=False),
        "decided_from=2023-04-01": newest.filter(was_date__gte=date(2023, 4, 1)),
        "decided_to=2022-03-31": newest.filter(was_date__lte=date(2022, 3, 31)),
        **{f"outcome={o}": newest.filter(was_outcome=o) for o, _ in Decision.Outcome.choices},
        f"organisation={world['bodies'][1].pk}": newest.filter(organisations=world["bodies"][1]),
        f"service_area={world['areas'][2].pk}": newest.filter(service_area=world["areas"][2]),
    }
    top = category(CATEGORIES[0]).parent
    filters[f"category={top.pk}"] = newest.filter(Q(category=top) | Q(category__parent=top))
    for words in ("assessment", "24 000", "24000", "comp-7", "fault"):
        filters[urlencode({"q": words})] = (
            newest.annotate(compact=Replace("reference", Value(" "), Value("")))
            .filter(
                Q(compact__icontains=compact(words))
                | Q(decisions__summary__icontains=words)
                | Q(council_reference__iexact=words)
            )
            .distinct()
        )
    for query, expected in filters.items():
        assert _listed(query) == [c.reference for c in expected], query
    # The filters matched something (and, for most, not everything).
    found = {query: len(_listed(query)) for query in filters}
    assert sum(0 < n < Complaint.objects.count() for n in found.values()) > 10, found
    assert found["q=comp-7"] == 1 and found["q=assessment"] > 1


def test_every_sort_of_the_list_reads_an_index_in_its_order(world):
    """Whatever the data, each sort can be read from an index in order (no sort step):
    a page is the first rows of the index, with "has open actions" too."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plans")
    queries = [f"sort={k}" for k in ComplaintFilter.SORTS]
    queries += [f"sort=-{k}" for k in ComplaintFilter.SORTS]
    queries += ["has_open_actions=yes"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")  # a sort step only if nothing else will do
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in queries:
            filterset = ComplaintFilter(QueryDict(query), queryset=complaint_list())
            assert filterset.is_valid()
            plan = filterset.sorted_qs()[:25].explain()
            assert "Sort" not in plan and "Index" in plan, (query, plan)


# The nightly job, and the check.


def test_the_nightly_job_mends_writes_around_the_services(settings, world):
    entry = settings.CELERY_BEAT_SCHEDULE["rebuild-list-columns"]
    assert entry["task"] == "decisions.rebuild_list_columns"
    assert entry["schedule"] == crontab(hour=2, minute=45)
    assert entry["options"]["expires"] <= 4 * 60 * 60  # never into the working day
    rng = _rng(140)
    for n in range(8):
        _record_new(rng, world, n)
    call_command("rebuild_list_columns", "--check")
    # A write around the services (a shell, a script) leaves them wrong until the night.
    Decision.objects.update(outcome="advice", satisfactory_remedy=False)
    AgreedAction.objects.update(status="done", completed_on=date(2025, 12, 1))
    drift = list_columns_drift()
    assert drift and drift[0].kept["latest_outcome"] != "advice"
    assert drift[0].fresh["latest_outcome"] == "advice"
    with pytest.raises(CommandError, match="differ from the records"):
        call_command("rebuild_list_columns", "--check")
    rebuild_list_columns.delay()
    _assert_kept_exactly()
    call_command("rebuild_list_columns", "--check")
    assert rebuild_list_columns.delay().get() == 0  # nothing left to write


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_complaint_take_turns_and_both_are_counted(seeded_categories, world):
    """Before the year summaries are first built too: the second writer waits for the
    first one's complaint, then counts its action (had it worked its columns out before
    the first one's commit, it would have written them without that action)."""
    rng = _rng(150)
    _record_new(rng, world, 1)
    decision = Decision.objects.get()
    written, release = threading.Event(), threading.Event()

    def first():
        try:
            with transaction.atomic():
                with year_summaries_kept(complaints=[decision.complaint_id]):
                    actions_save(decision=decision, rows=[_row(rng, world, decision.decision_date)])
                written.set()  # its columns written, not yet committed
                release.wait(10)
        finally:
            connection.close()

    def second():
        try:
            written.wait(10)
            later = Decision.objects.get(pk=decision.pk)
            actions_save(
                decision=later, rows=[*_unchanged(later), _row(rng, world, later.decision_date)]
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    written.wait(10)
    time.sleep(0.5)  # the second writer is now waiting for the first one's complaint
    release.set()
    for thread in threads:
        thread.join(20)
    _assert_kept_exactly()
    assert (
        Complaint.objects.get().open_actions == AgreedAction.objects.filter(status="open").count()
    )
