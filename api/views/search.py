"""Search: the same sections as the page (/search/), each from its selector in
search.selectors (which starts from the access core's querysets)."""

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.pagination import capped_count
from posts.rendering import body_html
from search import selectors
from search.text import excerpt, html_text, parse_query
from search.views import FILTER_FORMS, PREVIEW_SIZE
from search.views import _applies as applies  # which sections a query searches

from .. import serializers as s
from ..pagination import next_url, offset_page
from .base import ApiView
from .posts import CURSOR

Q = OpenApiParameter(
    "q", str, required=True, description='Words, "phrases", #tags and @people, as on the page.'
)


def _items(name: str, rows, query) -> list[dict]:
    if name == "people":
        return list(s.PersonSerializer(rows, many=True).data)
    if name == "communities":
        return list(s.CommunitySerializer(rows, many=True).data)
    if name == "tags":
        return [{"slug": t.slug, "name": t.name, "posts_count": t.posts_count} for t in rows]
    terms = query.terms()
    return [
        {
            "id": post.pk,
            "author": s.PersonBriefSerializer(post.author).data,
            "community": s.CommunityBriefSerializer(post.community).data
            if post.community
            else None,
            # The text around the first match, escaped, the matches in <mark>.
            "excerpt_html": str(excerpt(html_text(body_html(post)), terms)),
            "created_at": post.created_at.isoformat(),
            "url": post.get_absolute_url(),
        }
        for post in rows
    ]


class SearchView(ApiView):
    @extend_schema(
        summary="Search every section (the first results of each)",
        parameters=[Q],
        responses=s.SearchSerializer,
    )
    def get(self, request):
        raw = request.query_params.get("q", "")
        query = parse_query(raw)
        sections = []
        if not query.is_empty:
            for name, search in selectors.SECTIONS.items():
                if not applies(name, query):
                    continue
                found = search(self.viewer, query)
                count = capped_count(found)
                rows = list(found[:PREVIEW_SIZE]) if count else []
                sections.append(
                    {
                        "name": name,
                        "count": min(count, settings.RSE_SEARCH_MAX_RESULTS),
                        "capped": count > settings.RSE_SEARCH_MAX_RESULTS,
                        "url": reverse("api:search_section", args=[name]),
                        "results": _items(name, rows, query),
                    }
                )
        return Response({"query": raw, "sections": sections})


class SearchSectionView(ApiView):
    @extend_schema(
        summary="One section of the search, page after page, with its filters",
        operation_id="search_section",
        parameters=[
            OpenApiParameter(
                "name", str, OpenApiParameter.PATH, enum=["people", "communities", "posts", "tags"]
            ),
            Q,
            CURSOR,
            OpenApiParameter("community", str, description="posts: a community's slug"),
            OpenApiParameter("author", str, description="posts: a user name"),
            OpenApiParameter("tag", str, description="posts: a tag's slug"),
            OpenApiParameter("since", str, description="posts: YYYY-MM-DD"),
            OpenApiParameter("until", str, description="posts: YYYY-MM-DD"),
            OpenApiParameter("department", str, description="people"),
            OpenApiParameter("site", str, description="people"),
        ],
        responses=s.SearchSectionSerializer,
    )
    def get(self, request, name: str):
        if name not in selectors.SECTIONS:
            raise Http404
        query = parse_query(request.query_params.get("q", ""))
        form_class = FILTER_FORMS.get(name)
        filters = None
        if form_class is not None:
            form = form_class(request.query_params or None, viewer=self.viewer)
            if form.is_bound and not form.is_valid():
                raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
            filters = form.filters()
        found = selectors.SECTIONS[name](self.viewer, query, filters)
        if not applies(name, query):
            found = found.none()
        count = capped_count(found)
        cap = settings.RSE_SEARCH_MAX_RESULTS
        rows, cursor = offset_page(request, found, cap=cap)
        return Response(
            {
                "name": name,
                "count": min(count, cap),
                "capped": count > cap,
                "url": reverse("api:search_section", args=[name]),
                "results": _items(name, rows, query),
                "next": next_url(request, cursor),
            }
        )
