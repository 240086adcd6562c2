"""The decisions list's count when nothing narrows it is the number PostgreSQL keeps
(``decisions.models.ComplaintCount``, kept by triggers in the transaction of each insert
and delete): after writes of every kind (the services, the administration, bulk inserts
and deletes, a rolled-back write) it is the number of complaints, the list shows it
without counting them, and the list counts whenever anything narrows it."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from decisions.complaint_count import complaint_count, complaint_count_rebuild
from decisions.models import Complaint, ComplaintCount
from decisions.tasks import rebuild_list_columns

from .factories import ComplaintFactory, UserFactory
from .test_list_columns import MORE_WRITES
from .test_year_summaries import _record_new, _rng

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps the count"),
]

world = pytest.importorskip("tests.test_year_summaries").world
seeded_categories = pytest.importorskip("tests.test_year_summaries").seeded_categories


def _kept() -> int:
    return ComplaintCount.objects.get(pk=1).complaints


def _counts_complaints(queries) -> bool:
    """Whether a query counted complaints (not the kept row's read)."""
    return any(
        "COUNT(" in q["sql"]
        and 'FROM "decisions_complaint"' in q["sql"]
        and "decisions_complaintcount" not in q["sql"]
        for q in queries
    )


@pytest.fixture(autouse=True)
def kept_from_the_start(db):
    # A test run's TRUNCATE of the tables (a transactional test's) takes the row with it:
    # each test starts from a counted one, as the nightly job leaves it.
    complaint_count_rebuild()


@pytest.mark.parametrize("seed", [1, 2])
def test_the_kept_count_is_the_number_of_complaints_after_random_writes(world, seed):
    rng = _rng(300 + seed)
    writes, weights = zip(*MORE_WRITES, strict=True)
    for n in range(5):
        _record_new(rng, world, n)
    for n in range(5, 60):
        rng.choices(writes, weights)[0](rng, world, n)
        assert _kept() == Complaint.objects.count()
    assert Complaint.objects.count() > 10


def test_every_way_of_writing_complaints_keeps_it(client, world):
    rng = _rng(310)
    for n in range(4):
        _record_new(rng, world, n)
    assert _kept() == Complaint.objects.count() == 4

    # Many in one statement, and many deleted in one.
    Complaint.objects.bulk_create(
        Complaint(reference=f"25 100 {n:03d}", complainant_label="Mr X") for n in range(30)
    )
    assert _kept() == 34
    Complaint.objects.filter(reference__startswith="25 100 00").delete()  # ten of them
    assert _kept() == Complaint.objects.count() == 24

    # A write rolled back leaves it as it was.
    with pytest.raises(RuntimeError), transaction.atomic():
        ComplaintFactory(reference="25 200 001")
        assert _kept() == 25
        raise RuntimeError
    assert _kept() == 24

    # The administration's delete of a complaint (with its decisions).
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    complaint = Complaint.objects.filter(decisions__isnull=False).first()
    response = client.post(f"/admin/decisions/complaint/{complaint.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert _kept() == Complaint.objects.count() == 23


def test_the_list_shows_the_kept_number_and_counts_when_anything_narrows_it(
    client, world, manager, service_manager
):
    rng = _rng(320)
    for n in range(7):
        _record_new(rng, world, n)
    client.force_login(manager)

    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/decisions/")
    assert "7 complaints" in page.content.decode()
    assert not _counts_complaints(ctx.captured_queries)
    # The number shown is the kept one (here made wrong on purpose, to tell them apart).
    ComplaintCount.objects.filter(pk=1).update(complaints=70)
    assert "70 complaints" in client.get("/decisions/?sort=reference").content.decode()
    complaint_count_rebuild()

    # A filter, a search or a narrower view of the complaints: counted.
    since_2020 = "decided_from-day=1&decided_from-month=1&decided_from-year=2020"
    for query in ("outcome=upheld", "q=24", since_2020):
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(f"/decisions/?{query}")
        assert page.status_code == 200
        assert _counts_complaints(ctx.captured_queries), query
    client.force_login(service_manager)  # sees the cases they answer for
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/decisions/")
    assert page.status_code == 200
    assert _counts_complaints(ctx.captured_queries)


def test_without_the_row_the_list_counts_and_the_nightly_job_makes_it_again(client, manager):
    ComplaintFactory.create_batch(3)
    ComplaintCount.objects.all().delete()  # as a TRUNCATE of every table leaves it
    assert complaint_count() == 3
    client.force_login(manager)
    assert "3 complaints" in client.get("/decisions/").content.decode()
    rebuild_list_columns()
    assert _kept() == 3
    ComplaintFactory()
    assert _kept() == complaint_count() == 4


def test_an_administrator_can_have_them_counted_again(client):
    ComplaintFactory.create_batch(2)
    ComplaintCount.objects.filter(pk=1).update(complaints=99)  # as a restore might leave it
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    listed = client.get("/admin/decisions/complaintcount/")
    assert "99 complaints" in listed.content.decode()
    response = client.post(
        "/admin/decisions/complaintcount/",
        {"action": "recount", "_selected_action": ["1"]},
        follow=True,
    )
    assert "Complaints counted again: 2." in response.content.decode()
    assert _kept() == 2
