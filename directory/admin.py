import hashlib

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from profiles.admin import CompanyUserAdmin
from profiles.models import User

from . import csv_import, services
from .models import DirectoryEntry, DirectoryGroup, ProvisioningClient, SyncRun

CSV_MAX_BYTES = 5 * 1024 * 1024
CSV_SESSION_KEY = "directory_csv_import"


class ProvisioningClientForm(forms.ModelForm):
    class Meta:
        model = ProvisioningClient
        fields = ("name", "kind")


@admin.register(ProvisioningClient)
class ProvisioningClientAdmin(admin.ModelAdmin):
    form = ProvisioningClientForm
    list_display = (
        "name",
        "kind",
        "token_hint",
        "is_active",
        "last_used_at",
        "changes_applied",
        "errors_count",
        "last_error_at",
    )
    readonly_fields = (
        "token_hint",
        "scope",
        "created_at",
        "created_by",
        "revoked_at",
        "last_used_at",
        "changes_applied",
        "errors_count",
        "last_error_at",
        "last_error",
    )
    actions = ("revoke", "rotate_token")

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "name", "kind") if obj else ()

    def get_fields(self, request, obj=None):
        return ("name", "kind", *self.readonly_fields) if obj else ("name", "kind")

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        client, token = services.client_create(
            actor=request.user, name=obj.name, kind=obj.kind, request=request
        )
        obj.pk = client.pk
        self._show_token(request, client, token)

    def _show_token(self, request, client, token: str) -> None:
        self.message_user(
            request,
            format_html(
                "{} <code>{}</code>",
                _(
                    "Token of %(name)s, to paste in the identity provider now: it is "
                    "stored hashed and will never be shown again."
                )
                % {"name": client.name},
                token,
            ),
            messages.WARNING,
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead: the audit trail keeps pointing at the client

    @admin.action(description=_("Revoke the selected clients (their token stops working)"))
    def revoke(self, request, queryset):
        for client in queryset:
            try:
                services.client_revoke(actor=request.user, client=client, request=request)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)

    @admin.action(description=_("Give the selected clients a new token"))
    def rotate_token(self, request, queryset):
        for client in queryset.filter(revoked_at=None):
            token = services.client_rotate_token(actor=request.user, client=client, request=request)
            self._show_token(request, client, token)


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(ReadOnlyAdmin):
    list_display = ("user", "source", "client", "external_id", "employee_number", "updated_at")
    list_filter = ("source", "client")
    search_fields = ("user__username", "user__email", "external_id", "employee_number")
    list_select_related = ("user", "client")


@admin.register(DirectoryGroup)
class DirectoryGroupAdmin(ReadOnlyAdmin):
    list_display = ("display_name", "group", "source", "client", "external_id", "updated_at")
    list_filter = ("source", "client")
    search_fields = ("display_name", "external_id")
    list_select_related = ("group", "client")


class CsvImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    close_missing = forms.BooleanField(
        label=_("Close the people of earlier imports who are not in this file"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > CSV_MAX_BYTES:
            raise ValidationError(_("The file is too large (5 MB at most)."))
        return upload.read()


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "source",
        "dry_run",
        "created",
        "updated",
        "closed",
        "reactivated",
        "groups_changed",
        "error_count",
    )
    list_filter = ("source", "dry_run")

    readonly_fields = ("changes", "errors")

    @admin.display(description=_("errors"))
    def error_count(self, obj: SyncRun) -> int:
        return len(obj.errors or [])

    def get_urls(self):
        custom = [
            path(
                "import-csv/",
                self.admin_site.admin_view(self.import_csv),
                name="directory_syncrun_import_csv",
            )
        ]
        return custom + super().get_urls()

    def import_csv(self, request):
        """Upload, preview, apply: the file waits in the session between the two steps."""
        if not request.user.has_perm("directory.add_syncrun") and not request.user.is_superuser:
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "columns": ", ".join(csv_import.COLUMNS),
            "required": ", ".join(csv_import.REQUIRED_COLUMNS),
        }
        stored = request.session.get(CSV_SESSION_KEY)
        if request.method == "POST" and "apply" in request.POST:
            if not stored or stored["digest"] != request.POST.get("digest"):
                self.message_user(request, _("Upload the file again."), messages.ERROR)
                return redirect("admin:directory_syncrun_import_csv")
            parsed = csv_import.parse(stored["content"].encode())
            report = csv_import.run(
                parsed,
                actor=request.user,
                request=request,
                dry_run=False,
                close_missing=stored["close_missing"],
            )
            del request.session[CSV_SESSION_KEY]
            self.message_user(
                request,
                _("CSV import applied: %(n)d changes, %(e)d errors.")
                % {"n": report.total, "e": len(report.errors)},
                messages.WARNING if report.errors else messages.SUCCESS,
            )
            return redirect("admin:directory_syncrun_changelist")
        form = CsvImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            content = form.cleaned_data["file"]
            try:
                parsed = csv_import.parse(content)
            except csv_import.CsvError as exc:
                form.add_error("file", str(exc))
            else:
                report = csv_import.run(
                    parsed,
                    actor=request.user,
                    request=request,
                    dry_run=True,
                    close_missing=form.cleaned_data["close_missing"],
                )
                digest = hashlib.sha256(content).hexdigest()
                request.session[CSV_SESSION_KEY] = {
                    "content": content.decode("utf-8-sig"),
                    "digest": digest,
                    "close_missing": form.cleaned_data["close_missing"],
                }
                context.update(report=report, digest=digest)
        context["form"] = form
        return render(request, "admin/directory/csv_import.html", context)


class DirectoryUserAdmin(CompanyUserAdmin):
    """Accounts the directory provisions: their directory fields are read-only here."""

    def _provisioned(self, obj) -> bool:
        return obj is not None and DirectoryEntry.objects.filter(user=obj).exists()

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if self._provisioned(obj):
            fields += tuple(f for f in services.DIRECTORY_OWNED_FIELDS if f not in fields)
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._provisioned(obj):
            return fieldsets
        why = _(
            "This account is provisioned by the company directory: its name, e-mail, "
            "job title, department, site, kind, contract end and status come from there "
            "and are changed there (they would be overwritten at the next sync)."
        )
        return ((_("Company directory"), {"fields": (), "description": why}), *fieldsets)


admin.site.unregister(User)
admin.site.register(User, DirectoryUserAdmin)
