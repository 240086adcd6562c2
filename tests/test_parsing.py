"""The decision parser, on decisions written for these tests in the Ombudsman's layouts:
its web page (with the page furniture), a PDF statement, a public interest report, HTML,
an early resolution, a joint decision, and texts that are not decisions at all."""

import json
import re
import textwrap
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from decisions.management.commands.evaluate_parser import default_folder, evaluate_folder
from decisions.models import Decision
from decisions.parsing import (
    ALL_KINDS,
    NotADecision,
    html_to_text,
    parse_decision,
)
from remedies.models import AgreedAction

WEB_PAGE = """\
Skip to main content
Menu
Home > Decisions > Adult care services > Charging
We use cookies to make this website work and to understand how you use it.
Accept all cookies

Northshire County Council (23 014 207)

Category : Adult care services > Charging

Decision : Upheld

Decision date : 4 Mar 2024

The Ombudsman's final decision:

Summary: Mrs B complains the Council charged her late father for care he did not \
receive. We found the Council at fault for not checking the invoices from the care \
provider. The Council has agreed to apologise, refund the charges and improve its checks.

The complaint

  1. Mrs B complains on behalf of her late father, Mr C, that the Council charged him for \
home care visits that did not happen between June and September 2022.

Back to top

The Ombudsman's role and powers

  1. We investigate complaints about 'maladministration' and 'service failure'. In this \
statement, I have used the word fault to refer to these. We must also consider whether \
any fault has had an adverse impact on the person making the complaint. I refer to this \
as 'injustice'.

Back to top

What I found

  1. The care provider billed the Council for 48 visits which its own records show were \
cancelled. The Council passed the charges on to Mr C without checking them.

Analysis

  1. The Council should have checked the invoices against the visit records. This is \
fault. It caused Mrs B avoidable distress and her father paid for care he did not get.

Back to top

Agreed action

  1. Within one month of the final decision, the Council will:
    • apologise to Mrs B for the faults identified in this statement;
    • refund £1,236.50 to Mr C's estate for the visits that did not take place; and
    • pay Mrs B £150 to acknowledge her time and trouble.
  2. Within three months of the final decision, the Council will remind its finance \
officers to check provider invoices against visit records and review its procedure for \
disputed invoices.
  3. The Council should provide us with evidence it has complied with the above actions.

Back to top

Final decision

  1. I found fault causing injustice. I have completed my investigation because the \
Council has agreed to the actions above.

Investigator's decision on behalf of the Ombudsman

Back to top

Print this page
Review your privacy settings
Required cookies
These cookies enable the website to function properly.
Analytical cookies
Privacy settings
"""

JOINT_STATEMENT = """\
Complaint reference:
24 011 052B
Complaint against:
Riverside NHS Foundation Trust
Brookfield Metropolitan Borough Council
NHS Brookfield and Lea Integrated Care Board

The Ombudsmen's final decision
Summary: Mr Y complained about the aftercare his brother received after leaving \
hospital. We found fault by the Trust, the Council and the ICB, which caused Mr Y \
distress. They have agreed to apologise and make payments.
The complaint
1. Mr Y complains Riverside NHS Foundation Trust (the Trust), Brookfield Metropolitan \
Borough Council (the Council) and NHS Brookfield and Lea Integrated Care Board (the ICB) \
did not plan his brother's aftercare.
Agreed action
2. Within one month of the final decision the Trust, the Council and the ICB should \
apologise to Mr Y.
3. By 31 January 2025 the Trust, the Council and the ICB should each pay Mr Y £200 \
(i.e. £600 in total) for the distress caused.
4. Within three months of the final decision the Council should ask its scrutiny \
committee to consider the lessons of this case.
Decision
5. There was fault by all three bodies causing injustice. They have agreed to our \
recommendations.
"""

REPORT = """\
Report by the Local Government and Social Care
Ombudsman

Investigation into a complaint about
Southvale City Council
(reference number: 21 016 330)

9 November 2022

Report summary

Education: special educational needs

The Council did not arrange the provision in a child's education plan for two school terms.

Finding

Fault found causing injustice and recommendations made.

Recommendations

The Council must consider the report and confirm within three months the action it has \
taken or proposes to take.

The complaint

1. Mr and Mrs T complain the Council did not arrange the speech therapy in their son's plan.

Recommendations

12. The Council must consider the report and confirm within three months the action it \
has taken or proposes to take. The Council should consider the report at its full \
Council, Cabinet or other appropriately delegated committee of elected members and we \
will require evidence of this.
13. To remedy the injustice caused, within one month of the date of this report the \
Council should:
- apologise to Mr and Mrs T;
- pay Mr and Mrs T £1,800 to recognise the provision their son missed; and
- pay Mr and Mrs T £250 each for their distress.
14. Within three months of the date of this report the Council should review how it \
checks that provision in plans is in place and train its SEN officers on the outcome.

Final decision

15. There was fault by the Council causing injustice to Mr and Mrs T.
"""

EARLY_RESOLUTION = """\
Westmere District Council (24 003 417)
The Ombudsman's final decision:
Summary: We have upheld Ms K's complaint about the Council's handling of her council tax \
reduction claim, because the Council has agreed to resolve it early.
The complaint
- Ms K complains the Council took too long to decide her council tax reduction claim.
How I considered this complaint
- I considered information provided by Ms K and the Council.
My assessment
- It is likely we would find fault causing Ms K injustice, as the Council took five \
months to decide the claim.
- The Council has agreed to:
- apologise to Ms K;
- pay Ms K £75 for her time and trouble; and
- cancel the reminder notice.
- The Council should do this within four weeks of the final decision.
Final decision
- We have upheld Ms K's complaint because the Council has agreed to resolve it early.
Investigator's decision on behalf of the Ombudsman
"""

