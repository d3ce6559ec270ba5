from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from . import services
from .catalogue import label
from .models import AuditCheckpoint, AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "sequence",
        "created_at",
        "action",
        "action_label",
        "actor_label",
        "target_type",
        "target_label",
        "ip_address",
        "client",
    )
    list_display_links = ("sequence", "created_at")
    list_filter = ("action", ("created_at", admin.DateFieldListFilter), "target_type", "client")
    search_fields = (
        "actor_label",
        "ip_address",
        "target_label",
        "target_id",
        "request_id",
        "=action",
    )
    date_hierarchy = "created_at"
    show_full_result_count = False  # counting a year of entries on every page is wasteful
    fields = (
        "sequence",
        "created_at",
        "action",
        "actor_id",
        "actor_label",
        "target_type",
        "target_id",
        "target_label",
        "ip_address",
        "client",
        "user_agent",
        "request_id",
        "data",
        "previous_hash",
        "entry_hash",
    )
    readonly_fields = fields

    # Let the changelist be filtered by any field shown, including date ranges in the URL
    # (?created_at__gte=2026-01-01&created_at__lt=2026-02-01) and one target.
    def lookup_allowed(self, lookup, value, request=None) -> bool:
        field = lookup.split("__", 1)[0]
        return field in {
            "created_at",
            "target_type",
            "target_id",
            "actor",
            "actor_id",
            "ip_address",
        } or super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("description"))
    def action_label(self, entry: AuditEntry) -> str:
        return label(entry.action)

    def get_urls(self):
        export = path(
            "export.csv",
            self.admin_site.admin_view(self.export_view),
            name="audit_auditentry_export",
        )
        return [export, *super().get_urls()]

    def export_view(self, request):
        """CSV of the changelist exactly as filtered; the export is itself audited."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters as exc:  # a filter that names no field
            raise BadRequest("Unknown filter in the export's address.") from exc
        entries = changelist.get_queryset(request).order_by("sequence")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        filters = dict(request.GET.items())
        services.export_csv(
            entries.iterator(chunk_size=2000),
            response,
            actor=request.user,
            request=request,
            filters=filters,
        )
        return response


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "purged_through_sequence", "purged_count", "last_purged_hash")
