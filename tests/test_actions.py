"""Agreed actions in the browser: my actions, completing with evidence, extensions,
compliance, evidence downloads, the calendar feed, public interest report duties,
enquiries, and due dates following the decision date."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from decisions.models import Complaint, Enquiry
from remedies.calendar import calendar_feed_for
from remedies.evidence import evidence_file_name
from remedies.models import AgreedAction, Evidence, Reminder
from remedies.services import (
    action_extend,
    actions_follow_decision_date,
    statutory_duties_create,
)
from remedies.sweep import overdue_sweep

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
)
from .journey import log_decision

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 2)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _seen(action):
    """What the action's form sends back: the version it showed (see ombudsman/versioning.py)."""
    return {"version": str(AgreedAction.objects.get(pk=action.pk).version)}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def owner(db):
    return UserFactory(username="sm", first_name="Sam", last_name="Manager",
                       role="Service managers")  # fmt: skip


@pytest.fixture
def decision(db):
    complaint = ComplaintFactory(
        reference="24 005 859a",
        organisations=[OrganisationFactory(name="Peterborough City Council")],
    )
    return DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))


def _action(decision, **kwargs):
    defaults = {"decision": decision, "kind": "apology", "amount": None,
                "payee_label": "Mr X", "due_date": date(2025, 3, 13)}  # fmt: skip
    return AgreedActionFactory(**{**defaults, **kwargs})


def test_my_actions_lists_open_actions_soonest_first_with_days_overdue(client, owner, decision):
    lead = UserFactory(username="lead", role="Service managers")
    area = ServiceAreaFactory(directorate="Adults", service="Mental health", lead=lead)
    late = _action(decision, owner=owner, due_date=date(2025, 3, 13))
    soon = _action(decision, owner=owner, due_date=date(2025, 6, 9), service_area=area)
    undated = _action(decision, owner=owner, due_date=None, deadline_phrase="promptly")
    _action(decision, owner=owner, status="done", completed_on=date(2025, 3, 1))
    _action(decision, owner=lead)  # someone else's
    client.force_login(owner)
    page = client.get("/actions/mine/")
    assert [a.pk for a in page.context["actions"]] == [late.pk, soon.pk, undated.pk]
    html = page.content.decode()
    # A short tag with the days beside it in plain text, never "Overdue by 81 days".
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in html
    assert "81 days overdue" in html  # 13 March to 2 June
    assert "No date: set one" in html
    # The service area's lead sees the action in their area too.
    client.force_login(lead)
    lead_sees = [a.pk for a in client.get("/actions/mine/").context["actions"]]
    assert soon.pk in lead_sees and late.pk not in lead_sees


def _my_actions(client) -> tuple[list[int], int]:
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/actions/mine/")
    assert page.status_code == 200
    return [a.pk for a in page.context["actions"]], len(ctx.captured_queries)


def test_my_actions_lists_each_action_once_in_the_same_queries_for_few_or_many(
    client, owner, decision
):
    led = ServiceAreaFactory(directorate="Adults", service="Charging", lead=owner)
    other = ServiceAreaFactory(directorate="Adults", service="Direct payments")
    someone = UserFactory(username="someone", role="Service managers")

    def add(n):
        made = []
        for i in range(n):
            day = date(2025, 3, 1 + i % 28)
            made += [
                _action(decision, owner=owner, service_area=other, due_date=day),
                _action(decision, owner=someone, service_area=led, due_date=day),
                _action(decision, owner=owner, service_area=led, due_date=day),  # both ways
                _action(decision, owner=None, service_area=led, due_date=None),
            ]
            _action(decision, owner=someone, service_area=other, due_date=day)  # not theirs
            _action(decision, owner=owner, service_area=led, due_date=day,
                    status="done", completed_on=date(2025, 3, 1))  # fmt: skip
        return made

    client.force_login(owner)
    client.get("/actions/mine/")  # the first visit makes the person's calendar address
    mine = add(2)
    few, few_queries = _my_actions(client)
    mine += add(10)
    many, many_queries = _my_actions(client)
    assert few_queries == many_queries

    # Soonest date in force first, undated last, each action once.
    def order(a):
        return (a.due_date is None, a.due_date, a.pk)

    assert many == [a.pk for a in sorted(mine, key=order)]
    assert len(few) == 8


