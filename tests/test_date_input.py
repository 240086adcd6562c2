"""The GOV.UK date input: three boxes, the Design System's messages, nothing lost."""

from datetime import date

import pytest
from django import forms

from ombudsman.forms import DateField


class _Form(forms.Form):
    decided = DateField(label="Date of decision")
    answered = DateField(label="Date answered", required=False)


def _post(day="", month="", year="", **more):
    return {"decided-day": day, "decided-month": month, "decided-year": year, **more}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_post(), "Enter the date of decision"),
        (_post("13", "", "2025"), "Date of decision must include a month"),
        (_post("", "", "2025"), "Date of decision must include a day and month"),
        (_post("13", "2", ""), "Date of decision must include a year"),
        (_post("30", "2", "2025"), "Date of decision must be a real date"),
        (_post("13", "13", "2025"), "Date of decision must be a real date"),
        (_post("13", "2", "25"), "Date of decision must be a real date"),
        (_post("x", "2", "2025"), "Date of decision must be a real date"),
        (_post("١٣", "2", "2025"), "Date of decision must be a real date"),
    ],
)
def test_a_date_typed_wrong_gets_the_design_systems_message(data, message):
    form = _Form(data)
    assert not form.is_valid()
    assert form.errors["decided"] == [message]


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        ("13", "2", "2025"),
        (" 13 ", "02", "2025"),
        ("13", "Feb", "2025"),
        ("13", "february", "2025"),
    ],
)
def test_a_date_is_read_from_its_three_boxes(day, month, year):
    form = _Form(_post(day, month, year))
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"decided": date(2025, 2, 13), "answered": None}


def test_an_iso_date_under_the_fields_own_name_is_read_too():
    # Links such as the dashboard's carry dates that way.
    form = _Form({"decided": "2025-02-13"})
    assert form.is_valid()
    assert form.cleaned_data["decided"] == date(2025, 2, 13)


def test_the_page_shows_three_labelled_boxes_with_what_was_typed_and_marks_the_missing_one():
    from django.template import Context, Template

    form = _Form(_post("13", "", "2025"))
    form.is_valid()
    html = Template('{% include "includes/field.html" with field=form.decided %}').render(
        Context({"form": form})
    )
    assert 'name="decided-day"' in html and 'value="13"' in html
    assert 'name="decided-month"' in html and 'name="decided-year"' in html
    assert 'value="2025"' in html
    assert "Date of decision must include a month" in html
    assert html.count("govuk-input--error") == 1  # only the month box
    assert 'id="id_decided-month" name="decided-month" type="text" inputmode="numeric"' in html
    assert "For example, 27 3 2025" in html


def test_a_date_passed_on_in_a_hidden_field_reads_back_as_typed():
    # The report builder carries the checked scope into its second step as hidden fields.
    form = _Form(_post("5", "10", "2026"))
    assert form.is_valid()
    hidden = form["decided"].as_hidden()
    assert 'value="2026-10-05"' in hidden
    assert _Form({"decided": "2026-10-05"}).is_valid()
