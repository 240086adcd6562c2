"""Hostile input: random and malicious values in every form, filter and the decision parser.

Hypothesis feeds each page very long strings, arbitrary unicode (NUL included: PostgreSQL
refuses it in text), HTML and script, SQL fragments, malformed dates and amounts, and odd
uploads. Whatever arrives, the page never fails (no exception, never a 500); input it
refuses is shown again with the GOV.UK error summary and an error next to the field, and
nothing is saved (every table of the two apps, their history tables included, counted
before and after); input that happens to be valid is saved exactly as sent and shown
escaped. The parser either reads a text or refuses it with ``NotADecision``.

Each POST is built from the form as the page renders it (its inputs, selects and
textareas, hidden ones included), then one or several fields are replaced, as a browser
would send them. Every example runs in its own savepoint, rolled back afterwards, so the
examples of one test start from the same records.

The examples tried are counted by form and printed at the end of the run ("hostile
inputs tried: N", see ``pytest_terminal_summary`` in conftest.py). The named hostile cases
are ``@example``s, so every run tries them; the rest is explored afresh on each run, except
where HYPOTHESIS_DERANDOMIZE is set (CI), which makes every run try the same examples.
"""

import csv
import io
import os
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import time_machine
from axes.utils import reset as axes_reset
from django import forms
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from decisions.imports import NAMES
from decisions.models import CommitteeReport, Decision, Enquiry, Organisation
from decisions.parsing import NotADecision, html_to_text, parse_decision
from decisions.references import normalise_reference
from ombudsman.forms import PoundsField
from remedies.deadlines import add_working_days
from remedies.models import AgreedAction, Extension

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    FindingFactory,
    OrganisationFactory,
    ServiceAreaFactory,
)
from .test_paste import WEB_PAGE

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 2)
PASSWORD = "correct horse battery staple"

# Generated inputs tried, by form; printed by conftest.pytest_terminal_summary.
INPUTS_TRIED: Counter = Counter()

settings.register_profile(
    "hostile-input",
    deadline=None,  # a page with a 10,000-character field takes what it takes
    # Function-scoped fixtures are shared by the examples on purpose: each example runs
    # in a savepoint that is rolled back, so they all start from the fixtures' records.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
    # Nothing written into the working tree; a failure prints its reproducing example.
    database=None,
    # CI sets HYPOTHESIS_DERANDOMIZE (.ci/run): the same examples on every run, so whether
    # main lands does not depend on luck. Elsewhere each run explores afresh.
    derandomize=bool(os.environ.get("HYPOTHESIS_DERANDOMIZE")),
    print_blob=True,
)
PROFILE = settings.get_profile("hostile-input")


def examples(n: int):
    return settings(PROFILE, max_examples=n)


# --- Hostile values ------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# Markup that must never reach a page unescaped.
MARKUP = [
    SCRIPT,
    IMG,
    "<svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "'><iframe src=javascript:alert(1)>",
]
SQL = [
    "'; DROP TABLE decisions_decision; --",
    "1 OR 1=1",
    "' OR '1'='1",
    "1); SELECT pg_sleep(10); --",
    "%' OR 1=1 --",
]
NUL = "\x00"
LONG = "x" * 10_001
ODD_TEXT = [
    NUL,
    f"Mr X{NUL}",
    LONG,
    "",
    "   ",
    "\u202eevil\u202c",  # right-to-left override
    "\ufeffBOM",
    "Z\u0351\u0334a\u0338l\u0337g\u0336o",  # combining marks
    "👩‍⚖️ £€ ﷺ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "{{ 7|add:7 }}{% now 'Y' %}",  # template syntax is text, never evaluated
    "javascript:alert(1)",
    "\r\n\r\n\t",
    '=HYPERLINK("http://example.invalid")',
]
ALL_TEXT = MARKUP + SQL + ODD_TEXT
MALFORMED_DATES = [
    "31/2/2023",
    "2023-02-31",
    "31 2 2023",
    "0",
    "-1",
    "99999",
    "abc",
    "",
    "0000-00-00",
    "2023-13-01",
    "2023-00-10",
    "10000-01-01",
    "-2023-01-01",
    "９９９９-01-01",
    f"2023-02-28{NUL}",
    "0001-01-01",
    "9999-12-31",
    "31/12/9999",
    "1/1/1",
    "2023-02-29",
    "2024-02-29",
    "29/02/2023",
    " 2025-01-01 ",
    "2025-1-1",
    "13/02/2025; DROP TABLE decisions_decision",
    "1e400",
]
MALFORMED_AMOUNTS = [
    "£1,000.005",
    "-50",
    "1e400",
    "NaN",
    "Infinity",
    "-Infinity",
    "sNaN",
    "９９",
    "1_000",
    "1e-400",
    "0e999999999",
    "£",
    ",",
    ".",
    "1.2.3",
    "100000000",
    "99999999.99",
    "0.001",
    "£-0",
    "200p",
    " £ 1,2,0,0 ",
    "0x10",
    "١٢٣",
    "1e5",
    "−50",
]

# Always tried (as @examples): the cases the issue names, and those that found bugs.
NAMED_TEXT = [SCRIPT, IMG, SQL[0], SQL[1], NUL, LONG, ODD_TEXT[8] + ODD_TEXT[5] + ODD_TEXT[7]]
NAMED_DATES = [
    "31/2/2023",
    "2023-02-31",
    "0",
    "-1",
    "99999",
    "abc",
    "",
    "0001-01-01",
    "9999-12-31",
    f"2023-02-28{NUL}",
]
NAMED_AMOUNTS = ["£1,000.005", "-50", "1e400", "NaN", "Infinity", "sNaN", "９９", "1_000"]
NAMED_CHOICES = [NUL, SQL[0], SQL[1], "99999999999999999999"]

