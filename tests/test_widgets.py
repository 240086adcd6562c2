"""The form renderer that writes select and input widgets in Python gives the very text
Django's widget templates give (ombudsman/widgets.py)."""

from datetime import date

import pytest
from django import forms
from django.conf import settings
from django.db import connection
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from decisions.filters import ComplaintFilter
from decisions.models import Complaint
from ombudsman.widgets import WidgetRenderer
from remedies.filters import ActionFilter
from remedies.models import AgreedAction

from .factories import CategoryFactory, OrganisationFactory, ServiceAreaFactory, UserFactory

TEMPLATES = DjangoTemplates()
PYTHON = WidgetRenderer()

AWKWARD = ["", "plain", "quote \" and apostrophe '", "<b>&amp;</b>", "  spaced  ", "£5 – é"]
ATTRS = [
    {},
    {"class": "govuk-select", "aria-describedby": "id_x-hint id_x-error"},
    {"required": True, "disabled": False, "data-n": 3, "data-none": None},
    {"title": mark_safe("<i>safe</i>"), "data-unsafe": "<i>&</i>"},  # noqa: S308
]


def _same(widget: forms.Widget, value, attrs: dict) -> str:
    context = widget.get_context("field", value, attrs)
    expected = TEMPLATES.render(widget.template_name, context)
    assert PYTHON.render(widget.template_name, context) == expected
    return expected


def test_the_project_renders_forms_with_it():
    assert settings.FORM_RENDERER == "ombudsman.widgets.WidgetRenderer"
    assert isinstance(get_default_renderer(), WidgetRenderer)


@pytest.mark.parametrize("attrs", ATTRS)
def test_a_select_of_awkward_labels_and_values(attrs):
    choices = [("", "Any"), *((f"v{i}{label}", label) for i, label in enumerate(AWKWARD))]
    choices += [(7, 7), (date(2025, 4, 1), date(2025, 4, 1)), ("safe", mark_safe("<b>s</b>"))]  # noqa: S308
    for value in [None, "", "v1plain", 7, ["v2quote \" and apostrophe '"], "missing"]:
        html = _same(forms.Select(choices=choices), value, attrs)
        assert html.startswith('<select name="field"') and html.endswith("</select>")


def test_a_select_with_groups_and_several_chosen():
    choices = [
        ("", "Any"),
        ("People & <places>", [("1", "Housing"), ("2", 'Parks "and" gardens')]),
        ("Children", [("3", "Schools")]),
        ("4", "Loose"),
    ]
    for widget in [forms.Select(choices=choices), forms.SelectMultiple(choices=choices)]:
        for value in [None, "2", ["1", "3"], ["4"]]:
            html = _same(widget, value, {"class": "govuk-select"})
            assert "<optgroup" in html


def test_a_yes_no_select():
    for value in [None, True, False, "unknown"]:
        _same(forms.NullBooleanSelect(), value, {})


def test_an_option_template_of_its_own_is_left_to_django():
    class Listed(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    html = _same(Listed(choices=[("a", "A"), ("b", "B")]), "a", {})
    assert html.startswith("<select") and "<label><input" in html  # Django's option template


@pytest.mark.parametrize(
    "widget",
    [forms.TextInput(), forms.EmailInput(), forms.NumberInput(), forms.HiddenInput(),
     forms.DateInput(), forms.PasswordInput(render_value=True), forms.URLInput(),
     forms.CheckboxInput(), forms.TimeInput(), forms.DateTimeInput()],
    ids=lambda w: type(w).__name__,
)  # fmt: skip
@pytest.mark.parametrize("attrs", ATTRS)
def test_inputs(widget, attrs):
    for value in [None, "", 0, 12, 'a<b & "c"', mark_safe("<safe>"), date(2025, 4, 1), True]:  # noqa: S308
        html = _same(widget, value, attrs)
        assert html.startswith("<input ") and html.endswith(">")


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    labels=st.lists(st.text(max_size=12), max_size=6),
    groups=st.lists(st.text(max_size=8), max_size=3),
    chosen=st.text(max_size=12),
    attr=st.text(max_size=10),
)
def test_any_text_renders_the_same(labels, groups, chosen, attr):
    choices: list = [(label, label) for label in labels]
    choices += [(group, [(f"{group}{label}", label) for label in labels]) for group in groups]
    _same(forms.Select(choices=choices), chosen, {"title": attr})
    _same(forms.SelectMultiple(choices=choices), [chosen, *labels[:1]], {"data-x": attr})
    _same(forms.TextInput(), chosen, {"placeholder": attr})


@pytest.mark.django_db
def test_the_list_filters_render_the_same():
    """The filter panels of the decisions and action lists, with values chosen, through
    both renderers: every widget of both forms gives the same text."""
    area = ServiceAreaFactory(directorate="Place & <Roads>", service='Potholes "and" kerbs')
    ServiceAreaFactory(directorate="Adults", service="Care")
    organisation = OrganisationFactory(name="Tewkesbury Borough Council")
    category = CategoryFactory(name="Planning")
    UserFactory(username="o'neil", first_name="Siobhán", last_name="O'Neil")
    query = QueryDict(mutable=True)
    query.update(
        {"service_area": str(area.pk), "organisation": str(organisation.pk),
         "category": str(category.pk), "outcome": "upheld", "q": 'a "b" <c>'}
    )  # fmt: skip
    for filterset in [
        ComplaintFilter(query, queryset=Complaint.objects.all()),
        ComplaintFilter(None, queryset=Complaint.objects.all()),
        ActionFilter(query, queryset=AgreedAction.objects.all()),
    ]:
        filterset.is_valid()
        for field in filterset.form:
            widget = field.field.widget
            if not hasattr(widget, "template_name"):
                continue  # the GOV.UK date input, three boxes of templates/includes/field.html
            attrs = field.build_widget_attrs({"class": "govuk-select"})
            _same(widget, field.value(), attrs)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/decisions/", "/actions/"])
def test_the_list_filters_read_each_list_of_records_once_without_a_cursor(client, manager, url):
    client.force_login(manager)
    ServiceAreaFactory(directorate="Place", service="Roads")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url).content.decode()
    assert '<optgroup label="Place">' in page
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not [s for s in sql if "CURSOR" in s.upper()]
    choices = [s for s in sql if s.startswith('SELECT "decisions_servicearea"."id"')]
    assert len(choices) == 1, choices  # the service areas' select: one query
