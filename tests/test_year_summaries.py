"""The annual statistics kept per Ombudsman year (decisions.statistics.summary): after any
sequence of writes through the services, the administration, an import or a committee
report, the kept summaries say exactly what a count from scratch says, the nightly
rebuild agrees with them, and the page reads them in a few queries."""

import random
import threading
import time
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from celery.schedules import crontab
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.models import (
    Category,
    Complaint,
    Decision,
    Enquiry,
    Organisation,
    YearBreakdown,
    YearSummary,
    YearSummaryState,
)
from decisions.recording import decision_record, decision_update
from decisions.reports.services import report_to_members, report_withdraw
from decisions.services import enquiry_save
from decisions.statistics import annual_statistics, offered_years
from decisions.statistics.figures import COMPLIANCE_SEVERITY, INVESTIGATED
from decisions.statistics.summary import (
    year_summaries_drift,
    year_summaries_kept,
    year_summaries_rebuild,
    year_summaries_touch,
)
from decisions.tasks import rebuild_year_summaries
from ombudsman.timing import ombudsman_year_expression, ombudsman_year_of
from remedies.models import AgreedAction
from remedies.services import (
    CHANGE_FIELDS,
    action_change,
    action_complete,
    action_extend,
    action_record_compliance,
    actions_save,
)

from .factories import (
    CommitteeReportFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
    category,
)
from .spreadsheets import csv_upload

pytestmark = pytest.mark.django_db

URL_IMPORT = "/decisions/import/"
FIRST_DAY, LAST_DAY = date(2019, 4, 1), date(2025, 12, 31)
YEARS = range(2018, 2027)
OUTCOMES = [value for value, _ in Decision.Outcome.choices]
PHRASES = ["within one month of the final decision", "within three months", ""]
CATEGORIES = [
    "Adult care services > Residential care",
    "Adult care services > Charging",
    "Education > Special educational needs",
    "Housing > Homelessness",
]


@pytest.fixture
def world(db):
    home = OrganisationFactory(
        name="Cambridgeshire County Council", kind="county", population=700_000,
        is_home_authority=True,
    )  # fmt: skip
    return {
        "home": home,
        "bodies": [
            home,
            OrganisationFactory(name="Care Homes Ltd", kind=Organisation.Kind.PROVIDER),
            OrganisationFactory(name="Solent NHS Trust", kind=Organisation.Kind.NHS_TRUST),
            OrganisationFactory(name="Peterborough City Council", kind="unitary"),
        ],
        "areas": [
            None,
            ServiceAreaFactory(directorate="Adults", service="Charging"),
            ServiceAreaFactory(directorate="Adults", service="Safeguarding"),
            ServiceAreaFactory(directorate="Children", service="Education"),
        ],
        "categories": [None, *(category(path) for path in CATEGORIES)],
        "officer": UserFactory(username="officer"),
    }


def _rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - seeded test data, not secrets


def _day(rng: random.Random, after: date, before: date = LAST_DAY) -> date:
    return after + timedelta(days=rng.randrange(max(1, (before - after).days)))


def _row(rng: random.Random, world: dict, decided: date) -> dict:
    """A new agreed action as the log-a-decision page hands it over."""
    by_hand = rng.random() < 0.3
    return {
        "id": None, "delete": False, "kind": rng.choice(["apology", "financial", "other"]),
        "description": "", "organisation": rng.choice(world["bodies"]), "service_area": None,
        "owner": None, "payee_label": "Mr X", "amount": None,
        "deadline_phrase": rng.choice(PHRASES), "status": "open", "completed_on": None,
        "notes": "", "due_date": _day(rng, decided) if by_hand else None,
        "due_date_set_by_hand": by_hand,
    }  # fmt: skip


