"""Single sign-on with the council's identity provider over OpenID Connect (Microsoft Entra
ID or any standard provider), with mozilla-django-oidc doing the protocol: the
authorisation code flow with PKCE, state and nonce, the token request and the ID token's
signature against the provider's published keys.

What is added here, where the library falls short of what a council's IT security team
will ask (each seen against a real provider in ``tests/test_sso.py``):

- the provider's endpoints from its discovery document (the library has none), fetched
  once per process and only when someone signs in;
- the ID token's audience and issuer checked (the library checks neither), with a minute
  of clock skew allowed, and every fault of the token a refusal rather than a server
  error;
- whom someone is, by the provider's issuer and subject (``SingleSignOnAccount``), not by
  an e-mail address anyone could be given; an account made at the first sign-in;
- their roles from the groups claim, through the administrator's mapping
  (``DirectoryGroupRole``), set afresh at every sign-in;
- one page for every failure (``/login/failed/``), with the session ended;
- the sign-in's callback kept out of django-axes' count: a refused single sign-on has no
  user name, and counting it would lock out everyone behind the council's one address.
"""

import logging
import threading
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .models import DirectoryGroupRole, SingleSignOnAccount
from .roles import ROLE_PERMISSIONS

log = logging.getLogger(__name__)

BACKEND = "ombudsman.sso.SingleSignOnBackend"

# Why a sign-in failed, as the failure page says it (``?reason=``).
REASONS = {
    "refused": (
        "Your council account could not be used to sign in",
        "The sign-in service's answer could not be trusted (it may have been used "
        "already, have expired or be meant for another system). Try again; if it "
        "happens again, tell your IT service desk.",
    ),
    "cancelled": (
        "Sign-in was cancelled",
        "The sign-in service did not sign you in: it was cancelled, or the service "
        "refused it. Try again.",
    ),
    "unreachable": (
        "The sign-in service cannot be reached",
        "The tracker could not reach your council's sign-in service. Try again in a few "
        "minutes; if it goes on, tell your IT service desk.",
    ),
    "too_many_groups": (
        "Your account is in too many groups to sign in",
        "The sign-in service did not send your groups, because your account is in more "
        "than it can list. Ask your IT service desk to send only the groups assigned to "
        "the tracker.",
    ),
}


def configured() -> bool:
    """Whether single sign-on is set up (a provider and this system's client id)."""
    return bool(settings.OIDC_DISCOVERY_URL and settings.OIDC_RP_CLIENT_ID)


def passwords_allowed(user=None) -> bool:
    """Whether local passwords sign people in: always, unless single sign-on is set up and
    SSO_ONLY says it is the only way; then only for the break-glass administrators
    (active superusers), on their own page."""
    if not (settings.SSO_ONLY and configured()):
        return True
    return user is not None and user.is_active and user.is_superuser


# The provider's discovery document, fetched at the first sign-in of the process.
_discovered: dict[str, Any] = {}
_discovering = threading.Lock()


