"""Texts rendered once, when written (posts.rendering): stored with the renderer's
version, rendered again when that version changes or the text is edited, by the page
that shows an older row (once) or by `manage.py rerender_texts`; still inert."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import Community
from posts import moderated, rendering, services
from posts.models import Comment, Post

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory
from .posts_factories import CommentFactory, PostFactory
from .test_posts_xss import CORPUS, DANGER

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    community = CommunityFactory(access=Community.Access.FREE)
    author = MembershipFactory(community=community).user
    return community, author


def _updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].upper().startswith("UPDATE")]


def test_a_post_and_its_comment_are_stored_rendered_when_written(place):
    community, author = place
    post = services.post_create(actor=author, community=community, body="**Bold** @jdoe")
    comment = services.comment_create(actor=author, post=post, body="_Yes_ https://a.example")
    post.refresh_from_db()
    comment.refresh_from_db()
    assert post.body_html_version == rendering.BODY_HTML_VERSION
    assert "<strong>Bold</strong>" in post.body_html
    assert 'href="/people/jdoe/" class="mention">@jdoe</a>' in post.body_html
    assert comment.body_html_version == rendering.BODY_HTML_VERSION
    assert "<em>Yes</em>" in comment.body_html and 'href="https://a.example"' in comment.body_html
    share = services.post_share(actor=author, original=post, community=community, body="*See*")
    assert Post.objects.get(pk=share.pk).body_html == "<p><em>See</em></p>"


def test_edits_are_rendered_again(place, site_moderator):
    community, author = place
    post = services.post_create(actor=author, community=community, body="first")
    comment = services.comment_create(actor=author, post=post, body="one")
    services.post_edit(actor=author, post=post, body="**second**")
    services.comment_edit(actor=author, comment=comment, body="_two_")
    assert Post.objects.get(pk=post.pk).body_html == "<p><strong>second</strong></p>"
    assert Comment.objects.get(pk=comment.pk).body_html == "<p><em>two</em></p>"
    moderated.item_moderator_edit(actor=site_moderator, item=post, body="[removed]")
    assert Post.objects.get(pk=post.pk).body_html == "<p>[removed]</p>"


def test_the_page_shows_the_stored_html_without_rendering_or_writing(client, place):
    community, author = place
    post = services.post_create(actor=author, community=community, body="Hello")
    services.comment_create(actor=author, post=post, body="World")
    # What is stored is what is shown: the text is not parsed again.
    Post.objects.filter(pk=post.pk).update(body_html="<p>Stored post</p>")
    Comment.objects.filter(post=post).update(body_html="<p>Stored comment</p>")
    client.force_login(author)
    for url in (post.get_absolute_url(), "/", f"/communities/{community.slug}/"):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        assert "Stored post" in page and "Stored comment" in page, url
        assert not [sql for sql in _updates(queries) if "posts_" in sql], url


@pytest.mark.parametrize("version", [None, rendering.BODY_HTML_VERSION - 1])
def test_an_older_rendering_is_rendered_again_on_view_and_stored_once(client, place, version):
    community, author = place
    post = PostFactory(community=community, author=author, body="**new**")
    CommentFactory(post=post, author=author, body="_again_")
    Post.objects.update(body_html="<p>stale</p>", body_html_version=version)
    Comment.objects.update(body_html="", body_html_version=version)
    client.force_login(author)
    with CaptureQueriesContext(connection) as first:
        page = client.get("/").content.decode()
    assert "<strong>new</strong>" in page and "<em>again</em>" in page and "stale" not in page
    assert len(_updates(first.captured_queries)) == 2  # one row each, once
    post.refresh_from_db()
    assert (post.body_html, post.body_html_version) == (
        "<p><strong>new</strong></p>",
        rendering.BODY_HTML_VERSION,
    )
    assert Comment.objects.get().body_html == "<p><em>again</em></p>"
    with CaptureQueriesContext(connection) as second:
        client.get(post.get_absolute_url())
        client.get("/")
    assert not [sql for sql in _updates(second.captured_queries) if "posts_" in sql]


def test_a_new_renderer_version_renders_every_text_again(client, place, monkeypatch):
    community, author = place
    post = services.post_create(actor=author, community=community, body="Hello")
    Post.objects.filter(pk=post.pk).update(body_html="<p>made by the old renderer</p>")
    monkeypatch.setattr(rendering, "BODY_HTML_VERSION", rendering.BODY_HTML_VERSION + 1)
    client.force_login(author)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "old renderer" not in page and "<p>Hello</p>" in page
    assert Post.objects.get(pk=post.pk).body_html_version == rendering.BODY_HTML_VERSION


def test_a_lazy_rendering_never_overwrites_an_edit_made_meanwhile(place):
    community, author = place
    post = services.post_create(actor=author, community=community, body="before")
    seen = Post.objects.get(pk=post.pk)
    seen.body_html_version = None  # read as an older row...
    services.post_edit(actor=author, post=post, body="after")  # ...then edited
    assert "before" in rendering.body_html(seen)  # what that reader loaded
    assert Post.objects.get(pk=post.pk).body_html == "<p>after</p>"


def test_the_command_renders_the_stale_rows_in_batches(place):
    community, author = place
    posts = [PostFactory(community=community, author=author, body=f"*p{n}*") for n in range(5)]
    for post in posts[:3]:
        CommentFactory(post=post, author=author, body="**c**")
    Post.objects.filter(pk__in=[p.pk for p in posts[:4]]).update(
        body_html="", body_html_version=None
    )
    Comment.objects.update(body_html="x", body_html_version=rendering.BODY_HTML_VERSION - 1)
    out = StringIO()
    call_command("rerender_texts", "--dry-run", stdout=out)
    assert "posts: 4 to render" in out.getvalue() and "comments: 3 to render" in out.getvalue()
    assert Post.objects.filter(body_html="").count() == 4  # nothing changed
    out = StringIO()
    call_command("rerender_texts", "--batch-size", "2", stdout=out)
    text = out.getvalue()
    assert "posts: 2 / 4 (50.0 %)" in text and "posts: 4 / 4 (100.0 %)" in text
    assert "posts: 4 rendered." in text and "comments: 3 rendered." in text
    assert not Post.objects.exclude(body_html_version=rendering.BODY_HTML_VERSION).exists()
    assert not Comment.objects.exclude(body_html_version=rendering.BODY_HTML_VERSION).exists()
    for post in Post.objects.all():
        assert post.body_html == f"<p><em>{post.body.strip('*')}</em></p>"
    assert set(Comment.objects.values_list("body_html", flat=True)) == {"<p><strong>c</strong></p>"}
    out = StringIO()
    call_command("rerender_texts", stdout=out)  # again: nothing left
    assert "posts: 0 to render" in out.getvalue() and "comments: 0 to render" in out.getvalue()


def test_the_command_can_render_everything_again_from_an_id(place):
    community, author = place
    first, second = (PostFactory(community=community, author=author, body="b") for _ in range(2))
    Post.objects.update(body_html="<p>kept?</p>")
    out = StringIO()
    call_command("rerender_texts", "--all", "--only", "posts", "--after", str(first.pk), stdout=out)
    assert "posts: 1 rendered." in out.getvalue() and "comments" not in out.getvalue()
    assert Post.objects.get(pk=first.pk).body_html == "<p>kept?</p>"
    assert Post.objects.get(pk=second.pk).body_html == "<p>b</p>"


def test_the_command_refuses_a_bad_batch_size(place):
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("rerender_texts", "--batch-size", "0", stderr=err)
    assert "--batch-size must be at least 1." in err.getvalue()


@pytest.mark.parametrize("payload", CORPUS)
def test_stored_and_lazily_rendered_html_stays_inert(place, payload):
    community, author = place
    post = services.post_create(actor=author, community=community, body=payload)
    comment = services.comment_create(actor=author, post=post, body=payload)
    Comment.objects.filter(pk=comment.pk).update(body_html_version=None)
    stored = Post.objects.get(pk=post.pk).body_html
    lazy = str(rendering.body_html(Comment.objects.get(pk=comment.pk)))
    call_command("rerender_texts", "--all", stdout=StringIO())
    again = Post.objects.get(pk=post.pk).body_html
    for html in (stored, lazy, again):
        for pattern in DANGER:
            assert pattern.search(html) is None, (pattern.pattern, html)


def test_a_mention_keeps_the_handle_as_written_and_names_nobody(place):
    community, author = place
    hidden = ExternalFactory(username="partner", first_name="Secret", last_name="Person")
    post = services.post_create(actor=author, community=community, body="Ask @partner or @nobody")
    html = Post.objects.get(pk=post.pk).body_html
    assert '<a href="/people/partner/" class="mention">@partner</a>' in html
    assert '<a href="/people/nobody/" class="mention">@nobody</a>' in html
    assert "Secret" not in html and "Person" not in html
    assert hidden.pk  # the external exists; the author may not see them: same link