unicode_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
long_text = st.builds(
    lambda unit, size: (unit * (size // len(unit) + 1))[:size],
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=8),
    st.integers(10_000, 12_000),
)


def _around(pieces):
    return st.builds(
        lambda a, piece, b: a + piece + b, unicode_text, st.sampled_from(pieces), unicode_text
    )


hostile_text = st.one_of(
    st.sampled_from(ALL_TEXT),
    unicode_text,
    long_text,
    _around(MARKUP),
    _around(SQL),
    _around([NUL]),
)
_parts = st.one_of(
    st.sampled_from(["31", "2", "2023", "0", "-1", "99999", "abc", "", "00", "１２"]),
    st.integers(-10, 100_000).map(str),
)
malformed_date = st.one_of(
    st.sampled_from(MALFORMED_DATES),
    st.dates().map(date.isoformat),
    st.dates().map(lambda d: f"{d.day:02d}/{d.month:02d}/{d.year:04d}"),
    st.builds(lambda d, m, y: f"{y}-{m}-{d}", _parts, _parts, _parts),
    st.builds(lambda d, m, y: f"{d}/{m}/{y}", _parts, _parts, _parts),
    hostile_text,
)
malformed_amount = st.one_of(
    st.sampled_from(MALFORMED_AMOUNTS),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
    st.integers(-(10**20), 10**20).map(str),
    st.from_regex(r"\A£? ?-?[0-9,]{0,12}(\.[0-9]{0,4})?\Z"),
    hostile_text,
)
number_text = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["0", "-1", "99999999999999999999", "1.5", "1e3", "０", " 1 "]),
)


# --- Forms as the page renders them ------------------------------------------------------


@dataclass
class PageForm:
    """One <form> of a page: what a browser would send, and what each field is."""

    action: str
    method: str
    fields: list = field(default_factory=list)  # (name, value) in page order
    kinds: dict = field(default_factory=dict)  # name: text, textarea, date, hidden, ...
    options: dict = field(default_factory=dict)  # name: the values a choice offers

    def names(self) -> list[str]:
        return list(self.kinds)

    def data(self, overrides: dict | None = None) -> dict:
        """The fields as posted, with ``overrides`` replacing (None: removing) fields."""
        data: dict[str, list] = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        for name, value in (overrides or {}).items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value if isinstance(value, list) else [value]
        return data


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = PageForm(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or ("disabled" in a and tag in ("input", "select", "textarea")):
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            form.kinds.setdefault(name, kind)
            if kind in ("checkbox", "radio"):
                form.options.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind != "file":
                form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            form.kinds.setdefault(name, "select")
            self._select = {"name": name, "multiple": "multiple" in a, "chosen": []}
            form.options.setdefault(name, [])
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            form.options[self._select["name"]].append(value)
            if "selected" in a:
                self._select["chosen"].append(value)
        elif tag == "textarea" and name:
            form.kinds.setdefault(name, "textarea")
            self._textarea = {"name": name, "text": []}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"].append(data)

    def handle_endtag(self, tag):
        form = self._form
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and form is not None:
            name, chosen = self._select["name"], self._select["chosen"]
            if not chosen and not self._select["multiple"] and form.options[name]:
                chosen = form.options[name][:1]  # a browser sends the first option
            form.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and form is not None:
            text = "".join(self._textarea["text"])
            # The HTML parser keeps the newline right after <textarea>; browsers drop it.
            text = text[2:] if text.startswith("\r\n") else text[1:] if text[:1] == "\n" else text
            form.fields.append((self._textarea["name"], text))
            self._textarea = None


def page_form(html: str, having: str) -> PageForm:
    """The form of the page that has a field called ``having``."""
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        if having in form.kinds:
            return form
    raise AssertionError(f"No form with a field {having!r} on the page.")


@dataclass(frozen=True)
class Slot:
    """One field to spoil: which (by position among the fields, modulo their number) and a
    value of each sort; the field's kind decides which value is sent."""

    index: int
    text: str
    date: str
    amount: str
    choice: object  # a string, or an int: the n-th real option


slots = st.lists(
    st.builds(
        Slot,
        st.integers(0, 10_000),
        hostile_text,
        malformed_date,
        malformed_amount,
        st.one_of(st.integers(0, 1_000), hostile_text, number_text),
    ),
    min_size=1,
    max_size=3,
)


def spoil(form: PageForm, names: list[str], picks) -> dict:
    """The fields to replace, with their hostile values: ``picks`` is a list of Slots from
    the strategy, or a dict of field names and values from an @example."""
    if isinstance(picks, dict):
        missing = [name for name in picks if name not in form.kinds]
        assert not missing, f"Not on the page: {missing}"
        return dict(picks)
    spoilt = {}
    for slot in picks:
        name = names[slot.index % len(names)]
        kind = form.kinds[name]
        options = form.options.get(name) or [""]
        if kind == "date":
            value = slot.date
        elif name.endswith("amount"):
            value = slot.amount
        elif kind in ("select", "radio", "checkbox"):
            choice = slot.choice
            value = choice if isinstance(choice, str) else options[choice % len(options)]
        elif kind == "hidden":
            value = slot.choice if isinstance(slot.choice, str) else slot.text
        else:
            value = slot.text
        spoilt[name] = value
    return spoilt


# --- What must hold of every response ------------------------------------------------------


def _tables() -> list[str]:
    """Every table of the domain apps (history and many-to-many tables included), and users."""
    models = [apps.get_model("auth", "User")]
    for label in ("decisions", "remedies"):
        models += apps.get_app_config(label).get_models(include_auto_created=True)
    return sorted({m._meta.db_table for m in models})


def row_counts() -> dict[str, int]:
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT '{table}', COUNT(*) FROM {quote(table)}"  # noqa: S608 - our own table names
        for table in _tables()
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def changed_tables(before: dict[str, int]) -> dict:
    after = row_counts()
    return {t: (before[t], after[t]) for t in before if before[t] != after[t]}


@contextmanager
def rolled_back():
    """One example in a savepoint that is undone afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


RAW_MARKUP = re.compile(
    r"<script>alert|<img src=x onerror|<svg onload|<iframe src=javascript", re.IGNORECASE
)


def assert_escaped(html: str) -> None:
    found = RAW_MARKUP.search(html)
    assert found is None, (
        f"Unescaped markup in the page: {html[found.start() - 80 : found.end() + 80]!r}"
    )


class _ErrorReader(HTMLParser):
    """What the error checks need of a page: each element's tag and type by id, the links
    of the GOV.UK error summary, and the ids of the error messages. One linear pass: a
    regular expression over a page holding a 10,000-character value can take minutes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, tuple[str, str]] = {}  # id: (tag, type)
        self.summary_links: list[str] = []
        self.messages: set[str] = set()  # ids of the GOV.UK error messages
        self._summary_depth = 0  # > 0 while inside the error summary's <div>

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        classes = a.get("class", "").split()
        if "id" in a:
            self.tags.setdefault(a["id"], (tag, a.get("type", "").lower()))
            if "govuk-error-message" in classes:
                self.messages.add(a["id"])
        if tag == "div" and (self._summary_depth or "govuk-error-summary" in classes):
            self._summary_depth += 1
        if self._summary_depth and tag == "a" and a.get("href", "").startswith("#"):
            self.summary_links.append(a["href"][1:])

    def handle_endtag(self, tag):
        if tag == "div" and self._summary_depth:
            self._summary_depth -= 1


