"""Search pages: /search/?q= (every section), /search/<section>/ (one, with filters and
pages) and /search/suggest/?q= (JSON for the suggestions of the search box)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from access import people as people_rules
from core.pagination import CappedPaginator, capped_count, count_label
from posts.rendering import body_html
from profiles import selectors as profile_selectors
from profiles.forms import DirectorySearchForm

from . import selectors
from .directory import DirectoryQuery, directory_search
from .forms import PeopleFilterForm, PostFilterForm
from .text import ParsedQuery, excerpt, highlight, html_text, parse_query

PREVIEW_SIZE = 5
SUGGESTIONS_SIZE = 5
SUGGEST_MIN_LENGTH = 2

TITLES = {
    "people": _("People"),
    "communities": _("Communities"),
    "posts": _("Posts"),
    "tags": _("Tags"),
}
FILTER_FORMS: dict[str, type[PeopleFilterForm] | type[PostFilterForm]] = {
    "people": PeopleFilterForm,
    "posts": PostFilterForm,
}


def _applies(name: str, query: ParsedQuery) -> bool:
    """Which sections a query searches: @people only people, #tags posts and tags."""
    if name == "people":
        return bool(query.general or query.people)
    if name == "communities":
        return query.general
    return bool(query.general or query.tags)


def _decorate(name: str, items: Iterable, query: ParsedQuery) -> Iterable:
    """Highlighted text for each result: escaped first, then marked."""
    terms = query.terms() + [tag.replace("-", " ") for tag in query.tags]
    for item in items:
        if name == "people":
            item.hl_name = highlight(item.get_full_name(), terms)
            role = " · ".join(p for p in (item.job_title, item.department, item.site) if p)
            item.hl_role = highlight(role, terms)
        elif name == "communities":
            item.hl_name = highlight(item.name, terms)
            item.hl_description = excerpt(item.description, terms)
        elif name == "posts":
            item.hl_excerpt = excerpt(html_text(body_html(item)), terms)
            # A question (its row selected with the post): its title, marked too.
            question = getattr(item, "question", None)
            item.hl_title = highlight(question.title, terms) if question else ""
        else:
            item.hl_name = highlight(item.name, terms)
            item.count_label = count_label(item.posts_count, selectors.TAG_COUNT_CAP)
    return items


@dataclass
class Section:
    name: str
    title: Any
    count: int  # counted no further than one past the cap
    items: Any

    @property
    def capped(self) -> bool:
        return self.count > settings.RSE_SEARCH_MAX_RESULTS

    @property
    def count_label(self) -> str:
        return count_label(self.count)


@login_required
@require_GET
def results(request):
    query = parse_query(request.GET.get("q"))
    sections = []
    if not query.is_empty:
        for name, search in selectors.SECTIONS.items():
            if not _applies(name, query):
                continue
            found = search(request.user, query)
            count = capped_count(found)
            items = list(found[:PREVIEW_SIZE]) if count else []
            sections.append(Section(name, TITLES[name], count, _decorate(name, items, query)))
    return render(
        request,
        "search/results.html",
        {"query": query, "raw": request.GET.get("q"), "sections": sections},
    )


@login_required
@require_GET
def section(request, name: str):
    if name not in selectors.SECTIONS:
        raise Http404
    query = parse_query(request.GET.get("q"))
    form_class = FILTER_FORMS.get(name)
    form: PeopleFilterForm | PostFilterForm | None = (
        form_class(request.GET or None, viewer=request.user) if form_class else None
    )
    filters = form.filters() if form is not None else None
    found = selectors.SECTIONS[name](request.user, query, filters)
    if not _applies(name, query):
        found = found.none()
    paginator = CappedPaginator(found, settings.RSE_SEARCH_PAGE_SIZE, allow_empty_first_page=True)
    page = paginator.get_page(request.GET.get("page"))
    _decorate(name, page.object_list, query)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "search/section.html",
        {
            "query": query,
            "raw": request.GET.get("q"),
            "section": Section(name, TITLES[name], paginator.count, page.object_list),
            "page": page,
            "form": form,
            "params": params.urlencode(),
        },
    )


@login_required
@require_GET
def suggest(request):
    """Top people, communities and tags for what is being typed, as JSON."""
    query = parse_query(request.GET.get("q"))
    empty: dict[str, list] = {"people": [], "communities": [], "tags": []}
    if len(query.text) < SUGGEST_MIN_LENGTH or query.is_empty:
        return JsonResponse({"query": query.text, **empty})
    viewer = request.user
    people = selectors.search_people(viewer, query).prefetch_related(None).select_related(None)
    communities = selectors.search_communities(viewer, query)
    tags = selectors.search_tags(viewer, query)
    return JsonResponse(
        {
            "query": query.text,
            "people": [
                {
                    "label": person.get_full_name(),
                    "kind": gettext("Person"),
                    "detail": person.job_title or person.department,
                    "url": reverse("people:detail", args=[person.username]),
                }
                for person in people[:SUGGESTIONS_SIZE]
            ],
            "communities": [
                {
                    "label": community.name,
                    "kind": gettext("Community"),
                    "url": reverse("communities:detail", args=[community.slug]),
                }
                for community in communities[:SUGGESTIONS_SIZE]
            ],
            "tags": [
                {
                    "label": f"#{tag.name}",
                    "kind": gettext("Tag"),
                    "detail": ngettext("%(count)s post", "%(count)s posts", tag.posts_count)
                    % {"count": count_label(tag.posts_count, selectors.TAG_COUNT_CAP)},
                    "url": reverse("posts:tag_detail", args=[tag.slug]),
                }
                for tag in tags[:SUGGESTIONS_SIZE]
            ],
        }
    )


@login_required
@require_GET
def directory(request):
    if not people_rules.can_use_directory(request.user):
        raise Http404  # externals: the company directory does not exist for them
    departments, sites = profile_selectors.directory_choices(request.user)
    form = DirectorySearchForm(request.GET or None, departments=departments, sites=sites)
    query = DirectoryQuery()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        query = DirectoryQuery(
            name=data["q"],
            skill=data["skill"],
            department=data["department"],
            site=data["site"],
            language=data["language"],
        )
    people = directory_search(request.user, query)
    paginator = CappedPaginator(
        people, settings.RSE_DIRECTORY_PAGE_SIZE, allow_empty_first_page=True
    )
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "search/directory.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "searching": any(vars(query).values()),
            "following": profile_selectors.followed_ids(request.user, page.object_list),
            "params": params.urlencode(),
        },
    )
