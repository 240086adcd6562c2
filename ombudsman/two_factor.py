"""A second factor for the accounts that sign in with a password: one-time codes from an
authenticator app (TOTP, RFC 6238), with ten recovery codes each good once, by django-otp.

Who must: administrators (staff and superusers) always, everyone when
SECOND_FACTOR_FOR_EVERYONE says so, and anyone who has set one up; the rest are offered
it beside "Change password". Someone who must and has none is sent to set one up before
any other page; someone who has one enters a code after their password. People who sign
in with their council account (``ombudsman.sso``) give their provider's second factor,
not this one.

Wrong codes are throttled by django-otp, per person: after each one the next is refused
for twice as long as the last (1 second, 2, 4, ... 8.5 minutes after ten), and a right
code clears it; the page says how long to wait.
"""

import base64
import math
import secrets
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import RefusesControlCharacters
from .sso import BACKEND as SSO_BACKEND

RECOVERY_CODES = 10
# Pages someone part way through signing in may open: these, signing out, and every page
# that needs no sign-in.
OPEN_BEFORE_SECOND_FACTOR = {"two_factor_verify", "two_factor_set_up", "logout"}


def is_administrator(user) -> bool:
    return user.is_staff or user.is_superuser


def totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


# Whether the person had set up an authenticator app when they signed in, kept in the
# session so that pages ask no query of it.
HAD_ONE = "second_factor_set_up"


@receiver(user_logged_in)
def _note_whether_set_up(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[HAD_ONE] = totp_device(user) is not None


def required(user, session=None) -> bool:
    """Whether ``user`` must give a second factor at sign-in before anything else (asked
    of the ``session`` they signed in with, where given)."""
    if is_administrator(user) or settings.SECOND_FACTOR_FOR_EVERYONE:
        return True
    if session is not None and HAD_ONE in session:
        return bool(session[HAD_ONE])
    return totp_device(user) is not None


def verified(user) -> bool:
    """Whether the session has passed a second factor (django-otp's OTPMiddleware)."""
    return bool(getattr(user, "is_verified", bool)())


def awaiting(request: HttpRequest) -> bool:
    """Whether the person signed in must still give their second factor this session
    (signed in with a password, required to, and not yet given)."""
    user = request.user
    return (
        user.is_authenticated
        and not verified(user)
        and request.session.get(BACKEND_SESSION_KEY) != SSO_BACKEND
        and required(user, request.session)
    )


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware and LoginRequiredMiddleware: a person signed in
    with a password who must give a second factor and has not, this session, goes to
    enter one (or to set one up) before any page but those of signing in and out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        if not awaiting(request):
            return None
        where = "two_factor_verify" if totp_device(request.user) else "two_factor_set_up"
        return redirect(f"{reverse(where)}?{urlencode({'next': request.get_full_path()})}")


class CodeForm(RefusesControlCharacters, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": "Enter the code"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


def _next(request: HttpRequest) -> str:
    """Where to go on: a page of the tracker's, by its path; anything else the start page."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else reverse("home")


def _checked(form: CodeForm, device) -> bool:
    """Whether the code is ``device``'s (a recovery code is used up); if not, why, said
    next to the field: not right, or too soon after a wrong one (then not even tried)."""
    allowed, why = device.verify_is_allowed()
    if not allowed:
        locked_until = (why or {}).get("locked_until") or timezone.now()
        wait = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
        form.add_error(
            "code",
            f"Too many wrong codes: wait {wait} second{'s' if wait != 1 else ''}, then enter "
            "the code the app shows then",
        )
        return False
    if device.verify_token(form.cleaned_data["code"]):
        return True
    form.add_error("code", "The code is not right: enter the code the app shows now")
    return False


@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code the app shows, or a recovery code (each once)."""
    device = totp_device(request.user)
    if device is None:
        return redirect(f"{reverse('two_factor_set_up')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        # A recovery code is two groups of six with a hyphen; the app's, six digits.
        if "-" in code:
            device = StaticDevice.objects.filter(user=request.user).first() or device
        if _checked(form, device):
            otp_login(request, device)
            return HttpResponseRedirect(_next(request))
    return render(
        request, "two_factor/verify.html", {"form": form, "next": _next(request)},
        status=400 if form.errors else 200,
    )  # fmt: skip


@never_cache  # the page shows the secret
def set_up(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: its QR code (or the key, to type), then a code from
    it to show it works; then the recovery codes, shown once."""
    if totp_device(request.user) is not None and verified(request.user):
        return redirect("two_factor")
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _checked(form, device):
            codes = _confirm(request, device)
            return render(
                request, "two_factor/recovery_codes.html",
                {"codes": codes, "next": _next(request)},
            )  # fmt: skip
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=4, title="QR code to scan with the authenticator app"
    )
    return render(
        request,
        "two_factor/set_up.html",
        {
            "form": form,
            "qr": qr,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next(request),
            "required": required(request.user),
        },
        status=400 if form.errors else 200,
    )


@transaction.atomic
def _confirm(request: HttpRequest, device: TOTPDevice) -> list[str]:
    """The app works: the device is the person's (any other removed), the session has
    passed, and ten new recovery codes replace any old ones."""
    TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return new_recovery_codes(request.user)


def new_recovery_codes(user) -> list[str]:
    recovery, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Recovery codes"})
    recovery.token_set.all().delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes


@never_cache
def status(request: HttpRequest) -> HttpResponse:
    """The person's second factor: whether they have one, and new recovery codes."""
    device = totp_device(request.user)
    codes = None
    if request.method == "POST" and device is not None:
        codes = new_recovery_codes(request.user)
    left = StaticToken.objects.filter(device__user=request.user).count()
    return render(
        request,
        "two_factor/status.html",
        {"device": device, "codes": codes, "left": left, "required": required(request.user)},
    )