def assert_error_shown(html: str) -> None:
    """The GOV.UK error summary, and for each of its links to a field that is shown, that
    field's own error message."""
    assert "govuk-error-summary" in html, "No error summary on a refused form."
    page = _ErrorReader()
    page.feed(html)
    page.close()
    for anchor in page.summary_links:
        assert anchor in page.tags, (
            f"The error summary links to #{anchor}, which is not on the page."
        )
        tag, kind = page.tags[anchor]
        if tag not in ("input", "select", "textarea") or kind == "hidden":
            continue  # a row's heading or a hidden field: the summary says it
        # A group of checkboxes or radios is linked by its first box, "<name>_0".
        base = (
            anchor[:-2]
            if anchor.endswith("_0") and f"{anchor[:-2]}-error" in page.messages
            else anchor
        )
        assert f"{base}-error" in page.messages, f"No error message next to #{anchor}."


def follow(client, response) -> str:
    """The page a successful form leads to: it must show, escaped."""
    page = client.get(response["Location"], follow=True)
    assert page.status_code == 200, page.status_code
    html = page.content.decode()
    assert_escaped(html)
    return html


# The hidden fields that carry the version a page showed (ombudsman/versioning.py).
VERSION_FIELDS = {"version", "stamp"}


def check_refused(response, before: dict, spoilt: dict) -> str:
    """A refused form: shown again with its errors, nothing saved. A version that is not
    the record's (only when the hidden version field itself was altered) is refused as an
    edit conflict (409), whose summary says that nothing was saved."""
    assert response.status_code in (200, 400, 409), response.status_code
    html = response.content.decode()
    if response.status_code == 409:
        assert VERSION_FIELDS & set(spoilt), f"409 with the version untouched: {spoilt}"
        assert "your changes have not been saved" in html
    assert_escaped(html)
    assert_error_shown(html)
    assert not changed_tables(before), f"Refused, yet saved: {changed_tables(before)}"
    return html


def new_rows(model, before_ids: set) -> list:
    return list(model.objects.exclude(pk__in=before_ids).order_by("pk"))


# What the forms make of a value, to compare with what was saved.
_DATE = forms.DateField(required=False)
_POUNDS = PoundsField(required=False)


def as_date(value: str) -> date | None:
    return _DATE.clean(value)


def as_pounds(value: str) -> Decimal | None:
    return _POUNDS.clean(value)


def as_text(value: str) -> str:
    return value.strip()


def assert_saved_as_sent(overrides: dict, saved: dict) -> None:
    """Each field sent that the record keeps holds what the form made of the value sent.
    ``saved`` maps a field name to (the stored value, how the form reads the value sent)."""
    for name, value in overrides.items():
        if name not in saved or isinstance(value, list):
            continue
        stored, read = saved[name]
        assert stored == read(value), f"{name}: sent {value!r}, saved {stored!r}"


# --- The records the pages work on -------------------------------------------------------------


@pytest.fixture(autouse=True)
def _today_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(TODAY, tick=False):
        yield


def media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def council(db):
    return OrganisationFactory(
        name="Westmere Borough Council",
        short_name="the Council",
        kind=Organisation.Kind.COUNTY,
        population=500_000,
        is_home_authority=True,
    )


@pytest.fixture
def area(db):
    return ServiceAreaFactory(directorate="Adult Social Care", service="Safeguarding")


