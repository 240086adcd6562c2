"""Render Django form fields with GOV.UK Design System classes and ARIA links."""

from django import forms, template

from ombudsman.forms import date_parts_of

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


@register.simple_tag
def date_parts(field, errors):
    """The three boxes of a GOV.UK date input: id, name, label, width, value, and whether
    the box is at fault (the empty ones when some are missing, else all three)."""
    parts = date_parts_of(field.value())
    missing = parts.missing() if any(p.strip() for p in parts) else []
    boxes = []
    for key, label, width, value in zip(
        ("day", "month", "year"), ("Day", "Month", "Year"), (2, 2, 4), parts, strict=True
    ):
        boxes.append(
            {
                "key": key,
                "id": f"{field.auto_id}-{key}",
                "name": f"{field.html_name}-{key}",
                "label": label,
                "width": width,
                "value": value,
                "error": bool(errors) and (key in missing or not missing),
            }
        )
    return boxes


@register.filter
def startswith(text, prefix):
    """Whether a message already names its field ("Date of decision must include a month")."""
    return str(text).startswith(str(prefix))


@register.filter
def as_list(value):
    return [value]


@register.filter
def error_items(forms) -> list[tuple[str, str]]:
    """(anchor, message) for an error summary over several forms, in page order: each
    field's errors link to its input (a group's first box); other errors are text."""
    items: list[tuple[str, str]] = []
    for form in forms:
        if form is None:
            continue
        for name, errors in form.errors.items():
            anchor = ""
            if name in form.fields:
                bound = form[name]
                anchor = bound.id_for_label or bound.auto_id
                if bound.widget_type in ("checkboxselectmultiple", "radioselect"):
                    anchor = f"{bound.auto_id}_0"
            items.extend((anchor, str(error)) for error in errors)
    return items


@register.filter
def draft_reference(data) -> str:
    """The reference typed into a decision in progress, for the list of unfinished ones."""
    values = data.get("complaint-reference") if isinstance(data, dict) else None
    return str(values[0]).strip()[:20] if values else ""


@register.filter
def choice_label(bound) -> str:
    """What a bound field holds, as a person reads it on a check-answers page: the labels
    of the options chosen, "Yes"/"No" for a checkbox, a date written out."""
    widget = bound.widget_type
    value = bound.value()
    if widget == "checkbox":
        return "Yes" if value else "No"
    if isinstance(bound.field, forms.NullBooleanField):
        return {True: "Yes", False: "No", None: ""}[bound.field.to_python(value)]
    if widget == "date":
        cleaned = getattr(bound.form, "cleaned_data", {}).get(bound.name)
        if cleaned:
            return f"{cleaned:%-d %B %Y}"
        return " ".join(p for p in date_parts_of(value) if p.strip())
    choices = getattr(bound.field, "choices", None)
    if choices is None:
        return "" if value is None else str(value)
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
    labels = [
        str(label)
        for option, label in choices
        if str(getattr(option, "value", option)) in chosen and option not in ("", None)
    ]
    return ", ".join(labels)


@register.filter
def hash_links(items):
    """(anchor, message) pairs as an error summary's (href, message) links: "#anchor", or
    no link where there is no field to go to."""
    return [(f"#{anchor}" if anchor else "", message) for anchor, message in items]