def provider(key: str) -> str:
    """An entry of the provider's discovery document ("issuer", "token_endpoint", ...)."""
    with _discovering:
        document = _discovered.get(settings.OIDC_DISCOVERY_URL)
        if document is None:
            response = requests.get(settings.OIDC_DISCOVERY_URL, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
            _discovered[settings.OIDC_DISCOVERY_URL] = document
    return str(document[key])


def forget_provider() -> None:
    """Fetch the discovery document afresh at the next sign-in (tests)."""
    with _discovering:
        _discovered.clear()


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, reading the provider from discovery, checking the
    ID token fully, and making and updating accounts from its claims. It answers no
    question of permissions: those are ``PermissionsBackend``'s."""

    def __init__(self, *args, **kwargs):
        # Django makes a backend for every request of a signed-in person (get_user): read
        # nothing from the provider here, only at a sign-in.
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802 - the library's name
        return provider("token_endpoint")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:  # noqa: N802 - the library's name
        return provider("jwks_uri")

    def _verify_jws(self, payload, key):
        """The ID token's signature, expiry, audience (this system) and issuer (the
        provider): any fault is a refusal (SuspiciousOperation), never a server error."""
        try:
            algorithm = jwt.get_unverified_header(payload).get("alg")
            if algorithm != self.OIDC_RP_SIGN_ALGO:
                raise SuspiciousOperation(f"ID token signed with {algorithm!r}")
            claims = jwt.decode(
                payload,
                key,
                algorithms=[algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=provider("issuer"),
                leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"ID token refused: {error!r}") from error
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token for several audiences, not presented by us")
        return claims

    def get_userinfo(self, access_token, id_token, payload):
        # The verified ID token's claims: Entra ID sends the groups there and not at its
        # userinfo endpoint.
        return payload

    def verify_claims(self, claims) -> bool:
        groups_claim = settings.OIDC_GROUPS_CLAIM
        if groups_claim not in claims and groups_claim in claims.get("_claim_names", {}):
            # Entra ID's "overage": more groups than a token holds, left to be asked of
            # Microsoft Graph. Without them no role can be known: refused, and said so.
            self.request.sso_refusal = "too_many_groups"
            return False
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(
            single_sign_on__issuer=claims["iss"], single_sign_on__subject=claims["sub"]
        )

    @transaction.atomic
    def create_user(self, claims):
        user = self.UserModel(username=_free_username(claims), email=_email(claims) or "")
        user.set_unusable_password()  # signs in only through the provider
        user.save()
        SingleSignOnAccount.objects.create(user=user, issuer=claims["iss"], subject=claims["sub"])
        log.info("Single sign-on made the account %s", user.username)
        return self.update_user(user, claims)

    @transaction.atomic
    def update_user(self, user, claims):
        """The person's name and e-mail address as the directory has them, and their
        roles: those of their groups (their other groups are kept: they are no role)."""
        user.first_name = str(claims.get("given_name") or user.first_name)[:150]
        user.last_name = str(claims.get("family_name") or user.last_name)[:150]
        user.email = _email(claims) or user.email
        user.save(update_fields=["first_name", "last_name", "email"])
        user.groups.set(
            [
                *user.groups.exclude(name__in=ROLE_PERMISSIONS),
                *Group.objects.filter(pk__in=roles_of(claims.get(settings.OIDC_GROUPS_CLAIM))),
            ]
        )
        SingleSignOnAccount.objects.filter(user=user).update(last_signed_in=timezone.now())
        return user

    # A person made inactive in the admin is signed out at their next request (the
    # library's own get_user does not look).
    get_user = ModelBackend.get_user

    # Permissions are PermissionsBackend's (one query); this backend holds none.
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False


def roles_of(groups) -> list[int]:
    """The ids of the roles (auth groups) the directory's ``groups`` (a claim's value: a
    list of group ids) are mapped to by the administrator."""
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list):
        return []
    ids = [str(group) for group in groups]
    return list(
        DirectoryGroupRole.objects.filter(
            group_id__in=ids, role__name__in=ROLE_PERMISSIONS
        ).values_list("role_id", flat=True)
    )


def _email(claims) -> str:
    email = claims.get("email") or claims.get("preferred_username") or ""
    return str(email)[:254] if "@" in str(email) else ""


def _free_username(claims) -> str:
    """The account's name: the person's sign-in name at the provider (their e-mail
    address, in Entra ID), made unique if a local account already has it (never merged
    with one: a local account is not the directory's person)."""
    base = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])
    base = base.strip().lower()[:140] or str(claims["sub"])[:140]
    name, n = base, 1
    while get_user_model().objects.filter(username=name).exists():
        n += 1
        name = f"{base} ({n})"
    return name


def skip_axes(request, credentials) -> bool:
    """AXES_WHITELIST_CALLABLE: axes neither counts nor blocks the single sign-on
    callback. A refused sign-in there has no user name, so counting it would lock every
    single sign-on from the council's address after a few; guessing passwords is the
    provider's to stop."""
    return request is not None and request.path == reverse("oidc_authentication_callback")


def _failed(request: HttpRequest, reason: str) -> HttpResponse:
    """Sign out (the session, with any half-done sign-in, is flushed) and say why."""
    auth.logout(request)
    return HttpResponseRedirect(f"{reverse('sso_failed')}?reason={reason}")


@method_decorator(login_not_required, name="dispatch")
class SignInView(OIDCAuthenticationRequestView):
    """ "Sign in with your council account": to the provider's own sign-in page."""

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_OP_AUTH_ENDPOINT(self) -> str:  # noqa: N802 - the library's name
        return provider("authorization_endpoint")

    def get(self, request):
        if not configured():
            raise Http404("Single sign-on is not set up.")
        try:
            return super().get(request)
        except (requests.RequestException, ValueError, KeyError) as error:
            log.warning("Single sign-on: the provider's discovery failed: %r", error)
            return _failed(request, "unreachable")


@method_decorator(login_not_required, name="dispatch")
class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: signed in, or the failure page with no session (a replayed
    or unknown state, a token refused, the provider down), never a 400 or 500."""

    def get(self, request):
        if not configured():
            raise Http404("Single sign-on is not set up.")
        try:
            return super().get(request)
        except (requests.ConnectionError, requests.Timeout) as error:
            log.warning("Single sign-on: the provider cannot be reached: %r", error)
            return _failed(request, "unreachable")
        except (SuspiciousOperation, requests.RequestException, ValueError, KeyError) as error:
            log.warning("Single sign-on refused: %r", error)
            return _failed(request, "refused")

    def login_failure(self):
        if self.request.GET.get("error"):
            return _failed(self.request, "cancelled")
        return _failed(self.request, getattr(self.request, "sso_refusal", "refused"))


@login_not_required
def failed(request: HttpRequest) -> HttpResponse:
    """The one page every failed single sign-on ends on."""
    title, explanation = REASONS.get(request.GET.get("reason", ""), REASONS["refused"])
    return render(
        request, "registration/sso_failed.html", {"title": title, "explanation": explanation}
    )
