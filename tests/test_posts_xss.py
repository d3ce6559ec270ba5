"""XSS corpus: hostile text stored in posts, comments and tags, then rendered on the
post page, the stream and the tag page — nothing executable comes out."""

import re

import pytest
from django.utils.html import escape

from communities.models import Community
from posts import services
from posts.tags import normalize_tag

from .communities_factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db

CORPUS = [
    "<script>alert('xss')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "<svg><script>alert(1)</script></svg>",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<<script>script>alert(1)<</script>/script>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '"><img src=x onerror=alert(1)>',
    "<p onmouseover='alert(1)'>hover</p",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "![x](javascript:alert(1))",
    '<form action="javascript:alert(1)"><button>x</button></form>',
]

DANGER = [
    re.compile(r"<script", re.I),
    re.compile(r"<svg", re.I),
    re.compile(r"<iframe", re.I),
    re.compile(r"<img[^>]+src=\"?x", re.I),
    re.compile(r"<[a-z]+[^>]*\son[a-z]+\s*=", re.I),
    re.compile(r"(href|src|action)\s*=\s*\"?\s*(javascript|data):", re.I),
    re.compile(r"style=\"background", re.I),
]


def _assert_inert(html: str) -> None:
    # Only look at what users wrote: between the main landmark's start and the footer.
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    # The page's own scripts are outside <main>; inside, nothing may be executable.
    for pattern in DANGER:
        found = pattern.search(main)
        assert found is None, (
            f"{pattern.pattern!r} matched: {main[found.start() - 80 : found.end() + 80]}"
        )


@pytest.fixture
def setting():
    community = CommunityFactory(access=Community.Access.FREE)
    author = MembershipFactory(community=community).user
    return community, author


@pytest.mark.parametrize("payload", CORPUS)
def test_hostile_posts_and_comments_render_inert(client, setting, payload):
    community, author = setting
    post = services.post_create(actor=author, community=community, body=payload, tags="safe")
    comment = services.comment_create(actor=author, post=post, body=payload)
    services.comment_create(actor=author, post=post, body=payload, parent=comment)
    client.force_login(author)
    for url in (post.get_absolute_url(), "/", f"/communities/{community.slug}/", "/tags/safe/"):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_inert(response.content.decode())


@pytest.mark.parametrize(
    "tag",
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)"],
)
def test_hostile_tags_render_inert(client, setting, tag):
    community, author = setting
    post = services.post_create(actor=author, community=community, body="Tagged", tags=tag)
    client.force_login(author)
    slug = post.tags.get().slug
    for url in (post.get_absolute_url(), "/", f"/tags/{slug}/"):
        response = client.get(url)
        assert response.status_code == 200
        _assert_inert(response.content.decode())
        # Shown, as text.
        assert f"#{escape(normalize_tag(tag))}" in response.content.decode()
