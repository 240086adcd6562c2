import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import example, given
from hypothesis import strategies as st

from decisions.models import DecisionDraft
from decisions.parsing import NotADecision, html_to_text, parse_decision
from decisions.references import normalise_reference

from ..bombs import BOMBS
from ..test_paste import WEB_PAGE
from .kit import (
    CONTROL,
    IMG,
    INPUTS_TRIED,
    LONG,
    MARKUP,
    NEW_DECISION,
    NUL,
    SCRIPT,
    SQL,
    assert_error_shown,
    assert_escaped,
    changed_tables,
    examples,
    hostile_text,
    page_form,
    rolled_back,
    row_counts,
    signed_in,
    upload_bytes,
)

pytestmark = pytest.mark.django_db

# --- Logging a decision from its text, and the decision parser --------------------------------

PASTE = NEW_DECISION  # the start page reads the pasted text


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
@example(text="", upload=("decision.pdf", BOMBS["content.pdf"]))
@example(text="", upload=("decision.pdf", BOMBS["pages.pdf"]))
@example(text=WEB_PAGE.replace("\n", "\x0b", 5) + CONTROL, upload=None)
@example(text=_spliced(400, CONTROL), upload=None)
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
        assert response.status_code in (302, 400), response.status_code
        if response.status_code == 302:
            # Read: the officer's draft is filled and the check page shows it, escaped,
            # and no field is filled with a control character.
            check = client.get(response["Location"])
            assert check.status_code == 200
            assert_escaped(check.content.decode())
            draft = DecisionDraft.objects.get(pk=response["Location"].split("/")[-3])
            for values in draft.data.values():
                for value in values if isinstance(values, list) else [values]:
                    assert not any(c in CONTROL or c == NUL for c in str(value)), value
        else:
            html = response.content.decode()
            assert_escaped(html)
            assert_error_shown(html)
        changed = changed_tables(before)
        changed.pop("decisions_decisiondraft", None)  # the draft, never a record
        assert not changed, f"Reading a text saved something: {changed}"


@examples(200)
@given(text=decision_texts)
@example(text=NUL)
@example(text=LONG)
@example(text=WEB_PAGE * 30)
@example(text="Agreed action\n" + "Within one month the Council should pay Mr X £200. " * 400)
@example(text="Complaint reference: 20 000 001\n" + "Mr X and Mrs Y and Ms Z, " * 4000)
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
