"""A post card in a stream: author's face, relative time, auto-linked addresses,
images and documents, "Like" / "Liked", the latest comments with an inline reply box,
the "…" menu, and the external badge."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from communities.models import Community
from core.markup import render_markdown
from posts import services
from posts.models import Attachment, Comment, Status

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .posts_factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def guild():
    return CommunityFactory(access=Community.Access.OPEN, name="Lean guild")


@pytest.fixture
def reader(guild):
    return MembershipFactory(community=guild).user


def _page(client, user, url="/") -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_card_shows_the_latest_two_comments_and_a_link_to_all(client, reader, guild):
    post = PostFactory(community=guild, body="Kick-off")
    for text in ("First word", "Second word", "Third word"):
        CommentFactory(post=post, body=text)
    CommentFactory(post=post, body="Withdrawn", status=Status.DELETED)
    page = _page(client, reader, f"/communities/{guild.slug}/")
    assert "Second word" in page and "Third word" in page
    assert "First word" not in page and "Withdrawn" not in page
    assert page.index("Second word") < page.index("Third word")  # oldest first
    assert "View all 4 comments" in page  # the stored count (the deleted one included)
    assert f'action="/posts/{post.pk}/comments/"' in page


def test_latest_comments_are_read_without_a_query_per_post(
    client, reader, guild, django_assert_max_num_queries
):
    client.force_login(reader)
    url = f"/communities/{guild.slug}/"
    for _ in range(2):
        CommentFactory(post=PostFactory(community=guild))
    client.get(url)
    with django_assert_max_num_queries(15) as small:
        client.get(url)
    for _ in range(15):
        post = PostFactory(community=guild)
        CommentFactory(post=post)
        CommentFactory(post=post, author=UserFactory(kind="external", organisation="Northwind"))
    with django_assert_max_num_queries(15) as large:
        page = client.get(url).content.decode()
    assert len(large.captured_queries) <= len(small.captured_queries)
    assert page.count('class="card-comment"') == 2 + 2 * 15
    assert "External — Northwind" in page


def test_the_inline_reply_publishes_and_comes_back_to_the_stream(client, reader, guild):
    post = PostFactory(community=guild)
    client.force_login(reader)
    url = f"/communities/{guild.slug}/"
    response = client.post(
        f"/posts/{post.pk}/comments/", {"body": "Count me in", "next": f"{url}#post-{post.pk}"}
    )
    assert response.status_code == 302 and response["Location"] == f"{url}#post-{post.pk}"
    assert Comment.objects.filter(post=post, author=reader, body="Count me in").exists()
    assert "Count me in" in client.get(url).content.decode()


def test_the_reply_box_waits_for_the_charter(client, guild):
    newcomer = MembershipFactory(community=guild, user=UserFactory(accepted_charter=False)).user
    PostFactory(community=guild)
    page = _page(client, newcomer, f"/communities/{guild.slug}/")
    assert 'class="inline-reply"' not in page


def test_the_card_shows_the_face_the_relative_time_and_the_exact_time(client, reader, guild):
    author = UserFactory(first_name="Alice", last_name="Martin")
    PostFactory(community=guild, author=author, created_at=timezone.now() - timedelta(hours=3))
    page = _page(client, reader, f"/communities/{guild.slug}/")
    assert "<span>AM</span>" in page  # initials without a photo
    assert "3\xa0hours ago" in page
    assert 'title="' in page and "<time datetime=" in page


def test_like_reads_liked_once_liked(client, reader, guild):
    post = PostFactory(community=guild)
    page = _page(client, reader, f"/communities/{guild.slug}/")
    assert 'aria-pressed="false">Like</button>' in page
    services.like_toggle(actor=reader, post=post, liked=True)
    page = client.get(f"/communities/{guild.slug}/").content.decode()
    assert 'aria-pressed="true">Liked</button>' in page


def test_images_are_a_grid_and_documents_chips_with_type_and_size(client, reader, guild):
    post = PostFactory(community=guild)
    for name, kind in (("plan.png", "image"), ("budget.xlsx", "document")):
        Attachment.objects.create(
            post=post,
            file=f"attachments/{name}",
            original_name=name,
            content_type="application/octet-stream",
            size=2048,
            kind=kind,
            # Images show through their bounded preview (made at upload).
            preview=f"attachments/preview-{name}" if kind == "image" else "",
        )
    page = _page(client, reader, f"/communities/{guild.slug}/")
    assert 'class="attachment-grid"' in page and 'alt="Image plan.png"' in page
    assert 'class="doc-chip"' in page and "XLSX" in page and "2.0\xa0KB" in page


def test_the_menu_offers_edit_and_delete_to_the_author_and_report_to_others(client, reader, guild):
    mine = PostFactory(community=guild, author=reader)
    theirs = PostFactory(community=guild)
    page = _page(client, reader, f"/communities/{guild.slug}/")
    assert f'href="/posts/{mine.pk}/edit/"' in page
    assert f'href="/posts/{mine.pk}/delete/"' in page
    assert f'href="/posts/{theirs.pk}/delete/"' not in page
    assert f"/moderation/report/post/{theirs.pk}/" in page
    assert "Copy link" in page


def test_deleting_from_the_menu_asks_first_without_javascript(client, reader, guild):
    post = PostFactory(community=guild, author=reader)
    page = _page(client, reader, f"/posts/{post.pk}/delete/")
    assert "Delete this post for good" in page
    post.refresh_from_db()
    assert post.status == Status.PUBLISHED
    client.post(f"/posts/{post.pk}/delete/")
    post.refresh_from_db()
    assert post.status == Status.DELETED


def test_nobody_else_gets_the_confirmation(client, reader, guild):
    post = PostFactory(community=guild)
    client.force_login(reader)
    response = client.get(f"/posts/{post.pk}/delete/")
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Status.PUBLISHED


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("See https://example.com/a?b=1&c=2.", '<a href="https://example.com/a?b=1&amp;c=2"'),
        ("(http://intranet.example/x)", '<a href="http://intranet.example/x"'),
    ],
)
def test_bare_addresses_become_links_marked_nofollow(text, link):
    html = str(render_markdown(text))
    assert link in html
    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(
    "text",
    [
        "`https://example.com/in-code`",
        "[label](https://example.com/linked)",
        'https://example.com/"onmouseover="alert(1)',
        "javascript:alert(1) https://x<script>alert(1)</script>",
    ],
)
def test_addresses_in_code_links_or_tricks_stay_safe(text):
    html = str(render_markdown(text))
    tags = Tags()
    tags.feed(html)
    assert len([t for t in tags.seen if t[0] == "a"]) <= 1
    assert "script" not in {name for name, _ in tags.seen}
    assert all(name in ("href", "rel") for _, attrs in tags.seen for name, _v in attrs)
    assert all(not v.startswith("javascript") for _, attrs in tags.seen for _n, v in attrs if v)


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.seen: list = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, attrs))
