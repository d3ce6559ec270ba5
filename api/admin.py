from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import FeedToken, PersonalAccessToken


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owners (/me/api-tokens/): here they are looked at and,
    when needed, revoked (a lost laptop, a departure)."""

    list_display = (
        "name",
        "user",
        "token_hint",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at", "expires_at")
    search_fields = ("name", "user__username", "user__email", "token_hint")
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "name",
        "token_hint",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["view"])
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at=None):
            try:
                services.token_revoke(actor=request.user, token=token, request=request)
            except ValidationError:
                continue
            count += 1
        self.message_user(
            request, _("%(count)d tokens revoked.") % {"count": count}, messages.SUCCESS
        )


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    """Who has a feed address (their owners make, remake and revoke them)."""

    list_display = ("user", "token_hint", "created_at")
    search_fields = ("user__username", "user__email", "token_hint")
    list_select_related = ("user",)
    readonly_fields = ("user", "token_hint", "created_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
