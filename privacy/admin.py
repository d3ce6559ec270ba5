"""Django admin for the DPO: archives asked for (read-only), the processing register
(generated; the legal basis editable, CSV and printable page), and the optional
retention of a community's posts."""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import services as audit
from core.admin import ReadOnlyAdmin

from . import register
from .models import CommunityRetention, DataExport, ProcessingRecord


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin):
    """Who asked for an archive of their data, when, and what became of it (never the
    file: only its owner downloads it)."""

    list_display = ("user", "status", "requested_at", "ready_at", "expires_at", "size", "downloads")
    list_filter = ("status",)
    search_fields = ("user__username", "user__email", "user__last_name")
    list_select_related = ("user",)
    date_hierarchy = "requested_at"
    exclude = ("file_name",)


@admin.register(CommunityRetention)
class CommunityRetentionAdmin(admin.ModelAdmin):
    list_display = ("community", "years", "created_at")
    search_fields = ("community__name", "community__slug")
    autocomplete_fields = ("community",)


@admin.register(ProcessingRecord)
class ProcessingRecordAdmin(admin.ModelAdmin):
    """The legal basis the DPO writes for each entry of the register; the register
    itself (generated) is the page *Processing register* above the list."""

    list_display = ("key", "legal_basis", "updated_at")
    search_fields = ("key", "legal_basis", "note")
    change_list_template = "admin/privacy/processingrecord/change_list.html"

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        entry = next((e for e in register.ENTRIES if e.key == initial.get("key")), None)
        if entry is not None and "legal_basis" not in initial:
            initial["legal_basis"] = str(entry.legal_basis)
        return initial

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("register/", view(self.register_view), name="privacy_register"),
            path("register.csv", view(self.register_csv), name="privacy_register_csv"),
            *super().get_urls(),
        ]

    def _rows(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return register.rows()

    def register_view(self, request):
        rows = self._rows(request)
        records = dict(ProcessingRecord.objects.values_list("key", "pk"))
        for row in rows:
            pk = records.get(row.entry.key)
            row.edit_url = (
                reverse("admin:privacy_processingrecord_change", args=[pk])
                if pk
                else reverse("admin:privacy_processingrecord_add") + f"?key={row.entry.key}"
            )
        missing = sorted(register.personal_data_models() - register.registered_models())
        return TemplateResponse(
            request,
            "admin/privacy/register.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Processing register"),
                "rows": rows,
                "missing": missing,
                "generated_at": timezone.now(),
                "opts": self.model._meta,
            },
        )

    def register_csv(self, request):
        rows = self._rows(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="processing-register.csv"'
        response.write("\ufeff")  # so that spreadsheets read UTF-8
        writer = csv.writer(response)
        writer.writerow(
            [
                "key",
                "category",
                "purpose",
                "who_sees",
                "retention",
                "enforced_by",
                "legal_basis",
                "note",
                "models",
            ]
        )
        for row in rows:
            writer.writerow(
                [
                    _csv_safe(value)
                    for value in (
                        row.entry.key,
                        row.entry.category,
                        row.entry.purpose,
                        row.entry.who_sees,
                        row.retention,
                        row.entry.enforced_by,
                        row.legal_basis,
                        row.note,
                        "; ".join(row.entry.models),
                    )
                ]
            )
        audit.record("privacy.register_exported", actor=request.user, request=request)
        return response


def _csv_safe(value) -> str:
    """No formula injection in a spreadsheet: a cell never starts with = + - @."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
