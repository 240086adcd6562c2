"""Form pieces shared by every app: GOV.UK-friendly widgets and field types."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator


class DateInput(forms.DateInput):
    """A native date picker; the browser sends ISO dates (YYYY-MM-DD)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


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


class UserChoiceField(forms.ModelChoiceField):
    """Users by their full name, falling back to the user name."""

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class _UserNameLengthChecked:
    """A sign-in form with the user name's length checked before anyone tries it.

    AuthenticationForm only sets the widget's maxlength; a longer name reached
    authenticate(), and django-axes failed to record the attempt (its column holds 255
    characters): a server error instead of a message next to the field."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class LoginForm(_UserNameLengthChecked, AuthenticationForm):
    pass


class AdminLoginForm(_UserNameLengthChecked, AdminAuthenticationForm):
    pass
