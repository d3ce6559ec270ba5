"""Django admin for questions: read and search; accepting an answer stays a service
(an audited action), so the admin shows it but does not change it."""

from django.contrib import admin

from .models import AnswerStanding, AnswerWillingness, Question, QuestionOffer


class OfferInline(admin.TabularInline):
    model = QuestionOffer
    extra = 0
    can_delete = False
    fields = readonly_fields = ("user", "skill", "created_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("title", "post", "resolved_at", "offered_count")
    list_filter = (("resolved_at", admin.EmptyFieldListFilter),)
    search_fields = ("title", "post__body")
    list_select_related = ("post", "post__author")
    readonly_fields = (
        "post",
        "accepted_answer",
        "accepted_by",
        "resolved_at",
        "offered_count",
    )
    inlines = [OfferInline]

    def has_add_permission(self, request) -> bool:
        return False  # a question is asked on the site (a post, routed, audited)


@admin.register(QuestionOffer)
class QuestionOfferAdmin(admin.ModelAdmin):
    list_display = ("question", "user", "skill", "created_at")
    list_select_related = ("question", "user", "skill")
    search_fields = ("user__username", "user__last_name", "question__title")
    date_hierarchy = "created_at"
    readonly_fields = ("question", "user", "skill", "created_at")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(AnswerWillingness)
class AnswerWillingnessAdmin(admin.ModelAdmin):
    list_display = ("user", "willing", "updated_at")
    list_filter = ("willing",)
    list_select_related = ("user",)
    search_fields = ("user__username", "user__last_name")
    raw_id_fields = ("user",)


@admin.register(AnswerStanding)
class AnswerStandingAdmin(admin.ModelAdmin):
    list_display = ("user", "skill", "accepted_count")
    list_select_related = ("user", "skill")
    search_fields = ("user__username", "skill__name")
    readonly_fields = ("user", "skill", "accepted_count")

    def has_add_permission(self, request) -> bool:
        return False
