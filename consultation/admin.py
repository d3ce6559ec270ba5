from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .models import Consultation, SectionComment, SectionStance


class SectionCommentInline(admin.TabularInline):
    model = SectionComment
    extra = 0
    fields = ("section_number", "author", "parent", "body", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    """Consultations are opened, closed and published from the draft's page (the
    services check and audit each step); here they are read, comments included."""

    list_display = ("version", "starts_at", "ends_at", "all_employees", "closed_at", "page")
    list_filter = ("all_employees", ("closed_at", admin.EmptyFieldListFilter))
    list_select_related = ("version",)
    readonly_fields = (
        "version",
        "starts_at",
        "ends_at",
        "all_employees",
        "groups",
        "opened_by",
        "closed_at",
        "closed_by",
        "summary",
        "summary_attached_at",
    )
    inlines = [SectionCommentInline]

    @admin.display(description=_("page"))
    def page(self, consultation) -> str:
        if consultation.version.is_published:
            url = reverse("consultation:record", args=[consultation.version.number])
        else:
            url = reverse("consultation:draft", args=[consultation.version.number])
        return format_html('<a href="{}">{}</a>', url, url)


@admin.register(SectionStance)
class SectionStanceAdmin(ReadOnlyAdmin):
    list_display = ("consultation", "section_number", "person", "stance", "updated_at")
    list_filter = ("stance", "consultation")
    list_select_related = ("consultation__version", "person")