WILL_NOT_INVESTIGATE = """\
The Ombudsman's final decision
Summary: We will not investigate Mr N's complaint about a missed bin collection. The \
Council has already apologised to him and paid him £25.
The complaint
Mr N complains the Council missed his bin collection three weeks running.
How I considered this complaint
I considered information provided by Mr N and the Council.
My assessment
The Council has apologised to Mr N and has paid him £25 for the inconvenience. This is \
a proportionate remedy, so an investigation would not achieve more.
Final decision
We will not investigate Mr N's complaint because the Council has already remedied it.
Investigator's decision on behalf of the Ombudsman
"""

UNNAMED_COUNCIL_REPORT_PAGE = """\
19 004 512

Category : Housing > Allocations

Decision : Upheld

Decision date : 13 February 2020

Complaint from a family that the council wrongly assessed their housing need and left them \
in overcrowded accommodation for a year.

The Ombudsman upheld the complaint and found fault causing injustice.

The council should, within three months from the date of this report, apologise and pay \
each of the three children £100 for the year in overcrowded accommodation.

Ombudsman satisfied with council's response: 2 June 2020
"""

TWO_PAYEES = """\
Lowmoor District Council (23 008 812)
Category : Environment and regulation > Noise
Decision : Upheld
Decision date : 13 Feb 2025
The Ombudsman's final decision:
Summary: Mr A and Mrs E complained the Council did not deal with their reports of noise.
The complaint
1. Mr A and Mrs E complain the Council ignored their noise reports for a year.
Agreed action
2. Within one month of the final decision, the Council will apologise to Mr A and Mrs E \
and pay Mr A and Mrs E £150 each for their distress.
Final decision
3. There was fault causing injustice.
Investigator's decision on behalf of the Ombudsman
"""

HTML_PAGE = """<!DOCTYPE html>
<html><head><title>Decision</title><style>p { color: red }</style>
<script>var tracker = "Decision : Not upheld";</script></head>
<body>
<nav><ul><li>Home</li><li>Category : Nonsense</li></ul></nav>
<main>
<h1>Eastbridge Council (23 004 456)</h1>
<dl><dt>Category :</dt><dd>Housing &gt; Homelessness</dd>
<dt>Decision :</dt><dd>Upheld</dd>
<dt>Decision date :</dt><dd>21 Nov 2023</dd></dl>
<h2>The Ombudsman&#39;s final decision:</h2>
<p>Summary: Miss R complained the Council left her in bed and breakfast accommodation for
too long. The Council will apologise and pay her &pound;500.</p>
<h2>The complaint</h2>
<ol><li>Miss R complains she lived in bed and breakfast accommodation with her baby for
twelve weeks.</li></ol>
<h2>Agreed action</h2>
<ol><li>Within one month of the final decision, the Council will:
<ul><li>apologise to Miss R;</li>
<li>pay Miss R &pound;500 for the distress of living in unsuitable accommodation.</li></ul>
</li></ol>
<h2>Final decision</h2>
<ol><li>There was fault by the Council which caused Miss R injustice.</li></ol>
<p>Investigator's decision on behalf of the Ombudsman</p>
</main>
<footer><p>Back to top</p></footer>
</body></html>
"""


def _actions(parsed, kind=None):
    return [a for a in parsed.actions if kind is None or a.kind == kind]


# --- A web page paste -----------------------------------------------------------------


def test_web_page_paste_reads_the_header_and_ignores_cookie_banner_and_back_to_top():
    parsed = parse_decision(WEB_PAGE)

    assert parsed.reference == "23 014 207"
    assert parsed.organisations == ["Northshire County Council"]
    assert parsed.category == "Adult care services > Charging"
    assert parsed.category_path == ("Adult care services", "Charging")
    assert parsed.outcome == Decision.Outcome.UPHELD
    assert parsed.outcome_printed == "Upheld"
    assert parsed.decision_date == date(2024, 3, 4)
    assert parsed.kind == Decision.Kind.STATEMENT
    assert parsed.complainant == "Mrs B"
    assert parsed.summary.startswith("Mrs B complains the Council charged")
    assert (parsed.fault, parsed.injustice) == (True, True)
    assert parsed.missing == []
    assert not any("cookie" in a.text.lower() or "back to top" in a.text.lower()
                   for a in parsed.actions)  # fmt: skip


def test_web_page_paste_gives_one_action_per_clause_with_its_deadline_and_due_date():
    parsed = parse_decision(WEB_PAGE)

    got = [(a.kind, a.payee, a.amount, a.due_phrase, a.due_date) for a in parsed.actions]
    month = "Within one month of the final decision"
    three = "Within three months of the final decision"
    assert got == [
        ("apology", "Mrs B", None, month, date(2024, 4, 4)),
        ("financial", "Mr C's estate", Decimal("1236.50"), month, date(2024, 4, 4)),
        ("financial", "Mrs B", Decimal("150.00"), month, date(2024, 4, 4)),
        ("service_improvement", None, None, three, date(2024, 6, 4)),
        ("service_improvement", None, None, three, date(2024, 6, 4)),
        ("evidence_to_ombudsman", None, None, None, None),
    ]
    assert {a.organisation for a in parsed.actions} == {"Northshire County Council"}
    assert parsed.total_money == Decimal("1386.50")


# --- Joint decisions and money ------------------------------------------------------------


