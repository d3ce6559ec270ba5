"""Post pages: composer, post and thread, likes, tags, follows, attachments, suggestions.

Every view loads what it shows through `posts.selectors` (404 for what may not be
read) and changes things only through `posts.services`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import posts as post_rules
from access.communities import get_community_or_404
from core import readings
from core.confirm import confirmation

from . import selectors, services
from .forms import CommentForm, PostForm
from .models import Comment, Post, Status, TagFollow

READABLE_OR_DELETED = (Status.PUBLISHED, Status.DELETED)


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _message(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error) or _("You may not do this.")


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def wants_fragment(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _readable_post(request, pk: int) -> Post:
    return post_rules.get_post_or_404(
        request.viewer, pk, shape=lambda posts: selectors.with_cards(posts, request.viewer)
    )


def _own_comment(request, pk: int) -> Comment:
    return post_rules.get_comment_or_404(request.viewer, pk)


# --- Posts ------------------------------------------------------------------------------


@login_required
@require_POST
def post_create(request):
    slug = request.POST.get("community", "")
    community = get_community_or_404(request.viewer, slug) if slug else None
    default = (
        reverse("communities:detail", args=[community.slug]) if community else reverse("posts:home")
    )
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            post = services.post_create(
                actor=request.user,
                community=community,
                body=form.cleaned_data["body"],
                tags=form.cleaned_data["tags"],
                uploads=request.FILES.getlist("attachments"),
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, _("Your post is published."))
            return redirect(_next(request, post.get_absolute_url()))
    if request.FILES.getlist("attachments"):
        form.add_error(None, _("Please choose your attachments again."))
    return render(
        request,
        "posts/compose.html",
        {"form": form, "community": community, "next": _next(request, default)},
        status=400,
    )


@login_required
@require_GET
def post_detail(request, pk: int):
    post = post_rules.get_post_or_404(
        request.viewer,
        pk,
        statuses=READABLE_OR_DELETED,
        shape=lambda posts: selectors.with_cards(posts, request.viewer),
    )
    if post.status == Status.DELETED:
        return render(request, "posts/deleted.html", {"post": post}, status=410)
    readings.record(request.user, post.community_id)
    may_moderate = post_rules.can_moderate_post(request.viewer, post)
    comments = selectors.thread_of(request.viewer, post)
    if may_moderate:
        selectors.attach_comment_revisions(post, comments)
    return render(
        request,
        "posts/detail.html",
        {
            "post": post,
            "comments": comments,
            "may_contribute": post_rules.can_contribute(request.viewer, post.community),
            "may_moderate": may_moderate,
            "revisions": selectors.revisions_of(post) if may_moderate else [],
            "comment_form": CommentForm(),
            "detail": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request, pk: int):
    post = _readable_post(request, pk)
    if not post_rules.can_edit(request.viewer, post):
        messages.error(request, _("You may only edit your own published posts."))
        return redirect(post)
    initial = {
        "body": post.body,
        "tags": ", ".join(t.name or t.tag.name for t in post.tag_links.all()),
    }
    form = PostForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        remove = request.POST.getlist("remove")
        try:
            if not all(value.isdigit() and len(value) < 19 for value in remove):
                raise ValidationError(
                    _("This attachment is not one of the post's: reload the page.")
                )
            services.post_edit(
                actor=request.user,
                post=post,
                body=form.cleaned_data["body"],
                tags=form.cleaned_data["tags"],
                uploads=request.FILES.getlist("attachments"),
                remove=[int(value) for value in remove],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, _("Your post is saved."))
            return redirect(post)
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "post": post,
        "attachments": list(post.attachments.all()),
        "removed": set(request.POST.getlist("remove")),
    }
    return render(request, "posts/edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def post_delete(request, pk: int):
    post = _readable_post(request, pk)
    if request.method == "GET":  # the confirmation, for browsers without the dialog
        if not post_rules.can_delete(request.viewer, post):
            messages.error(request, _("You may only delete your own posts."))
            return redirect(post)
        return confirmation(
            request,
            title=_("Delete this post?"),
            question=_("The post will disappear for everyone, with its comments."),
            button=_("Delete this post for good"),
            cancel=post.get_absolute_url(),
        )
    try:
        services.post_delete(actor=request.user, post=post, request=request)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
        return redirect(post)
    messages.success(request, _("Your post is deleted."))
    return redirect("posts:home")


def _like_response(request, liked: bool, count: int, default: str):
    if wants_json(request):
        return JsonResponse({"liked": liked, "count": count})
    return redirect(_next(request, default))


def _wanted(request) -> bool | None:
    value = request.POST.get("liked")
    return {"1": True, "0": False}.get(value or "")


@login_required
@require_POST
def post_like(request, pk: int):
    post = post_rules.get_post_or_404(request.viewer, pk)
    try:
        liked, count = services.like_toggle(actor=request.user, post=post, liked=_wanted(request))
    except PermissionDenied as error:
        if wants_json(request):
            return JsonResponse({"error": _message(error)}, status=403)
        messages.error(request, _message(error))
        return redirect(_next(request, post.get_absolute_url()))
    return _like_response(request, liked, count, post.get_absolute_url())


@login_required
@require_GET
def post_likers(request, pk: int):
    post = post_rules.get_post_or_404(request.viewer, pk)
    people = list(selectors.likers_of(request.viewer, post=post)[:200])
    return render(request, "posts/likers.html", {"post": post, "people": people})


# --- Comments ---------------------------------------------------------------------------


@login_required
@require_POST
def comment_create(request, pk: int):
    post = post_rules.get_post_or_404(
        request.viewer,
        pk,
        statuses=READABLE_OR_DELETED,
        shape=lambda posts: posts.select_related("community", "author"),
    )
    parent = None
    if request.POST.get("parent"):
        parent = (
            post_rules.comments_readable_by(request.viewer)
            .filter(post=post, pk=request.POST["parent"])
            .select_related("author", "parent__author")
            .first()
        )
        if parent is None:
            messages.error(request, _("The comment you answer is no longer there."))
            return redirect(post)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.comment_create(
                actor=request.user, post=post, body=form.cleaned_data["body"], parent=parent
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, _("Your comment is published."))
            return redirect(_next(request, f"{post.get_absolute_url()}#comment-{comment.pk}"))
    return render(
        request,
        "posts/comment_failed.html",
        {"form": form, "post": post, "parent": parent},
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk: int):
    comment = _own_comment(request, pk)
    if not post_rules.can_edit(request.viewer, comment):
        messages.error(request, _("You may only edit your own published comments."))
        return redirect(f"{comment.post.get_absolute_url()}#comment-{comment.pk}")
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(
                actor=request.user, comment=comment, body=form.cleaned_data["body"]
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, _("Your comment is saved."))
            return redirect(f"{comment.post.get_absolute_url()}#comment-{comment.pk}")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "posts/comment_edit.html", {"form": form, "comment": comment}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request, pk: int):
    comment = _own_comment(request, pk)
    if request.method == "GET":
        if not post_rules.can_delete(request.viewer, comment):
            messages.error(request, _("You may only delete your own comments."))
            return redirect(comment.post)
        return confirmation(
            request,
            title=_("Delete this comment?"),
            question=_("The comment will disappear for everyone."),
            button=_("Delete this comment for good"),
            cancel=f"{comment.post.get_absolute_url()}#comment-{comment.pk}",
        )
    try:
        services.comment_delete(actor=request.user, comment=comment, request=request)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("Your comment is deleted."))
    return redirect(comment.post)


@login_required
@require_POST
def comment_like(request, pk: int):
    comment = _own_comment(request, pk)
    default = f"{comment.post.get_absolute_url()}#comment-{comment.pk}"
    try:
        liked, count = services.like_toggle(
            actor=request.user, comment=comment, liked=_wanted(request)
        )
    except PermissionDenied as error:
        if wants_json(request):
            return JsonResponse({"error": _message(error)}, status=403)
        messages.error(request, _message(error))
        return redirect(_next(request, default))
    return _like_response(request, liked, count, default)


@login_required
@require_GET
def comment_likers(request, pk: int):
    comment = _own_comment(request, pk)
    people = list(selectors.likers_of(request.user, comment=comment)[:200])
    return render(
        request,
        "posts/likers.html",
        {"post": comment.post, "comment": comment, "people": people},
    )


# --- Tags and follows -------------------------------------------------------------------


@login_required
@require_POST
def tag_follow(request, slug: str):
    if request.POST.get("follow") == "0":
        # Unfollowing works even once no readable post carries the tag any more.
        follow = (
            TagFollow.objects.filter(user=request.user, tag__slug=slug)
            .select_related("tag")
            .first()
        )
        tag = follow.tag if follow else post_rules.get_tag_or_404(request.viewer, slug)
        services.tag_unfollow(actor=request.user, tag=tag)
        messages.success(request, _("You no longer follow #%(tag)s.") % {"tag": tag.name})
    else:
        tag = post_rules.get_tag_or_404(request.viewer, slug)
        services.tag_follow(actor=request.user, tag=tag)
        messages.success(
            request, _("You follow #%(tag)s: its posts come to your stream.") % {"tag": tag.name}
        )
    return redirect(_next(request, reverse("posts:tag_detail", args=[tag.slug])))


@login_required
@require_POST
def community_follow(request, slug: str):
    community = get_community_or_404(request.viewer, slug)
    default = reverse("communities:detail", args=[community.slug])
    if request.POST.get("follow") == "0":
        services.community_unfollow(actor=request.user, community=community)
        messages.success(request, _("You no longer follow this community."))
        return redirect(_next(request, default))
    try:
        services.community_follow(actor=request.user, community=community)
    except PermissionDenied as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("You follow this community: its posts come to your stream."))
    return redirect(_next(request, default))


# --- Suggestions (autocomplete) ---------------------------------------------------------


@login_required
@require_GET
def suggest_people(request):
    return JsonResponse(
        {"results": selectors.people_suggested(request.user, request.GET.get("q", ""))}
    )


@login_required
@require_GET
def suggest_tags(request):
    return JsonResponse(
        {"results": selectors.tags_suggested(request.user, request.GET.get("q", ""))}
    )
