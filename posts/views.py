"""Post pages: one post with its thread, and the posts of a tag."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from taggit.models import Tag

from .selectors import posts_readable_by


@login_required
@require_GET
def post_detail(request, pk: int):
    post = get_object_or_404(
        posts_readable_by(request.user).select_related("author", "community"), pk=pk
    )
    return render(request, "posts/detail.html", {"post": post})


@login_required
@require_GET
def tag_detail(request, slug: str):
    tag = get_object_or_404(Tag, slug=slug)
    posts = (
        posts_readable_by(request.user)
        .filter(tag_links__tag=tag)
        .select_related("author", "community")
        .order_by("-created_at", "-id")[:20]
    )
    return render(request, "posts/tag.html", {"tag": tag, "posts": posts})