@pytest.fixture
def decision(council, area):
    complaint = ComplaintFactory(
        reference="24 005 859a", organisations=[council], service_area=area
    )
    decision = DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))
    FindingFactory(decision=decision, point="Delay in the assessment")
    AgreedActionFactory(
        decision=decision,
        kind="apology",
        amount=None,
        organisation=council,
        deadline_phrase="within one month of the final decision",
        due_date=date(2025, 3, 13),
    )
    AgreedActionFactory(
        decision=decision,
        organisation=council,
        due_date=date(2025, 4, 13),
        deadline_phrase="within two months of the final decision",
    )
    complaint.enquiries.create(kind="initial", sent_on=date(2024, 11, 1), due_on=date(2024, 11, 29))
    return decision


@pytest.fixture
def action(decision):
    return decision.actions.get(kind="apology")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def get_form(user, url: str, having: str) -> PageForm:
    response = signed_in(user).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return page_form(response.content.decode(), having)


# --- Logging a decision, a further decision, changing one ---------------------------------------

NEW_DECISION = "/decisions/new/"


def _decision_fill(council) -> dict:
    """What an officer types into an empty log-a-decision form: a decision that saves."""
    return {
        "complaint-reference": "24 100 001",
        "complaint-complainant_label": "Mr X",
        "complaint-organisations": [str(council.pk)],
        "decision-decision_date": "2025-02-13",
        "decision-kind": "statement",
        "decision-outcome": "upheld",
        "decision-summary": "The Council delayed a care assessment.",
        "findings-0-point": "Delay in the assessment",
        "findings-0-fault": "yes",
        "findings-0-result": "upheld",
        "actions-0-kind": "apology",
        "actions-0-organisation": str(council.pk),
        "actions-0-payee_label": "Mr X",
        "actions-0-deadline_phrase": "within one month of the final decision",
        "actions-1-kind": "financial",
        "actions-1-organisation": str(council.pk),
        "actions-1-payee_label": "Mr X",
        "actions-1-amount": "200",
        "actions-1-deadline_phrase": "within two months of the final decision",
    }


def _fuzzable(form: PageForm) -> list[str]:
    return [n for n in form.names() if n != "csrfmiddlewaretoken"]


def _filled(form: PageForm, fill: dict) -> PageForm:
    """The page's form with ``fill`` typed in (each name must be on the page)."""
    missing = [name for name in fill if name not in form.kinds]
    assert not missing, f"Not on the page: {missing}"
    data = form.data(fill)
    fields = [(name, value) for name, values in data.items() for value in values]
    return PageForm(form.action, form.method, fields, form.kinds, form.options)


STORED_REFERENCE = re.compile(r"[0-9]{2} [0-9]{3} [0-9]{3}[a-z]?")


def _decision_saved(decision, findings: dict, actions: dict) -> dict:
    """The fields of a saved decision by the name the form posts them under. ``findings``
    and ``actions`` map a row's index on the page to its saved record."""
    complaint = decision.complaint
    # The Ombudsman's references are ASCII digits: anything else could never be found again.
    assert STORED_REFERENCE.fullmatch(complaint.reference), complaint.reference
    saved = {
        "complaint-reference": (complaint.reference, normalise_reference),
        "complaint-council_reference": (complaint.council_reference, as_text),
        "complaint-complainant_label": (complaint.complainant_label, as_text),
        "complaint-received_on": (complaint.received_on, as_date),
        "decision-decision_date": (decision.decision_date, as_date),
        "decision-outcome": (decision.outcome, str),
        "decision-kind": (decision.kind, str),
        "decision-summary": (decision.summary, as_text),
        "decision-full_text": (decision.full_text, as_text),
    }
    for i, finding in findings.items():
        saved[f"findings-{i}-point"] = (finding.point, as_text)
        saved[f"findings-{i}-fault"] = (finding.fault, str)
        saved[f"findings-{i}-result"] = (finding.result, str)
    for i, action in actions.items():
        p = f"actions-{i}-"
        saved[p + "kind"] = (action.kind, str)
        saved[p + "description"] = (action.description, as_text)
        saved[p + "payee_label"] = (action.payee_label, as_text)
        saved[p + "amount"] = (action.amount, as_pounds)
        saved[p + "deadline_phrase"] = (action.deadline_phrase, as_text)
        saved[p + "notes"] = (action.notes, as_text)
        saved[p + "completed_on"] = (action.completed_on, as_date)
        if action.due_date_set_by_hand:
            saved[p + "due_date"] = (action.due_date, as_date)
    return saved


def _rows_in_order(queryset) -> dict:
    return dict(enumerate(queryset.order_by("pk")))


def _check_decision_page(client, response, overrides, before, *, existing=None):
    """A log-a-decision or change-a-decision page after a hostile POST."""
    if response.status_code != 302:
        check_refused(response, before, overrides)
        return
    follow(client, response)
    if existing is None:
        decision = Decision.objects.latest("pk")
        findings = _rows_in_order(decision.findings.all())
        actions = _rows_in_order(decision.actions.exclude(kind="statutory_duty"))
    else:
        decision = Decision.objects.get(pk=existing.pk)
        findings, actions = existing.rows(decision)
    assert_saved_as_sent(overrides, _decision_saved(decision, findings, actions))
    edit = client.get(f"/decisions/{decision.pk}/edit/")
    assert edit.status_code == 200
    assert_escaped(edit.content.decode())


@pytest.fixture
def new_decision_form(officer, council, area, decision) -> PageForm:
    form = get_form(officer, NEW_DECISION, "decision-decision_date")
    return _filled(form, _decision_fill(council))


def test_the_filled_log_a_decision_form_saves(officer, new_decision_form):
    """The fuzzing starts from a form that saves: a refusal is the hostile value's doing."""
    response = signed_in(officer).post(NEW_DECISION, new_decision_form.data())
    assert response.status_code == 302, response.content.decode()[:2000]


