from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import example, given
from hypothesis import strategies as st

from decisions.models import Enquiry
from remedies.deadlines import add_working_days
from remedies.models import AgreedAction, Extension

from .kit import (
    IMG,
    INPUTS_TRIED,
    NUL,
    PDF,
    SCRIPT,
    PageForm,
    _filled,
    _fuzzable,
    as_date,
    as_text,
    examples,
    get_form,
    media_files,
    named,
    new_rows,
    page_form,
    post_simple,
    rolled_back,
    row_counts,
    signed_in,
    slots,
    spoil,
    unicode_text,
    upload_bytes,
)

pytestmark = pytest.mark.django_db

# --- Simple forms: enquiries, completing an action, extensions, compliance -------------------


def _enquiry_saved(enquiry) -> dict:
    return {
        "kind": (enquiry.kind, str),
        "sent_on": (enquiry.sent_on, as_date),
        "answered_on": (enquiry.answered_on, as_date),
        "notes": (enquiry.notes, as_text),
        "due_on": (enquiry.due_on, lambda sent: _due_on_as_saved(sent, enquiry.sent_on)),
    }


def _due_on_as_saved(sent: str, sent_on: date) -> date:
    """The due date sent, or when left empty the usual period from the date sent."""
    return as_date(sent) or add_working_days(sent_on, django_settings.ENQUIRY_DEFAULT_WORKING_DAYS)


NEW_ENQUIRY = "/complaints/24-005-859a/enquiries/new/"


@pytest.fixture
def new_enquiry_form(officer, decision) -> PageForm:
    form = get_form(officer, NEW_ENQUIRY, "sent_on")
    return _filled(form, {"kind": "initial", "sent_on": "2025-05-01"})


@examples(30)
@given(picks=slots)
@named("notes", date_field="sent_on", choice_field="kind")
def test_recording_an_enquiry_refuses_or_saves_hostile_input(officer, new_enquiry_form, picks):
    INPUTS_TRIED["record an enquiry"] += 1
    form = new_enquiry_form
    spoilt = spoil(form, _fuzzable(form), picks)
    with rolled_back():
        client = signed_in(officer)
        before = row_counts()
        known = set(Enquiry.objects.values_list("pk", flat=True))

        def saved():
            (enquiry,) = new_rows(Enquiry, known)
            return _enquiry_saved(enquiry)

        post_simple(client, NEW_ENQUIRY, form, spoilt, before, saved)


@examples(25)
@given(picks=slots)
@named("notes", date_field="answered_on", choice_field="kind")
def test_changing_an_enquiry_refuses_or_saves_hostile_input(officer, decision, picks):
    INPUTS_TRIED["change an enquiry"] += 1
    enquiry = decision.complaint.enquiries.get()
    url = f"/enquiries/{enquiry.pk}/edit/"
    with rolled_back():
        client = signed_in(officer)
        form = page_form(client.get(url).content.decode(), "sent_on")
        spoilt = spoil(form, _fuzzable(form), picks)
        before = row_counts()
        post_simple(
            client,
            url,
            form,
            spoilt,
            before,
            lambda: _enquiry_saved(Enquiry.objects.get(pk=enquiry.pk)),
        )


EVIDENCE_LIMIT = 64 * 1024
upload_names = st.one_of(
    st.sampled_from(
        [
            "evidence.pdf",
            "letter.docx",
            "photo.jpg",
            "e-mail.eml",
            "data.csv",
            "noextension",
            "../../etc/passwd.pdf",
            f"{SCRIPT}.pdf",
            f"{IMG}.pdf",
            "x" * 300 + ".pdf",
            "évidence ✓.PDF",
            f"a{NUL}b.pdf",
            "'; DROP TABLE remedies_evidence; --.pdf",
        ]
    ),
    unicode_text.map(lambda name: name + ".pdf"),
)
uploads = st.lists(st.tuples(upload_names, upload_bytes), max_size=3)
NAMED_UPLOADS = [
    [("empty.pdf", b"")],
    [("random.pdf", bytes(range(256)) * 4)],
    [("random.csv", bytes(range(255, -1, -1)) * 4)],
    [("windows.txt", "Café £5".encode("cp1252"))],
    [("oversized.pdf", PDF + b"0" * EVIDENCE_LIMIT)],
    [(f"{SCRIPT}.pdf", PDF)],
    [("ok.pdf", PDF), ("empty.pdf", b"")],
]


