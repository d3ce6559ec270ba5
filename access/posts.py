"""Posts, comments, attachments and tags: who may read them (rules 2 and 7) and who
may write, edit or delete (rule 4). Streams, tag pages, profiles, search,
notifications, e-mails and counts all start from `posts_readable_by`."""

from collections.abc import Callable

from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.http import Http404
from taggit.models import Tag

from communities.models import Community
from posts.models import Attachment, Comment, Post, Status, TaggedPost

from . import communities as community_rules
from .moderation import can_moderate_in
from .viewer import as_viewer


def posts_readable_by(
    who,
    *,
    statuses: tuple[str, ...] = (Status.PUBLISHED,),
    readable_community_ids: list[int] | None = None,
) -> QuerySet[Post]:
    """Published posts the viewer may read: those of the communities they may read,
    and, for employees, posts on people's profiles (never shown to externals).

    `statuses` widens the set to, say, deleted posts the viewer could read, so that a
    page can say "this post was deleted" instead of a bare 404.
    `readable_community_ids` is the readable communities already read as a list by
    the caller (the planner estimates a list better than a subquery)."""
    viewer = as_viewer(who)
    if not viewer.is_person:
        return Post.objects.none()
    return Post.objects.filter(_reading_rule(viewer, "", statuses, readable_community_ids))


def _reading_rule(
    viewer, prefix: str, statuses: tuple[str, ...], readable_community_ids: list[int] | None
) -> Q:
    """Rule 2 for a person, as a condition on the post at `prefix` ("" for the post
    itself, "shared__" for the post it shares)."""
    if readable_community_ids is not None:
        readable = Q(**{f"{prefix}community_id__any": readable_community_ids})
    else:
        readable = Q(**{f"{prefix}community__in": viewer.readable_communities().values("pk")})
    if viewer.is_employee or viewer.is_superuser:
        readable |= Q(**{f"{prefix}community__isnull": True})
    return readable & Q(**{f"{prefix}status__in": statuses})


def shared_post_readable(who) -> Expression:
    """For a query of posts: whether the post each one shares may be read by `who`
    (false when it shares none). Rule 2 applied to the original already joined to the
    row, not an EXISTS over the posts `who` may read: given more `work_mem`, PostgreSQL
    may hash that whole set once for the whole stream (400,000 posts read, 2 s, for the
    20 rows of a community's page on `large`)."""
    viewer = as_viewer(who)
    if not viewer.is_person:
        return Value(False)
    rule = Q(shared__isnull=False) & _reading_rule(viewer, "shared__", (Status.PUBLISHED,), None)
    return ExpressionWrapper(rule, output_field=BooleanField())


def comments_readable_by(who) -> QuerySet[Comment]:
    """Published comments on posts the viewer may read."""
    return Comment.objects.filter(
        status=Status.PUBLISHED, post__in=posts_readable_by(who).values("pk")
    )


def is_post_readable_by(who, post: Post) -> bool:
    return posts_readable_by(who).filter(pk=post.pk).exists()


def is_comment_readable_by(who, comment: Comment) -> bool:
    return comments_readable_by(who).filter(pk=comment.pk).exists()


def get_post_or_404(
    who,
    pk,
    *,
    statuses: tuple[str, ...] = (Status.PUBLISHED,),
    shape: Callable[[QuerySet[Post]], QuerySet[Post]] | None = None,
) -> Post:
    """One post the viewer may read, or 404 (never 403). `shape` adds what the page
    shows (select_related, annotations) to the same query."""
    posts = posts_readable_by(who, statuses=statuses)
    if shape is not None:
        posts = shape(posts)
    post = posts.filter(pk=pk).first()
    if post is None:
        raise Http404
    return post


def get_comment_or_404(who, pk) -> Comment:
    """One published comment on a post the viewer may read, or 404."""
    comment = (
        comments_readable_by(who).select_related("post", "post__community").filter(pk=pk).first()
    )
    if comment is None:
        raise Http404
    return comment


def get_attachment_or_404(who, pk) -> Attachment:
    """An attachment of a post the viewer may read, or 404."""
    attachment = (
        Attachment.objects.filter(post__in=posts_readable_by(who).values("pk"), pk=pk)
        .select_related("post")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def tags_readable_by(who) -> QuerySet[Tag]:
    """Tags carried by at least one post the viewer may read: nothing else is named."""
    return Tag.objects.filter(
        Exists(
            TaggedPost.objects.filter(
                tag=OuterRef("pk"), content_object__in=posts_readable_by(who).values("pk")
            )
        )
    )


def get_tag_or_404(who, slug: str) -> Tag:
    """The tag if it is carried by a post the viewer may read, read as the tag then
    one EXISTS: the planner stops at the first readable post of the tag instead of
    hashing every post of a popular one."""
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None or not posts_readable_by(who).filter(tag_links__tag=tag).exists():
        raise Http404
    return tag


# --- Verbs ------------------------------------------------------------------------------


def can_contribute(who, community: Community | None) -> bool:
    """Post, comment or like in `community`, or on profiles when it is None.

    Community: `access.communities.can_post` (read, charter, not muted, not
    archived). Profiles: active employees who accepted the charter and are not muted
    site-wide (externals never see profile posts, so never write there)."""
    viewer = as_viewer(who)
    if community is not None:
        return community_rules.can_post(viewer, community)
    return viewer.is_employee and viewer.charter_accepted and not viewer.is_muted(None)


def can_moderate_post(who, post: Post) -> bool:
    """See earlier versions and hidden content: community moderators, site moderators."""
    return can_moderate_in(who, post.community)


def can_edit(who, item: Post | Comment) -> bool:
    """Authors edit their own published posts and comments while they may contribute."""
    viewer = as_viewer(who)
    post = item if isinstance(item, Post) else item.post
    return (
        viewer.is_person
        and item.author_id == viewer.user.pk
        and item.is_published
        and post.is_published
        and can_contribute(viewer, post.community)
    )


def can_delete(who, item: Post | Comment) -> bool:
    """Authors may always delete what they published (even when muted)."""
    viewer = as_viewer(who)
    return viewer.is_person and item.author_id == viewer.user.pk and item.is_published
