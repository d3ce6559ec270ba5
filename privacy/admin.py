"""Django admin for the DPO: archives asked for (read-only), the processing register
(generated; the legal basis editable, CSV and printable page), and the optional
retention of a community's posts."""

import csv

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit import services as audit
from core.admin import ReadOnlyAdmin
from profiles.models import User

from . import erasure as erasure_services
from . import register
from .models import CommunityRetention, DataExport, PersonErasure, ProcessingRecord


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
    raw_id_fields = ("community",)  # an autocomplete answers 500 to a bad ?community=


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


class PersonErasureForm(forms.ModelForm):
    confirm = forms.BooleanField(
        label=_("I confirm this erasure, asked for by the data protection officer"),
        required=True,
    )

    class Meta:
        model = PersonErasure
        fields = ("user", "content")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        erased = PersonErasure.objects.filter(undone_at__isnull=True).values("user")
        self.fields["user"].queryset = User.objects.filter(is_active=False).exclude(pk__in=erased)
        self.fields["user"].help_text = _(
            "People whose account is closed (departure) and not erased yet."
        )
        self.fields["content"].initial = settings.PRIVACY_ERASURE_CONTENT
        self.fields["content"].help_text = _(
            "The company's choice (PRIVACY_ERASURE_CONTENT) is proposed: kept, their posts "
            'and comments are signed "Former employee"; removed, they are deleted and then '
            "purged on the charter's schedule."
        )


@admin.action(description=_("Undo the selected erasures (a mistake)"))
def undo_erasure(modeladmin, request, queryset):
    done = 0
    for erasure in queryset:
        try:
            erasure_services.person_erasure_undo(
                actor=request.user, erasure=erasure, request=request
            )
        except ValidationError as error:
            messages.error(request, f"#{erasure.user_id}: {' '.join(error.messages)}")
        else:
            done += 1
    if done:
        messages.success(
            request,
            ngettext("%(count)d erasure undone.", "%(count)d erasures undone.", done)
            % {"count": done},
        )


@admin.register(PersonErasure)
class PersonErasureAdmin(admin.ModelAdmin):
    """Erasures of departed people: *Add* erases one (the DPO's request), the action
    undoes a mistake within ERASED_DATA_RETENTION_DAYS. Nothing is changed or deleted
    by hand."""

    form = PersonErasureForm
    list_display = ("user", "content", "erased_at", "erased_by", "undone_at", "purged_at")
    list_filter = ("content", "undone_at", "purged_at")
    list_select_related = ("user", "erased_by")
    date_hierarchy = "erased_at"
    exclude = ("snapshot",)
    actions = [undo_erasure]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        erasure = erasure_services.person_erase(
            actor=request.user,
            user=form.cleaned_data["user"],
            content=form.cleaned_data["content"],
            request=request,
        )
        obj.pk = erasure.pk
