"""Form pieces shared by every app: GOV.UK-friendly widgets and field types."""

import re
from datetime import date
from typing import NamedTuple

import django_filters
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.forms.utils import pretty_name

from .control_characters import control_characters_message, has_control_characters
from .models import SavedView
from .people import name_order, person_name
from .sso import passwords_allowed

_PARTS = ("day", "month", "year")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for name in names
}  # fmt: skip


# The call form of NamedTuple, not the class form: with the class form and a method,
# mypy's Django plugin stops on this module ("maximum semantic analysis iteration count").
class DateParts(NamedTuple("DateParts", [("day", str), ("month", str), ("year", str)])):
    """What was typed into the three boxes of a GOV.UK date input, as typed."""

    __slots__ = ()

    def __str__(self) -> str:
        # As a hidden field carries it (a page that passes a checked date on): the ISO
        # form, which the date input also reads under the field's own name.
        day, month, year = (part.strip() for part in self)
        return f"{year}-{month.zfill(2)}-{day.zfill(2)}"

    def missing(self) -> list[str]:
        return [name for name, value in zip(_PARTS, self, strict=True) if not value.strip()]


class DateInput(forms.Widget):
    """The GOV.UK date input: day, month and year in three boxes, posted as
    ``<name>-day``, ``<name>-month`` and ``<name>-year``. A single ISO date under the
    field's own name is read too (links and scripts pass dates that way).

    Rendered by ``templates/includes/field.html`` (see the ``date_parts`` tag)."""

    input_type = "date"

    def value_from_datadict(self, data, files, name):
        parts = [data.get(f"{name}-{part}") for part in _PARTS]
        if not any(parts) and data.get(name):
            return data.get(name)
        if all(part is None for part in parts):
            return data.get(name)
        return DateParts(*(str(part or "") for part in parts))

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}-{part}" in data for part in _PARTS)

    def id_for_label(self, id_):
        # The error summary links to the first box.
        return f"{id_}-day" if id_ else id_


def date_parts_of(value) -> DateParts:
    """The three boxes' contents for a value: a date, what was typed, or an ISO string."""
    if isinstance(value, DateParts):
        return value
    if isinstance(value, date):
        return DateParts(str(value.day), str(value.month), str(value.year))
    if isinstance(value, str) and value:
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            return DateParts("", "", value)  # shown again as sent, in the year box
        return date_parts_of(parsed)
    return DateParts("", "", "")


class DateField(forms.DateField):
    """A date typed into the GOV.UK date input, with the Design System's error messages:
    "Date of decision must include a month", "... must be a real date". Months may be
    written as numbers or names ("3", "March", "Mar")."""

    widget = DateInput

    def __init__(self, **kwargs):
        custom = kwargs.get("error_messages") or {}
        super().__init__(**kwargs)
        if "required" not in custom:
            self.error_messages["required"] = None  # "Enter the <label>", see validate()

    def _what(self) -> str:
        return str(self.label or "The date")

    def to_python(self, value):
        if isinstance(value, DateParts):
            if not any(part.strip() for part in value):
                return None
            missing = value.missing()
            if missing:
                raise ValidationError(
                    f"{self._what()} must include a {' and '.join(missing)}", code="incomplete"
                )
            day, month, year = (part.strip() for part in value)
            month_number = _MONTHS.get(month.casefold()) or (
                int(month) if re.fullmatch(r"[0-9]{1,2}", month) else None
            )
            if (
                month_number is None
                or not re.fullmatch(r"[0-9]{1,2}", day)
                or not re.fullmatch(r"[0-9]{4}", year)
            ):
                raise ValidationError(f"{self._what()} must be a real date", code="invalid")
            try:
                return date(int(year), month_number, int(day))
            except ValueError:
                raise ValidationError(
                    f"{self._what()} must be a real date", code="invalid"
                ) from None
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(f"{self._what()} must be a real date", code="invalid") from None

    def validate(self, value):
        if value in self.empty_values and self.required:
            message = self.error_messages.get("required") or f"Enter the {self._what().lower()}"
            raise ValidationError(message, code="required")


