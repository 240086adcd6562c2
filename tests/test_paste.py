"""Log a decision from its published text: paste or upload, a pre-filled form to check,
nothing saved until the officer saves, and clear messages for what is not a decision."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from decisions.demo.pdf import demo_pdf
from decisions.models import Category, Complaint, Organisation
from remedies.models import AgreedAction

from .factories import OrganisationFactory

URL = "/decisions/new/"

# A decision written for these tests in the Ombudsman's usual form, as copied from its
# web page with the page's furniture around it.
WEB_PAGE = """\
We use cookies to make this site work. Accept all cookies Reject cookies
Skip to main content
Home > Decisions

Westmere Borough Council (24 017 342b)

Category : Adult care services > Assessment and care plan

Decision : Upheld

Decision date : 10 Mar 2025

Back to top

The Ombudsman's final decision:

Summary: Mrs K complained that the Council and the Trust took eight months to assess her
father's needs after his discharge from hospital. We found fault causing injustice. The
Council and the Trust have agreed to apologise and to each pay Mrs K £300.

The complaint

Mrs K complained about Westmere Borough Council (the Council) and Riverside NHS Trust
(the Trust). She said they took eight months to assess her father's care needs.

Back to top

Agreed action

Within one month of the final decision the Council and the Trust should each write to
Mrs K to apologise for the delay.

Within two months of the final decision the Council and the Trust should each pay Mrs K
£300 for the distress and uncertainty caused (i.e. £600 in total).

Within three months of the final decision the Council should remind its hospital
discharge team of the time limits for assessments.

Final decision

I have completed my investigation. There was fault by the Council and the Trust which
caused injustice to Mrs K.

Investigator's decision on behalf of the Ombudsman