def named(
    text_field: str,
    *,
    date_field: str | None = None,
    amount_field: str | None = None,
    choice_field: str | None = None,
    **other_args,
):
    """The named hostile cases, as @examples of a test taking ``picks``: each is tried on
    every run, whatever Hypothesis explores besides. ``other_args`` are the test's other
    generated arguments, as every named case passes them."""
    cases = [{text_field: value} for value in NAMED_TEXT]
    if date_field:
        cases += [{date_field: value} for value in NAMED_DATES]
    if amount_field:
        cases += [{amount_field: value} for value in NAMED_AMOUNTS]
    if choice_field:
        cases += [{choice_field: value} for value in NAMED_CHOICES]

    def decorate(test):
        for case in reversed(cases):
            test = example(picks=case, **other_args)(test)
        return test

    return decorate


@examples(30)
@given(picks=slots)
@named(
    "decision-summary",
    date_field="decision-decision_date",
    amount_field="actions-1-amount",
    choice_field="actions-0-organisation",
)
def test_log_a_decision_refuses_or_saves_hostile_input(officer, new_decision_form, picks):
    INPUTS_TRIED["log a decision"] += 1
    form = new_decision_form
    spoilt = spoil(form, _fuzzable(form), picks)
    with rolled_back():
        client = signed_in(officer)
        before = row_counts()
        response = client.post(NEW_DECISION, form.data(spoilt))
        _check_decision_page(client, response, spoilt, before)


FURTHER = "/complaints/24-005-859a/decisions/new/"


@pytest.fixture
def further_decision_form(officer, council, decision) -> PageForm:
    form = get_form(officer, FURTHER, "decision-decision_date")
    fill = {k: v for k, v in _decision_fill(council).items() if not k.startswith("complaint-")}
    return _filled(form, {**fill, "decision-decision_date": "2025-05-01"})


def test_the_filled_further_decision_form_saves(officer, further_decision_form):
    response = signed_in(officer).post(FURTHER, further_decision_form.data())
    assert response.status_code == 302, response.content.decode()[:2000]


@examples(20)
@given(picks=slots)
@named("findings-0-point", date_field="decision-decision_date", choice_field="decision-outcome")
def test_a_further_decision_refuses_or_saves_hostile_input(officer, further_decision_form, picks):
    INPUTS_TRIED["further decision"] += 1
    form = further_decision_form
    spoilt = spoil(form, _fuzzable(form), picks)
    with rolled_back():
        client = signed_in(officer)
        before = row_counts()
        response = client.post(FURTHER, form.data(spoilt))
        _check_decision_page(client, response, spoilt, before)


@dataclass
class Existing:
    """A decision being changed, and the rows its edit form posted (by their ids)."""

    pk: int
    data: dict

    def rows(self, decision):
        def by_id(prefix, queryset):
            rows = {}
            for i in range(100):
                posted = self.data.get(f"{prefix}-{i}-id", [""])[0]
                if posted.isascii() and posted.isdigit():
                    found = queryset.filter(pk=int(posted)).first()
                    if found is not None:
                        rows[i] = found
            return rows

        return by_id("findings", decision.findings.all()), by_id("actions", decision.actions.all())


@pytest.fixture
def edit_decision_form(officer, decision) -> PageForm:
    return get_form(officer, f"/decisions/{decision.pk}/edit/", "decision-decision_date")


@examples(30)
@given(picks=slots)
@named(
    "decision-full_text",
    date_field="actions-0-due_date",
    amount_field="actions-1-amount",
    choice_field="findings-0-id",
)
def test_changing_a_decision_refuses_or_saves_hostile_input(
    officer, decision, edit_decision_form, picks
):
    INPUTS_TRIED["change a decision"] += 1
    form = edit_decision_form
    spoilt = spoil(form, _fuzzable(form), picks)
    url = f"/decisions/{decision.pk}/edit/"
    with rolled_back():
        client = signed_in(officer)
        before = row_counts()
        data = form.data(spoilt)
        response = client.post(url, data)
        if response.status_code != 302:
            check_refused(response, before, spoilt)
            return
        _check_decision_page(client, response, spoilt, before, existing=Existing(decision.pk, data))


# --- Simple forms: enquiries, completing an action, extensions, compliance -------------------


