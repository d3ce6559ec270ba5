"""The pages that show a stream of posts: home, a community's page, a person's
profile and a tag's page. Each reads the posts through the reading rule (access) and
pages them by keyset (posts.selectors.stream_page)."""

from datetime import UTC, datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from access import communities as community_rules
from access import people as people_rules
from access import posts as post_rules
from communities import selectors as community_selectors
from communities import views as community_views
from core import readings
from profiles import selectors as profile_selectors
from profiles.models import Endorsement

from . import selectors
from .forms import PostForm
from .models import TagFollow
from .views import wants_fragment


def render_stream(request, template: str, context: dict, stream, *, sources=None, **extra):
    """A page with a stream, or only its next page (cards + "Load more") for scripts."""
    page = selectors.stream_page(stream, request.viewer, request.GET.get("cursor"), sources)
    params = request.GET.copy()
    params.pop("cursor", None)
    if page.next_cursor:
        params["cursor"] = page.next_cursor
    context.update(page=page, more_query=params.urlencode(), **extra)
    # The newest post shown, for the "N new posts" banner (static/js/posts.js).
    # The demo (and imports) date posts back, so ids and times need not agree: both.
    context["fresh_after"] = max((post.pk for post in page.posts), default=0)
    newest = max((post.created_at for post in page.posts), default=None)
    context["fresh_since"] = f"{newest.timestamp():.6f}" if newest else ""
    if wants_fragment(request):
        return render(request, "posts/_stream_page.html", context)
    return render(request, template, context)


# --- Home -------------------------------------------------------------------------------


@login_required
@require_GET
def home(request):
    """The home stream: what my communities, the communities, people and tags I follow,
    and I myself posted — newest first, page after page (see posts.selectors)."""
    which = request.GET.get("filter", "all")
    if which not in selectors.STREAM_FILTERS:
        which = "all"
    context = {
        "filter": which,
        "filters": selectors.STREAM_FILTERS,
        "may_post": post_rules.can_contribute(request.viewer, None),
        "form": PostForm(),
    }
    if not request.GET.get("cursor"):
        # The sides of the page (desktop), and the newcomer's "where to start": each read
        # only when the template shows it, through the access rules.
        context["suggestions"] = SimpleLazyObject(lambda: selectors.suggestions_for(request.viewer))
        readings.record(request.user, None)
        context["my_communities"] = SimpleLazyObject(
            lambda: list(
                community_rules.communities_of_member(request.viewer, request.user)[
                    : selectors.SIDE_LIST_SIZE
                ]
            )
        )
    # The sources say which posts the stream holds; the page re-checks only the reading
    # rule (repeating every source's condition made PostgreSQL hash each followed tag).
    return render_stream(
        request,
        "posts/home.html",
        context,
        post_rules.posts_readable_by(request.viewer),
        sources=selectors.home_sources(request.viewer, which),
    )


# --- Community and profile pages, with their streams -------------------------------------


@login_required
@require_GET
def community_page(request, slug: str):
    """A community's page (communities:detail) with its stream: readable posts only."""
    community = community_rules.get_community_or_404(request.viewer, slug)
    context = community_views.page_context(request, community)
    context.update(
        form=PostForm(),
        # Read only when the composer shows (for those who may post there).
        externals=SimpleLazyObject(lambda: community_selectors.external_readers_of(community)),
        follows=bool(
            context["may_read"]
            and not (context["membership"] and context["membership"].status == "active")
            and community.pk in selectors.followed_community_ids(request.user)
        ),
    )
    stream = post_rules.posts_readable_by(request.viewer).filter(community=community)
    if context["may_read"] and not request.GET.get("cursor"):
        readings.record(request.user, community.pk)
    return render_stream(request, "communities/detail.html", context, stream)


@login_required
@require_GET
def profile_page(request, username: str):
    """A person's profile (people:detail) with the posts of theirs the viewer may read."""
    person = people_rules.get_visible_user_or_404(request.viewer, username)
    skills = list(profile_selectors.user_skills_ranked().filter(user=person))
    endorsed = set(
        Endorsement.objects.filter(endorser=request.user, user_skill__in=skills).values_list(
            "user_skill_id", flat=True
        )
    )
    return render_stream(
        request,
        "profiles/profile_detail.html",
        {
            "form": PostForm(),
            "may_post": person.pk == request.user.pk
            and post_rules.can_contribute(request.viewer, None),
            "person": person,
            "profile": person.profile,
            "skills": skills,
            "endorsed": endorsed,
            "is_me": person.pk == request.user.pk,
            "may_act": person.pk != request.user.pk and person.is_active,
            "follows": bool(profile_selectors.followed_ids(request.user, [person])),
            "member_of": list(community_rules.communities_of_member(request.viewer, person)),
        },
        post_rules.posts_readable_by(request.viewer).filter(author=person),
    )


@login_required
@require_GET
def tag_detail(request, slug: str):
    tag = post_rules.get_tag_or_404(request.viewer, slug)
    follows = TagFollow.objects.filter(user=request.user, tag=tag).exists()
    return render_stream(
        request,
        "posts/tag.html",
        {"tag": tag, "follows": follows},
        selectors.tag_posts(request.viewer, tag),
        sources=selectors.tag_sources(request.viewer, tag),
    )


# --- The "N new posts" banner of the streams ---------------------------------------------


@login_required
@require_GET
def stream_fresh(request):
    """How many posts arrived in a stream since the newest one shown, polled by
    static/js/posts.js: one count per poll, 304 Not Modified while it does not change.
    `after` is the newest post's id shown, `community` a community's slug (else the
    home stream, its `filter` part)."""
    after = request.GET.get("after", "")
    if not after.isdigit() or len(after) > 18:
        return HttpResponseBadRequest(_("The newest post shown is missing."))
    since = None
    raw_since = request.GET.get("since", "")
    if raw_since:
        try:
            since = datetime.fromtimestamp(float(raw_since[:30]), tz=UTC)
        except (ValueError, OverflowError, OSError):
            return HttpResponseBadRequest(_("The newest post shown is missing."))
    which = request.GET.get("filter", "all")
    if which not in selectors.STREAM_FILTERS:
        which = "all"
    count = selectors.stream_fresh_count(
        request.viewer,
        after=int(after),
        since=since,
        community_slug=request.GET.get("community", "")[:100],
        which=which,
    )
    label = f"{selectors.FRESH_CAP}+" if count > selectors.FRESH_CAP else str(count)
    etag = f'"fresh-{after}-{label}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        text = ""
        if count > selectors.FRESH_CAP:
            text = _("%(count)s new posts — show") % {"count": label}
        elif count:
            text = ngettext("%(count)s new post — show", "%(count)s new posts — show", count) % {
                "count": label
            }
        response = JsonResponse({"count": count, "label": label if count else "", "text": text})
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Cookie, Accept-Language"
    return response