def test_each_pay_by_three_bodies_is_three_payments_and_the_stated_total_is_not_added():
    parsed = parse_decision(JOINT_STATEMENT)

    payments = _actions(parsed, "financial")
    assert [(a.organisation, a.payee, a.amount) for a in payments] == [
        ("Riverside NHS Foundation Trust", "Mr Y", Decimal("200.00")),
        ("Brookfield Metropolitan Borough Council", "Mr Y", Decimal("200.00")),
        ("NHS Brookfield and Lea Integrated Care Board", "Mr Y", Decimal("200.00")),
    ]
    assert parsed.total_money == Decimal("600.00")
    assert len(_actions(parsed, "apology")) == 3
    committee = _actions(parsed, "report_to_committee")
    assert [a.organisation for a in committee] == ["Brookfield Metropolitan Borough Council"]


def test_joint_decision_reads_bodies_from_complaint_against_and_reference_with_suffix():
    parsed = parse_decision(JOINT_STATEMENT)

    assert parsed.reference == "24 011 052b"
    assert parsed.organisations == [
        "Riverside NHS Foundation Trust",
        "Brookfield Metropolitan Borough Council",
        "NHS Brookfield and Lea Integrated Care Board",
    ]
    assert parsed.complainant == "Mr Y"


def test_pay_two_people_an_amount_each_is_two_payments():
    parsed = parse_decision(TWO_PAYEES)

    payments = _actions(parsed, "financial")
    assert [(a.payee, a.amount) for a in payments] == [
        ("Mr A", Decimal("150.00")),
        ("Mrs E", Decimal("150.00")),
    ]
    assert parsed.total_money == Decimal("300.00")
    assert [a.payee for a in _actions(parsed, "apology")] == ["Mr A and Mrs E"]


def test_each_of_a_counted_group_is_one_payment_per_person_and_an_unnamed_council_stays_empty():
    parsed = parse_decision(UNNAMED_COUNCIL_REPORT_PAGE)

    payments = _actions(parsed, "financial")
    assert [a.amount for a in payments] == [Decimal("100.00")] * 3
    assert parsed.total_money == Decimal("300.00")
    assert parsed.is_report
    # The page never names the council: nothing is guessed.
    assert parsed.organisations == []
    assert all(a.organisation is None and a.actor == "The council" for a in parsed.actions)
    assert "organisations" in parsed.missing
    assert parsed.complainant is None
    assert all(a.due_phrase == "within three months from the date of this report" for a in payments)


# --- Reports ------------------------------------------------------------------------------


def test_public_interest_report_reads_title_block_finding_and_body_recommendations():
    parsed = parse_decision(REPORT)

    assert parsed.is_report and parsed.kind == Decision.Kind.REPORT
    assert parsed.reference == "21 016 330"
    assert parsed.organisations == ["Southvale City Council"]
    assert parsed.decision_date == date(2022, 11, 9)
    assert parsed.category == "Education: special educational needs"
    assert parsed.category_path == ("Education", "Special educational needs")
    assert parsed.outcome_printed == "Fault found causing injustice and recommendations made"
    assert parsed.outcome == Decision.Outcome.UPHELD
    assert parsed.complainant == "Mr and Mrs T"

    # The summary's recommendations repeat the body's: they are read once.
    committee = _actions(parsed, "report_to_committee")
    assert [(a.due_phrase, a.due_date) for a in committee] == [
        ("within three months", date(2023, 2, 9))
    ]
    payments = _actions(parsed, "financial")
    assert [(a.payee, a.amount) for a in payments] == [
        ("Mr and Mrs T", Decimal("1800.00")),
        ("Mr T", Decimal("250.00")),
        ("Mrs T", Decimal("250.00")),
    ]
    assert {a.due_phrase for a in payments} == {"within one month of the date of this report"}
    assert parsed.total_money == Decimal("2300.00")
    assert len(_actions(parsed, "service_improvement")) == 2


def test_report_extracted_from_a_pdf_with_wrapped_lines_reads_the_same():
    wrapped = "\n".join(
        "\n".join(textwrap.wrap(line, 72)) if line else "" for line in REPORT.split("\n")
    )
    plain, pdf = parse_decision(REPORT), parse_decision(wrapped)

    def shape(parsed):
        return [(a.kind, a.payee, a.amount, a.due_phrase) for a in parsed.actions]

    assert shape(pdf) == shape(plain)
    assert (pdf.reference, pdf.decision_date) == (plain.reference, plain.decision_date)


# --- HTML ---------------------------------------------------------------------------------


def test_html_to_text_drops_scripts_styles_and_navigation():
    text = html_to_text(HTML_PAGE)

    assert "tracker" not in text and "color: red" not in text and "Nonsense" not in text
    assert "Eastbridge Council (23 004 456)" in text
    assert "- apologise to Miss R;" in text


def test_html_page_is_parsed_like_its_text():
    parsed = parse_decision(HTML_PAGE)

    assert parsed.reference == "23 004 456"
    assert parsed.category == "Housing > Homelessness"
    assert parsed.outcome == Decision.Outcome.UPHELD
    assert parsed.decision_date == date(2023, 11, 21)
    assert parsed.complainant == "Miss R"
    assert [(a.kind, a.amount) for a in parsed.actions] == [
        ("apology", None),
        ("financial", Decimal("500.00")),
    ]


# --- Deadlines and dates ------------------------------------------------------------------


def test_deadline_words_are_kept_exactly_as_written():
    joint = parse_decision(JOINT_STATEMENT)
    early = parse_decision(EARLY_RESOLUTION)

    assert {a.due_phrase for a in _actions(joint, "apology")} == {
        "Within one month of the final decision"
    }
    assert {a.due_phrase for a in _actions(joint, "financial")} == {"By 31 January 2025"}
    # The deadline follows the list it belongs to.
    assert {a.due_phrase for a in early.actions} == {"within four weeks of the final decision"}