Back to top
"""


# A PDF page with no text on it, as a scanner makes (here: an empty content stream).
def _image_only_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


IMAGE_ONLY_PDF = _image_only_pdf()


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2025, 6, 11), tick=False):
        yield


@pytest.fixture
def council(db):
    return OrganisationFactory(name="Westmere Borough Council", short_name="the Council")


def _pasted(client, post):
    """Paste (or upload) a decision; the check page it lands on."""
    response = client.post(URL, post)
    assert response.status_code == 302, response.context["paste_form"].errors
    assert response["Location"].endswith("/check/")
    check = client.get(response["Location"])
    assert check.status_code == 200
    return check


def test_pasting_a_web_page_fills_the_form_and_saves_nothing(officer_client, council):
    response = _pasted(officer_client, {"text": WEB_PAGE})
    bundle = response.context["bundle"]
    complaint, decision = bundle.complaint_form, bundle.decision_form
    assert complaint["reference"].value() == "24 017 342b"
    assert complaint["complainant_label"].value() == "Mrs K"
    assert complaint["organisations"].value() == [str(council.pk)]
    assert complaint["new_organisations"].value() == "Riverside NHS Trust"
    assert decision["decision_date"].value() == "2025-03-10"
    assert decision["outcome"].value() == "upheld"
    assert "eight months" in decision["summary"].value()
    assert decision["full_text"].value().startswith("We use cookies")

    found = [(a.kind, a.organisation, a.amount, a.due) for a in response.context["actions"]]
    # "each pay Mrs K £300" of two bodies is two payments; "£600 in total" is not a third.
    assert [f for f in found if f[0] == "Financial remedy"] == [
        ("Financial remedy", "Westmere Borough Council", 300, date(2025, 5, 10)),
        ("Financial remedy", "Riverside NHS Trust", 300, date(2025, 5, 10)),
    ]
    assert response.context["notes"]["total_money"] == "600.00"
    page = response.content.decode()
    assert "Read from the decision" in page and "10 May 2025" in page
    assert "Save decision" in page  # saved from the check page, nothing before
    assert not Complaint.objects.exists()


def test_saving_the_filled_form_records_the_decision_and_the_new_organisation(
    officer_client, council
):
    check = _pasted(officer_client, {"text": WEB_PAGE})
    response = officer_client.post(check.request["PATH_INFO"])
    assert response.status_code == 302, response.context["problems"]
    complaint = Complaint.objects.get(reference="24 017 342b")
    trust = Organisation.objects.get(name="Riverside NHS Trust")
    assert trust.kind == Organisation.Kind.NHS_TRUST
    assert set(complaint.organisations.all()) == {council, trust}
    decision = complaint.decisions.get()
    assert decision.full_text.startswith("We use cookies")
    council_payment = AgreedAction.objects.get(
        decision=decision, kind="financial", organisation=council
    )
    assert council_payment.due_date == date(2025, 5, 10)
    assert council_payment.deadline_phrase == "Within two months of the final decision"
    # The Trust's own apology and payment are the Trust's, not the Council's.
    assert AgreedAction.objects.filter(decision=decision, organisation=trust).count() == 2
    assert decision.actions.count() == 5


def test_an_uploaded_html_or_pdf_decision_fills_the_form_too(officer_client, council):
    html = (
        "<html><body><nav>Menu</nav><main>"
        + "".join(f"<p>{line}</p>" for line in WEB_PAGE.split("\n\n"))
        + "<script>track()</script></main></body></html>"
    )
    response = _pasted(officer_client, {"file": SimpleUploadedFile("d.html", html.encode())})
    assert response.context["bundle"].complaint_form["reference"].value() == "24 017 342b"

    lines = [line for line in WEB_PAGE.splitlines() if line.strip()]
    pdf = demo_pdf("Decision", lines)
    response = _pasted(officer_client, {"file": SimpleUploadedFile("d.pdf", pdf)})
    assert response.context["bundle"].complaint_form["reference"].value() == "24 017 342b"


def test_what_the_text_does_not_say_is_left_empty_and_marked(officer_client, council):
    text = WEB_PAGE.replace("Decision date : 10 Mar 2025\n", "").replace(
        "Adult care services > Assessment and care plan\n", ""
    )
    response = _pasted(officer_client, {"text": text})
    missing = response.context["notes"]["missing"]
    assert "Decision date" in missing and "Category" in missing
    assert response.context["bundle"].decision_form["decision_date"].value() in (None, "")
    page = response.content.decode()
    assert "Not found in the text, to fill in yourself:" in page
    assert '?next=check#id_decision-decision_date-day">Decision date</a>' in page
    # Saving is not possible until the date is given, and the page says where.
    assert "Enter the date of the Ombudsman&#x27;s decision." in page
    assert "To complete before saving" in page


@pytest.mark.parametrize(
    "post, message",
    [
        ({"text": ""}, "Paste the text of a decision, or choose a file."),
        (
            {"text": "Minutes of the parish council. Apologies were received from Mr X."},
            "",  # the parser's own explanation
        ),
        ({"file": SimpleUploadedFile("d.docx", b"PK\x03\x04")}, "Upload the decision as a .txt"),
        ({"file": SimpleUploadedFile("d.pdf", b"not a pdf")}, "is not a PDF"),
        ({"file": SimpleUploadedFile("scan.pdf", IMAGE_ONLY_PDF)}, "holds no text"),
        ({"file": SimpleUploadedFile("empty.txt", b"")}, "The file is empty."),
    ],
)  # fmt: skip
def test_text_that_is_not_a_decision_gets_a_clear_message(officer_client, council, post, message):
    response = officer_client.post(URL, post)
    assert response.status_code == 400
    errors = [e for errors in response.context["paste_form"].errors.values() for e in errors]
    assert errors and all(len(e) > 15 for e in errors)
    assert not message or any(message in e for e in errors), errors
    assert "nothing has been filled in" in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_annual_letter_is_refused_as_not_a_decision(officer_client, council):
    letter = (
        "Annual Review letter 2023-24\n\nI write to you with your annual summary of "
        "complaint statistics from the Local Government and Social Care Ombudsman for the "
        "year ending 31 March 2024.\n\nComplaints upheld\n\n70% of complaints we "
        "investigated were upheld.\n"
    )
    response = officer_client.post(URL, {"text": letter})
    assert response.status_code == 400
    (error,) = response.context["paste_form"].errors["text"]
    assert "annual review letter" in error.lower()


def test_only_those_who_log_decisions_may_use_it(client, manager):
    client.force_login(manager)
    assert client.post(URL, {"text": WEB_PAGE}).status_code == 403


DOMAIN = Path(__file__).resolve().parent.parent.parent / "shared" / "domain"


@pytest.mark.skipif(not DOMAIN.is_dir(), reason="../shared/domain is not beside the project")
@pytest.mark.parametrize(
    "name, expected",
    [
        ("decision-24-005-859a.txt", {
            "reference": "24 005 859a", "complainant_label": "Mr X",
            "decision_date": "2025-02-13", "outcome": "upheld", "kind": "statement",
            "category": "Health > Mental health services", "money": 1200, "payments": 6,
            "done": 0,
        }),
        ("decision-22-003-603.txt", {
            "reference": "22 003 603", "complainant_label": "Ms D",
            "decision_date": None, "outcome": None, "kind": "statement",  # not printed
            # Every remedy already given: offered as actions marked done, the £100 too.
            "category": None, "money": 100, "payments": 0, "done": 5,
        }),
        ("public-interest-report-22-010-218.txt", {
            "reference": "22 010 218", "complainant_label": None,
            "decision_date": "2023-07-28", "outcome": "upheld", "kind": "report",
            "category": None, "money": None, "payments": 0, "done": 0,
        }),
    ],
)  # fmt: skip
def test_the_domain_decisions_fill_the_form(officer_client, db, name, expected):
    OrganisationFactory(name="Cambridgeshire County Council", short_name="the Council")
    OrganisationFactory(name="Cambridgeshire and Peterborough NHS Foundation Trust")
    OrganisationFactory(name="NHS Cambridgeshire and Peterborough Integrated Care Board")
    OrganisationFactory(name="Peterborough City Council", short_name="the Council")
    OrganisationFactory(name="Change Grow Live (CGL)", short_name="CGL", kind="provider")
    response = _pasted(officer_client, {"text": (DOMAIN / name).read_text()})
    bundle, notes = response.context["bundle"], response.context["notes"]
    complaint, decision = bundle.complaint_form, bundle.decision_form
    assert complaint["reference"].value() == expected["reference"]
    assert (complaint["complainant_label"].value() or None) == expected["complainant_label"]
    assert (decision["decision_date"].value() or None) == expected["decision_date"]
    assert (decision["outcome"].value() or None) == expected["outcome"]
    assert decision["kind"].value() == expected["kind"]
    category = complaint["category"].value()
    assert (str(Category.objects.get(pk=category)) if category else None) == expected["category"]
    money = notes["total_money"]
    assert (Decimal(money) if money else None) == expected["money"]
    actions = response.context["actions"]
    payments = [a for a in actions if a.kind == "Financial remedy" and a.status != "Done"]
    assert len(payments) == expected["payments"]
    assert len([a for a in actions if a.status == "Done"]) == expected["done"]
    assert complaint["organisations"].value()  # matched to the records
    assert not notes["new_organisations"]


@pytest.mark.skipif(not DOMAIN.is_dir(), reason="../shared/domain is not beside the project")
@pytest.mark.parametrize(
    "name", ["annual-review-letter-2023-24.txt", "committee-report-upheld-2018-19.txt"]
)
def test_the_domain_documents_that_are_not_decisions_are_refused(officer_client, db, name):
    response = officer_client.post(URL, {"text": (DOMAIN / name).read_text()})
    assert response.status_code == 400
    assert "not" in response.context["paste_form"].errors["text"][0]


# A decision that relies on a remedy the Council had already given, and asks for one whose
# deadline counts from a meeting whose date the decision does not give.
DONE_AND_ON_EVENT = """\
Westmere Borough Council (24 017 355)