def post_simple(client, url, form, spoilt, before, saved, *, files=None):
    """POST one of the one-record forms; ``saved`` gives the saved fields after success."""
    data = form.data(spoilt)
    if files is not None:
        data["files"] = files
    response = client.post(url, data)
    if response.status_code != 302:
        check_refused(response, before, spoilt)
        return None
    follow(client, response)
    assert_saved_as_sent(spoilt, saved())
    return response


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


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
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
upload_bytes = st.one_of(
    st.just(b""),
    st.just(PDF),
    st.binary(max_size=2_000),
    st.binary(max_size=500).map(lambda junk: b"%PDF-1.4\n" + junk),
    st.text(max_size=200).map(lambda text: text.encode("utf-16")),
    st.just("Café, naïve, £5".encode("cp1252")),
    st.just(b"\x00" * 100),
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


# --- Signing in ------------------------------------------------------------------------------


@examples(30)
@given(picks=slots)
@named("username", choice_field="next")
@example(picks={"password": SCRIPT})
@example(picks={"next": "//evil.example/"})
@example(picks={"next": "javascript:alert(1)"})
def test_signing_in_refuses_hostile_input(officer, picks):
    INPUTS_TRIED["sign in"] += 1
    with rolled_back():
        axes_reset()  # failed attempts of earlier examples never lock this one out
        client = Client()
        form = page_form(client.get("/login/").content.decode(), "username")
        form = _filled(form, {"username": "officer", "password": PASSWORD})
        spoilt = spoil(form, _fuzzable(form), picks)
        before = row_counts()
        response = client.post("/login/", form.data(spoilt))
        if response.status_code == 302:
            # Signed in (the name and password were left right): never sent off the site.
            target = urlsplit(response["Location"])
            assert not target.scheme and not target.netloc, response["Location"]
            assert "\\" not in response["Location"][:2]
        else:
            check_refused(response, before, spoilt)


# --- Logging a decision from its text, and the decision parser --------------------------------

PASTE = "/decisions/new/from-text/"


def _spliced(position: int, piece: str) -> str:
    at = position % (len(WEB_PAGE) + 1)
    return WEB_PAGE[:at] + piece + WEB_PAGE[at:]


def _line_replaced(position: int, piece: str) -> str:
    lines = WEB_PAGE.splitlines()
    lines[position % len(lines)] = piece
    return "\n".join(lines)


decision_texts = st.one_of(
    hostile_text,
    st.builds(_spliced, st.integers(0, 10_000), hostile_text),
    st.builds(_line_replaced, st.integers(0, 10_000), hostile_text),
    st.builds(
        lambda a, b: _line_replaced(a[0], a[1]) + b,
        st.tuples(st.integers(), hostile_text),
        st.sampled_from(MARKUP + SQL),
    ),
)
paste_uploads = st.one_of(
    st.none(),
    st.tuples(
        st.sampled_from(
            [
                "decision.txt",
                "decision.html",
                "decision.pdf",
                "decision.htm",
                "decision.docx",
                f"{SCRIPT}.txt",
            ]
        ),
        st.one_of(
            upload_bytes,
            decision_texts.map(lambda text: text.encode("utf-8", "surrogatepass")),
            decision_texts.map(lambda text: text.encode("cp1252", "replace")),
            decision_texts.map(lambda text: f"<html><body><p>{text}</p></body></html>".encode()),
        ),
    ),
)


@examples(40)
@given(text=decision_texts, upload=paste_uploads)
@example(text=SCRIPT, upload=None)
@example(text=IMG, upload=None)
@example(text=SQL[0], upload=None)
@example(text=NUL, upload=None)
@example(text=LONG, upload=None)
@example(text=_line_replaced(4, f"Westmere Borough Council{SCRIPT} (24 017 342b)"), upload=None)
@example(text=_spliced(0, NUL), upload=None)
@example(text="", upload=("empty.txt", b""))
@example(text="", upload=("random.pdf", bytes(range(256)) * 8))
@example(text="", upload=("junk.pdf", b"%PDF-1.4\n" + bytes(range(256))))
@example(text="", upload=("windows.txt", WEB_PAGE.replace("£", "\u00a3").encode("cp1252")))
@example(text="", upload=("nul.txt", WEB_PAGE.encode() + b"\x00"))
@example(text="", upload=("page.html", f"<p>{WEB_PAGE}</p><script>alert(1)</script>".encode()))
@example(text="", upload=("oversized.txt", b"x" * (10 * 1024 * 1024 + 1)))
def test_pasting_or_uploading_hostile_text_fills_or_refuses_and_saves_nothing(
    officer, council, text, upload
):
    INPUTS_TRIED["decision from text"] += 1
    with rolled_back():
        client = signed_in(officer)
        form = page_form(client.get(NEW_DECISION).content.decode(), "text")
        before = row_counts()
        data = form.data({"text": text})
        if upload is not None:
            data["file"] = SimpleUploadedFile(upload[0], upload[1])
        response = client.post(PASTE, data)
        assert response.status_code in (200, 400), response.status_code
        html = response.content.decode()
        assert_escaped(html)
        if response.status_code == 400:
            assert_error_shown(html)
        assert not changed_tables(before), "Filling the form from a text saved something."


@examples(200)
@given(text=decision_texts)
@example(text=NUL)
@example(text=LONG)
@example(text=WEB_PAGE * 30)
@example(text="Agreed action\n" + "Within one month the Council should pay Mr X £200. " * 400)
def test_the_parser_reads_or_refuses_any_text(text):
    INPUTS_TRIED["parse_decision"] += 1
    try:
        parsed = parse_decision(text)
    except NotADecision as refusal:
        assert str(refusal), "A refusal says why."
        return
    if parsed.reference is not None:
        assert normalise_reference(parsed.reference) == parsed.reference
    for action in parsed.actions:
        assert action.amount is None or (action.amount.is_finite() and action.amount >= 0)


def _in_a_tag(inner):
    """Fragments wrapped in an element, with or without odd attributes."""
    return st.builds(
        lambda tag, body, attrs: f"<{tag}{attrs}>{body}</{tag}>",
        st.sampled_from(
            [
                "p",
                "div",
                "script",
                "style",
                "table",
                "td",
                "li",
                "h1",
                "a",
                "br",
                "nav",
                "main",
                "pre",
                "textarea",
                "x-y",
                "svg",
            ]
        ),
        st.lists(inner, max_size=4).map("".join),
        st.sampled_from(["", ' class="x"', ' onload="alert(1)"', " a='<b>'", " ="]),
    )


html_fragments = st.recursive(
    st.one_of(
        hostile_text,
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<br>",
                "<!--",
                "-->",
                "<![CDATA[",
                "&amp;",
                "&#0;",
                "&#x110000;",
                "&nosuch;",
                "<",
            ]
        ),
    ),
    _in_a_tag,
    max_leaves=12,
)


