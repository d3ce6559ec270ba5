"""Posts, comments, likes, tags and streams: the pages' selectors, rules and services
(posts.pages, posts.views), answering JSON."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from access import communities as community_rules
from access import posts as post_rules
from posts import selectors, services
from posts.models import Like, TagFollow

from .. import serializers as s
from ..pagination import next_url, offset_page
from .base import ApiView, validated

CURSOR = OpenApiParameter("cursor", str, description="The `next` cursor of the previous page.")


def stream_response(view: ApiView, stream, *, sources=None) -> Response:
    """One page of a stream by its keyset, exactly as the pages read it."""
    cursor = view.request.query_params.get("cursor")
    if cursor and selectors.decode_cursor(cursor) is None:
        raise ValidationError({"cursor": [_("This cursor is not valid: use the next one given.")]})
    page = selectors.stream_page(stream, view.viewer, cursor, sources)
    return Response(
        {
            "results": s.PostSerializer(page.posts, many=True).data,
            "next": next_url(view.request, page.next_cursor),
        }
    )


def readable_post(view: ApiView, pk: int):
    viewer = view.viewer
    return post_rules.get_post_or_404(
        viewer, pk, shape=lambda posts: selectors.with_cards(posts, viewer)
    )


class StreamView(ApiView):
    @extend_schema(
        summary="My home stream",
        parameters=[
            CURSOR,
            OpenApiParameter("filter", str, enum=list(selectors.STREAM_FILTERS)),
        ],
        responses=s.PostPage,
    )
    def get(self, request):
        which = request.query_params.get("filter", "all")
        if which not in selectors.STREAM_FILTERS:
            raise ValidationError({"filter": [_("One of: all, communities, people, tags.")]})
        return stream_response(
            self,
            post_rules.posts_readable_by(self.viewer),
            sources=selectors.home_sources(self.viewer, which),
        )


class CommunityPostsView(ApiView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(summary="A community's posts", parameters=[CURSOR], responses=s.PostPage)
    def get(self, request, slug: str):
        community = community_rules.get_community_or_404(self.viewer, slug)
        if not community_rules.can_read(self.viewer, community):
            raise PermissionDenied(_("Only members may read this community's posts."))
        stream = post_rules.posts_readable_by(self.viewer).filter(community=community)
        return stream_response(self, stream)


class PostListView(ApiView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="Publish a post",
        description="In a community (its slug) or on my profile. Attachments: multipart.",
        request={
            "application/json": s.PostWriteSerializer,
            "multipart/form-data": s.PostWriteSerializer,
        },
        responses={201: s.PostSerializer},
    )
    def post(self, request):
        data = validated(s.PostWriteSerializer, request)
        slug = data.get("community") or ""
        community = community_rules.get_community_or_404(self.viewer, slug) if slug else None
        post = services.post_create(
            actor=self.user,
            community=community,
            body=data["body"],
            tags=data.get("tags", ""),
            uploads=request.FILES.getlist("attachments"),
        )
        return Response(
            s.PostSerializer(readable_post(self, post.pk)).data, status=status.HTTP_201_CREATED
        )


class PostDetailView(ApiView):
    @extend_schema(summary="A post", responses=s.PostSerializer)
    def get(self, request, pk: int):
        return Response(s.PostSerializer(readable_post(self, pk)).data)

    @extend_schema(summary="Edit my post", request=s.PostEditSerializer, responses=s.PostSerializer)
    def patch(self, request, pk: int):
        post = readable_post(self, pk)
        data = validated(s.PostEditSerializer, request)
        services.post_edit(actor=self.user, post=post, body=data["body"], tags=data.get("tags"))
        return Response(s.PostSerializer(readable_post(self, pk)).data)

    @extend_schema(summary="Delete my post", responses={204: None})
    def delete(self, request, pk: int):
        post = readable_post(self, pk)
        services.post_delete(actor=self.user, post=post, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostLikeView(ApiView):
    @extend_schema(summary="Like a post", request=None, responses=s.LikeSerializer)
    def put(self, request, pk: int):
        post = post_rules.get_post_or_404(self.viewer, pk)
        liked, count = services.like_toggle(actor=self.user, post=post, liked=True)
        return Response({"liked": liked, "count": count})

    @extend_schema(summary="Unlike a post", request=None, responses={200: s.LikeSerializer})
    def delete(self, request, pk: int):
        post = post_rules.get_post_or_404(self.viewer, pk)
        liked, count = services.like_toggle(actor=self.user, post=post, liked=False)
        return Response({"liked": liked, "count": count})


class PostCommentsView(ApiView):
    @extend_schema(
        summary="A post's comments, with their replies",
        parameters=[CURSOR],
        responses=s.CommentPage,
    )
    def get(self, request, pk: int):
        post = post_rules.get_post_or_404(self.viewer, pk)
        threads, cursor = offset_page(request, selectors.thread_of(self.viewer, post))
        return Response(
            {
                "results": s.ThreadCommentSerializer(threads, many=True).data,
                "next": next_url(request, cursor),
            }
        )

    @extend_schema(
        summary="Comment a post, or reply to a comment",
        request=s.CommentWriteSerializer,
        responses={201: s.CommentSerializer},
    )
    def post(self, request, pk: int):
        post = post_rules.get_post_or_404(
            self.viewer, pk, shape=lambda posts: posts.select_related("community", "author")
        )
        data = validated(s.CommentWriteSerializer, request)
        parent = None
        if data.get("parent"):
            parent = (
                post_rules.comments_readable_by(self.viewer)
                .filter(post=post, pk=data["parent"])
                .select_related("author", "parent__author")
                .first()
            )
            if parent is None:
                raise ValidationError({"parent": [_("The comment you answer is no longer there.")]})
        comment = services.comment_create(
            actor=self.user, post=post, body=data["body"], parent=parent
        )
        comment.liked = False  # type: ignore[attr-defined]
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


def _comment(view: ApiView, pk: int):
    comment = post_rules.get_comment_or_404(view.viewer, pk)
    comment.liked = Like.objects.filter(comment=comment, user_id=view.user.pk).exists()  # type: ignore[attr-defined]
    return comment


class CommentDetailView(ApiView):
    @extend_schema(summary="A comment", responses=s.CommentSerializer)
    def get(self, request, pk: int):
        return Response(s.CommentSerializer(_comment(self, pk)).data)

    @extend_schema(
        summary="Edit my comment", request=s.CommentEditSerializer, responses=s.CommentSerializer
    )
    def patch(self, request, pk: int):
        comment = _comment(self, pk)
        data = validated(s.CommentEditSerializer, request)
        services.comment_edit(actor=self.user, comment=comment, body=data["body"])
        return Response(s.CommentSerializer(_comment(self, pk)).data)

    @extend_schema(summary="Delete my comment", responses={204: None})
    def delete(self, request, pk: int):
        comment = _comment(self, pk)
        services.comment_delete(actor=self.user, comment=comment, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentLikeView(ApiView):
    @extend_schema(summary="Like a comment", request=None, responses=s.LikeSerializer)
    def put(self, request, pk: int):
        comment = post_rules.get_comment_or_404(self.viewer, pk)
        liked, count = services.like_toggle(actor=self.user, comment=comment, liked=True)
        return Response({"liked": liked, "count": count})

    @extend_schema(summary="Unlike a comment", request=None, responses={200: s.LikeSerializer})
    def delete(self, request, pk: int):
        comment = post_rules.get_comment_or_404(self.viewer, pk)
        liked, count = services.like_toggle(actor=self.user, comment=comment, liked=False)
        return Response({"liked": liked, "count": count})


class TagPostsView(ApiView):
    @extend_schema(summary="A tag's posts", parameters=[CURSOR], responses=s.PostPage)
    def get(self, request, slug: str):
        tag = post_rules.get_tag_or_404(self.viewer, slug)
        return stream_response(
            self,
            selectors.tag_posts(self.viewer, tag),
            sources=selectors.tag_sources(self.viewer, tag),
        )


class TagFollowView(ApiView):
    @extend_schema(summary="Do I follow this tag?", responses=s.FollowSerializer)
    def get(self, request, slug: str):
        tag = post_rules.get_tag_or_404(self.viewer, slug)
        following = TagFollow.objects.filter(user=self.user, tag=tag).exists()
        return Response({"following": following})

    @extend_schema(summary="Follow a tag", request=None, responses=s.FollowSerializer)
    def put(self, request, slug: str):
        tag = post_rules.get_tag_or_404(self.viewer, slug)
        services.tag_follow(actor=self.user, tag=tag)
        return Response({"following": True})

    @extend_schema(
        summary="Stop following a tag", request=None, responses={200: s.FollowSerializer}
    )
    def delete(self, request, slug: str):
        # Unfollowing works even once no readable post carries the tag any more.
        follow = TagFollow.objects.filter(user=self.user, tag__slug=slug).select_related("tag")
        found = follow.first()
        tag = found.tag if found else post_rules.get_tag_or_404(self.viewer, slug)
        services.tag_unfollow(actor=self.user, tag=tag)
        return Response({"following": False})