@pytest.mark.parametrize("written", ["13 Feb 2025", "13 February 2025", "13th February 2025"])
def test_decision_date_is_read_in_the_short_and_long_month_forms(written):
    parsed = parse_decision(TWO_PAYEES.replace("13 Feb 2025", written))

    assert parsed.decision_date == date(2025, 2, 13)
    # And the deadline counts from it.
    assert {a.due_date for a in parsed.actions} == {date(2025, 3, 13)}


# --- Never guess --------------------------------------------------------------------------


def test_fields_the_text_does_not_give_are_left_empty_and_listed_as_missing():
    parsed = parse_decision(EARLY_RESOLUTION)

    assert parsed.category is None and parsed.decision_date is None
    assert "category" in parsed.missing and "decision_date" in parsed.missing
    assert {a.due_date for a in parsed.actions} == {None}  # no date to count from
    # The outcome is the decision's own words, not a guess from elsewhere.
    assert parsed.outcome == Decision.Outcome.UPHELD
    assert parsed.outcome_printed == "We have upheld Ms K's complaint"


def test_a_mirror_without_title_leaves_reference_bodies_and_outcome_empty():
    parsed = parse_decision(WILL_NOT_INVESTIGATE)

    assert parsed.reference is None
    assert parsed.organisations == []
    assert parsed.outcome is None and parsed.outcome_printed is None
    assert parsed.decision_date is None
    assert {"reference", "organisations", "outcome", "decision_date"} <= set(parsed.missing)
    assert parsed.complainant == "Mr N"


def test_remedies_already_given_are_listed_without_a_deadline():
    parsed = parse_decision(WILL_NOT_INVESTIGATE)

    got = [(a.kind, a.amount, a.due_phrase, a.already_done) for a in parsed.actions]
    assert got == [
        ("apology", None, None, True),
        ("financial", Decimal("25.00"), None, True),
    ]
    assert parsed.total_money == Decimal("25.00")


def test_reference_with_a_suffix_in_the_title_line_is_normalised():
    parsed = parse_decision(TWO_PAYEES.replace("(23 008 812)", "(23 008 812A)"))

    assert parsed.reference == "23 008 812a"


# --- Not a decision -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n  ", "empty"),
        (
            "Minutes of the allotment society. The treasurer said the council should mend "
            "the fence by 4 May 2024. Members should bring their own tools.",
            "does not look like an Ombudsman decision",
        ),
        (
            "12 July 2024\n\nDear Chief Executive\n\nAnnual Review letter 2023-24\n\nThis "
            "letter gives your annual summary of complaint statistics. We upheld 12 "
            "complaints about your council and made 30 recommendations.",
            "annual review letter",
        ),
        (
            "Title of meeting: Audit and Standards Committee\nDate of meeting: 3 March "
            "2020\nReport by: Head of Customer Services\n\nThe Ombudsman upheld eight "
            "complaints. Final decision dates are listed in the appendix. The Ombudsman's "
            "final decision in each case is attached.",
            "committee report",
        ),
    ],
)
def test_text_that_is_not_a_decision_is_refused_with_a_clear_message(text, message):
    with pytest.raises(NotADecision, match=message):
        parse_decision(text)


# --- Vocabulary ---------------------------------------------------------------------------


def test_parser_speaks_the_models_vocabulary():
    assert set(ALL_KINDS) <= set(AgreedAction.Kind.values)
    outcomes = {
        parse_decision(text).outcome
        for text in (WEB_PAGE, REPORT, EARLY_RESOLUTION, WILL_NOT_INVESTIGATE)
    }
    assert outcomes - {None} <= set(Decision.Outcome.values)


# --- The evaluation command ---------------------------------------------------------------


def test_evaluate_parser_scores_a_labelled_folder(tmp_path):
    (tmp_path / "23-008-812.txt").write_text(TWO_PAYEES, encoding="utf-8")
    answer = {
        "reference": "23 008 812",
        "reference_printed": True,
        "organisations": ["Lowmoor District Council"],
        "category": "Environment and regulation > Noise",
        "outcome": "Upheld",
        "decision_date": "2025-02-13",
        "complainant": "Mr A and Mrs E",
        "fault": True,
        "injustice": True,
        "public_interest_report": False,
        "remedies": [
            {"kind": "apology", "organisation": "Lowmoor District Council",
             "payee": "Mr A and Mrs E", "amount_gbp": None,
             "due": "Within one month of the final decision", "text": "Apologise."},
            {"kind": "financial", "organisation": "Lowmoor District Council", "payee": "Mr A",
             "amount_gbp": "150.00", "due": "within one month of the final decision",
             "text": "Pay Mr A."},
            {"kind": "financial", "organisation": "Lowmoor District Council", "payee": "Mrs E",
             "amount_gbp": "150.00", "due": "Within one month of the final decision",
             "text": "Pay Mrs E."},
        ],
        "total_financial_gbp": "300.00",
    }  # fmt: skip
    (tmp_path / "23-008-812.json").write_text(json.dumps(answer), encoding="utf-8")
    (tmp_path / "no-answer.txt").write_text(WEB_PAGE, encoding="utf-8")  # skipped

    out = StringIO()
    call_command("evaluate_parser", str(tmp_path), stdout=out)

    report = out.getvalue()
    assert "Decision parser on 1 labelled decisions" in report
    assert re.search(r"^action recall\s+3\s+3\s+100\.0%", report, re.MULTILINE)
    assert "No misses." in report
    assert evaluate_folder(tmp_path).meets_targets()


