"""Control characters in an address (issue 27, finding 9): a NUL byte gave HTTP 500.

The fuzz test walks every URL pattern of the site (introspecting the URL resolver),
fills its parameters with real objects, and sends control characters in each path
segment and in every query parameter the code reads, as a signed-in administrator
who is also a member, manager and site moderator: never a 500.
"""

import inspect
import re
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django import forms
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from access.roles import site_moderators_group_name
from communities.models import Membership

from .communities_factories import CommunityFactory, MembershipFactory
from .posts_factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
# The project's own packages (every local app, plus the configuration and core).
APPS = sorted(
    {"rse", "core"}
    | {config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
)

REPORTED = [
    "/skills/suggest/?q=%00",
    "/posts/suggest/people/?q=%00",
    "/tags/%00/",
    "/people/%00/",
    "/moderation/?community=%00",
]


@pytest.fixture
def signed_in(admin_user):
    admin_user.groups.add(Group.objects.get_or_create(name=site_moderators_group_name())[0])
    client = Client(raise_request_exception=False)  # a 500 is an answer to count here
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("url", REPORTED)
def test_a_nul_byte_gets_the_sites_400_page(signed_in, url):
    response = signed_in.get(url)

    assert response.status_code == 400
    assert "Bad request" in response.text
    assert "characters that are not allowed" in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=caf%C3%A9%01",
        "/search/?q=%1b%5b31m",
        "/search/?q%00=x",
        "/people/?q=%7f",
        "/people/%C2%85/",
        "/communities/%0a/",
    ],
)
def test_other_control_characters_are_refused_too(signed_in, url):
    assert signed_in.get(url).status_code == 400


def test_tabs_and_line_breaks_in_a_search_are_tolerated(signed_in):
    response = signed_in.get("/search/", {"q": "café\tcrème\n"})

    assert response.status_code == 200


def test_the_400_page_speaks_french(signed_in):
    response = signed_in.get("/tags/%00/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert "Requête incorrecte" in response.text


# The fuzz test.


def url_patterns(patterns=None, prefix=""):
    """(route, pattern) for every pattern of the site, nested ones included."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def query_names() -> set[str]:
    """Every query parameter the project's code reads: request.GET.get("…") in its
    sources, and the fields of its forms (some are bound to request.GET)."""
    names = {"q", "page", "next", "o", "p", "e"}  # and Django admin's own
    for app in APPS:
        for source in (ROOT / app).rglob("*.py"):
            names |= set(re.findall(r"GET(?:\.get|\.getlist)?\(?\[?\"(\w+)\"", source.read_text()))
        module = __import__(f"{app}.forms").forms if (ROOT / app / "forms.py").exists() else None
        for _, cls in inspect.getmembers(module, inspect.isclass) if module else []:
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                names |= set(cls.base_fields)
    return names


def segments(route: str, values: dict[str, str]) -> list[str]:
    """The route's path segments, parameters filled in (path() and re_path() routes)."""
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "1"), route)
    out, i = "", 0
    while i < len(route):  # regular expressions: each named group becomes its value
        if route.startswith("(?P<", i):
            name = route[i + 4 : route.index(">", i)]
            depth, j = 0, i
            while True:
                depth += {"(": 1, ")": -1}.get(route[j], 0) if route[j - 1] != "\\" else 0
                if depth == 0:
                    break
                j += 1
            out += values.get(name, "1")
            i = j + 1
        elif route[i] in "^$":
            i += 1
        else:
            out += route[i]
            i += 1
    return out.split("/")


def test_no_control_character_gives_a_500_anywhere(signed_in, admin_user):
    community = CommunityFactory(slug="guild", access="free")
    MembershipFactory(community=community, user=admin_user, role=Membership.Role.MANAGER)
    post = PostFactory(community=community, author=admin_user, tags=["python"])
    CommentFactory(post=post, author=admin_user)
    values = {
        "username": admin_user.username,
        "slug": "guild",
        "name": "people",
        "pk": str(post.pk),
        "number": "1",
        "kind": "post",
        "object_id": str(admin_user.pk),
        "app_label": "profiles",
    }
    names = sorted(query_names())
    routes = [(route, p) for route, p in url_patterns()]
    assert len(routes) > 250 and len(names) > 15  # the walk sees the whole site

    failures, refused, sent = [], 0, 0

    def get(path_segments, query=""):
        nonlocal refused, sent
        url = "/" + "/".join(quote(s, safe=":@-._~") for s in path_segments)
        response = signed_in.get(url + (f"?{query}" if query else ""))
        sent += 1
        if response.status_code >= 500:
            failures.append((response.status_code, url, query))
        return response.status_code

    for route, _ in routes:
        parts = segments(route, values)
        for i, segment in enumerate(parts):  # NUL in each segment of the path
            if segment or i < len(parts) - 1:
                refused += get([*parts[:i], segment + "\x00", *parts[i + 1 :]]) == 400
        # NUL, escape and DEL in every query parameter the code reads, and in a name.
        refused += get(parts, urlencode(dict.fromkeys(names, "\x00"))) == 400
        refused += get(parts, urlencode({"q\x01": "\x1b[31m", "page": "\x7f"})) == 400
        # Tolerated characters reach the views: they must cope.
        get(parts, urlencode(dict.fromkeys(names, "\t x\r\n")))

    assert failures == [], failures
    assert refused == sent - len(routes)  # every refused character got the 400 page


def test_audit_export_with_an_unknown_filter_is_a_bad_request(signed_in):
    response = signed_in.get("/admin/audit/auditentry/export.csv", {"nothing": "x"})

    assert response.status_code == 400