def _complaint_data(rng: random.Random, world: dict, reference: str | None = None) -> dict:
    bodies = rng.sample(world["bodies"], rng.choice([1, 1, 2]))
    if rng.random() < 0.7 and world["home"] not in bodies:
        bodies.append(world["home"])
    fields = {
        "service_area": rng.choice(world["areas"]),
        "category": rng.choice(world["categories"]),
    }
    if reference:
        fields |= {"reference": reference, "complainant_label": "Mr X"}
    return {"fields": fields, "organisations": bodies, "new_organisations": [], "related": []}


def _decision_data(rng: random.Random, decided: date) -> dict:
    outcome = rng.choice(OUTCOMES + ["upheld"] * 3)
    return {
        "decision_date": decided,
        "outcome": outcome,
        "satisfactory_remedy": outcome == "upheld" and rng.random() < 0.3,
        "summary": "Fault causing injustice.",
    }


def _latest_allowed(decision: Decision) -> date:
    """The latest date the decision may move to: no date of its actions before it (due
    dates worked out from the wording move with it)."""
    days = [LAST_DAY]
    for action in decision.actions.all():
        days += [action.extended_due_date, action.completed_on, action.evidence_sent_on]
        if action.due_date_set_by_hand:
            days.append(action.due_date)
    return min(day for day in days if day is not None)


# The writes, each through the service a page uses.


def _record_new(rng, world, n):
    decided = _day(rng, FIRST_DAY)
    decision_record(
        user=world["officer"],
        complaint_data=_complaint_data(rng, world, reference=f"24 {n // 1000:03d} {n % 1000:03d}"),
        decision_data=_decision_data(rng, decided),
        findings=[],
        actions=[_row(rng, world, decided) for _ in range(rng.choice([0, 1, 2, 3]))],
    )


def _record_further(rng, world, n):
    complaint = rng.choice(list(Complaint.objects.all()))
    decided = _day(rng, FIRST_DAY)
    decision_record(
        user=world["officer"],
        complaint=complaint,
        decision_data=_decision_data(rng, decided),
        findings=[],
        actions=[_row(rng, world, decided) for _ in range(rng.choice([0, 1]))],
    )


def _update(rng, world, n):
    decision = rng.choice(list(Decision.objects.all()))
    latest = _latest_allowed(decision)
    decided = _day(rng, FIRST_DAY, latest) if rng.random() < 0.6 else decision.decision_date
    rows = [{"id": a.pk, "delete": False, "changed": False} for a in decision.actions.all()]
    if rows and rng.random() < 0.3:
        rows[0]["delete"] = True
    decision_update(
        user=world["officer"],
        decision=decision,
        decision_data=_decision_data(rng, decided),
        findings=[],
        actions=rows,
        complaint_data=_complaint_data(rng, world) if rng.random() < 0.5 else None,
    )


def _add_action(rng, world, n):
    decision = rng.choice(list(Decision.objects.all()))
    rows = [{"id": a.pk, "delete": False, "changed": False} for a in decision.actions.all()]
    actions_save(decision=decision, rows=[*rows, _row(rng, world, decision.decision_date)])


def _open_action(rng):
    actions = list(AgreedAction.objects.filter(status="open"))
    return rng.choice(actions) if actions else None


def _complete(rng, world, n):
    if action := _open_action(rng):
        done = _day(rng, action.decision_date, action.decision_date + timedelta(days=500))
        action_complete(
            action=action, user=world["officer"], completed_on=done, note="", files=[],
            evidence_sent_on=done + timedelta(days=rng.randrange(30)) if rng.random() < 0.5
            else None,
        )  # fmt: skip


def _extend(rng, world, n):
    if action := _open_action(rng):
        action_extend(
            action=action, user=world["officer"],
            new_due_date=action.decision_date + timedelta(days=rng.randrange(400)),
            reason="The Ombudsman agreed.", agreed_in_writing=True,
        )  # fmt: skip


def _compliance(rng, world, n):
    actions = list(AgreedAction.objects.all())
    if actions:
        action = rng.choice(actions)
        sent = _day(rng, action.decision_date, action.decision_date + timedelta(days=500))
        action_record_compliance(
            action=action,
            evidence_sent_on=sent if rng.random() < 0.6 else None,
            outcome=rng.choice(["", *COMPLIANCE_SEVERITY]),
        )


