"""Two people editing the same decision or action at once: the second save is refused
with what changed meanwhile, and nothing of either is lost (ombudsman/versioning.py)."""

from datetime import date
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from decisions.models import Decision
from remedies.models import AgreedAction, Evidence

from .factories import AgreedActionFactory, DecisionFactory, FindingFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class _FormFields(HTMLParser):
    """The values a browser would send back from the page's main form, unchanged."""

    def __init__(self, form_marker: str):
        super().__init__()
        self.marker = form_marker
        self.in_form = False
        self.fields: dict[str, list[str]] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.in_form = self.marker in (a.get("action") or "") or (
                a.get("method") == "post" and not a.get("action") and "logout" not in str(a)
            )
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.setdefault(name, []).append(a.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select].append(a.get("value") or "")
        elif tag == "textarea" and name:
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
            self.in_form = False


def _date_boxes(name: str, iso: str) -> dict:
    """A date as typed into the GOV.UK date input's three boxes."""
    day = date.fromisoformat(iso)
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def _form(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    parser = _FormFields(url)
    parser.feed(response.content.decode())
    data = {k: v if len(v) != 1 else v[0] for k, v in parser.fields.items()}
    # The edit page's textarea starts with a newline that browsers drop.
    return {k: v.lstrip("\n") if isinstance(v, str) else v for k, v in data.items()}


@pytest.fixture
def decision(db):
    decision = DecisionFactory(decision_date=date(2025, 2, 13), summary="The council delayed.")
    FindingFactory(decision=decision)
    AgreedActionFactory(decision=decision, due_date=date(2025, 3, 13))
    return decision


def _person(username, role):
    client = Client()
    user = UserFactory(username=username, role=role, first_name=username.title())
    client.force_login(user)
    return client, user


def test_the_second_of_two_decision_edits_is_refused_showing_the_first(decision):
    url = f"/decisions/{decision.pk}/edit/"
    ann, _ = _person("ann", "Complaints officers")
    ben, _ = _person("ben", "Complaints officers")
    anns_form, bens_form = _form(ann, url), _form(ben, url)
    assert anns_form["stamp"] and anns_form["loaded_at"]

    anns_form["decision-outcome"] = "not_upheld"
    assert ann.post(url, anns_form).status_code == 302

    bens_form["decision-summary"] = "The council delayed the assessment by six months."
    response = ben.post(url, bens_form)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this decision while you had it open" in page
    assert "your changes have not been saved" in page
    changes = page[page.index('id="changes-meanwhile"') :]
    assert "Upheld → Not upheld" in changes
    assert "by Ann" in changes
    # Ben's words are still in the form for him to save again.
    assert "The council delayed the assessment by six months." in page
    decision.refresh_from_db()
    assert decision.outcome == "not_upheld"
    assert decision.summary == "The council delayed."

    # Having seen Ann's change, Ben keeps it and saves his: both stand.
    again = _FormFields(url)
    again.feed(page)
    resubmit = {k: v if len(v) != 1 else v[0] for k, v in again.fields.items()}
    assert resubmit["stamp"] != bens_form["stamp"]
    resubmit["decision-outcome"] = "not_upheld"
    assert ben.post(url, resubmit).status_code == 302
    decision.refresh_from_db()
    assert decision.outcome == "not_upheld"
    assert decision.summary == "The council delayed the assessment by six months."


def test_an_action_changed_on_its_own_page_stops_a_stale_decision_edit(decision):
    action = decision.actions.get()
    url = f"/decisions/{decision.pk}/edit/"
    ann, _ = _person("ann", "Complaints officers")
    stale = _form(ann, url)
    # Meanwhile a colleague records an extension agreed with the Ombudsman.
    cal, _ = _person("cal", "Complaints officers")
    extension = _form(cal, f"/actions/{action.pk}/extend/")
    extension.update(_date_boxes("new_due_date", "2025-06-30"))
    extension.update(reason="Bank details awaited")
    assert cal.post(f"/actions/{action.pk}/extend/", extension).status_code == 302

    stale["actions-0-payee_label"] = "Mrs Y"
    response = ann.post(url, stale)
    assert response.status_code == 409
    changes = response.content.decode().split('id="changes-meanwhile"')[1]
    assert "Extended to</strong>: (empty) → 30 Jun 2025" in changes
    assert "by Cal" in changes
    action.refresh_from_db()
    assert action.extended_due_date == date(2025, 6, 30)
    assert action.payee_label != "Mrs Y"


def test_a_decision_edit_without_the_version_saves_nothing(decision):
    ann, _ = _person("ann", "Complaints officers")
    url = f"/decisions/{decision.pk}/edit/"
    form = _form(ann, url)
    form["decision-outcome"] = "not_upheld"
    for stamp in ("", "c1.d1", "garbage'; DROP TABLE decisions_decision; --"):
        form["stamp"] = stamp
        assert ann.post(url, form).status_code == 409
    assert Decision.objects.get(pk=decision.pk).outcome == decision.outcome


def test_the_second_completion_of_an_action_is_refused_and_saves_no_evidence(decision):
    action = decision.actions.get()
    url = f"/actions/{action.pk}/complete/"
    ann, ann_user = _person("ann", "Complaints officers")
    ben, _ = _person("ben", "Complaints officers")
    anns_form, bens_form = _form(ann, url), _form(ben, url)
    assert anns_form["version"] == str(action.version)

    anns_form.update(_date_boxes("completed_on", "2025-03-10"))
    anns_form.update(note="Apology sent.")
    anns_form["files"] = SimpleUploadedFile("apology.pdf", PDF, "application/pdf")
    assert ann.post(url, anns_form).status_code == 302

    bens_form.update(_date_boxes("completed_on", "2025-03-12"))
    bens_form.update(note="Payment made by BACS.")
    bens_form["files"] = SimpleUploadedFile("remittance.pdf", PDF, "application/pdf")
    response = ben.post(url, bens_form)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this action while you had it open" in page
    assert "Open → Done" in page and "by Ann" in page
    assert "Payment made by BACS." in page  # his note is kept on the page
    action.refresh_from_db()
    assert (action.status, action.completed_on, action.completion_note) == (
        "done",
        date(2025, 3, 10),
        "Apology sent.",
    )
    assert action.completed_by == ann_user
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["apology.pdf"]


def test_an_extension_recorded_meanwhile_refuses_a_stale_completion(decision):
    action = decision.actions.get()
    owner_client, _ = _person("owner", "Complaints officers")
    stale = _form(owner_client, f"/actions/{action.pk}/complete/")
    cal, _ = _person("cal", "Complaints officers")
    extension = _form(cal, f"/actions/{action.pk}/extend/")
    extension.update(_date_boxes("new_due_date", "2025-06-30"))
    extension.update(reason="Bank details awaited")
    assert cal.post(f"/actions/{action.pk}/extend/", extension).status_code == 302

    stale.update(_date_boxes("completed_on", "2025-06-02"))
    stale.update(note="Paid")
    response = owner_client.post(f"/actions/{action.pk}/complete/", stale)
    assert response.status_code == 409
    assert "30 June 2025" in response.content.decode()
    assert AgreedAction.objects.get(pk=action.pk).status == "open"
    # The refused page carries the new version: saving again completes it.
    again = _FormFields(f"/actions/{action.pk}/complete/")
    again.feed(response.content.decode())
    resubmit = {k: v[0] for k, v in again.fields.items() if v}
    assert owner_client.post(f"/actions/{action.pk}/complete/", resubmit).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.extended_due_date) == ("done", date(2025, 6, 30))
    assert action.completed_late is False