def test_evaluate_parser_prints_the_commonest_kinds_of_miss_beside_the_table(tmp_path):
    # Two decisions whose answers disagree with the text in the same ways: the payees are
    # given where the text names none, and an action the text never states is expected.
    for number in ("23-008-812", "23-008-813"):
        (tmp_path / f"{number}.txt").write_text(TWO_PAYEES, encoding="utf-8")
        answer = {
            "reference": "23 008 812",
            "organisations": ["Lowmoor District Council"],
            "category": "Environment and regulation > Noise",
            "outcome": "Upheld",
            "decision_date": "2025-02-13",
            "complainant": "Mr A and Mrs E",
            "fault": True,
            "injustice": None,
            "remedies": [
                {"kind": "financial", "organisation": "Lowmoor District Council",
                 "payee": "Mr A", "amount_gbp": "150.00",
                 "due": "Within one month of the final decision"},
                {"kind": "financial", "organisation": "Lowmoor District Council",
                 "payee": "Mrs E", "amount_gbp": "150.00",
                 "due": "Within one month of the final decision"},
                {"kind": "service_improvement", "organisation": "Lowmoor District Council",
                 "payee": None, "amount_gbp": None, "due": None},
            ],
            "total_financial_gbp": "300.00",
        }  # fmt: skip
        (tmp_path / f"{number}.json").write_text(json.dumps(answer), encoding="utf-8")

    out = StringIO()
    call_command("evaluate_parser", str(tmp_path), stdout=out)
    report = out.getvalue()

    top = report.split("most common kinds of miss:\n", 1)[1].split("\n\n", 1)[0]
    lines = [line.split(None, 1) for line in top.splitlines()]
    assert lines[:3] == [
        ["2", "action not found: service_improvement, no parsed action of that kind"],
        ["2", "action not in the answer: apology"],
        ["2", "injustice: expected none, got yes"],
    ]
    assert len(lines) <= 10
    # The table comes first, the list of every miss after.
    assert report.index("action recall") < report.index("most common") < report.index("Misses")


def test_evaluate_parser_meets_the_targets_on_the_shared_corpus():
    folder = default_folder()
    if not folder.is_dir():
        pytest.skip(f"No shared corpus at {folder}")
    evaluation = evaluate_folder(Path(folder))

    assert evaluation.files >= 10
    for field in ("reference", "decision date"):
        assert evaluation.percent(field) == 100
    for field in ("outcome", "organisations", "complainant", "total money"):
        assert evaluation.percent(field) >= 95, field
    assert evaluation.recall >= 90 and evaluation.precision >= 90


# A statement cut off before its "Agreed action" section: what it obtained is said in the
# Summary, sometimes as a list of nouns, sometimes as remedies already given.
CUT_SHORT = """\
Eastmoor Borough Council (24 031 507)

Category : Transport and highways > Highway repair and maintenance

Decision : Upheld

Decision date : 12 May 2025

The Ombudsman's final decision:

Summary: Mrs J complains the Council left a broken drain cover outside her home for \
months. The Ombudsman finds the delay was fault but considers the agreed actions of an \
apology, payment of £250 and tighter controls for drainage repairs are enough to remedy \
Mrs J's injustice.

The complaint

  1. Mrs J complains the Council took too long to replace a drain cover. She says her \
family could not use the path for four months and she spent time chasing the Council.

How I considered this complaint

  1. I read the papers provided by Mrs J and spoke to her about the complaint. I have \
considered what the Council said and provided a copy of this to
[…]
"""


def test_a_cut_short_statement_offers_the_summary_list_of_agreed_remedies():
    parsed = parse_decision(CUT_SHORT)

    got = [(a.kind, a.amount, a.already_done) for a in parsed.actions]
    assert got == [
        ("apology", None, False),
        ("financial", Decimal("250.00"), False),
        ("service_improvement", None, False),
    ]
    assert {a.organisation for a in parsed.actions} == {"Eastmoor Borough Council"}
    assert parsed.total_money == Decimal("250.00")
    assert any("read from the summary" in note for note in parsed.notes)


def test_remedies_already_given_in_the_summary_are_offered_as_done():
    listed = CUT_SHORT.replace(
        "The Ombudsman finds the delay was fault but considers the agreed actions of an "
        "apology, payment of £250 and tighter controls for drainage repairs are enough to "
        "remedy Mrs J's injustice.",
        "We found fault causing injustice. The action already taken by the Council, which "
        "included written apologies, correction of Mrs J's account and payment of £75 "
        "redress, suitably put matters right.",
    )
    parsed = parse_decision(listed)

    got = [(a.kind, a.amount, a.due_phrase, a.already_done) for a in parsed.actions]
    assert got == [
        ("apology", None, None, True),
        ("other", None, None, True),
        ("financial", Decimal("75.00"), None, True),
    ]
    assert parsed.total_money == Decimal("75.00")


def test_a_payment_already_made_is_not_the_additional_payment_still_to_make():
    text = CUT_SHORT.replace(
        "The Ombudsman finds the delay was fault but considers the agreed actions of an "
        "apology, payment of £250 and tighter controls for drainage repairs are enough to "
        "remedy Mrs J's injustice.",
        "The Council was at fault. It has already apologised and made a payment through "
        "its complaints procedure. It has agreed to make an additional payment to "
        "acknowledge the frustration caused. It has also agreed to remind staff that "
        "repairs must be recorded.",
    )
    parsed = parse_decision(text)

    got = sorted((a.kind, a.already_done) for a in parsed.actions)
    assert got == [
        ("apology", True),
        ("financial", False),
        ("financial", True),
        ("service_improvement", False),
    ]