def _change(rng, world, n):
    actions = list(AgreedAction.objects.all())
    if actions:
        action = rng.choice(actions)
        data = {name: getattr(action, name) for name in CHANGE_FIELDS}
        data |= {
            "organisation": rng.choice(world["bodies"]), "service_area": None, "owner": None,
            "due_date": _day(rng, action.decision_date, action.decision_date + timedelta(days=200)),
            "due_date_set_by_hand": rng.random() < 0.5,
        }  # fmt: skip
        action_change(action=action, user=world["officer"], data=data)


def _enquiry(rng, world, n):
    enquiries = list(Enquiry.objects.all())
    if enquiries and rng.random() < 0.5:
        enquiry = rng.choice(enquiries)
    else:
        sent = _day(rng, FIRST_DAY - timedelta(days=200))
        enquiry = Enquiry(
            complaint=rng.choice(list(Complaint.objects.all())), kind="initial", sent_on=sent,
            due_on=sent + timedelta(days=28) if rng.random() < 0.8 else None,
        )  # fmt: skip
    enquiry.answered_on = (
        enquiry.sent_on + timedelta(days=rng.randrange(60)) if rng.random() < 0.7 else None
    )
    if rng.random() < 0.3:
        enquiry.due_on = enquiry.sent_on + timedelta(days=rng.randrange(40))
    enquiry_save(enquiry=enquiry)


WRITES = [
    (_record_new, 6), (_record_further, 1), (_update, 3), (_add_action, 2), (_complete, 4),
    (_extend, 2), (_compliance, 4), (_change, 2), (_enquiry, 3),
]  # fmt: skip


# From scratch, in Python: what the letter counts, straight from the rows.


def _counted_in_python(home: Organisation) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}

    def add(day: date, name: str) -> None:
        year = counts.setdefault(ombudsman_year_of(day), {})
        year[name] = year.get(name, 0) + 1

    about = set(home.complaints.values_list("pk", flat=True))
    owed = set(
        Organisation.objects.filter(is_home_authority=True).values_list("pk", flat=True)
    ) | set(Organisation.objects.filter(kind="provider").values_list("pk", flat=True))
    for decision in Decision.objects.filter(complaint__in=about).prefetch_related("actions"):
        if decision.outcome in INVESTIGATED:
            add(decision.decision_date, "investigations")
        if decision.outcome != "upheld":
            continue
        add(decision.decision_date, "upheld")
        if decision.satisfactory_remedy:
            add(decision.decision_date, "satisfactory_remedies")
        judged = [
            a for a in decision.actions.all() if a.organisation_id in owed and a.compliance_outcome
        ]
        if judged:
            day = (
                max((a.evidence_sent_on for a in judged if a.evidence_sent_on), default=None)
                or max((a.completed_on for a in judged if a.completed_on), default=None)
                or max((a.effective_due_date for a in judged if a.effective_due_date), default=None)
                or decision.decision_date
            )
            worst = max(judged, key=lambda a: COMPLIANCE_SEVERITY[a.compliance_outcome])
            add(day, "compliance_outcomes")
            add(day, worst.compliance_outcome)
    for action in AgreedAction.objects.filter(
        decision__complaint__in=about, organisation__in=owed, completed_on__isnull=False
    ):
        add(action.completed_on, "actions_completed")
        if action.completed_late:
            add(action.completed_on, "actions_completed_late")
    for enquiry in Enquiry.objects.filter(complaint__in=about, answered_on__isnull=False):
        add(enquiry.answered_on, "enquiries_answered")
        if enquiry.is_answered_late:
            add(enquiry.answered_on, "enquiries_answered_late")
    return counts