def _files(pairs) -> list:
    return [SimpleUploadedFile(name, content) for name, content in pairs]


@pytest.fixture
def _small_evidence_limit(settings):
    # An oversized file without uploading 20 MB: the limit is read when a file is checked.
    settings.EVIDENCE_MAX_BYTES = EVIDENCE_LIMIT


@examples(40)
@given(picks=slots, files=uploads)
@named("note", date_field="completed_on", files=[])
@example(picks={"note": "Apology sent."}, files=[])
def test_completing_an_action_refuses_or_saves_hostile_input(
    officer, action, settings, _small_evidence_limit, picks, files
):
    INPUTS_TRIED["complete an action"] += 1
    url = f"/actions/{action.pk}/complete/"
    with rolled_back():
        client = signed_in(officer)
        form = _filled(page_form(client.get(url).content.decode(), "note"), {"note": "Sent."})
        spoilt = spoil(form, _fuzzable(form), picks)
        before, stored = row_counts(), media_files(settings)

        def saved():
            done = AgreedAction.objects.get(pk=action.pk)
            assert done.status == AgreedAction.Status.DONE
            assert done.evidence.count() == len(files)
            assert len(media_files(settings)) == len(stored) + len(files)
            return {
                "note": (done.completion_note, as_text),
                "completed_on": (done.completed_on, as_date),
                "evidence_sent_on": (done.evidence_sent_on, as_date),
            }

        if post_simple(client, url, form, spoilt, before, saved, files=_files(files)) is None:
            assert media_files(settings) == stored, "A refused form left files behind."


for _case in NAMED_UPLOADS:
    test_completing_an_action_refuses_or_saves_hostile_input = example(
        picks={"note": "Apology sent."}, files=_case
    )(test_completing_an_action_refuses_or_saves_hostile_input)


@examples(30)
@given(picks=slots)
@named("reason", date_field="new_due_date")
def test_an_extension_refuses_or_saves_hostile_input(officer, action, picks):
    INPUTS_TRIED["extend an action"] += 1
    url = f"/actions/{action.pk}/extend/"
    with rolled_back():
        client = signed_in(officer)
        form = page_form(client.get(url).content.decode(), "reason")
        form = _filled(form, {"new_due_date": "2025-07-31", "reason": "Agreed by e-mail."})
        spoilt = spoil(form, _fuzzable(form), picks)
        before = row_counts()
        known = set(Extension.objects.values_list("pk", flat=True))

        def saved():
            (extension,) = new_rows(Extension, known)
            assert extension.action.extended_due_date == extension.new_due_date
            return {
                "new_due_date": (extension.new_due_date, as_date),
                "reason": (extension.reason, as_text),
            }

        post_simple(client, url, form, spoilt, before, saved)


@examples(30)
@given(picks=slots)
@named("compliance_outcome", date_field="evidence_sent_on")
def test_a_compliance_outcome_refuses_or_saves_hostile_input(officer, action, picks):
    INPUTS_TRIED["compliance outcome"] += 1
    url = f"/actions/{action.pk}/compliance/"
    with rolled_back():
        client = signed_in(officer)
        form = page_form(client.get(url).content.decode(), "compliance_outcome")
        spoilt = spoil(form, _fuzzable(form), picks)
        before = row_counts()

        def saved():
            recorded = AgreedAction.objects.get(pk=action.pk)
            return {
                "evidence_sent_on": (recorded.evidence_sent_on, as_date),
                "compliance_outcome": (recorded.compliance_outcome, str),
            }

        post_simple(client, url, form, spoilt, before, saved)
