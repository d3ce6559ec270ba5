from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Value
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin

from . import services
from . import variants as charter_variants
from .models import (
    CharterAcceptance,
    CharterSection,
    CharterSignOff,
    CharterVariant,
    CharterVersion,
)
from .selectors import current_version


class _FrozenWhenPublished:
    """Inlines of a published version are read-only, as the version is."""

    def _published(self, obj) -> bool:
        version = getattr(obj, "version", obj)
        return version is not None and getattr(version, "is_published", False)

    def has_add_permission(self, request, obj=None) -> bool:
        return not self._published(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request, obj=None) -> bool:
        return not self._published(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request, obj=None) -> bool:
        return not self._published(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class CharterSectionInline(admin.StackedInline):
    """The common sections (a variant's own are edited on the variant's page)."""

    model = CharterSection
    fk_name = "version"
    extra = 0
    fields = (
        ("number", "position", "is_report_reason"),
        ("title_fr", "title_en"),
        ("body_fr", "body_en"),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).filter(variant__isnull=True)


class CharterVariantForm(forms.ModelForm):
    class Meta:
        model = CharterVariant
        fields = ("name_fr", "name_en", "country", "legal_entity")

    def clean_country(self) -> str:
        country = (self.cleaned_data.get("country") or "").strip().upper()
        if country and not (len(country) == 2 and country.isalpha()):
            raise ValidationError(_("A country is an ISO 3166 code of two letters (FR, DE…)."))
        return country

    def clean_legal_entity(self) -> str:
        return (self.cleaned_data.get("legal_entity") or "").strip()

    def clean(self):
        data = super().clean()
        if not (data.get("country") or data.get("legal_entity")):
            raise ValidationError(
                _("Give the variant a country, a legal entity, or both: who it applies to.")
            )
        return data


class CharterVariantFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        seen: dict[tuple[str, str], str] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            key = (
                (data.get("country") or "").casefold(),
                (data.get("legal_entity") or "").casefold(),
            )
            if key in seen:
                raise ValidationError(
                    _("Variants “%(first)s” and “%(second)s” apply to the same people: keep one.")
                    % {"first": seen[key], "second": data.get("name_en")}
                )
            seen[key] = data.get("name_en") or ""


class CharterVariantInline(_FrozenWhenPublished, admin.TabularInline):
    """The variants of a version: who each applies to. Their own sections are edited on
    the variant's page (link)."""

    model = CharterVariant
    form = CharterVariantForm
    formset = CharterVariantFormSet
    extra = 0
    fields = ("name_fr", "name_en", "country", "legal_entity", "people", "sections_link")
    readonly_fields = ("people", "sections_link")

    @admin.display(description=_("people matched"))
    def people(self, variant) -> str:
        if variant.pk is None:
            return "—"
        return str(charter_variants.population_size(variant))

    @admin.display(description=_("own sections"))
    def sections_link(self, variant) -> str:
        if variant.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:charter_chartervariant_change", args=[variant.pk]),
            _("Edit its sections"),
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
    inlines = [CharterSectionInline, CharterVariantInline]
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
                # People, not acceptances: one who moved accepted two variants.
                accepted=Count(
                    "acceptances__user",
                    filter=Q(acceptances__user__is_active=True),
                    distinct=True,
                ),
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

    def save_formset(self, request, form, formset, change):
        if formset.model is not CharterVariant:
            return super().save_formset(request, form, formset, change)
        # Variants go through the service: checked and audited.
        instances = formset.save(commit=False)
        for variant in formset.deleted_objects:
            services.charter_variant_delete(variant=variant, actor=request.user, request=request)
        for variant in instances:
            services.charter_variant_save(variant=variant, actor=request.user, request=request)
        return None

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


class VariantSectionFormSet(forms.BaseInlineFormSet):
    """A variant's own sections: each replaces a common section (which must exist) or
    adds one (with a number no common section has)."""

    def clean(self) -> None:
        super().clean()
        variant = self.instance
        common = set(
            CharterSection.objects.filter(
                version_id=variant.version_id, variant__isnull=True
            ).values_list("number", flat=True)
        )
        errors = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            number = (data.get("number") or "").strip()
            if data.get("replaces") and number not in common:
                errors.append(
                    _("Section %(number)s replaces a common section that does not exist.")
                    % {"number": number}
                )
            elif not data.get("replaces") and number in common:
                errors.append(
                    _(
                        "Section %(number)s has the number of a common section: tick "
                        "“replaces the common section” or give it a new number."
                    )
                    % {"number": number}
                )
        if errors:
            raise ValidationError(errors)


class VariantSectionInline(admin.StackedInline):
    model = CharterSection
    fk_name = "variant"
    formset = VariantSectionFormSet
    extra = 0
    fields = (
        ("number", "replaces", "position", "is_report_reason"),
        ("title_fr", "title_en"),
        ("body_fr", "body_en"),
    )


@admin.register(CharterVariant)
class CharterVariantAdmin(admin.ModelAdmin):
    """A variant's own sections. Its name and population are edited on the version."""

    list_display = ("__str__", "country", "legal_entity", "version")
    list_filter = ("version", "country")
    list_select_related = ("version",)
    fields = ("version", "name_fr", "name_en", "country", "legal_entity")
    readonly_fields = ("version", "name_fr", "name_en", "country", "legal_entity")
    inlines = [VariantSectionInline]

    def has_add_permission(self, request) -> bool:
        return False  # added on the version's page (inline)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.version.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # removed on the version's page, audited

    def save_formset(self, request, form, formset, change):
        variant = form.instance
        instances = formset.save(commit=False)
        for section in instances:
            section.version_id = variant.version_id
            section.save()
        for section in formset.deleted_objects:
            section.delete()
        numbers = [s.number for s in instances] + [s.number for s in formset.deleted_objects]
        if numbers:
            services.charter_variant_sections_changed(
                variant=variant, actor=request.user, numbers=numbers, request=request
            )


@admin.register(CharterAcceptance)
class CharterAcceptanceAdmin(ReadOnlyAdmin):
    list_display = ("user", "version", "variant", "accepted_at", "ip_address")
    list_filter = ("version", "variant", ("accepted_at", admin.DateFieldListFilter))
    search_fields = ("user__email", "user__first_name", "user__last_name", "ip_address")
    list_select_related = ("user", "version", "variant__version")
    readonly_fields = ("user", "version", "variant", "accepted_at", "ip_address", "user_agent")

    def changelist_view(self, request, extra_context=None):
        version = current_version()
        extra_context = extra_context or {}
        if version is not None:
            accepted = (
                version.acceptances.filter(user__is_active=True).values("user").distinct().count()
            )
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