@examples(150)
@given(html=st.one_of(html_fragments, hostile_text))
@example(html=SCRIPT)
@example(html="<" * 10_000)
@example(html="&#0;&#xD800;&#1114112;")
@example(html=f"<p>{WEB_PAGE}</p>")
def test_html_to_text_never_raises(html):
    INPUTS_TRIED["html_to_text"] += 1
    assert isinstance(html_to_text(html), str)
    try:
        parse_decision(f"<html><body>{html}</body></html>")
    except NotADecision:
        pass


# --- Changing one's password ------------------------------------------------------------


@examples(12)  # each example hashes passwords: slow on purpose
@given(picks=slots, same_twice=st.booleans())
@named("new_password1", same_twice=True)
@example(picks={"old_password": NUL}, same_twice=False)
@example(picks={"new_password1": "12345678901234567890"}, same_twice=True)
def test_changing_ones_password_refuses_or_changes_it(officer, picks, same_twice):
    """From the right current password and a strong new one: refused with the reason next
    to the field and the old password still good, or changed to exactly what was typed."""
    INPUTS_TRIED["change password"] += 1
    url = "/account/password/"
    officer.refresh_from_db()  # an earlier example's change was rolled back
    with rolled_back():
        client = signed_in(officer)
        form = page_form(client.get(url).content.decode(), "new_password1")
        new = "a fresh and long pass phrase"
        fill = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        form = _filled(form, fill)
        spoilt = spoil(form, _fuzzable(form), picks)
        if same_twice and "new_password1" in spoilt:
            spoilt["new_password2"] = spoilt["new_password1"]
        before = row_counts()
        response = client.post(url, form.data(spoilt))
        officer.refresh_from_db()
        if response.status_code == 302:
            follow(client, response)
            typed = form.data(spoilt)["new_password1"][0]
            assert officer.check_password(typed), "Changed, but not to what was typed."
        else:
            check_refused(response, before, spoilt)
            assert officer.check_password(PASSWORD), "Refused, yet the password changed."


# --- Filters, downloads and the statistics year ----------------------------------------------

# Every list page's GET parameters: the filter form's fields, and the sort and page that its
# links carry. Each list's downloads take the same query.
LISTS = {
    "decision list": ("/decisions/", "q", ["/decisions/download.csv", "/decisions/download.xlsx"]),
    "action list": ("/actions/", "due_from", ["/actions/download.csv", "/actions/download.xlsx"]),
}


@examples(25)
@given(which=st.sampled_from(sorted(LISTS)), picks=slots)
@example(which="decision list", picks={"q": SQL[0]})
@example(which="decision list", picks={"decided_from": "31/2/2023", "sort": SCRIPT})
@example(which="decision list", picks={"organisation": SQL[1], "page": "-1"})
@example(which="action list", picks={"due_from": "99999", "owner": NUL})
@example(which="action list", picks={"sort": LONG, "page": "99999999999999999999"})
def test_list_filters_and_downloads_take_any_query(officer, decision, which, picks):
    INPUTS_TRIED[f"{which} filters"] += 1
    page_url, field_name, downloads = LISTS[which]
    client = signed_in(officer)
    form = page_form(client.get(page_url).content.decode(), field_name)
    kinds = {**form.kinds, "sort": "text", "page": "text"}  # as the list's links carry them
    form = PageForm(form.action, form.method, form.fields, kinds)
    names = _fuzzable(form)
    spoilt = spoil(form, names, picks)
    query = {k: v for k, v in form.data(spoilt).items() if k != "csrfmiddlewaretoken"}
    before = row_counts()
    response = client.get(page_url, query)
    # Refused filters are shown with their messages, the rows left out.
    assert response.status_code in (200, 400), response.status_code
    html = response.content.decode()
    assert_escaped(html)
    if response.status_code == 400:
        assert_error_shown(html)
    for url in downloads:
        download = client.get(url, query)
        assert download.status_code in (200, 400), (url, download.status_code)
        if not download.get("Content-Disposition", "").startswith("attachment"):
            # Refused filters: the list with their messages, never every row instead.
            assert_error_shown(download.content.decode())
    assert not changed_tables(before)


@examples(15)
@given(year=st.one_of(number_text, hostile_text))
@example(year=NUL)
@example(year="99999999999999999999")
@example(year="-1")
def test_the_statistics_page_takes_any_year(officer, decision, year):
    INPUTS_TRIED["statistics year"] += 1
    response = signed_in(officer).get("/statistics/", {"year": year})
    assert response.status_code in (200, 400), response.status_code
    assert_escaped(response.content.decode())


# --- The committee report builder -----------------------------------------------------------

REPORTS_NEW = "/reports/new/"


def _report_scope(start="2025-01-01", end="2025-05-31") -> dict:
    return {"kind": "upheld", "period_start": start, "period_end": end}


@pytest.fixture
def front_matter_form(monitoring_officer, decision) -> PageForm:
    html = signed_in(monitoring_officer).get(REPORTS_NEW, _report_scope()).content.decode()
    return page_form(html, "meeting_title")


