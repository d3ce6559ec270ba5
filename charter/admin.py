from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Value
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin

from . import services
from .models import CharterAcceptance, CharterSection, CharterSignOff, CharterVersion
from .selectors import current_version


class CharterSectionInline(admin.StackedInline):
    model = CharterSection
    extra = 0
    fields = (
        ("number", "position", "is_report_reason"),
        ("title_fr", "title_en"),
        ("body_fr", "body_en"),
    )


@admin.register(CharterVersion)
class CharterVersionAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "title_en",
        "status",
        "requires_reacceptance",
        "published_at",
        "acceptance_rate",
    )
    list_filter = ("status", "requires_reacceptance")
    inlines = [CharterSectionInline]
    readonly_fields = ("status", "published_at", "published_by", "created_at")
    fields = (
        "number",
        ("title_fr", "title_en"),
        ("summary_fr", "summary_en"),
        "requires_reacceptance",
        "status",
        "published_at",
        "published_by",
    )
    actions = ["publish_major", "publish_minor", "copy_to_draft"]

    def get_queryset(self, request):
        active = (
            get_user_model().objects.filter(is_active=True).count()
        )  # once per page, not per row
        return (
            super()
            .get_queryset(request)
            .annotate(
                accepted=Count("acceptances", filter=Q(acceptances__user__is_active=True)),
                active_people=Value(active),
            )
        )

    def has_change_permission(self, request, obj=None) -> bool:
        # A published version is frozen: publish a new version instead.
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("acceptance"))
    def acceptance_rate(self, version) -> str:  # annotated by get_queryset
        if not version.is_published:
            return "—"
        active = version.active_people
        share = 100 * version.accepted / active if active else 0
        return f"{version.accepted} / {active} ({share:.0f} %)"

    def _publish(self, request, queryset, requires_reacceptance: bool) -> None:
        for version in queryset.order_by("number"):
            try:
                services.charter_version_publish(
                    version=version,
                    actor=request.user,
                    request=request,
                    requires_reacceptance=requires_reacceptance,
                )
            except ValidationError as error:
                self.message_user(
                    request, f"v{version.number}: " + " ".join(error.messages), messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    _("Version %(number)s is published.") % {"number": version.number},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Publish — major change: everyone accepts it again"))
    def publish_major(self, request, queryset):
        self._publish(request, queryset, requires_reacceptance=True)

    @admin.action(description=_("Publish — minor change: announce it only"))
    def publish_minor(self, request, queryset):
        self._publish(request, queryset, requires_reacceptance=False)

    @admin.action(description=_("Copy into a new draft"))
    def copy_to_draft(self, request, queryset):
        for version in queryset:
            draft = services.charter_version_copy_to_draft(
                version=version, actor=request.user, request=request
            )
            self.message_user(
                request,
                _("Draft version %(number)s created.") % {"number": draft.number},
                messages.SUCCESS,
            )


@admin.register(CharterAcceptance)
class CharterAcceptanceAdmin(ReadOnlyAdmin):
    list_display = ("user", "version", "accepted_at", "ip_address")
    list_filter = ("version", ("accepted_at", admin.DateFieldListFilter))
    search_fields = ("user__email", "user__first_name", "user__last_name", "ip_address")
    list_select_related = ("user", "version")
    readonly_fields = ("user", "version", "accepted_at", "ip_address", "user_agent")

    def changelist_view(self, request, extra_context=None):
        version = current_version()
        extra_context = extra_context or {}
        if version is not None:
            accepted = version.acceptances.filter(user__is_active=True).count()
            active = get_user_model().objects.filter(is_active=True).count()
            extra_context["title"] = ngettext(
                "Acceptances — current version %(number)s: %(accepted)s of %(active)s "
                "active person (%(share).0f %%)",
                "Acceptances — current version %(number)s: %(accepted)s of %(active)s "
                "active people (%(share).0f %%)",
                active,
            ) % {
                "number": version.number,
                "accepted": accepted,
                "active": active,
                "share": 100 * accepted / active if active else 0,
            }
        return super().changelist_view(request, extra_context)


@admin.register(CharterSignOff)
class CharterSignOffAdmin(ReadOnlyAdmin):
    """Sign-offs are evidence: recorded by the approvers on the draft's page
    (/charter/drafts/<number>/), read here."""

    list_display = ("version", "approver", "approved_at", "fingerprint")
    list_filter = ("version",)
    search_fields = ("approver__email", "approver__first_name", "approver__last_name")
    list_select_related = ("version", "approver")
    readonly_fields = ("version", "approver", "approved_at", "fingerprint")
