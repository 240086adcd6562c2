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
inputs tried: N", see ``pytest_terminal_summary`` in tests/conftest.py). The named hostile cases
are ``@example``s, so every run tries them; the rest is explored afresh on each run, except
where HYPOTHESIS_DERANDOMIZE is set (CI), which makes every run try the same examples.
"""

import os
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from hypothesis import HealthCheck, example, settings
from hypothesis import strategies as st

from ombudsman.forms import DateField, DateParts, PoundsField

from ..bombs import BOMBS

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
# Every other C0 control character and DEL: forms refuse them (tab and line breaks are
# text in a textarea); a vertical tab is Word's line break, a form feed a PDF's page break.
CONTROL = "".join(chr(c) for c in (*range(1, 9), 11, 12, *range(14, 32), 127))
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
    f"Mr{CONTROL}X",
    "Delay\x0bin the assessment",
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
NAMED_TEXT = [
    SCRIPT, IMG, SQL[0], SQL[1], NUL, LONG, ODD_TEXT[8] + ODD_TEXT[5] + ODD_TEXT[7],
    f"Mr{CONTROL}X", "Delay\x0bin the assessment",
]  # fmt: skip
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
    _around(list(CONTROL)),
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

    def has(self, name: str) -> bool:
        """A field of the page, or a date whose three boxes are on the page."""
        return name in self.kinds or f"{name}-day" in self.kinds

    def data(self, overrides: dict | None = None) -> dict:
        """The fields as posted, with ``overrides`` replacing (None: removing) fields."""
        data: dict[str, list] = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        for name, value in (overrides or {}).items():
            if name not in self.kinds and f"{name}-day" in self.kinds and value is not None:
                # A whole date typed into a GOV.UK date input: spread over its boxes.
                for part, typed in zip(("day", "month", "year"), date_boxes(value), strict=True):
                    data[f"{name}-{part}"] = [typed]
                continue
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
        if form.has(having):
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
        missing = [name for name in picks if not form.has(name)]
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
        # A GOV.UK date input by its day box, "<id>-day".
        base = anchor
        for suffix in ("_0", "-day"):
            if anchor.endswith(suffix) and f"{anchor[: -len(suffix)]}-error" in page.messages:
                base = anchor[: -len(suffix)]
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
_DATE = DateField(required=False)
_POUNDS = PoundsField(required=False)


def date_boxes(value: str) -> tuple[str, str, str]:
    """How a person would type a written date into the day, month and year boxes: an ISO
    or day/month/year date split up, anything else typed into each box."""
    iso = re.fullmatch(r"(.*?)-(.*?)-(.*)", value, re.S)
    if iso:
        return iso.group(3), iso.group(2), iso.group(1)
    written = re.fullmatch(r"(.*?)/(.*?)/(.*)", value, re.S)
    if written:
        return written.group(1), written.group(2), written.group(3)
    return value, value, value


def as_date(value: str) -> date | None:
    return _DATE.clean(DateParts(*date_boxes(value)))


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


def media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def get_form(user, url: str, having: str) -> PageForm:
    response = signed_in(user).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return page_form(response.content.decode(), having)


def _fuzzable(form: PageForm) -> list[str]:
    return [n for n in form.names() if n != "csrfmiddlewaretoken"]


def _filled(form: PageForm, fill: dict) -> PageForm:
    """The page's form with ``fill`` typed in (each name must be on the page)."""
    missing = [name for name in fill if not form.has(name)]
    assert not missing, f"Not on the page: {missing}"
    data = form.data(fill)
    fields = [(name, value) for name, values in data.items() for value in values]
    return PageForm(form.action, form.method, fields, form.kinds, form.options)


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


# Shared by several pages' tests.
NEW_DECISION = "/decisions/new/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
upload_bytes = st.one_of(
    st.just(b""),
    st.just(PDF),
    st.binary(max_size=2_000),
    st.binary(max_size=500).map(lambda junk: b"%PDF-1.4\n" + junk),
    st.text(max_size=200).map(lambda text: text.encode("utf-16")),
    st.just("Café, naïve, £5".encode("cp1252")),
    st.just(b"\x00" * 100),
    st.sampled_from(list(BOMBS.values())),
)