class PoundsField(forms.DecimalField):
    """An amount of money in pounds and pence. Accepts "£1,200" as well as "1200.00"."""

    default_error_messages = {
        "invalid": "Enter the amount as a number of pounds, like 200 or 150.50.",
        "max_decimal_places": "Enter the amount in pounds and pence, with no more than "
        "two decimal places, like 150.50.",
        "max_digits": "Enter an amount under £100,000,000.",
        "max_whole_digits": "Enter an amount under £100,000,000.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "validators", [MinValueValidator(0, message="The amount cannot be negative.")]
        )
        super().__init__(**kwargs)
        self.widget.input_type = "text"
        self.widget.attrs.update({"inputmode": "decimal", "spellcheck": "false"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("£", "").replace(",", "").strip()
        value = super().to_python(value)
        # "NaN", "sNaN" and "Infinity" are Decimals but not amounts; a signalling NaN even
        # raises when the form compares it with the amount before (a 500 on the edit page).
        if value is not None and not value.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class ControlCharactersValidator:
    """Refuses text holding a control character; in a multi-line field, tab and line
    breaks are text (see ``ombudsman.control_characters``)."""

    def __init__(self, label: str, *, multiline: bool):
        self.label = label
        self.multiline = multiline

    def __call__(self, value):
        if isinstance(value, str) and has_control_characters(value, multiline=self.multiline):
            raise ValidationError(control_characters_message(self.label), code="control")


class RefusesControlCharacters:
    """A form whose text fields refuse control characters, each with a message next to
    it naming the field. A textarea takes tab and line breaks; a one-line field does not.
    It stands in for Django's own check for NUL, so that a NUL gets the same message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField):
                continue
            field.validators = [
                v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
            ]
            field.validators.append(
                ControlCharactersValidator(
                    str(field.label or pretty_name(name)),
                    multiline=isinstance(field.widget, forms.Textarea),
                )
            )


class ChooseLabels:
    """A form whose selects say what to choose ("Choose a service area") instead of
    Django's "---------": ``choose`` maps a field's name to its words; any other select
    left with the dashes says "Choose one"."""

    choose: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            text = self.choose.get(name, "Choose one")
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label is not None and (
                    name in self.choose or field.empty_label == "---------"
                ):
                    field.empty_label = text
            elif isinstance(field, forms.ChoiceField) and not isinstance(
                field.widget, forms.RadioSelect
            ):
                field.choices = [
                    ("", text) if value == "" and (name in self.choose or label == "---------")
                    else (value, label)
                    for value, label in field.choices
                ]  # fmt: skip


class DateFilter(django_filters.DateFilter):
    """A list filter on a date, typed into the GOV.UK date input."""

    field_class = DateField


def people_with_a_role():
    """The people work can be given to: active accounts with a role (a group), never an
    account without one such as the administrator's."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__isnull=False)
        .distinct()
        .order_by(*name_order())
    )


class UserChoiceField(forms.ModelChoiceField):
    """A person by their full name, falling back to the user name; by default one of the
    people with a role."""

    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("empty_label", "Choose a person")
        super().__init__(queryset if queryset is not None else people_with_a_role(), **kwargs)

    def label_from_instance(self, obj):
        return person_name(obj)


class _UserNameLengthChecked:
    """A sign-in form with the user name's length checked before anyone tries it.

    AuthenticationForm only sets the widget's maxlength; a longer name reached
    authenticate(), and django-axes failed to record the attempt (its column holds 255
    characters): a server error instead of a message next to the field."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class _PasswordsMayBeOff:
    """With single sign-on the only way in (SSO_ONLY), a right password signs in only a
    break-glass administrator (``sso.passwords_allowed``)."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not passwords_allowed(user):
            raise ValidationError(
                "Sign in with your council account: passwords are not used here",
                code="sso_only",
            )


class LoginForm(_PasswordsMayBeOff, _UserNameLengthChecked, AuthenticationForm):
    pass


class AdminLoginForm(_PasswordsMayBeOff, _UserNameLengthChecked, AdminAuthenticationForm):
    pass


class SavedViewForm(RefusesControlCharacters, forms.Form):
    """The name of a saved view of a list: required, not too long, and not the name of
    another of the person's views of the same list (whatever its capitals)."""

    name = forms.CharField(
        label="Name of the view",
        help_text="For example, Overdue in Adult Social Care",
        max_length=SavedView.NAME_MAX_LENGTH,
        error_messages={
            "required": "Enter a name for the view",
            "max_length": f"The name must be {SavedView.NAME_MAX_LENGTH} characters or fewer",
        },
    )

    def __init__(self, *args, user, list_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.list_name = user, list_name

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = SavedView.objects.filter(
            user=self.user, list_name=self.list_name, name__iexact=name
        ).exists()
        if taken:
            raise ValidationError(
                f"You already have a view called “{name}”: choose another name", code="taken"
            )
        return name
