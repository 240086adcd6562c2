"""The test provider's claims: e-mail, names and the groups a person is in (as Entra ID
sends group ids in "groups"); and its test-only switches for faulty ID tokens."""

import base64
import json
import time

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


def switches() -> dict:
    try:
        return json.loads(settings.SWITCHES.read_text())
    except (FileNotFoundError, ValueError):
        return {}


class GroupsValidator(OAuth2Validator):
    # A claim no scope releases is left out of the token.
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "profile"}

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "preferred_username": user.email or user.username,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expires = super().get_id_token_dictionary(token, token_handler, request)
        switched = switches()
        if "exp" in switched:  # seconds from now: an expired token
            claims["exp"] = int(time.time()) + switched["exp"]
        for claim in ("aud", "iss"):
            if claim in switched:
                claims[claim] = switched[claim]
        if switched.get("overage"):  # Entra ID's, for a person in too many groups
            claims.pop("groups", None)
            claims["_claim_names"] = {"groups": "src1"}
        return claims, expires

    def finalize_id_token(self, id_token, token, token_handler, request):
        switched = switches()
        if "nonce" in switched:  # a nonce from another sign-in
            id_token["nonce"] = switched["nonce"]
        signed = super().finalize_id_token(id_token, token, token_handler, request)
        if switched.get("tamper"):  # the claims changed after signing
            header, payload, signature = signed.split(".")
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            claims["groups"] = ["it-administrators"]
            payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
            signed = f"{header}.{payload}.{signature}"
        return signed