def test_a_provider_called_by_its_kind_is_the_provider_and_each_verb_is_an_action():
    text = CUT_SHORT.replace(
        "Eastmoor Borough Council (24 031 507)", "Brookside Care Ltd (24 031 507)"
    )
    text = text.replace(
        "The Ombudsman finds the delay was fault but considers the agreed actions of an "
        "apology, payment of £250 and tighter controls for drainage repairs are enough to "
        "remedy Mrs J's injustice.",
        "The Care Provider was at fault. The Care Provider agreed to apologise, pay a "
        "financial remedy to Mrs J's family, and repay Mrs J for her loss. It will also "
        "review relevant procedures and issue reminders to its staff.",
    )
    parsed = parse_decision(text)

    assert [a.kind for a in parsed.actions] == [
        "apology", "financial", "financial", "service_improvement", "service_improvement",
    ]  # fmt: skip
    assert {a.organisation for a in parsed.actions} == {"Brookside Care Ltd"}


@pytest.mark.parametrize(
    "sentence, kind",
    [
        ("The Council has agreed to cancel the invoice it sent Mr D.", "financial"),
        ("The Council has agreed to offer a repayment plan for the debt.", "other"),
        ("The Council has agreed to assess her care needs.", "review_or_reassess"),
        ("The Council has agreed to offer Miss K a carer's assessment.", "review_or_reassess"),
        ("The Council has agreed to prepare a plan of action to stop delays.", "action_plan"),
        ("The Council has agreed to provide him with a personal budget.", "provide_service"),
        ("The Council has agreed to revisit its decision on market pitches.", "review_or_reassess"),
        (
            "The Council should consider what steps it can take to reduce delays in repairs.",
            "service_improvement",
        ),
    ],
)
def test_the_kind_of_an_action_is_read_from_its_words(sentence, kind):
    text = CUT_SHORT.replace(
        "The Ombudsman finds the delay was fault but considers the agreed actions of an "
        "apology, payment of £250 and tighter controls for drainage repairs are enough to "
        "remedy Mrs J's injustice.",
        f"The Council was at fault. {sentence}",
    )
    parsed = parse_decision(text)

    assert [a.kind for a in parsed.actions] == [kind]


# --- Fault, injustice and the complainant in the Ombudsman's own words ---------------------


def _cut_short_with(summary: str, complaint: str = "") -> str:
    """CUT_SHORT with another summary (and, given one, another complaint paragraph)."""
    text = CUT_SHORT.replace(
        "Mrs J complains the Council left a broken drain cover outside her home for months. "
        "The Ombudsman finds the delay was fault but considers the agreed actions of an "
        "apology, payment of £250 and tighter controls for drainage repairs are enough to "
        "remedy Mrs J's injustice.",
        summary,
    )
    if complaint:
        text = text.replace(
            "Mrs J complains the Council took too long to replace a drain cover. She says her "
            "family could not use the path for four months and she spent time chasing the "
            "Council.",
            complaint,
        )
    return text


@pytest.mark.parametrize(
    "sentence",
    [
        "The delay caused Mrs J avoidable uncertainty.",
        "This caused her frustration and distress.",
        "The faults by the Council have caused distress to Mrs J.",
        "The Council avoidably delayed, causing her distress and uncertainty.",
        "It put Mrs J to time and trouble she should not have had.",
        "Mrs J suffered a lost opportunity to have her appeal heard sooner.",
        "It will pay Mrs J £100 to acknowledge the frustration she was caused.",
        "The Council has agreed to pay her £150 to recognise the time and trouble caused.",
        "It will make a payment in recognition of the injustice caused.",
        "Its agreement to apologise is a suitable remedy for Mrs J's injustice.",
        "The Council will pay Mrs J £200 for the uncertainty caused by the delay.",
        "It should apologise to Mrs J for her distress.",
    ],
)
def test_injustice_is_read_in_the_words_the_ombudsman_uses_for_it(sentence):
    text = _cut_short_with(
        f"Mrs J complains about a drain cover. The Council was at fault. {sentence}"
    )
    parsed = parse_decision(text)

    assert parsed.fault is True
    assert parsed.injustice is True


@pytest.mark.parametrize(
    "summary",
    [
        # The complainant's account is not the Ombudsman's finding.
        "Mrs J says the Council's delay caused her distress and frustration.",
        "Mrs J complains the delay caused her financial loss. We will not investigate.",
        # The test the Ombudsman applies, not applied.
        "We will not investigate. There is insufficient remaining injustice to Mrs J.",
        "We will not investigate because any injustice is not significant enough.",
    ],
)
def test_a_complainants_account_or_the_test_itself_is_no_finding_of_injustice(summary):
    parsed = parse_decision(_cut_short_with(summary, complaint="Mrs J complains about a drain."))

    assert parsed.injustice is None


@pytest.mark.parametrize(
    "summary, fault",
    [
        ("We find the Council at fault for the delay.", True),
        ("We found the Council at fault for not repairing the path.", True),
        ("The Council has accepted fault in failing to repair the path.", True),
        ("The Ombudsman finds fault with the Council's repair service.", True),
        ("We will not investigate because there is not enough evidence of fault.", None),
        ("We look at whether there was fault in how the Council decided.", None),
        ("We do not consider the Council was at fault in how it decided.", False),
        # Asked to remedy it, the Council was at fault, though the word is not used.
        ("The Council's contractor did not repair the path. The Council should apologise to "
         "Mrs J and refund her £40.", True),
    ],
)  # fmt: skip
def test_fault_is_read_from_the_finding_and_not_from_the_test(summary, fault):
    # Without the printed outcome, which would say for it.
    text = _cut_short_with(summary, complaint="Mrs J complains about a drain.")
    parsed = parse_decision(text.replace("Decision : Upheld\n", ""))

    assert parsed.fault is fault


