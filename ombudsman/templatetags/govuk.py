"""Render Django form fields with GOV.UK Design System classes and ARIA links."""

from django import template

register = template.Library()

_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "nullbooleanselect": "govuk-select",
    "date": "govuk-input govuk-input--width-10",
    "file": "govuk-file-upload",
    "clearablefile": "govuk-file-upload",
    "multiplefile": "govuk-file-upload",
}


def _showing_errors(context) -> bool:
    # False only while a row is being added to a form: nothing has been checked yet.
    return context.get("show_errors", True) is not False


@register.simple_tag(takes_context=True)
def govuk_widget(context, field, width="", autocomplete=""):
    """The field's input with GOV.UK classes, its hint and error linked by aria-describedby."""
    widget_type = field.widget_type
    css = _CLASSES.get(widget_type, "govuk-input")
    has_error = _showing_errors(context) and bool(field.errors)
    if has_error:
        for base in ("govuk-select", "govuk-textarea", "govuk-file-upload", "govuk-input"):
            if css.startswith(base):
                css += f" {base}--error"
                break
    if width and widget_type not in ("textarea", "select", "nullbooleanselect"):
        css += f" govuk-input--width-{width}"
    attrs = {"class": css}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if has_error:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def field_errors(context, field):
    """The field's errors, or none while a row is being added (nothing checked yet)."""
    return field.errors if _showing_errors(context) else []


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)


@register.filter
def days_overdue(action, today):
    """Days an open action is past its due date (0 if not overdue or undated)."""
    return action.days_overdue(today)


@register.filter
def minutes_phrase(duration):
    """A timedelta as people say it: "1 minute", "15 minutes" (whole minutes, at least 1)."""
    minutes = max(1, round(duration.total_seconds() / 60))
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"
