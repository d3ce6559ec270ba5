"""Django admin for posts: history (revisions, likes, attachments) is read-only."""

from django.contrib import admin

from .models import (
    Attachment,
    Comment,
    CommunityFollow,
    Like,
    Mention,
    Post,
    Revision,
    TagFollow,
    TaggedPost,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RevisionInline(ReadOnlyInline):
    model = Revision
    fields = readonly_fields = ("created_at", "comment", "edited_by", "by_moderator", "body")


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = readonly_fields = (
        "original_name",
        "kind",
        "content_type",
        "size",
        "preview",
        "created_at",
    )


class TaggedPostInline(ReadOnlyInline):
    model = TaggedPost
    fields = readonly_fields = ("tag", "name")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "author",
        "community",
        "status",
        "created_at",
        "likes_count",
        "comments_count",
    ]
    list_filter = ["status", "edited_by_moderator", "created_at"]
    search_fields = ["body", "author__username", "author__last_name", "community__name"]
    list_select_related = ["author", "community"]
    raw_id_fields = ["author", "community", "shared"]
    readonly_fields = [
        "created_at",
        "edited_at",
        "deleted_at",
        "likes_count",
        "comments_count",
        "edited_by_moderator",
    ]
    exclude = ["tags"]
    inlines = [TaggedPostInline, AttachmentInline, RevisionInline]
    date_hierarchy = "created_at"


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["id", "author", "post", "parent", "status", "created_at", "likes_count"]
    list_filter = ["status", "created_at"]
    search_fields = ["body", "author__username", "author__last_name"]
    list_select_related = ["author", "post"]
    raw_id_fields = ["author", "post", "parent"]
    readonly_fields = [
        "created_at",
        "edited_at",
        "deleted_at",
        "likes_count",
        "edited_by_moderator",
    ]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Like)
class LikeAdmin(ReadOnlyAdmin):
    list_display = ["user", "post", "comment", "created_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__last_name"]
    date_hierarchy = "created_at"


@admin.register(Mention)
class MentionAdmin(ReadOnlyAdmin):
    list_display = ["user", "post", "comment"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__last_name"]


@admin.register(CommunityFollow)
class CommunityFollowAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "created_at"]
    list_select_related = ["user", "community"]
    search_fields = ["user__username", "community__name"]
    raw_id_fields = ["user", "community"]


@admin.register(TagFollow)
class TagFollowAdmin(admin.ModelAdmin):
    list_display = ["user", "tag", "created_at"]
    list_select_related = ["user", "tag"]
    search_fields = ["user__username", "tag__name"]
    raw_id_fields = ["user", "tag"]
