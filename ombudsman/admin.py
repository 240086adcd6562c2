"""The admin of signing in: which of the directory's groups give which role, the accounts
single sign-on made (read only: they are the provider's to say), and people's second
factors (removed to be set up again)."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import DirectoryGroupRole, SingleSignOnAccount
from .roles import ROLE_PERMISSIONS


@admin.register(DirectoryGroupRole)
class DirectoryGroupRoleAdmin(admin.ModelAdmin):
    list_display = ["group_id", "description", "role"]
    list_filter = ["role"]
    search_fields = ["group_id", "description"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["queryset"] = db_field.related_model.objects.filter(
                name__in=ROLE_PERMISSIONS
            ).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(SingleSignOnAccount)
class SingleSignOnAccountAdmin(admin.ModelAdmin):
    list_display = ["user", "subject", "issuer", "first_signed_in", "last_signed_in"]
    search_fields = ["user__username", "subject"]
    readonly_fields = ["user", "issuer", "subject", "first_signed_in", "last_signed_in"]

    def has_add_permission(self, request):
        return False


# The second factors (ombudsman/two_factor.py): an administrator removes a person's, when
# they have lost their phone and their recovery codes, so that they set it up again at
# their next sign-in; and sees who is being throttled. Neither the app's key nor the
# recovery codes are shown (django-otp's own admin shows the key's QR code).
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(TOTPDevice)
class SecondFactorAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "throttling_failure_count", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = readonly_fields = (
        "user",
        "name",
        "confirmed",
        "throttling_failure_count",
        "last_used_at",
    )

    def has_add_permission(self, request):
        return False


@admin.register(StaticDevice)
class RecoveryCodesAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "codes_left"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = readonly_fields = ("user", "name", "codes_left")

    @admin.display(description="recovery codes left")
    def codes_left(self, device) -> int:
        return device.token_set.count()

    def has_add_permission(self, request):
        return False