Category : Adult care services > Assessment and care plan

Decision : Upheld

Decision date : 10 Mar 2025

The Ombudsman's final decision:

Summary: Mrs K complained the Council lost her father's care records. We found fault \
causing injustice. The Council has already apologised to Mrs K.

The complaint

Mrs K complains the Council lost her father's care records for six weeks.

Agreed action

No later than one month after its cabinet's consideration of this decision, the Council \
should review how its care teams keep records.

Final decision

There was fault causing injustice.
"""


def test_a_remedy_already_given_arrives_done_and_an_event_deadline_is_flagged(
    officer_client, council
):
    check = _pasted(officer_client, {"text": DONE_AND_ON_EVENT})
    lines = {line.kind: line for line in check.context["actions"]}
    assert set(lines) == {"Apology", "Service improvement"}

    apology = lines["Apology"]
    assert apology.status == "Done" and apology.payee == "Mrs K"
    data = check.context["bundle"].actions.forms[apology.number - 1]
    assert data["status"].value() == "done"
    assert data["completed_on"].value() == "2025-03-10"  # done by the decision, at the latest
    page = check.content.decode()
    assert "marked done (change an action back to open if it was not)" in page

    review = lines["Service improvement"]
    assert review.deadline_phrase == (
        "No later than one month after its cabinet's consideration of this decision"
    )
    assert review.due is None and review.due_on_event
    assert not apology.due_on_event
    assert f'id="action-{review.number}-on-event"' in page
    assert "Depends on an event" in page

    # The action's own page says why there is no date, and the done one shows its status.
    draft = check.context["draft"]
    review_page = officer_client.get(f"/decisions/drafts/{draft.pk}/actions/{review.number}/")
    assert "This deadline depends on an event" in review_page.content.decode()
    apology_page = officer_client.get(f"/decisions/drafts/{draft.pk}/actions/{apology.number}/")
    assert "This deadline depends on an event" not in apology_page.content.decode()
    assert apology_page.context["form"]["status"].value() == "done"

    # Saved as read: the apology done on the decision's date, the review open and undated.
    response = officer_client.post(check.request["PATH_INFO"])
    assert response.status_code == 302, response.context["problems"]
    saved = {a.kind: a for a in AgreedAction.objects.all()}
    assert saved["apology"].status == "done"
    assert saved["apology"].completed_on == date(2025, 3, 10)
    assert saved["service_improvement"].status == "open"
    assert saved["service_improvement"].due_date is None


def test_the_officer_can_untick_a_remedy_offered_as_done(officer_client, council):
    check = _pasted(officer_client, {"text": DONE_AND_ON_EVENT})
    draft = check.context["draft"]
    apology = next(line for line in check.context["actions"] if line.kind == "Apology")
    prefix = f"actions-{apology.number - 1}-"
    page = officer_client.get(f"/decisions/drafts/{draft.pk}/actions/{apology.number}/")
    form = page.context["form"]
    post = {
        name: value
        for name in ("kind", "description", "organisation", "payee_label")
        if (value := form[name].value()) not in (None, "")
    }
    post = {prefix + name: value for name, value in post.items()}
    post.update({prefix + "status": "open", prefix + "completed_on": ""})

    response = officer_client.post(f"/decisions/drafts/{draft.pk}/actions/{apology.number}/", post)
    assert response.status_code == 302
    check = officer_client.get(check.request["PATH_INFO"])
    apology = next(line for line in check.context["actions"] if line.kind == "Apology")
    assert apology.status == "Open"