def _assert_kept_exactly(world) -> None:
    assert year_summaries_drift() == {}
    today = date(2026, 1, 15)
    recorded = Decision.objects.annotate(y=ombudsman_year_expression("decision_date"))
    every_year = sorted({*recorded.values_list("y", flat=True), 2025}, reverse=True)
    assert offered_years(today=today) == every_year
    python = _counted_in_python(world["home"])
    for year in YEARS:
        kept = annual_statistics(year)
        assert kept == annual_statistics(year, from_scratch=True), year
        figures = {
            name: n for name, n in vars(kept.figures).items()
            if isinstance(n, int) and n and name not in ("year", "population")
        }  # fmt: skip
        assert figures == python.get(year, {}), year


def _rows() -> tuple[list, list]:
    """The kept rows, those holding nothing left out (a year emptied by later writes
    keeps its row at zero; a rebuild writes none for it)."""
    years = list(YearSummary.objects.order_by("ombudsman_year").values())
    lines = list(YearBreakdown.objects.order_by("ombudsman_year", "table", "label").values())
    for row in years + lines:
        row.pop("id")
    return (
        [y for y in years if any(v for k, v in y.items() if k != "ombudsman_year")],
        [line for line in lines if line["investigations"] or line["decisions"]],
    )


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_kept_summaries_equal_a_count_from_scratch_after_random_writes(world, seed):
    rng = _rng(seed)
    # A few decisions before the summaries are built: the services keep nothing yet.
    for n in range(5):
        _record_new(rng, world, n)
    assert not YearSummaryState.objects.exists()
    year_summaries_rebuild()
    _assert_kept_exactly(world)
    writes, weights = zip(*WRITES, strict=True)
    for n in range(5, 90):
        rng.choices(writes, weights)[0](rng, world, n)
        if n % 30 == 0:
            _assert_kept_exactly(world)
    _assert_kept_exactly(world)
    # The writes reached every kind of figure.
    assert AgreedAction.objects.exclude(compliance_outcome="").exists()
    assert AgreedAction.objects.filter(completed_on__isnull=False).exists()
    assert Enquiry.objects.filter(answered_on__isnull=False).exists()

    # The nightly rebuild counts the same.
    kept = _rows()
    year_summaries_rebuild()
    assert _rows() == kept


def test_nothing_is_kept_before_the_first_rebuild_and_the_page_counts_from_scratch(world):
    rng = _rng(7)
    for n in range(8):
        _record_new(rng, world, n)
    assert not YearSummary.objects.exists()
    stats = annual_statistics(2022)
    assert stats == annual_statistics(2022, from_scratch=True)


def test_a_new_home_authority_stops_the_summaries_until_they_are_rebuilt(world):
    rng = _rng(8)
    for n in range(10):
        _record_new(rng, world, n)
    year_summaries_rebuild()
    home, other = world["home"], world["bodies"][3]
    Organisation.objects.filter(pk=home.pk).update(is_home_authority=False)
    Organisation.objects.filter(pk=other.pk).update(is_home_authority=True)
    stats = annual_statistics(2022)
    assert stats.home_authority == other
    assert stats == annual_statistics(2022, from_scratch=True)
    _record_new(rng, world, 10)  # not kept: the summaries are another council's
    year_summaries_rebuild()
    world["home"] = Organisation.objects.get(pk=other.pk)
    _assert_kept_exactly(world)


def test_a_complaint_touched_outside_a_write_is_a_mistake(world):
    with pytest.raises(RuntimeError):
        year_summaries_touch([1])


def test_a_rebuild_inside_a_write_is_not_counted_twice(world):
    rng = _rng(9)
    for n in range(6):
        _record_new(rng, world, n)
    year_summaries_rebuild()
    decision = Decision.objects.filter(complaint__organisations=world["home"]).first()
    with year_summaries_kept(complaints=[decision.complaint_id]):
        Decision.objects.filter(pk=decision.pk).update(outcome="upheld", satisfactory_remedy=False)
        year_summaries_rebuild()
    _assert_kept_exactly(world)


# The page.


