"""Scrutiny-committee reports: the PDF's text, order, figures, pages and tags; no real
name ever; kept exactly as laid; made by a Celery task; the builder's checks and who may
use it."""

import hashlib
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from decisions.models import CommitteeReport, Decision, Organisation, ReportedDecision
from decisions.reports.content import Scope, report_content
from decisions.reports.drafts import _compliance
from decisions.reports.render import LocalFilesOnly, _stylesheet_path
from decisions.reports.services import report_render
from decisions.statistics import previous_period
from remedies.models import AgreedAction

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    FindingFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
    category,
)
from .test_statistics import _load_the_2023_24_letter

TODAY = date(2026, 12, 1)
REAL_NAMES = ["Jennifer Smithson", "Rajesh Okonkwo-Patel", "Siobhan Whitlock", "Dafydd Prydderch"]
MEETING = "Governance and Audit and Standards Committee"


@pytest.fixture(autouse=True)
def _media_and_today(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def home(db):
    return OrganisationFactory(
        name="Fenland County Council",
        short_name="the Council",
        kind=Organisation.Kind.COUNTY,
        population=700_000,
        is_home_authority=True,
    )


@pytest.fixture
def mo_client(client, monitoring_officer):
    monitoring_officer.first_name, monitoring_officer.last_name = REAL_NAMES[3].split()
    monitoring_officer.save()
    client.force_login(monitoring_officer)
    return client


def _upheld(home, reference, area, day, label="Mr X", **kwargs):
    complaint = ComplaintFactory(
        reference=reference,
        complainant_label=label,
        organisations=[home],
        service_area=area,
        category=category("Adult care services > Assessment and care plan"),
        council_reference=f"CRM-{REAL_NAMES[0]}",  # a real name must never reach a report
    )
    return DecisionFactory(
        complaint=complaint,
        decision_date=day,
        summary=kwargs.pop("summary", "The Council delayed a care assessment."),
        full_text=f"Full text naming {REAL_NAMES[1]} (never printed).",
        **kwargs,
    )


@pytest.fixture
def period(home):
    """Four upheld decisions in 2023-24 in two directorates, one outside the period,
    one not upheld; owners and officers with real names; notes that name people."""
    owner = UserFactory(username="owner", first_name="Jennifer", last_name="Smithson")
    lead = UserFactory(username="lead", first_name="Rajesh", last_name="Okonkwo-Patel")
    care = ServiceAreaFactory(
        directorate="Adult Social Care", service="Care assessments", lead=lead
    )
    pay = ServiceAreaFactory(directorate="Adult Social Care", service="Direct payments")
    sen = ServiceAreaFactory(directorate="Children, Families and Education", service="SEN")
    d1 = _upheld(home, "23 001 101", care, date(2023, 5, 10))
    FindingFactory(decision=d1, point="Delay in assessing Mr X's needs")
    AgreedActionFactory(
        decision=d1,
        kind=AgreedAction.Kind.APOLOGY,
        amount=None,
        payee_label="Mr X",
        description="Apologise to Mr X",
        due_date=date(2023, 6, 10),
        status=AgreedAction.Status.DONE,
        completed_on=date(2023, 6, 1),
        completed_by=owner,
        completion_note=f"Letter signed by {REAL_NAMES[2]}",
        owner=owner,
        notes=f"Call {REAL_NAMES[0]} on extension 123",
        compliance_outcome="complied",
    )
    AgreedActionFactory(
        decision=d1,
        description="Pay Mr X for his time and trouble",
        amount=Decimal("350.00"),
        due_date=date(2023, 7, 10),
        status=AgreedAction.Status.DONE,
        completed_on=date(2023, 8, 1),  # late
        owner=owner,
        compliance_outcome="complied_late",
    )
    AgreedActionFactory(
        decision=d1,
        kind=AgreedAction.Kind.SERVICE_IMPROVEMENT,
        amount=None,
        payee_label="",
        description="Remind assessors of the 28-day target",
        due_date=date(2023, 8, 10),
        status=AgreedAction.Status.DONE,
        completed_on=date(2023, 8, 1),
    )
    d2 = _upheld(home, "23 002 202", pay, date(2023, 9, 1), label="Mrs B")
    AgreedActionFactory(
        decision=d2, payee_label="Mrs B", amount=Decimal("150"), due_date=date(2026, 11, 1)
    )
    d3 = _upheld(home, "23 003 303", sen, date(2024, 2, 1), label="Ms D")
    AgreedActionFactory(
        decision=d3,
        payee_label="Ms D",
        amount=Decimal("500"),
        due_date=date(2024, 3, 1),
        status=AgreedAction.Status.DONE,
        completed_on=date(2024, 2, 20),
    )
    d4 = _upheld(home, "23 004 404", sen, date(2023, 4, 1), label="Mr Y")
    _upheld(home, "22 009 909", care, date(2023, 3, 31))  # the year before
    _upheld(home, "23 005 505", care, date(2023, 6, 1), outcome=Decision.Outcome.NOT_UPHELD)
    return {"care": care, "pay": pay, "sen": sen, "decisions": [d1, d2, d3, d4]}


def _generate(client, django_capture_on_commit_callbacks, **scope):
    """Draft the front matter through the builder, then make the PDF."""
    draft = client.get("/reports/new/", scope)
    assert draft.status_code == 200, draft.context["scope_form"].errors
    front = {k: v for k, v in draft.context["front_form"].initial.items() if v not in (None, False)}
    if draft.context["front_form"].initial["for_information"]:
        front["for_information"] = "on"
    front.update({"meeting_title": MEETING, "meeting_date": "2024-09-24"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/new/", {**scope, **front, "action": "generate"})
    assert response.status_code == 302, response.content.decode()[:2000]
    report = CommitteeReport.objects.latest("id")
    assert response["Location"] == f"/reports/{report.pk}/"
    return report


def _pdf(client, report) -> tuple[bytes, PdfReader, list[str]]:
    response = client.get(f"/reports/{report.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = response.content
    reader = PdfReader(io.BytesIO(data))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    return data, reader, pages


UPHELD_2023 = {"kind": "upheld", "period_start": "2023-04-01", "period_end": "2024-03-31"}


# --- The PDF's content ---------------------------------------------------------------


def test_upheld_report_has_front_matter_numbered_sections_in_order_and_every_decision(
    mo_client, period, django_capture_on_commit_callbacks
):
    report = _generate(mo_client, django_capture_on_commit_callbacks, **UPHELD_2023)
    assert report.status == CommitteeReport.Status.READY

    _, reader, pages = _pdf(mo_client, report)
    text = " ".join(pages)
    assert "THIS ITEM IS FOR INFORMATION ONLY" in pages[0]
    assert f"Title of meeting: {MEETING}" in pages[0]
    assert "Date of meeting: 24 September 2024" in pages[0]
    assert "Wards affected: All" in pages[0]
    # Numbered sections in the order of a committee paper; decisions grouped by
    # directorate, then service, each numbered within its section.
    order = [
        "1. Requested by",
        "2. Purpose",
        "3. Background",
        "4. Summary of upheld decisions",
        "5. Adult Social Care",
        "5.1 Care assessments",
        "5.1.1 Complaint 23 001 101 (Mr X)",
        "5.2 Direct payments",
        "5.2.1 Complaint 23 002 202 (Mrs B)",
        "6. Children, Families and Education",
        "6.1 SEN",
        "6.1.1 Complaint 23 004 404 (Mr Y)",
        "6.1.2 Complaint 23 003 303 (Ms D)",
        "7. Conclusion",
    ]
    positions = [text.find(heading) for heading in order]
    assert -1 not in positions, [h for h, p in zip(order, positions, strict=True) if p == -1]
    assert positions == sorted(positions)
    # Only the period's upheld decisions.
    assert "22 009 909" not in text and "23 005 505" not in text
    # Remedy, amounts, service improvement, compliance and timeliness.
    assert "Apologise to Mr X" in text and "£350" in text and "£150" in text
    assert "Remind assessors of the 28-day target" in text
    assert (
        "The Ombudsman recorded that the Council complied with its recommendations, late." in text
    )
    assert "One action was completed after the agreed date." in text
    assert "Overdue by 30 days" in text  # Mrs B's £150, due 1 November 2026
    assert "the 4 complaints upheld by the Local Government and Social Care Ombudsman" in text
    assert "Payments agreed: £1,000" in text  # 350 + 150 + 500
    # Dates only where they exist; lateness in words.
    assert "Paid on 1 August 2023, 22 days after the agreed date" in text
    assert "Done on 1 June 2023, on time" in text
    assert "No deadline" not in text


def test_each_upheld_decision_reads_as_paragraphs_with_a_table_only_for_payments(
    mo_client, period, django_capture_on_commit_callbacks
):
    report = _generate(mo_client, django_capture_on_commit_callbacks, **UPHELD_2023)
    _, _, pages = _pdf(mo_client, report)
    text = " ".join(pages)
    first = text[text.index("Complaint 23 001 101 (Mr X)") : text.index("Complaint 23 002 202")]
    # What happened, the fault and injustice, what was agreed, what has changed: in order.
    parts = [
        "What happened The Council delayed a care assessment.",
        "Fault and injustice The Ombudsman found fault: delay in assessing Mr X's needs.",
        "What the Council agreed To put things right for Mr X, the Council agreed to the "
        "following. Apologise to Mr X. Done on 1 June 2023, on time.",
        "Payments agreed (£350 in all)",
        "What the Council has changed Remind assessors of the 28-day target. Done on 1 "
        "August 2023, on time.",
        "One action was completed after the agreed date.",
    ]
    positions = [first.find(part) for part in parts]
    assert -1 not in positions, [p for p, at in zip(parts, positions, strict=True) if at == -1]
    assert positions == sorted(positions)
    # The payment's row: payee, amount, agreed date and lateness in words.
    assert "Mr X £350 10 July 2023 Paid on 1 August 2023, 22 days after the agreed date" in first
    # The old tables and their placeholders are gone.
    assert "Complaint point Fault Injustice Result" not in text
    assert "On time:" not in text and "None agreed" not in text
    # A decision with no action at all says so in words; one with no improvement too.
    none = text[text.index("Complaint 23 004 404 (Mr Y)") :]
    assert "No remedy was agreed." in none
    assert "No change to the Council's services was agreed in this complaint." in none
    # An open payment says where it stands, with its date.
    mrs_b = text[text.index("Complaint 23 002 202 (Mrs B)") :]
    assert "Overdue by 30 days (due 1 November 2026), not yet paid" in mrs_b


def test_upheld_report_opens_with_the_period_against_the_period_before(
    mo_client, period, django_capture_on_commit_callbacks
):
    report = _generate(mo_client, django_capture_on_commit_callbacks, **UPHELD_2023)
    _, _, pages = _pdf(mo_client, report)
    text = " ".join(pages)
    assert (
        "Between 1 April 2023 and 31 March 2024 the Ombudsman decided 5 complaints about the "
        "Council and completed 5 detailed investigations, upholding 4 (80%). In the period "
        "before (1 April 2022 to 31 March 2023) it decided 1, completed 1 detailed "
        "investigation and upheld 1 (100%). Upheld complaints by directorate: Adult Social "
        "Care 2 (1 before); Children, Families and Education 2 (0 before)."
    ) in text


def test_pages_are_numbered_and_headed_with_the_title_and_date_of_meeting(
    mo_client, period, django_capture_on_commit_callbacks
):
    report = _generate(mo_client, django_capture_on_commit_callbacks, **UPHELD_2023)
    _, reader, pages = _pdf(mo_client, report)

    assert len(reader.pages) == report.page_count >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {report.page_count}" in page
        assert "24 September 2024" in page
        assert "Complaints upheld by the Local Government and Social Care" in page


def test_the_pdf_is_tagged_with_title_language_and_a_reading_order(
    mo_client, home, period, django_capture_on_commit_callbacks
):
    _load_the_2023_24_letter(home)  # so the annual report has charts
    report = _generate(mo_client, django_capture_on_commit_callbacks, kind="annual", year="2023")
    _, reader, _ = _pdf(mo_client, report)

    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == report.subject
    assert "pdfuaid" in reader.xmp_metadata.stream.get_data().decode()

    tags, alts = [], []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get"):
            return
        if node.get("/S"):
            tags.append(str(node["/S"]))
            if node.get("/Alt"):
                alts.append(str(node["/Alt"]))
        if node.get("/K") is not None:
            walk(node["/K"])

    walk(root["/StructTreeRoot"])
    for tag in ("/H1", "/H2", "/H3", "/H4", "/P", "/Table", "/TH", "/TD", "/Figure"):
        assert tag in tags, tag
    # Headings come in reading order: the title before the first section.
    assert tags.index("/H1") < tags.index("/H2")
    # Every chart is a figure with its description as alternative text.
    assert any(alt.startswith("Upheld rate and compliance rate") for alt in alts)
    assert tags.count("/Figure") == len(alts)


def test_no_real_name_ever_appears_in_the_pdf(
    mo_client, period, django_capture_on_commit_callbacks
):
    report = _generate(mo_client, django_capture_on_commit_callbacks, **UPHELD_2023)
    data, reader, pages = _pdf(mo_client, report)

    text = " ".join(pages)
    assert "Mr X" in text and "Mrs B" in text and "Ms D" in text
    for name in REAL_NAMES:
        for part in name.split():
            assert part not in text, part
    # Nor in the file's metadata.
    assert not any(part in str(reader.metadata) for n in REAL_NAMES for part in n.split())
    assert b"Smithson" not in data


def test_annual_report_has_the_letters_figures_against_the_averages(
    mo_client, home, django_capture_on_commit_callbacks
):
    _load_the_2023_24_letter(home)
    report = _generate(mo_client, django_capture_on_commit_callbacks, kind="annual", year="2023")
    _, _, pages = _pdf(mo_client, report)
    text = " ".join(pages)

    assert "The Ombudsman's figures for 2023-24" in text
    assert "Complaints upheld 70% 85%" in text
    assert "Upheld decisions per 100,000 residents 3 4.5" in text
    assert "Compliance with recommendations 100% 100%" in text
    assert "Satisfactory remedy provided by the council 10% 7%" in text
    assert "2022-23" in text  # the years before
    assert "completed 30 detailed investigations" in text
    # The opening summary, from the statistics module: decided, investigated, upheld,
    # against the year before.
    assert re.search(r"In 2023-24 the Ombudsman decided \d+ complaints? about the Council", text)
    assert "In 2022-23 it completed" in text
    # Compliance in words, not "18 compliance outcomes (100% complied)".
    assert (
        "The Ombudsman checked whether the Council had done what it agreed in 18 cases: it "
        "had in all 18, 5 of them after the agreed date."
    ) in text


@pytest.mark.parametrize(
    ("outcomes", "complied", "late", "rate", "words"),
    [
        (1, 1, 1, 100, "in 1 case: it had, but late."),
        (1, 1, 0, 100, "in 1 case: it had."),
        (1, 0, 0, 0, "in 1 case: it had not."),
        (4, 3, 0, 75, "in 4 cases: it had in 3 (75%)."),
        (4, 4, 2, 100, "in 4 cases: it had in all 4, 2 of them after the agreed date."),
    ],
)
def test_compliance_is_said_in_words(outcomes, complied, late, rate, words):
    assert _compliance(outcomes, complied, late, rate) == (
        "The Ombudsman checked whether the Council had done what it agreed " + words
    )


def test_the_period_before_is_the_year_before_or_as_many_days():
    assert previous_period(date(2024, 4, 1), date(2025, 3, 31)) == (
        date(2023, 4, 1),
        date(2024, 3, 31),
    )  # an Ombudsman year with 29 February in it: still the year before
    # Whole months: the quarter before; otherwise as many days.
    assert previous_period(date(2024, 7, 1), date(2024, 9, 30)) == (
        date(2024, 4, 1),
        date(2024, 6, 30),
    )
    assert previous_period(date(2025, 1, 1), date(2025, 2, 28)) == (
        date(2024, 11, 1),
        date(2024, 12, 31),
    )
    assert previous_period(date(2024, 7, 10), date(2024, 7, 19)) == (
        date(2024, 6, 30),
        date(2024, 7, 9),
    )


def test_overdue_report_lists_each_overdue_remedy_with_its_days_and_a_chart(
    mo_client, period, django_capture_on_commit_callbacks
):
    report = _generate(mo_client, django_capture_on_commit_callbacks, kind="overdue")
    _, reader, pages = _pdf(mo_client, report)
    text = " ".join(pages)
    assert "Ombudsman remedies overdue at 1 December 2026" in text
    assert "Overdue actions by service area" in text
    assert re.search(
        r"Adult Social Care: Direct payments 23 002 202 .*Mrs B £150 1 November 2026 30", text
    )
    assert "23 001 101" not in text  # all done


def test_public_interest_report_sets_out_recommendations_and_statutory_duties(
    mo_client, home, django_capture_on_commit_callbacks
):
    pir = _upheld(
        home, "22 010 218", ServiceAreaFactory(), date(2023, 5, 12), kind=Decision.Kind.REPORT
    )
    AgreedActionFactory(
        decision=pir,
        kind=AgreedAction.Kind.REVIEW_OR_REASSESS,
        description="Review the prescribing policy",
        amount=None,
        due_date=date(2023, 8, 12),
    )
    AgreedActionFactory(
        decision=pir,
        kind=AgreedAction.Kind.STATUTORY_DUTY,
        description="Give public notice of the report",
        amount=None,
        payee_label="",
        due_date=date(2023, 5, 26),
    )
    draft = mo_client.get("/reports/new/", {"kind": "public_interest", "decision": pir.pk})
    assert draft.context["front_form"].initial["for_information"] is False
    assert "notes the Ombudsman's report" in draft.context["front_form"].initial["recommendations"]

    report = _generate(
        mo_client, django_capture_on_commit_callbacks, kind="public_interest", decision=pir.pk
    )
    _, _, pages = _pdf(mo_client, report)
    text = " ".join(pages)
    assert "THIS ITEM IS FOR INFORMATION ONLY" not in text
    assert text.index("3. Recommendations") < text.index("4. Background")
    assert "Review the prescribing policy" in text and "Give public notice of the report" in text
    assert text.index("Review the prescribing policy") < text.index(
        "statutory duties after the report"
    )
    assert text.index("statutory duties after the report") < text.index("Give public notice")


# --- Kept as laid ----------------------------------------------------------------------


def test_a_report_is_stored_with_its_checksum_parameters_and_author_and_never_changes(
    mo_client, monitoring_officer, period, django_capture_on_commit_callbacks
):
    report = _generate(
        mo_client,
        django_capture_on_commit_callbacks,
        **UPHELD_2023,
        upheld_areas=[period["care"].pk],
    )
    first, _, pages = _pdf(mo_client, report)
    assert hashlib.sha256(first).hexdigest() == report.sha256
    assert report.size_bytes == len(first)
    assert report.created_by == monitoring_officer
    assert report.parameters["service_areas"] == ["Adult Social Care: Care assessments"]
    assert report.parameters["meeting_date"] == "2024-09-24"
    assert "23 002 202" not in " ".join(pages)  # another service area

    # The data changes afterwards...
    decision = period["decisions"][0]
    decision.summary = "Rewritten after the meeting."
    decision.save()
    AgreedAction.objects.filter(decision=decision).update(amount=Decimal("999"))

    # ...and the stored report is the same file, byte for byte.
    again, _, pages = _pdf(mo_client, report)
    assert again == first
    assert "Rewritten after the meeting." not in " ".join(pages)
    listing = mo_client.get("/reports/").content.decode()
    assert f"/reports/{report.pk}/download/" in listing


def test_a_stored_file_that_was_altered_is_refused_not_served(
    mo_client, period, django_capture_on_commit_callbacks
):
    report = _generate(mo_client, django_capture_on_commit_callbacks, **UPHELD_2023)
    with open(report.pdf.path, "ab") as handle:
        handle.write(b"%tampered")
    response = mo_client.get(f"/reports/{report.pk}/download/")
    assert response.status_code == 409
    assert "no longer matches what was laid" in response.content.decode()


def test_upheld_decisions_are_marked_reported_to_members_and_can_be_left_out_next_time(
    mo_client, period, django_capture_on_commit_callbacks
):
    report = _generate(mo_client, django_capture_on_commit_callbacks, **UPHELD_2023)
    reported = set(
        ReportedDecision.objects.filter(report=report).values_list("decision", flat=True)
    )
    assert reported == {d.pk for d in period["decisions"]}

    page = mo_client.get(f"/decisions/{period['decisions'][0].pk}/").content.decode()
    assert "Reported to members" in page and f"{MEETING}</a>, 24 September 2024" in page
    detail = mo_client.get(f"/reports/{report.pk}/").content.decode()
    assert "23 001 101" in detail and "section 5A" in detail

    # A later decision in the period; the next report can leave out those already reported.
    _upheld(
        period["decisions"][0].complaint.organisations.first(),
        "23 006 606",
        period["care"],
        date(2024, 3, 1),
    )
    draft = mo_client.get("/reports/new/", {**UPHELD_2023})
    assert (
        "4 decisions in this report were reported to members before"
        in (draft.context["front_form"].initial["background"])
    )
    second = _generate(
        mo_client, django_capture_on_commit_callbacks, **UPHELD_2023, upheld_unreported="on"
    )
    _, _, pages = _pdf(mo_client, second)
    text = " ".join(pages)
    assert "23 006 606" in text and "23 001 101" not in text


# --- Made by a Celery task -------------------------------------------------------------


def test_the_page_shows_progress_until_ready_then_offers_the_download(
    mo_client, monitoring_officer, period
):
    report = CommitteeReport.objects.create(
        kind="overdue",
        parameters={
            "kind": "overdue", "period_start": None, "period_end": None, "as_of": "2026-12-01",
            "service_area_ids": [], "service_areas": [], "decision_id": None, "decision": "",
            "organisation_id": None, "organisation": "", "unreported_only": False,
            "meeting_date": "2026-12-15", "meeting_title": MEETING, "subject": "Overdue",
            "report_by": "Monitoring Officer", "wards_affected": "All", "for_information": True,
            "recommendations": "", "purpose": "P.", "background": "B.", "conclusion": "C.",
        },
        meeting_title=MEETING,
        meeting_date=date(2026, 12, 15),
        subject="Overdue",
        created_by=monitoring_officer,
    )  # fmt: skip
    waiting = mo_client.get(f"/reports/{report.pk}/").content.decode()
    # app.js follows a pending report's progress in place: no timed refresh (WCAG 2.2.1).
    assert "data-report-pending" in waiting and "Waiting to start" in waiting
    assert 'http-equiv="refresh"' not in waiting
    assert mo_client.get(f"/reports/{report.pk}/download/").status_code == 404

    assert report_render(report_id=report.pk) is True
    assert report_render(report_id=report.pk) is False  # claimed once: never made twice
    ready = mo_client.get(f"/reports/{report.pk}/").content.decode()
    assert "data-report-pending" not in ready and "Download the PDF" in ready
    report.refresh_from_db()
    assert report.sha256 in ready


def test_a_failure_is_recorded_and_shown_not_left_spinning(
    mo_client, period, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(html):
        raise OSError("no space left on device")

    monkeypatch.setattr("decisions.reports.services.report_pdf", broken)
    draft = mo_client.get("/reports/new/", {"kind": "overdue"})
    front = {k: v for k, v in draft.context["front_form"].initial.items() if v not in (None, False)}
    front.update({"meeting_title": MEETING, "meeting_date": "2026-12-15", "for_information": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        mo_client.post("/reports/new/", {"kind": "overdue", **front, "action": "generate"})
    report = CommitteeReport.objects.get()
    assert report.status == CommitteeReport.Status.FAILED and not report.pdf
    page = mo_client.get(f"/reports/{report.pk}/").content.decode()
    assert "The report could not be made" in page and "no space left on device" in page
    assert not ReportedDecision.objects.exists()


# --- The builder -----------------------------------------------------------------------


def test_preview_shows_the_report_in_the_browser_and_stores_nothing(mo_client, period):
    draft = mo_client.get("/reports/new/", UPHELD_2023)
    front = {k: v for k, v in draft.context["front_form"].initial.items() if v not in (None, False)}
    front.update({"meeting_title": MEETING, "meeting_date": "2024-09-24", "for_information": "on"})
    response = mo_client.post("/reports/new/", {**UPHELD_2023, **front, "action": "preview"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Complaint 23 001 101 (Mr X)" in page and "Make the PDF" in page
    assert "src/report.css" in page
    assert not CommitteeReport.objects.exists()


@pytest.mark.parametrize(
    "scope, field, message",
    [
        ({"kind": "upheld"}, "period_start", "Enter the first day of the period"),
        (
            {"kind": "upheld", "period_start": "2024-03-31", "period_end": "2023-04-01"},
            "period_end",
            "The period must end on or after its first day",
        ),
        (
            {"kind": "upheld", "period_start": "2027-01-01", "period_end": "2027-02-01"},
            "period_start",
            "The period cannot start in the future",
        ),
        (
            {"kind": "upheld", "period_start": "31/31/2023", "period_end": "2024-01-01"},
            "period_start",
            "Period from must be a real date",
        ),
        ({"kind": "public_interest"}, "decision", "No public interest report is recorded"),
        ({"kind": "annual", "year": "1850"}, "year", "Choose one of the Ombudsman years listed"),
        ({"kind": "nonsense"}, "kind", "Choose one of the kinds of report listed"),
        ({"kind": ""}, "kind", "Choose which report to make"),
    ],
)
def test_the_builder_says_what_is_wrong_next_to_the_field(mo_client, home, scope, field, message):
    response = mo_client.get("/reports/new/", scope)
    assert response.status_code == 400
    errors = response.context["scope_form"].errors[field]
    assert any(e.startswith(message) for e in errors), errors
    assert response.context["front_form"] is None


def test_front_matter_needs_recommendations_unless_for_information(mo_client, period):
    draft = mo_client.get("/reports/new/", UPHELD_2023)
    front = {k: v for k, v in draft.context["front_form"].initial.items() if v not in (None, False)}
    front.pop("for_information")  # now asking the committee for a decision
    front.update({"meeting_title": "", "meeting_date": "2024-09-24"})
    response = mo_client.post("/reports/new/", {**UPHELD_2023, **front, "action": "generate"})
    assert response.status_code == 400
    errors = response.context["front_form"].errors
    assert "Enter the recommendations for decision" in errors["recommendations"][0]
    assert errors["meeting_title"] == ["Enter the title of the meeting"]
    assert not CommitteeReport.objects.exists()


def test_drafts_reuse_the_last_meeting_title_and_author(
    mo_client, period, django_capture_on_commit_callbacks
):
    _generate(mo_client, django_capture_on_commit_callbacks, kind="overdue")
    draft = mo_client.get("/reports/new/", UPHELD_2023)
    assert draft.context["front_form"].initial["meeting_title"] == MEETING
    assert draft.context["front_form"].initial["report_by"] == "Monitoring Officer"


# --- Who may, and at what cost ----------------------------------------------------------


def test_only_monitoring_officers_make_reports_and_service_managers_see_none(
    client, officer, manager, service_manager, period, mo_client, django_capture_on_commit_callbacks
):
    report = _generate(mo_client, django_capture_on_commit_callbacks, **UPHELD_2023)
    urls = ["/reports/", f"/reports/{report.pk}/", f"/reports/{report.pk}/download/"]
    for user in (officer, manager):
        client.force_login(user)
        assert [client.get(u).status_code for u in urls] == [200, 200, 200]
        assert client.get("/reports/new/").status_code == 403
        assert "Make a report" not in client.get("/reports/").content.decode()
    client.force_login(service_manager)
    assert [client.get(u).status_code for u in [*urls, "/reports/new/"]] == [403] * 4
    client.logout()
    assert client.get(urls[2])["Location"].startswith("/login/")


def test_report_content_costs_the_same_queries_for_5_and_50_decisions(home):
    area = ServiceAreaFactory()

    def count(n):
        for i in range(n):
            d = _upheld(home, f"24 {n:03d} {i:03d}", area, date(2024, 5, 1) + timedelta(days=i))
            FindingFactory(decision=d)
            AgreedActionFactory(decision=d)
        scope = Scope(kind="upheld", period_start=date(2024, 4, 1), period_end=date(2025, 3, 31))
        with CaptureQueriesContext(connection) as ctx:
            content = report_content(scope, today=TODAY)
        return len(ctx.captured_queries), len(content.decisions)

    small = count(5)
    large = count(45)
    assert small[1] == 5 and large[1] == 50
    assert small[0] == large[0]


def test_fonts_and_styles_come_from_files_never_the_network():
    fetcher = LocalFilesOnly(_stylesheet_path().parent.parent)
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("https://fonts.example.com/font.ttf")
    with pytest.raises(ValueError, match="outside the static folder"):
        fetcher.fetch("file:///etc/passwd")
    assert b"@font-face" in fetcher.fetch(_stylesheet_path().as_uri()).read()


@pytest.mark.parametrize(
    "url",
    [
        "FILE:///etc/passwd",
        "File:///etc/passwd",
        "file://localhost/etc/passwd",
        "file:///%65tc/passwd",
        "file:/etc/passwd",
        "{static}/../../../etc/passwd",
        "file://fileserver.example{stylesheet}",
        "HTTPS://fonts.example.com/font.ttf",
        "ftp://fonts.example.com/font.ttf",
        "javascript:alert(1)",
    ],
)
def test_the_report_reads_no_file_outside_the_static_folder_however_written(url):
    static = _stylesheet_path().parent.parent
    fetcher = LocalFilesOnly(static)
    url = url.format(static=static.as_uri(), stylesheet=_stylesheet_path().as_posix())
    with pytest.raises(ValueError, match="outside the static folder|disallowed|this machine"):
        fetcher.fetch(url)
    # What a report needs still comes: its style sheet, whatever the case, and data: URIs.
    assert b"@font-face" in fetcher.fetch("FILE://" + _stylesheet_path().as_posix()).read()
    assert fetcher.fetch("data:text/plain,chart").read() == b"chart"


def test_the_builder_starts_on_the_last_complete_ombudsman_year(mo_client, home):
    # The builder offers the statistics page's years (those with a decision and the
    # current one): the last complete year is offered when it has a decision.
    DecisionFactory(
        complaint=ComplaintFactory(organisations=[home]), decision_date=date(2025, 6, 2)
    )
    form = mo_client.get("/reports/new/").context["scope_form"]
    assert form["year"].value() == 2025  # 1 December 2026 is in 2026-27
    assert (form["period_start"].value(), form["period_end"].value()) == (
        date(2025, 4, 1),
        date(2026, 3, 31),
    )


def _revealed(page: str) -> dict[str, str]:
    """Each kind of report's conditionally revealed block of the builder's first step."""
    blocks = {}
    for part in page.split('id="conditional-kind-')[1:]:
        kind, rest = part.split('"', 1)
        blocks[kind] = re.split(r'class="govuk-radios__item"|</form>', rest)[0]
    return blocks


def test_the_builder_shows_each_kinds_fields_under_its_own_radio_only(mo_client, period):
    page = mo_client.get("/reports/new/").content.decode()
    blocks = _revealed(page)
    assert set(blocks) == {"annual", "upheld", "public_interest", "overdue"}
    names = {k: set(re.findall(r'name="([a-z_]+)', b)) for k, b in blocks.items()}
    assert names["annual"] == {"year", "annual_areas", "annual_unreported"}
    assert names["upheld"] >= {"period_start", "organisation", "upheld_areas"}
    assert names["public_interest"] == {"decision"}
    assert names["overdue"] == {"overdue_areas"}
    # Each radio controls its own block (GOV.UK Frontend's conditional reveal), all hidden
    # until one is chosen.
    for kind in blocks:
        assert f'value="{kind}" data-aria-controls="conditional-kind-{kind}"' in page
        hidden = "govuk-radios__conditional govuk-radios__conditional--hidden"
        assert f'{hidden}" id="conditional-kind-{kind}"' in page
    # What a kind needs is not called optional; the first step's button is the green one.
    assert "Ombudsman year (optional)" not in page and "Period from (optional)" not in page
    assert "Public interest report (optional)" not in page
    assert '<button type="submit" class="govuk-button" data-module="govuk-button">Continue' in page

    # Once chosen, that kind's block is shown open.
    chosen = mo_client.get("/reports/new/", {"kind": "upheld", "period_start": "2027-01-01"})
    assert 'govuk-radios__conditional" id="conditional-kind-upheld"' in chosen.content.decode()


def test_the_fields_of_a_kind_not_chosen_are_never_read(mo_client, period):
    # A date left half typed under "Upheld decisions", then "Overdue remedies" chosen.
    response = mo_client.get(
        "/reports/new/",
        {"kind": "overdue", "period_start": "31/31/2023", "upheld_areas": [period["care"].pk],
         "upheld_unreported": "on", "overdue_areas": [period["pay"].pk]},
    )  # fmt: skip
    assert response.status_code == 200
    scope = response.context["scope_form"].scope()
    assert scope.service_areas == [period["pay"]] and not scope.unreported_only


def test_a_missing_meeting_date_is_asked_for_by_name(mo_client, period):
    draft = mo_client.get("/reports/new/", {"kind": "overdue"})
    front = {k: v for k, v in draft.context["front_form"].initial.items() if v not in (None, False)}
    front.update({"meeting_title": MEETING, "for_information": "on"})
    response = mo_client.post("/reports/new/", {"kind": "overdue", **front, "action": "generate"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter the date of the meeting" in page and "This field is required" not in page
    assert "Recommendations (optional)" not in page
    assert not CommitteeReport.objects.exists()


def test_requested_by_is_drafted_editable_and_printed_first(
    mo_client, period, django_capture_on_commit_callbacks
):
    draft = mo_client.get("/reports/new/", UPHELD_2023)
    assert "section 5A" in draft.context["front_form"].initial["requested_by"]
    report = _generate(mo_client, django_capture_on_commit_callbacks, **UPHELD_2023)
    _, _, pages = _pdf(mo_client, report)
    text = " ".join(pages)
    assert text.index("1. Requested by") < text.index("2. Purpose")
    assert report.parameters["requested_by"].startswith("The Committee")


def test_without_a_decision_in_the_last_year_the_builder_starts_on_the_latest_before(
    mo_client, home
):
    DecisionFactory(
        complaint=ComplaintFactory(organisations=[home]), decision_date=date(2024, 2, 2)
    )
    form = mo_client.get("/reports/new/").context["scope_form"]
    assert [value for value, _ in form.fields["year"].choices] == [2026, 2023]
    assert form["year"].value() == 2023
    # The upheld decisions' period is still the last complete year.
    assert (form["period_start"].value(), form["period_end"].value()) == (
        date(2025, 4, 1),
        date(2026, 3, 31),
    )


# --- Withdrawn, and reported to members ------------------------------------------------


def _report_to_committee(decision, organisation, **kwargs):
    return AgreedActionFactory(
        decision=decision,
        organisation=organisation,
        kind=AgreedAction.Kind.REPORT_TO_COMMITTEE,
        amount=None,
        payee_label="",
        description="Ask the scrutiny committee to consider the lessons",
        due_date=date(2024, 6, 1),
        **kwargs,
    )


def _reported_on_its_page(client, decision) -> str:
    page = client.get(f"/decisions/{decision.pk}/").content.decode()
    return page[page.index('id="reported-to-members"') :][:1500]


def test_a_withdrawn_report_keeps_its_pdf_and_its_decisions_are_no_longer_reported(
    mo_client, monitoring_officer, period, django_capture_on_commit_callbacks
):
    report = _generate(mo_client, django_capture_on_commit_callbacks, **UPHELD_2023)
    laid, _, _ = _pdf(mo_client, report)
    first = period["decisions"][0]
    assert MEETING in _reported_on_its_page(mo_client, first)

    url = f"/reports/{report.pk}/withdraw/"
    page = mo_client.get(f"/reports/{report.pk}/").content.decode()
    assert f'href="{url}"' in page
    confirm = mo_client.get(url)
    assert confirm.status_code == 200 and "Withdraw the report" in confirm.content.decode()
    refused = mo_client.post(url, {"reason": "   "})
    assert refused.status_code == 400
    assert "Enter why the report is being withdrawn" in refused.content.decode()
    report.refresh_from_db()
    assert not report.is_withdrawn

    done = mo_client.post(url, {"reason": "Made for the wrong meeting."}, follow=True)
    assert "The report has been withdrawn" in done.content.decode()
    report.refresh_from_db()
    assert report.withdrawn_by == monitoring_officer and report.withdrawn_at is not None
    assert report.withdrawal_reason == "Made for the wrong meeting."
    assert report.history.first().withdrawal_reason == "Made for the wrong meeting."  # audited

    # The PDF stays, byte for byte, named as withdrawn; the page and the list say so.
    response = mo_client.get(f"/reports/{report.pk}/download/")
    assert response.content == laid
    assert 'filename="WITHDRAWN-committee-report-' in response["Content-Disposition"]
    page = mo_client.get(f"/reports/{report.pk}/").content.decode()
    assert "This report was withdrawn on 1 December 2026" in page
    assert "Made for the wrong meeting." in page and f'href="{url}"' not in page
    listing = mo_client.get("/reports/").content.decode()
    assert 'govuk-tag--grey">Withdrawn</strong>' in listing

    # Its decisions are no longer reported to members, so the next report takes them.
    assert "Not yet reported to members" in _reported_on_its_page(mo_client, first)
    assert not ReportedDecision.objects.standing().exists()
    again = mo_client.get("/reports/new/", {**UPHELD_2023, "upheld_unreported": "on"})
    assert len(again.context["front_form"].initial["purpose"]) > 0
    assert "reported to members before" not in again.context["front_form"].initial["background"]
    # Withdrawn once: asking again changes nothing.
    assert mo_client.post(url, {"reason": "Twice."}).status_code == 302
    report.refresh_from_db()
    assert report.withdrawal_reason == "Made for the wrong meeting."


def test_a_decision_another_live_report_put_before_members_stays_reported(
    mo_client, period, django_capture_on_commit_callbacks
):
    mistake = _generate(mo_client, django_capture_on_commit_callbacks, **UPHELD_2023)
    _generate(mo_client, django_capture_on_commit_callbacks, kind="upheld",
              period_start="2023-04-01", period_end="2023-06-30")  # fmt: skip
    mo_client.post(f"/reports/{mistake.pk}/withdraw/", {"reason": "Duplicate."})
    first, third = period["decisions"][0], period["decisions"][2]  # in, and out of, the second
    assert MEETING in _reported_on_its_page(mo_client, first)
    assert "Not yet reported to members" in _reported_on_its_page(mo_client, third)


def test_a_report_completes_the_open_report_to_committee_action_and_withdrawal_reopens_it(
    mo_client, home, period, django_capture_on_commit_callbacks
):
    first = period["decisions"][0]
    ours = _report_to_committee(first, home)
    other_council = _report_to_committee(first, OrganisationFactory(kind=Organisation.Kind.UNITARY))
    report = _generate(mo_client, django_capture_on_commit_callbacks, **UPHELD_2023)

    ours.refresh_from_db()
    other_council.refresh_from_db()
    assert ours.status == AgreedAction.Status.DONE and ours.completed_by_report == report
    assert ours.completed_on == date(2024, 9, 24)  # the meeting, already past on 1 December
    assert MEETING in ours.completion_note and "24 September 2024" in ours.completion_note
    assert other_council.status == AgreedAction.Status.OPEN  # its members, not ours
    # The decision is reported once, by the report (the action it completed adds no row).
    assert ReportedDecision.objects.standing().filter(decision=first).count() == 1

    mo_client.post(f"/reports/{report.pk}/withdraw/", {"reason": "Wrong period."})
    ours.refresh_from_db()
    assert ours.status == AgreedAction.Status.OPEN and ours.completed_on is None
    assert ours.completed_by_report is None and ours.completion_note == ""


def test_completing_a_report_to_committee_action_records_the_decision_as_reported(
    client, officer, home, period
):
    first = period["decisions"][0]
    action = _report_to_committee(first, home, owner=officer)
    client.force_login(officer)
    url = f"/actions/{action.pk}/complete/"
    form = {"version": action.version, "completed_on": "2024-07-02", "note": "Minutes sent."}
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "Enter the committee that considered the decision" in refused.content.decode()

    assert client.post(url, {**form, "committee": "Adults and Health Committee"}).status_code == 302
    reported = _reported_on_its_page(client, first)
    assert "Adults and Health Committee, 2 July 2024" in reported
    assert "Not yet reported" not in reported
    record = ReportedDecision.objects.standing().get(decision=first)
    assert (record.action, record.report, record.reported_on) == (action, None, date(2024, 7, 2))


def test_the_report_is_ready_is_said_once_to_whoever_asked_for_it(
    client, manager, mo_client, period, django_capture_on_commit_callbacks
):
    report = _generate(mo_client, django_capture_on_commit_callbacks, kind="overdue")
    url = f"/reports/{report.pk}/"
    assert "The report is ready." in mo_client.get(url).content.decode()
    later = mo_client.get(url).content.decode()
    assert "The report is ready." not in later and "Download the PDF" in later
    client.force_login(manager)
    assert "The report is ready." not in client.get(url).content.decode()
