"""Atom feeds for feed readers and intranet portals (/feeds/<token>/…): my home
stream, a community's posts, a tag's posts — the newest page of the same streams as
the pages (posts.selectors.stream_page), read as the token's owner. Anything the
owner may not read, an unknown or revoked token and a closed account answer 404."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from access import communities as community_rules
from access import posts as post_rules
from access.viewer import Viewer
from posts import selectors
from posts.rendering import body_html

from .services import feed_user_for


class _PostsFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-cache"
        return response

    def _viewer(self, token: str) -> Viewer:
        user = feed_user_for(token)
        if user is None:
            raise Http404
        viewer = Viewer(user)
        if settings.CHARTER_REQUIRED_TO_READ and not viewer.charter_accepted:
            raise Http404
        return viewer

    def items(self, obj):
        viewer, stream, sources = obj["viewer"], obj["stream"], obj.get("sources")
        return selectors.stream_page(stream, viewer, None, sources).posts

    def link(self, obj) -> str:
        return obj["link"]

    def title(self, obj) -> str:
        return obj["title"]

    def item_title(self, item) -> str:
        text = " ".join(item.body.split())
        return text[:80] + ("…" if len(text) > 80 else "")

    def item_description(self, item) -> str:
        return str(body_html(item))

    def item_link(self, item) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.edited_at or item.created_at

    def item_author_name(self, item) -> str:
        return item.author.get_full_name()

    def item_categories(self, item) -> list[str]:
        return [link.name or link.tag.name for link in item.tag_links.all()]


class HomeFeed(_PostsFeed):
    def get_object(self, request, token: str):
        viewer = self._viewer(token)
        return {
            "viewer": viewer,
            "stream": post_rules.posts_readable_by(viewer),
            "sources": selectors.home_sources(viewer),
            "link": reverse("posts:home"),
            "title": _("%(site)s — my home stream") % {"site": settings.RSE_SITE_NAME},
        }


class CommunityFeed(_PostsFeed):
    def get_object(self, request, token: str, slug: str):
        viewer = self._viewer(token)
        community = community_rules.get_community_or_404(viewer, slug)
        if not community_rules.can_read(viewer, community):
            raise Http404
        return {
            "viewer": viewer,
            "stream": post_rules.posts_readable_by(viewer).filter(community=community),
            "link": reverse("communities:detail", args=[community.slug]),
            "title": f"{settings.RSE_SITE_NAME} — {community.name}",
        }


class TagFeed(_PostsFeed):
    def get_object(self, request, token: str, slug: str):
        viewer = self._viewer(token)
        tag = post_rules.get_tag_or_404(viewer, slug)
        return {
            "viewer": viewer,
            "stream": selectors.tag_posts(viewer, tag),
            "sources": selectors.tag_sources(viewer, tag),
            "link": reverse("posts:tag_detail", args=[tag.slug]),
            "title": f"{settings.RSE_SITE_NAME} — #{tag.name}",
        }