@pytest.mark.parametrize(
    "complaint, label",
    [
        ("The complainant, to whom I will refer as Miss Y, says the path was blocked.", "Miss Y"),
        ("The complainant, whom I shall describe as Mr Q, says the path was blocked.", "Mr Q"),
        ("I will refer to the complainant as Mx T. They say the path was blocked.", "Mx T"),
        ("The complainant, Mr V, says the Council did not repair the path.", "Mr V"),
        ("Mr and Mrs L complain the Council did not repair the path.", "Mr and Mrs L"),
        ("Mrs K's complaint is that the Council did not repair the path.", "Mrs K"),
        # A run of people mentioned is not who complained; the person who speaks is.
        ("Mr A, Mrs B and Ms C live nearby. Mr D says the path was blocked.", "Mr D"),
        # The whole run, however long, read in one pass (a search for a run followed by
        # "complain" once took minutes on a long hostile list of labels).
        ("Mr A, " * 2000 + "and Mrs B complained the path was blocked.",
         "Mr A, " * 2000 + "and Mrs B"),
    ],
)  # fmt: skip
def test_the_complainant_is_read_however_the_decision_introduces_them(complaint, label):
    text = _cut_short_with("The Council was slow to repair a path.", complaint=complaint)

    assert parse_decision(text).complainant == label


def test_the_ombudsman_upholding_in_the_present_tense_is_the_outcome():
    text = _cut_short_with("The Ombudsman upholds the complaint about the drain cover.")
    text = text.replace("Decision : Upheld\n", "")

    parsed = parse_decision(text)

    assert parsed.outcome == "upheld"
    assert parsed.fault is True


# --- Remedies in the summary, and whom they are for -------------------------------------

# A complete statement without an "Agreed action" section: the summary says what the
# Council agreed, and the analysis says it again with its deadline.
NO_ACTION_SECTION = """\
Fernleigh District Council (24 040 118)

Category : Benefits and tax > Council tax

Decision : Upheld

Decision date : 3 Jun 2025

The Ombudsman's final decision:

Summary: Mr R complained the Council sent enforcement agents for a debt he had paid. \
We find the Council at fault. The Council has agreed to apologise to Mr R, refund the \
enforcement fees and remind its revenues staff to check payments before passing a debt on.

The complaint

  1. Mr R complains the Council passed a paid council tax debt to enforcement agents.

My assessment

  1. The Council did not check its records before passing the debt on. This caused Mr R \
avoidable distress. Within one month of my final decision the Council should apologise \
to Mr R.

Final decision

  1. I have completed my investigation with a finding of fault causing injustice.
"""


def test_remedies_stated_only_in_the_summary_are_offered_when_there_is_no_action_section():
    parsed = parse_decision(NO_ACTION_SECTION)

    got = sorted((a.kind, a.payee, a.amount, a.due_phrase) for a in parsed.actions)
    # The apology is stated twice, once with its deadline: it is one action, with it.
    assert got == [
        ("apology", "Mr R", None, "Within one month of my final decision"),
        ("financial", "Mr R", None, None),
        ("service_improvement", None, None, None),
    ]
    assert any("summary" in note for note in parsed.notes)


def test_a_summary_mention_is_not_a_second_action_when_the_text_has_its_section():
    parsed = parse_decision(WEB_PAGE)
    without_summary = parse_decision(
        WEB_PAGE.replace(
            " The Council has agreed to apologise, refund the charges and improve its checks.", ""
        )
    )

    # The summary's "apologise, refund the charges and improve its checks" are the
    # section's actions, said again.
    assert "improve its checks" in parsed.summary
    assert "improve its checks" not in (without_summary.summary or "")
    assert [a.text for a in parsed.actions] == [a.text for a in without_summary.actions]
    assert len(_actions(parsed, "apology")) == 1


@pytest.mark.parametrize(
    "sentence, payees",
    [
        ("The Council has agreed to pay a financial remedy to Mrs J's family.",
         ["Mrs J's family"]),
        ("The Council has agreed to apologise to the daughter and pay her £100.",
         ["the daughter", "Mrs J"]),
        ("The Council has agreed to pay Mr and Mrs L £300 for their distress.",
         ["Mr and Mrs L"]),
        ("The Council has agreed to apologise to Mx T.", ["Mx T"]),
        ("The Council has agreed to identify and pay other special guardians it underpaid.",
         ["other special guardians"]),
        ("The Council has agreed to contact other residents of its hostels to check their "
         "repairs.", ["other residents of its hostels"]),
        # Nobody named: the complainant, who complained for herself.
        ("The Council has agreed to apologise and make a symbolic payment.", ["Mrs J", "Mrs J"]),
    ],
)  # fmt: skip
def test_payees_are_read_in_every_form_the_decisions_use(sentence, payees):
    text = _cut_short_with(f"Mrs J complains about a drain. The Council was at fault. {sentence}")

    assert [a.payee for a in parse_decision(text).actions] == payees


@pytest.mark.parametrize(
    "who", ["Mrs J complains on behalf of her father", "Mrs J complained, on behalf of her father,"]
)
def test_a_remedy_naming_nobody_is_not_guessed_for_a_complainant_acting_for_someone_else(who):
    text = _cut_short_with(
        f"{who} about a drain. The Council was at fault. "
        "The Council has agreed to apologise and make a symbolic payment."
    )

    assert [a.payee for a in parse_decision(text).actions] == [None, None]


def test_remedies_the_summary_says_are_set_out_at_the_end_are_read_from_its_list_of_nouns():
    text = _cut_short_with(
        "Mrs J complains about a drain. We uphold the complaint. At the end of this statement "
        "we set out the action the Council has agreed to remedy this injustice. This "
        "comprises an apology and a symbolic payment to Mrs J."
    )

    got = [(a.kind, a.payee, a.amount) for a in parse_decision(text).actions]
    assert got == [("apology", "Mrs J", None), ("financial", "Mrs J", None)]


