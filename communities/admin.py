from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from . import services
from .forms import CommunityForm
from .models import Community, ExternalInvitation, Membership


class CommunityAdminForm(CommunityForm):
    """The site's form (and its refusals), plus the admin-only "permanent" flag."""

    class Meta(CommunityForm.Meta):
        fields = [*CommunityForm.Meta.fields, "is_permanent"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "community"
    extra = 0
    fields = ("user", "status", "role", "created_at", "expires_at")
    readonly_fields = ("user", "status", "role", "created_at", "expires_at")
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        # Memberships change through the services (site pages), which keep the member
        # counter, guardian rights and the audit trail right.
        return False


def _run(modeladmin, request, queryset, service, done):
    count = 0
    for community in queryset:
        try:
            service(actor=request.user, community=community, request=request)
            count += 1
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, f"{community}: {' '.join(getattr(error, 'messages', []))}")
    if count:
        messages.success(request, done % {"count": count})


@admin.action(description=_("Archive the selected communities"))
def archive(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.community_archive, _("%(count)d archived."))


@admin.action(description=_("Restore the selected communities"))
def restore(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.community_restore, _("%(count)d restored."))


@admin.register(Community)
class CommunityAdmin(GuardedModelAdmin):
    list_display = ("name", "access", "visibility", "purpose", "state", "members_count")
    list_filter = ("access", "visibility", "purpose", "state", "is_permanent")
    search_fields = ("name", "slug", "description")
    readonly_fields = (
        "state",
        "members_count",
        "created_by",
        "created_at",
        "last_activity_at",
        "dormant_since",
    )
    form = CommunityAdminForm
    inlines = [MembershipInline]
    actions = [archive, restore]

    def save_model(self, request, obj, form, change):
        """Through the services, like the site: rules, first manager, audit entry."""
        data = {
            k: form.cleaned_data[k] for k in services.COMMUNITY_FIELDS if k in form.cleaned_data
        }
        audience = form.cleaned_data.get("audience", [])
        if change:
            saved = services.community_update(
                actor=request.user,
                community=Community.objects.get(pk=obj.pk),
                data=data,
                audience=audience,
                request=request,
            )
        else:
            saved = services.community_create(
                actor=request.user,
                data=data,
                audience=audience,
                is_permanent=form.cleaned_data.get("is_permanent", False),
                request=request,
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # The audience was saved by the service; the members inline is read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "community", "status", "role", "created_at", "expires_at")
    list_filter = ("status", "role", "community__access", "community__visibility")
    search_fields = ("user__email", "user__last_name", "community__name")
    list_select_related = ("user", "community")
    readonly_fields = (
        "community",
        "user",
        "status",
        "role",
        "invited_by",
        "message",
        "decided_by",
        "decided_at",
        "reason",
        "created_at",
        "expires_at",
    )

    def has_add_permission(self, request):
        return False


@admin.register(ExternalInvitation)
class ExternalInvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "community", "sponsor", "expires_at", "used_at")
    list_filter = ("community",)
    search_fields = ("email", "organisation", "last_name")
    list_select_related = ("community", "sponsor")
    exclude = ("token",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