def _page_queries(client, year: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/statistics/", {"year": str(year)})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_page_reads_the_kept_summaries_in_the_same_few_queries(client, manager, world):
    client.force_login(manager)
    rng = _rng(10)
    for n in range(5):
        _record_new(rng, world, n)
    year_summaries_rebuild()
    few = _page_queries(client, 2022)
    for n in range(5, 60):
        _record_new(rng, world, n)
    assert _page_queries(client, 2022) == few
    with CaptureQueriesContext(connection) as ctx:
        stats = annual_statistics(2022)
    # The home authority, five years' counts, the year's breakdown lines, the averages.
    assert len(ctx.captured_queries) == 4
    assert stats == annual_statistics(2022, from_scratch=True)
    assert sum(f.investigations for f in stats.trend) > 0


# Writes other than the pages' services.


def test_a_committee_report_and_its_withdrawal_keep_the_summaries(world):
    rng = _rng(11)
    for n in range(12):
        _record_new(rng, world, n)
    year_summaries_rebuild()
    decisions = list(Decision.objects.filter(outcome="upheld"))
    decision_update(
        user=world["officer"], decision=decisions[0],
        decision_data={"outcome": "upheld"}, findings=[],
        actions=[
            *({"id": a.pk, "delete": False, "changed": False} for a in decisions[0].actions.all()),
            _row(rng, world, decisions[0].decision_date)
            | {"kind": "report_to_committee", "organisation": world["home"]},
        ],
    )  # fmt: skip
    report = CommitteeReportFactory()
    report_to_members(
        report=report, decisions=decisions, made_on=date(2025, 11, 3), council=world["home"]
    )
    assert AgreedAction.objects.filter(completed_by_report=report).exists()
    _assert_kept_exactly(world)
    report.status, report.pdf, report.sha256 = "ready", "reports/2025/report-1.pdf", "0" * 64
    report.save()
    report_withdraw(report=report, user=world["officer"], reason="Laid by mistake.")
    assert not AgreedAction.objects.filter(completed_by_report=report).exists()
    _assert_kept_exactly(world)


# The administration.


class _AdminForm(HTMLParser):
    """The values the admin's change form would send back unchanged."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self.inside = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("id") or "").endswith("_form"):
            self.inside = True
        name = a.get("name")
        if not self.inside or (tag in ("input", "select", "textarea") and not name):
            return
        if tag == "input" and a.get("type") not in ("submit", "file", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.setdefault(name, []).append(a.get("value") or "")
        elif tag == "select":
            self._select = name
            self.fields.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select].append(a.get("value") or "")
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside = False


def _admin_change(client, obj, **changes) -> None:
    meta = obj._meta
    url = f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/change/"
    parser = _AdminForm()
    parser.feed(client.get(url).content.decode())
    data = {k: v[0] if len(v) == 1 else v for k, v in parser.fields.items()}
    data = {k: v.lstrip("\n") if isinstance(v, str) else v for k, v in data.items()}
    data |= changes
    response = client.post(url, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302, response.content.decode()[:3000]


def test_administrators_changes_keep_the_summaries(client, world):
    rng = _rng(12)
    for n in range(15):
        _record_new(rng, world, n)
    for n in range(15):
        _complete(rng, world, n)
    year_summaries_rebuild()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    ours = Decision.objects.filter(complaint__organisations=world["home"])
    decision = ours.exclude(outcome="upheld").first()
    _admin_change(client, decision, outcome="upheld", decision_date="2021-02-03")
    _assert_kept_exactly(world)

    action = AgreedAction.objects.filter(status="done", decision__outcome="upheld").first()
    _admin_change(client, action, compliance_outcome="not_complied")
    _assert_kept_exactly(world)

    # The complaint moves to another service area, and the council leaves it.
    complaint = ours.last().complaint
    _admin_change(
        client, complaint, service_area=str(world["areas"][3].pk),
        organisations=[str(world["bodies"][2].pk)],
    )  # fmt: skip
    _assert_kept_exactly(world)

    doomed = ours.first().complaint
    url = f"/admin/decisions/complaint/{doomed.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    _assert_kept_exactly(world)

    # What every figure depends on: the summaries are counted again.
    _admin_change(client, world["bodies"][2], kind=Organisation.Kind.PROVIDER)
    _admin_change(client, world["areas"][1], service="Charging and debt")
    _assert_kept_exactly(world)
    assert YearBreakdown.objects.filter(label="Adults: Charging and debt").exists()


def test_an_import_keeps_the_summaries(officer_client, world):
    year_summaries_rebuild()
    base = {
        "organisations": "Cambridgeshire County Council", "complainant": "Mr X",
        "service area": "Adults: Charging", "category": "Adult care services > Charging",
        "decision kind": "Decision statement", "satisfactory remedy": "No", "summary": "Fault.",
    }  # fmt: skip
    rows = [
        base | {
            "reference": "24 100 001", "decision date": "13/02/2024", "outcome": "Upheld",
            "action kind": "Apology", "payee": "Mr X",
            "deadline": "within one month of the final decision", "status": "Done",
            "completed on": "20/04/2024", "compliance outcome": "Complied late",
        },
        base | {"reference": "24 100 002", "decision date": "02/05/2024", "outcome": "Not upheld"},
    ]  # fmt: skip
    response = officer_client.post(URL_IMPORT, {"file": csv_upload(rows), "action": "check"})
    assert response.status_code == 200
    assert officer_client.post(URL_IMPORT, {"action": "import_all"}).status_code == 302
    assert Decision.objects.count() == 2
    _assert_kept_exactly(world)
    assert YearSummary.objects.get(ombudsman_year=2024).complied_late == 1


# Two writers at once, and the nightly job.


@pytest.fixture
def seeded_categories(transactional_db):
    """The categories ``world`` reads. A transactional test may run after another one's
    flush, which empties the rows the migrations seed (the roles come back with the
    flush's post-migrate signal, the categories do not); restoring the serialized rows
    instead would collide with those roles."""
    for path in CATEGORIES:
        top, sub = (part.strip() for part in path.split(">"))
        parent, _ = Category.objects.get_or_create(name=top, parent=None)
        Category.objects.get_or_create(name=sub, parent=parent)


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_complaint_take_turns_and_nothing_is_counted_twice(
    seeded_categories, world
):
    rng = _rng(13)
    _record_new(rng, world, 1)
    decision = Decision.objects.get()
    Decision.objects.filter(pk=decision.pk).update(outcome="upheld")
    Complaint.objects.get().organisations.add(world["home"])
    year_summaries_rebuild()
    written, release = threading.Event(), threading.Event()

    def first():
        try:
            with year_summaries_kept(complaints=[decision.complaint_id]):
                Decision.objects.filter(pk=decision.pk).update(outcome="not_upheld")
                written.set()
                release.wait(10)
        finally:
            connection.close()

    def second():
        try:
            written.wait(10)
            decision_update(
                user=world["officer"], decision=Decision.objects.get(pk=decision.pk),
                decision_data={"outcome": "closed_initial"}, findings=[], actions=[],
            )  # fmt: skip
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
    assert Decision.objects.get().outcome == "closed_initial"
    _assert_kept_exactly(world)


def test_the_nightly_job_rebuilds_the_summaries_and_mends_writes_around_the_services(
    settings, world
):
    entry = settings.CELERY_BEAT_SCHEDULE["rebuild-year-summaries"]
    assert entry["task"] == "decisions.rebuild_year_summaries"
    assert entry["schedule"] == crontab(hour=2, minute=30)
    assert entry["options"]["expires"] <= 4 * 60 * 60  # never into the working day
    rng = _rng(14)
    for n in range(10):
        _record_new(rng, world, n)
    rebuild_year_summaries.delay()
    _assert_kept_exactly(world)
    # A write around the services (a shell, a script) leaves them wrong until the night.
    Decision.objects.filter(complaint__organisations=world["home"]).update(outcome="upheld")
    assert year_summaries_drift()
    rebuild_year_summaries.delay()
    _assert_kept_exactly(world)