def test_owner_completes_an_action_with_evidence(client, owner, decision):
    action = _action(decision, owner=owner)
    client.force_login(owner)
    response = client.post(
        f"/actions/{action.pk}/complete/",
        {
            **_seen(action),
            "completed_on": "2025-03-20",
            "note": "Letter of apology sent by first-class post.",
            "files": [SimpleUploadedFile("apology letter.pdf", PDF, "application/pdf")],
            "evidence_sent_on": "2025-03-21",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    assert action.completed_on == date(2025, 3, 20)
    assert action.completed_by == owner
    assert action.completed_late is True  # due 13 March
    evidence = Evidence.objects.get(action=action)
    assert evidence.original_name == "apology letter.pdf"
    assert evidence.content_type == "application/pdf"
    # Stored under MEDIA_ROOT with a name of our own, never in the static files.
    assert "static" not in evidence.file.path
    assert evidence.file.name.endswith(".pdf") and "apology" not in evidence.file.name
    page = client.get(f"/actions/{action.pk}/").content.decode()
    assert "Evidence added" in page and "apology letter.pdf" in page


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_saved(client, owner, decision):
    action = _action(decision, owner=owner)
    client.force_login(owner)
    fake = SimpleUploadedFile("evidence.pdf", b"<html><script>x</script></html>", "application/pdf")
    response = client.post(
        f"/actions/{action.pk}/complete/",
        {**_seen(action), "completed_on": "2025-03-10", "note": "Done", "files": [fake]},
    )
    assert response.status_code == 400
    assert "Its content was checked, not its name." in response.content.decode()
    action.refresh_from_db()
    assert action.status == "open"
    assert not Evidence.objects.exists()


# A PDF that is also a web page: a browser opening it as .html runs its script.
POLYGLOT = PDF + b"<html><script>alert(document.domain)</script></html>"


def test_evidence_is_kept_and_downloaded_under_the_extension_of_its_content(
    client, owner, decision
):
    action = _action(decision, owner=owner)
    client.force_login(owner)
    files = [
        SimpleUploadedFile("letter.html", POLYGLOT, "text/html"),
        SimpleUploadedFile("scan.PDF", PDF, "application/pdf"),
        SimpleUploadedFile("no extension", PDF, "application/pdf"),
    ]
    response = client.post(
        f"/actions/{action.pk}/complete/",
        {**_seen(action), "completed_on": "2025-03-20", "note": "Sent", "files": files},
    )
    assert response.status_code == 302
    kept = Evidence.objects.filter(action=action).order_by("pk")
    assert [e.original_name for e in kept] == ["letter.pdf", "scan.pdf", "no extension.pdf"]
    download = client.get(f"/evidence/{kept[0].pk}/")
    assert download["Content-Disposition"].startswith('attachment; filename="letter.pdf"')
    assert download["Content-Type"] == "application/pdf"


def test_evidence_kept_under_another_extension_before_is_downloaded_under_its_own(
    client, owner, decision
):
    evidence = _evidence(decision, owner)
    Evidence.objects.filter(pk=evidence.pk).update(original_name="proof.html")
    client.force_login(owner)
    response = client.get(f"/evidence/{evidence.pk}/")
    assert response["Content-Disposition"].startswith('attachment; filename="proof.pdf"')


@pytest.mark.parametrize(
    ("uploaded", "extension", "kept"),
    [
        ("photo.jpeg", ".jpg", "photo.jpeg"),
        ("photo.png", ".jpg", "photo.jpg"),
        ("scan.TIFF", ".tif", "scan.tiff"),
        ("mail.eml.exe", ".eml", "mail.eml.eml"),
        ("", ".pdf", "evidence.pdf"),
        ("x" * 300 + ".html", ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_an_evidence_name_ends_as_its_content_is(uploaded, extension, kept):
    assert evidence_file_name(uploaded, extension) == kept


def test_completion_date_before_the_decision_is_refused(client, owner, decision):
    action = _action(decision, owner=owner)
    client.force_login(owner)
    response = client.post(
        f"/actions/{action.pk}/complete/",
        {**_seen(action), "completed_on": "2025-01-01", "note": "x"},
    )
    assert response.status_code == 400
    assert "cannot be before the decision date (13 February 2025)" in response.content.decode()


def test_service_manager_cannot_complete_someone_elses_action(client, owner, decision):
    # They lead the complaint's service area, so they see the case and its actions; this
    # one is someone else's in another service area.
    Complaint.objects.filter(pk=decision.complaint_id).update(
        service_area=ServiceAreaFactory(lead=owner)
    )
    other = _action(decision, owner=UserFactory(username="else"), service_area=None)
    client.force_login(owner)
    assert client.get(f"/actions/{other.pk}/").status_code == 200
    assert client.get(f"/actions/{other.pk}/complete/").status_code == 403
    assert client.post(f"/actions/{other.pk}/extend/", {}).status_code == 403
    # Of a case they do not answer for, an action is not found at all.
    elsewhere = _action(DecisionFactory(), owner=UserFactory(username="elsewhere"))
    assert client.get(f"/actions/{elsewhere.pk}/complete/").status_code == 404


def _evidence(decision, owner):
    action = _action(decision, owner=owner)
    return Evidence.objects.create(
        action=action, file=SimpleUploadedFile("x.pdf", PDF), original_name="proof.pdf",
        extension=".pdf", content_type="application/pdf", kind_label="PDF", size=len(PDF),
    )  # fmt: skip


def test_evidence_is_served_only_to_signed_in_users_who_may_see_the_decision(
    client, owner, decision
):
    evidence = _evidence(decision, owner)
    url = f"/evidence/{evidence.pk}/"
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(UserFactory(username="norole"))
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(username="mgr", role="Managers"))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="proof.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_extension_keeps_the_original_date_and_moves_the_date_in_force(
    client, owner, officer, decision
):
    action = _action(decision, owner=owner)
    client.force_login(officer)  # the complaints team agrees new dates with the Ombudsman
    response = client.post(
        f"/actions/{action.pk}/extend/",
        {**_seen(action), "new_due_date": "2025-06-30", "reason": "Payee's bank details awaited",
         "agreed_in_writing": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.due_date, action.extended_due_date) == (date(2025, 3, 13), date(2025, 6, 30))
    extension = action.extensions.get()
    assert extension.previous_due_date == date(2025, 3, 13)
    assert extension.agreed_in_writing
    page = client.get(f"/actions/{action.pk}/").content.decode()
    assert "Extended to" in page and "30 June 2025" in page and "13 March 2025" in page
    # Done after the original date but before the extension: on time.
    client.force_login(owner)
    done = client.post(
        f"/actions/{action.pk}/complete/",
        {**_seen(action), "completed_on": "2025-06-02", "note": "Paid"},
    )
    assert done.status_code == 302
    action.refresh_from_db()
    assert action.completed_late is False
    assert action.suggested_compliance_outcome == "complied"


def test_extension_must_move_the_date_later(client, officer, decision):
    action = _action(decision)
    client.force_login(officer)
    response = client.post(
        f"/actions/{action.pk}/extend/",
        {**_seen(action), "new_due_date": "2025-03-01", "reason": "x"},
    )
    assert response.status_code == 400
    assert "must be after the date now in force (13 March 2025)" in response.content.decode()


def test_officer_records_compliance_judged_against_the_agreed_date(client, officer, decision):
    action = _action(decision, status="done", completed_on=date(2025, 3, 20))
    client.force_login(officer)
    form = client.get(f"/actions/{action.pk}/compliance/")
    assert form.context["form"].initial["compliance_outcome"] == "complied_late"
    assert "late" in form.content.decode()
    response = client.post(
        f"/actions/{action.pk}/compliance/",
        {**_seen(action), "evidence_sent_on": "2025-03-21", "compliance_outcome": "complied_late"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.compliance_outcome, action.evidence_sent_on) == (
        "complied_late", date(2025, 3, 21),
    )  # fmt: skip


def test_compliance_cannot_be_recorded_as_complied_before_the_action_is_done(
    client, officer, decision
):
    action = _action(decision)
    client.force_login(officer)
    response = client.post(
        f"/actions/{action.pk}/compliance/", {**_seen(action), "compliance_outcome": "complied"}
    )
    assert response.status_code == 400
    assert "Mark the action done" in response.content.decode()


def test_service_manager_may_not_record_compliance(client, owner, decision):
    action = _action(decision, owner=owner)
    client.force_login(owner)
    assert client.get(f"/actions/{action.pk}/compliance/").status_code == 403


def test_calendar_feed_lists_deadlines_and_can_be_reset(client, owner, decision):
    action = _action(decision, owner=owner, due_date=date(2025, 6, 9))
    client.force_login(owner)
    page = client.get("/actions/mine/")
    url = page.context["feed_url"]
    path = url.split("testserver", 1)[1]
    client.logout()  # calendar programs do not sign in
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert event["SUMMARY"] == "Due: apologise to Mr X (24 005 859a)"
    assert event.decoded("DTSTART") == date(2025, 6, 9)
    assert f"/actions/{action.pk}/" in str(event["URL"])
    client.force_login(owner)
    client.post("/actions/mine/calendar/reset/")
    client.logout()
    assert client.get(path).status_code == 404


def test_calendar_feed_holds_a_deadline_extended_to_the_last_day_a_date_can_hold(
    client, owner, decision
):
    action = _action(decision, owner=owner, due_date=date(2025, 6, 9))
    action_extend(
        action=action, user=owner, new_due_date=date.max, reason="Court case",
        agreed_in_writing=True,
    )  # fmt: skip
    token = calendar_feed_for(owner).token
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("DTSTART") == date(9999, 12, 31)


def test_a_public_interest_report_gets_its_statutory_duties(decision):
    decision.kind = "report"
    decision.decision_date = date(2023, 7, 28)
    decision.save()
    duties = statutory_duties_create(decision=decision)
    assert [(d.deadline_phrase, d.due_date) for d in duties] == [
        ("within two weeks of receiving the report", date(2023, 8, 11)),
        ("within three months of receiving the report", date(2023, 10, 28)),
        ("within three months of receiving the report", date(2023, 10, 28)),
    ]
    assert "section 31(2)" in duties[1].description
    assert statutory_duties_create(decision=decision) == []  # not twice


def test_logging_a_report_in_the_browser_creates_its_duties(officer_client):
    council = OrganisationFactory(name="Cambridgeshire County Council", is_home_authority=True)
    provider = OrganisationFactory(name="Change Grow Live (CGL)", kind="provider")
    response = log_decision(
        officer_client,
        {
            "complaint-reference": "22 010 218",
            "complaint-complainant_label": "Mr X",
            "complaint-organisations": [str(provider.pk), str(council.pk)],
            "decision-decision_date": "2023-07-28", "decision-kind": "report",
            "decision-outcome": "upheld",
            "findings-TOTAL_FORMS": "0", "findings-INITIAL_FORMS": "0",
            "actions-TOTAL_FORMS": "0", "actions-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302
    duties = AgreedAction.objects.filter(kind="statutory_duty")
    assert duties.count() == 3
    assert {d.organisation for d in duties} == {council}


def test_enquiry_recorded_with_the_default_period_and_flagged_when_late(officer_client, officer):
    complaint = ComplaintFactory(reference="24 018 419", officer=officer)
    DecisionFactory(complaint=complaint)
    response = officer_client.post(
        f"/complaints/{complaint.slug}/enquiries/new/",
        {"kind": "initial", "sent_on": "2025-04-14"},
    )
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    # 20 working days after Mon 14 April 2025, skipping Good Friday 18 April, Easter
    # Monday 21 April and the early May bank holiday 5 May: Thursday 15 May 2025.
    assert enquiry.due_on == date(2025, 5, 15)
    overdue_sweep(today=TODAY)
    enquiry.refresh_from_db()
    assert enquiry.overdue_since == TODAY
    assert Reminder.objects.filter(enquiry=enquiry, kind="overdue").exists()
    page = officer_client.get("/actions/mine/").content.decode()
    assert ">Overdue</strong>" in page and "18 days overdue" in page
    officer_client.post(
        f"/enquiries/{enquiry.pk}/edit/",
        {"kind": "initial", "sent_on": "2025-04-14", "due_on": "2025-05-15",
         "answered_on": "2025-05-20"},
    )  # fmt: skip
    enquiry.refresh_from_db()
    assert enquiry.overdue_since is None and enquiry.is_answered_late


def test_enquiry_due_before_it_was_sent_is_refused(officer_client):
    complaint = ComplaintFactory(reference="24 018 420")
    response = officer_client.post(
        f"/complaints/{complaint.slug}/enquiries/new/",
        {"kind": "initial", "sent_on": "2025-04-14", "due_on": "2025-04-01"},
    )
    assert response.status_code == 400
    assert "cannot be due before the enquiry was sent" in response.content.decode()
    assert not Enquiry.objects.exists()


def test_new_decision_date_moves_worked_out_due_dates_in_one_update(decision):
    worked_out = [
        _action(decision, deadline_phrase="within one month of the final decision")
        for _ in range(10)
    ]
    by_hand = _action(decision, due_date=date(2025, 5, 1), due_date_set_by_hand=True)
    decision.decision_date = date(2025, 1, 31)
    decision.save()
    with CaptureQueriesContext(connection) as ctx:
        actions_follow_decision_date(decision=decision)
    updates = [q for q in ctx.captured_queries
               if q["sql"].startswith('UPDATE "remedies_agreedaction"')]  # fmt: skip
    assert len(updates) == 1
    for action in worked_out:
        action.refresh_from_db()
        assert action.due_date == date(2025, 2, 28)
        assert action.history.first().history_change_reason == "Decision date changed"
    by_hand.refresh_from_db()
    assert by_hand.due_date == date(2025, 5, 1)


def test_action_page_timeline_shows_reminders_and_history(client, owner, decision):
    action = _action(decision, owner=owner, due_date=date(2025, 5, 1))
    overdue_sweep(today=TODAY)
    client.force_login(owner)
    page = client.get(f"/actions/{action.pk}/").content.decode()
    assert "Reminder: overdue" in page
    assert ">Overdue</strong>" in page and "32 days overdue" in page


def test_owner_cannot_move_their_own_deadline(client, owner, decision):
    action = _action(decision, owner=owner)
    client.force_login(owner)
    assert client.get(f"/actions/{action.pk}/extend/").status_code == 403
    page = client.get(f"/actions/{action.pk}/").content.decode()
    assert "Ask the complaints team" in page
    assert f"/actions/{action.pk}/extend/" not in page


def test_a_finished_action_cannot_be_completed_or_extended_again(client, officer, decision):
    action = _action(decision, status="done", completed_on=date(2025, 3, 20))
    client.force_login(officer)
    for url in (f"/actions/{action.pk}/complete/", f"/actions/{action.pk}/extend/"):
        response = client.post(url, {**_seen(action), "completed_on": "2025-03-01", "note": "x",
                                     "new_due_date": "2025-04-30", "reason": "x"})  # fmt: skip
        assert response.status_code == 302
    action.refresh_from_db()
    assert (action.completed_on, action.extended_due_date) == (date(2025, 3, 20), None)
    assert "already done" in client.get(f"/actions/{action.pk}/").content.decode()


def test_service_area_lead_may_complete_an_action_in_their_area(client, decision):
    lead = UserFactory(username="lead2", role="Service managers")
    area = ServiceAreaFactory(directorate="Housing", service="Homelessness", lead=lead)
    action = _action(decision, service_area=area, owner=None)
    client.force_login(lead)
    response = client.post(
        f"/actions/{action.pk}/complete/",
        {**_seen(action), "completed_on": "2025-03-10", "note": "Done"},
    )
    assert response.status_code == 302


def test_managers_see_actions_but_may_not_change_them(client, decision):
    action = _action(decision)
    client.force_login(UserFactory(username="mgr3", role="Managers"))
    assert client.get(f"/actions/{action.pk}/").status_code == 200
    assert client.get(f"/actions/{action.pk}/complete/").status_code == 403
    assert client.get(f"/actions/{action.pk}/compliance/").status_code == 403