@pytest.mark.parametrize(
    "sentence",
    [
        "The Council has agreed to refund the fees.",
        "The Council has agreed to waive the charge for the second visit.",
        "The Council has agreed to write off the arrears.",
        "The Council has agreed to cancel the invoice it sent.",
        "The Council has agreed to make a payment to recognise the failure to meet her needs.",
    ],
)
def test_money_without_a_stated_sum_is_financial_with_no_amount(sentence):
    text = _cut_short_with(f"Mrs J complains about a charge. The Council was at fault. {sentence}")
    parsed = parse_decision(text)

    assert [(a.kind, a.amount) for a in parsed.actions] == [("financial", None)]
    assert parsed.total_money is None


def test_remedies_named_as_nouns_after_one_verb_are_one_action_each():
    text = _cut_short_with(
        "Mrs J complains about a charge. We recommend the Council provide an apology, "
        "explanation and payment, and review its decision on Mrs J's exemption."
    )

    assert [a.kind for a in parse_decision(text).actions] == [
        "apology", "other", "financial", "review_or_reassess",
    ]  # fmt: skip


def test_what_the_council_did_in_the_story_is_not_a_remedy_unless_related_to_the_complaint():
    text = WILL_NOT_INVESTIGATE.replace(
        "The Council has apologised to Mr N and has paid him £25 for the inconvenience.",
        "In May the Council decided Mr N could not afford the charge and it wrote off the "
        "balance of £60. In response to his complaint the Council apologised and said it "
        "would refund the bin charge.",
    ).replace(" The Council has already apologised to him and paid him £25.", "")
    parsed = parse_decision(text)

    got = [(a.kind, a.amount, a.already_done) for a in parsed.actions]
    assert got == [("apology", None, True), ("financial", None, False)]
    assert parsed.total_money is None


# --- Older report layouts and recommendation lists ---------------------------------------

OLD_REPORT_PAGE = """\
20 005 931

Category : Adult care services > Charging

Decision : Upheld

Decision date : 14 Sep 2021

Complaint from Mrs P that the council charged her mother for respite care it had said would \
be free, and did not answer her letters.

The Ombudsman upheld the complaint and found fault causing injustice.

We recommend the council:
• apologises to Mrs P;
• refunds the respite charges it made; and
• pays Mrs P £300 for her distress and time and trouble.

The council should take these actions no later than one month after the full council's \
consideration of this report.

Ombudsman satisfied with council's response: 2 Dec 2021
"""

SUGGESTED_ACTIONS = """\
Kestrel Borough Council (19 004 870)

Category : Housing > Allocations

Decision : Upheld

Decision date : 5 Mar 2020

The Ombudsman's final decision:

Summary: The Council did not review Ms G's housing band when her son's health got worse. \
This caused her avoidable uncertainty.

The complaint

  1. Ms G complains the Council left her in the wrong band for a year.

Agreed action

  1. Take the suggested actions within one month of my final decision:
    • apologise to Ms G;
    • pay her £250 for the uncertainty caused; and
    • review her banding from the date of her son's diagnosis.

Final decision

  1. There was fault causing injustice.
"""

REPORT_WITH_RELATIVE_DEADLINE = """\
Report by the Local Government and Social Care Ombudsman

Investigation into a complaint about
Harrowdale District Council
(reference number: 18 007 226)

11 June 2019

Report summary

Planning: enforcement

The Council did not act on a breach of planning control next to Mr and Mrs H's home for two years.

Finding

Fault found causing injustice and recommendations made.

Recommendations

We recommend that, no later than one month after the full council's consideration of this \
report, the Council:
- apologises to Mr and Mrs H;
- pays them £500 for the loss of amenity; and
- reviews how it records enforcement complaints.

The complaint

1. Mr and Mrs H complain the Council ignored their reports of a breach of planning control.
"""

RELATIVE = "no later than one month after the full council's consideration of this report"


def test_a_recommendation_list_takes_the_one_deadline_given_after_it_kept_as_written():
    parsed = parse_decision(OLD_REPORT_PAGE)

    got = [(a.kind, a.payee, a.amount, a.due_phrase) for a in parsed.actions]
    assert got == [
        ("apology", "Mrs P", None, RELATIVE),
        ("financial", "Mrs P", None, RELATIVE),
        ("financial", "Mrs P", Decimal("300.00"), RELATIVE),
    ]
    # Counted from the council's meeting, not from the report: no date, and flagged.
    assert all(a.due_on_event and a.due_date is None for a in parsed.actions)
    assert parsed.complainant == "Mrs P"
    assert parsed.total_money == Decimal("300.00")


def test_take_the_suggested_actions_within_a_period_gives_that_deadline_to_each_item():
    parsed = parse_decision(SUGGESTED_ACTIONS)

    got = [(a.kind, a.payee, a.due_phrase, a.due_date) for a in parsed.actions]
    month = "within one month of my final decision"
    assert got == [
        ("apology", "Ms G", month, date(2020, 4, 5)),
        ("financial", "Ms G", month, date(2020, 4, 5)),
        ("review_or_reassess", "Ms G", month, date(2020, 4, 5)),
    ]
    assert not any(a.due_on_event for a in parsed.actions)


def test_we_recommend_that_with_the_deadline_before_the_council_gives_it_to_each_item():
    parsed = parse_decision(REPORT_WITH_RELATIVE_DEADLINE)

    got = [(a.kind, a.payee, a.due_phrase, a.due_on_event) for a in parsed.actions]
    assert got == [
        ("apology", "Mr and Mrs H", RELATIVE, True),
        ("financial", "Mr and Mrs H", RELATIVE, True),
        ("service_improvement", None, RELATIVE, True),
    ]
    assert parsed.is_report
