"""Webhooks in Django admin: administrators register, change, switch off, rotate and
delete hooks through the same services as the community's pages (checked, audited);
deliveries and attempts are read-only, the log of what was sent."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from . import services
from .models import Attempt, Delivery, Event, Hook


class HookAdminForm(forms.ModelForm):
    url = forms.URLField(label=_("address"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Hook
        fields = ["community", "url", "events", "is_active"]

    def clean(self):
        data = super().clean()
        try:
            services.hook_clean(data.get("url", ""), data.get("events") or [])
        except ValidationError as error:
            raise ValidationError(error.message_dict) from error
        return data


class AttemptInline(admin.TabularInline):
    model = Attempt
    fields = ["number", "at", "outcome", "status_code", "duration_ms", "error", "response_excerpt"]
    readonly_fields = [
        "number",
        "at",
        "outcome",
        "status_code",
        "duration_ms",
        "error",
        "response_excerpt",
    ]
    extra = 0
    can_delete = False
    max_num = 0


@admin.register(Hook)
class HookAdmin(admin.ModelAdmin):
    form = HookAdminForm
    list_display = ["community", "url", "owner", "is_active", "consecutive_failures", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["community__name", "url", "owner__username"]
    list_select_related = ["community", "owner"]
    raw_id_fields = ["community"]
    readonly_fields = ["owner", "consecutive_failures", "disabled_reason", "created_at"]
    actions = ["rotate_secret"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "community"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.hook_update(
                actor=request.user,
                hook=Hook.objects.get(pk=obj.pk),
                url=data["url"],
                events=data["events"],
                is_active=data["is_active"],
                request=request,
            )
            return
        hook = services.hook_create(
            actor=request.user,
            community=data["community"],
            url=data["url"],
            events=data["events"],
            request=request,
        )
        obj.pk = hook.pk
        messages.warning(
            request,
            _("The webhook's secret (copy it now, it will not be shown again): %(secret)s")
            % {"secret": hook.secret},
        )

    def delete_model(self, request, obj):
        services.hook_delete(actor=request.user, hook=obj, request=request)

    def delete_queryset(self, request, queryset):
        for hook in queryset.select_related("community"):
            services.hook_delete(actor=request.user, hook=hook, request=request)

    @admin.action(description=_("Make a new secret (one webhook at a time)"))
    def rotate_secret(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one webhook."), messages.ERROR)
            return
        hook = services.hook_secret_rotate(
            actor=request.user, hook=queryset.select_related("community").get(), request=request
        )
        messages.warning(
            request,
            _("The webhook's new secret (copy it now, it will not be shown again): %(secret)s")
            % {"secret": hook.secret},
        )


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "hook", "event", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "event"]
    search_fields = ["uid", "hook__url", "hook__community__name"]
    list_select_related = ["hook__community"]
    readonly_fields = ["hook", "uid", "event", "refs", "occurred_at", "status", "attempts"]
    inlines = [AttemptInline]
    date_hierarchy = "occurred_at"