@examples(25)
@given(picks=slots)
@example(picks={"kind": NUL})
@example(picks={"period_start": "31/2/2023", "period_end": "0"})
@example(picks={"year": "99999999999999999999", "kind": "annual"})
@example(picks={"service_areas": SQL[1], "organisation": SCRIPT})
def test_choosing_what_a_report_covers_refuses_or_drafts_it(monitoring_officer, decision, picks):
    INPUTS_TRIED["report scope"] += 1
    client = signed_in(monitoring_officer)
    form = page_form(client.get(REPORTS_NEW).content.decode(), "kind")
    form = _filled(form, _report_scope())
    spoilt = spoil(form, _fuzzable(form), picks)
    before = row_counts()
    response = client.get(REPORTS_NEW, form.data(spoilt))
    assert response.status_code in (200, 400), response.status_code
    html = response.content.decode()
    assert_escaped(html)
    if response.status_code == 400:
        assert_error_shown(html)
    else:
        assert 'name="meeting_title"' in html, "A valid scope drafts the front matter."
    assert not changed_tables(before)


@examples(30)
@given(picks=slots, generate=st.booleans())
@named("subject", date_field="meeting_date", generate=False)
@example(picks={"background": f"{SCRIPT}{NUL}"}, generate=True)
@example(picks={"meeting_title": LONG, "recommendations": IMG}, generate=True)
@example(picks={"purpose": ODD_TEXT[8] + ODD_TEXT[5] + ODD_TEXT[7]}, generate=True)
def test_the_report_front_matter_refuses_or_makes_the_report(
    monitoring_officer,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
    front_matter_form,
    picks,
    generate,
):
    """Previewed in the browser, or made into a PDF (Celery runs eagerly in the tests):
    refused with messages and nothing saved, or shown escaped and, for "Make the PDF",
    one report made with the text sent."""
    INPUTS_TRIED["report front matter"] += 1
    settings.MEDIA_ROOT = tmp_path / "media"
    form = front_matter_form
    spoilt = spoil(form, [n for n in _fuzzable(form) if n != "action"], picks)
    with rolled_back():
        client = signed_in(monitoring_officer)
        before = row_counts()
        data = {**form.data(spoilt), "action": "generate" if generate else "preview"}
        with django_capture_on_commit_callbacks(execute=True):  # the PDF is made at once
            response = client.post(REPORTS_NEW, data)
        if response.status_code == 400:
            check_refused(response, before, spoilt)
            return
        if not generate:
            assert response.status_code == 200, response.status_code
            assert_escaped(response.content.decode())
            assert not changed_tables(before), "A preview saved something."
            return
        assert response.status_code == 302, response.status_code
        html = follow(client, response)
        report = CommitteeReport.objects.get(
            pk=int(response["Location"].rstrip("/").split("/")[-1])
        )
        assert report.status == CommitteeReport.Status.READY, (report.status, report.error)
        assert report.subject == as_text(data["subject"][0])
        assert "The report is ready." in html


# --- Importing past decisions from a file ---------------------------------------------------

IMPORT = "/decisions/import/"


def _import_row(**values) -> dict:
    """One row of an import file that imports: a decision with one agreed action."""
    base = {
        "reference": "24 100 001", "organisations": "Westmere Borough Council",
        "complainant": "Mr X", "service area": "Adult Social Care: Safeguarding",
        "decision date": "13/02/2025", "decision kind": "Decision statement",
        "outcome": "Upheld", "satisfactory remedy": "No",
        "summary": "Delay in a safeguarding enquiry.", "action kind": "Financial remedy",
        "payee": "Mr X", "amount": "£250", "deadline": "within one month of the final decision",
    }  # fmt: skip
    return {**base, **values}


def _import_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=NAMES, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def _import_column_values():
    value = st.one_of(hostile_text, malformed_date, malformed_amount)
    return st.dictionaries(st.sampled_from(NAMES), value, min_size=1, max_size=3)


@examples(25)
@given(changes=st.lists(_import_column_values(), min_size=1, max_size=3), valid_only=st.booleans())
@example(changes=[{"summary": SCRIPT}, {"reference": SQL[0]}], valid_only=True)
@example(changes=[{"complainant": NUL}], valid_only=False)
@example(changes=[{"amount": "NaN", "decision date": "31/2/2023"}], valid_only=True)
@example(changes=[{"action description": LONG}], valid_only=True)
@example(changes=[{"organisations": IMG, "payee": '=HYPERLINK("x")'}], valid_only=True)
def test_importing_hostile_rows_reports_them_by_row_or_imports_them(
    officer, council, area, changes, valid_only
):
    """Each row starts from one that imports, under its own reference, with a few cells
    replaced. The check saves nothing; then "import all" is refused while any row has an
    error, and "import only the valid" imports exactly the decisions without one."""
    INPUTS_TRIED["import a file"] += 1
    rows = [
        _import_row(**{"reference": f"24 100 {i + 1:03d}", **change})
        for i, change in enumerate(changes)
    ]
    with rolled_back():
        client = signed_in(officer)
        before = row_counts()
        upload = SimpleUploadedFile("decisions.csv", _import_csv(rows))
        response = client.post(IMPORT, {"file": upload, "action": "check"})
        assert response.status_code in (200, 400), response.status_code
        html = response.content.decode()
        assert_escaped(html)
        assert not changed_tables(before), "Checking a file saved something."
        plan = response.context["plan"]
        if plan is None:  # the file itself was refused
            assert_error_shown(html)
            return
        for error in plan.errors:  # each by its row and column, with its message
            assert f'numeric">{error.row}</td>' in html, error
            assert escape(error.message) in html, error
        new = [d for d in plan.decisions if d.status == "new"]
        action = "import_valid" if valid_only else "import_all"
        response = client.post(IMPORT, {"action": action})
        if plan.errors and not valid_only:
            assert response.status_code == 400
            assert not changed_tables(before), "'Import all' with errors saved something."
            return
        assert response.status_code == 302, response.status_code
        follow(client, response)
        imported = Decision.objects.filter(complaint__reference__in=[d.reference for d in new])
        assert imported.count() == len(new)
