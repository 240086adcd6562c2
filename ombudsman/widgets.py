"""The form renderer (FORM_RENDERER): Django's, with its select and input widget templates
written out in Python.

Django renders a <select> through an include of ``select_option.html`` and another of
``attrs.html`` for every option: the decisions list's filters (73 categories, the
service areas, the organisations) made two hundred includes a page, the largest part of
the page's time. These functions give the very text those templates give (the same
escaping, the same whitespace; tests/test_widgets.py renders both and compares), and any
other widget template, or an option template of another name, is rendered by Django.
"""

import html

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
SELECT = WIDGETS + "select.html"
OPTION = WIDGETS + "select_option.html"
# The input types whose template is just {% include "django/forms/widgets/input.html" %}.
INPUTS = frozenset(
    WIDGETS + f"{name}.html"
    for name in (
        "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number",
        "password", "search", "tel", "text", "time", "url",
    )
)  # fmt: skip

# What the templates render a value in: autoescaping on, localisation and time zone as
# the settings say (a renderer's template gets a plain Context as well).
_CONTEXT = Context(autoescape=True)


def _text(value) -> str:
    """``{{ value }}``. Plain text (most labels and names) is escaped as Django's
    ``escape`` does, without the steps that cannot change it (localising, lazy text)."""
    if type(value) is str:
        return html.escape(value)
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: a safe value stays unescaped (is_safe filter)."""
    shown = str(value) if isinstance(value, tuple) else value
    try:
        out = "%s" % (shown,)  # noqa: UP031 - stringformat's own operation
    except (ValueError, TypeError):
        out = ""
    return _text(mark_safe(out) if isinstance(value, SafeData) else out)  # noqa: S308


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(f" {_text(name)}")
            if value is not True:
                parts.append(f'="{_formatted(value)}"')
    return "".join(parts)


def _option(option: dict) -> str:
    """``django/forms/widgets/select_option.html``."""
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>\n"
    )


def _select(widget: dict) -> str | None:
    """``django/forms/widgets/select.html``; None if an option has a template of its own."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            parts.append(f"\n  {_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _input(widget: dict) -> str:
    """``django/forms/widgets/input.html`` and the templates that only include it."""
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value != None else ""  # noqa: E711 - as the template
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>\n\n"
    )


class WidgetRenderer(DjangoTemplates):
    """Django's default renderer, with select and input widgets rendered in Python."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            if template_name == SELECT:
                html = _select(widget)
                if html is not None:
                    return html.strip()  # as Django's renderer strips the template's text
            elif template_name in INPUTS:
                return _input(widget).strip()
        return super().render(template_name, context, request)
