"""The post pages through HTTP: composer, edit, delete, comments, likes (JSON and
plain form), likers, follows, suggestions, filters and empty states, moderator views."""

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings

from access.roles import site_moderators_group_name
from communities.models import Community, Membership
from posts import services
from posts.models import Comment, CommunityFollow, Like, Post, Revision, Status, TagFollow
from profiles.models import Follow

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def guild():
    return CommunityFactory(access=Community.Access.OPEN)


@pytest.fixture
def author(guild):
    return MembershipFactory(community=guild).user


@pytest.fixture
def colleague(guild):
    return MembershipFactory(community=guild).user


@pytest.fixture
def post(author, guild):
    return services.post_create(actor=author, community=guild, body="Original text", tags="lean")


def test_posting_from_the_community_page_goes_back_there(client, author, guild):
    client.force_login(author)
    page = client.get(f"/communities/{guild.slug}/").content.decode()
    assert 'action="/posts/new/"' in page and f'value="{guild.slug}"' in page
    response = client.post(
        "/posts/new/",
        {
            "community": guild.slug,
            "body": "Hi all",
            "tags": "Lean",
            "next": f"/communities/{guild.slug}/",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/communities/{guild.slug}/"
    assert "Hi all" in client.get(f"/communities/{guild.slug}/").content.decode()


@override_settings(RSE_POST_MAX_CHARS=20)
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": ""}, "This field is required"),
        ({"body": "x" * 21}, "too long"),
        ({"body": "ok", "tags": "y" * 51}, "too long"),
    ],
)
def test_a_refused_post_keeps_the_typed_text(client, author, guild, data, message):
    client.force_login(author)
    response = client.post("/posts/new/", {"community": guild.slug, **data})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    if data["body"]:
        assert data["body"] in page
    assert not Post.objects.exists()


def test_posting_in_an_undiscoverable_community_is_404(client, author):
    hidden = CommunityFactory(access="closed", visibility="hidden")
    client.force_login(author)
    assert client.post("/posts/new/", {"community": hidden.slug, "body": "x"}).status_code == 404


def test_posting_on_ones_profile_from_home(client, author):
    client.force_login(author)
    response = client.post("/posts/new/", {"body": "On my profile", "next": "/"})
    assert response.status_code == 302
    assert Post.objects.get().community is None
    assert "On my profile" in client.get("/").content.decode()
    assert "On my profile" in client.get(f"/people/{author.username}/").content.decode()


def test_the_author_edits_and_everyone_sees_edited(client, post, author, colleague):
    client.force_login(author)
    assert client.get(f"/posts/{post.pk}/edit/").status_code == 200
    response = client.post(f"/posts/{post.pk}/edit/", {"body": "New text", "tags": "lean, kaizen"})
    assert response.status_code == 302
    client.force_login(colleague)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "New text" in page and "edited" in page and "Original text" not in page
    assert "/tags/kaizen/" in page


def test_a_failed_edit_keeps_the_text_and_changes_nothing(client, post, author):
    client.force_login(author)
    response = client.post(f"/posts/{post.pk}/edit/", {"body": "   ", "tags": ""})
    assert response.status_code == 400
    post.refresh_from_db()
    assert post.body == "Original text" and not Revision.objects.exists()


def test_nobody_else_may_edit_or_delete(client, post, colleague):
    client.force_login(colleague)
    response = client.get(f"/posts/{post.pk}/edit/", follow=True)
    assert "You may only edit your own published posts." in response.content.decode()
    assert client.post(f"/posts/{post.pk}/edit/", {"body": "Mine"}).status_code == 302
    response = client.post(f"/posts/{post.pk}/delete/", follow=True)
    assert "You may only delete your own posts." in response.content.decode()
    post.refresh_from_db()
    assert post.body == "Original text" and post.status == Status.PUBLISHED


def test_moderators_see_earlier_versions_others_do_not(client, post, author, guild, colleague):
    services.post_edit(actor=author, post=post, body="Changed")
    moderator = MembershipFactory(community=guild, role=Membership.Role.MODERATOR).user
    site_moderator = UserFactory()
    site_moderator.groups.add(Group.objects.get_or_create(name=site_moderators_group_name())[0])
    MembershipFactory(community=guild, user=site_moderator)
    for who, sees in (
        (moderator, True),
        (site_moderator, True),
        (colleague, False),
        (author, False),
    ):
        client.force_login(who)
        page = client.get(post.get_absolute_url()).content.decode()
        assert ("Original text" in page) is sees


def test_edited_by_a_moderator_is_shown(client, post, colleague):
    Post.objects.filter(pk=post.pk).update(edited_by_moderator=True, edited_at=post.created_at)
    client.force_login(colleague)
    assert "edited by a moderator" in client.get(post.get_absolute_url()).content.decode()


def test_delete_then_the_post_is_gone_for_everyone(client, post, author, colleague):
    client.force_login(author)
    assert client.post(f"/posts/{post.pk}/delete/").status_code == 302
    client.force_login(colleague)
    assert client.get(post.get_absolute_url()).status_code == 410
    assert (
        "Original text" not in client.get(f"/communities/{post.community.slug}/").content.decode()
    )
    response = client.post(f"/posts/{post.pk}/comments/", {"body": "Too late"})
    assert response.status_code == 400
    assert "deleted" in response.content.decode() and "Too late" in response.content.decode()
    assert not Comment.objects.exists()


def test_comment_reply_edit_and_delete_through_the_pages(client, post, author, colleague):
    client.force_login(colleague)
    response = client.post(f"/posts/{post.pk}/comments/", {"body": "First!"})
    comment = Comment.objects.get()
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    client.force_login(author)
    client.post(f"/posts/{post.pk}/comments/", {"body": "Thanks", "parent": comment.pk})
    reply = Comment.objects.exclude(pk=comment.pk).get()
    assert reply.parent == comment
    page = client.get(post.get_absolute_url()).content.decode()
    assert page.index("First!") < page.index("Thanks")
    response = client.get(f"/comments/{comment.pk}/edit/")  # not the author
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    client.force_login(colleague)
    client.post(f"/comments/{comment.pk}/edit/", {"body": "First, edited"})
    comment.refresh_from_db()
    assert comment.body == "First, edited" and comment.edited_at
    client.post(f"/comments/{comment.pk}/delete/")
    page = client.get(post.get_absolute_url()).content.decode()
    assert "First, edited" not in page and "Thanks" in page
    assert "in reply to a deleted comment" in page


def test_an_empty_comment_is_refused_with_the_form(client, post, colleague):
    client.force_login(colleague)
    response = client.post(f"/posts/{post.pk}/comments/", {"body": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = client.post(f"/posts/{post.pk}/comments/", {"body": "x", "parent": 99999})
    assert response.status_code == 302 and not Comment.objects.exists()


def test_like_with_json_and_without_script(client, post, colleague):
    client.force_login(colleague)
    response = client.post(
        f"/posts/{post.pk}/like/", {"liked": "1"}, HTTP_ACCEPT="application/json"
    )
    assert response.json() == {"liked": True, "count": 1}
    response = client.post(f"/posts/{post.pk}/like/", {"liked": "0", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    response = client.post(
        f"/posts/{post.pk}/like/", {"liked": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == post.get_absolute_url()
    post.refresh_from_db()
    assert post.likes_count == 1
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in page
    likers = client.get(f"/posts/{post.pk}/likes/").content.decode()
    assert colleague.get_full_name() in likers


def test_like_refused_json_says_why(client, post, colleague, guild):
    Community.objects.filter(pk=guild.pk).update(state=Community.State.ARCHIVED)
    client.force_login(colleague)
    response = client.post(f"/posts/{post.pk}/like/", HTTP_ACCEPT="application/json")
    assert response.status_code == 403 and "archived" in response.json()["error"]
    assert not Like.objects.exists()


def test_comment_likes_and_likers(client, post, author, colleague):
    comment = services.comment_create(actor=colleague, post=post, body="Good")
    client.force_login(author)
    response = client.post(f"/comments/{comment.pk}/like/", HTTP_ACCEPT="application/json")
    assert response.json() == {"liked": True, "count": 1}
    assert author.get_full_name() in client.get(f"/comments/{comment.pk}/likes/").content.decode()
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.post(f"/comments/{comment.pk}/like/").status_code == 404
    assert client.get(f"/comments/{comment.pk}/likes/").status_code == 404


def test_follow_and_unfollow_a_tag(client, post, colleague):
    client.force_login(colleague)
    client.post("/tags/lean/follow/", {"follow": "1"})
    assert TagFollow.objects.filter(user=colleague, tag__slug="lean").exists()
    assert "Unfollow this tag" in client.get("/tags/lean/").content.decode()
    client.post("/tags/lean/follow/", {"follow": "0"})
    assert not TagFollow.objects.exists()


def test_follow_a_free_community_brings_its_posts_home(client):
    free = CommunityFactory(access=Community.Access.FREE)
    PostFactory(community=free, body="Free news")
    reader = UserFactory()
    client.force_login(reader)
    assert "Free news" not in client.get("/").content.decode()
    client.post(f"/follow/communities/{free.slug}/", {"follow": "1"})
    assert CommunityFollow.objects.filter(user=reader, community=free).exists()
    assert "Free news" in client.get("/?filter=communities").content.decode()
    client.post(f"/follow/communities/{free.slug}/", {"follow": "0"})
    assert not CommunityFollow.objects.exists()


def test_following_an_unreadable_community_is_refused(client, guild):
    reader = UserFactory()
    client.force_login(reader)
    response = client.post(f"/follow/communities/{guild.slug}/", {"follow": "1"}, follow=True)
    assert "whose posts you may read" in response.content.decode()
    assert not CommunityFollow.objects.exists()


def test_home_filters(client, guild):
    reader = MembershipFactory(community=guild).user
    friend = UserFactory()
    Follow.objects.create(follower=reader, followed=friend)
    PostFactory(community=guild, body="From my community")
    PostFactory(community=None, author=friend, body="From my friend")
    PostFactory(community=None, body="Tagged news", tags=["lean"])
    PostFactory(community=None, body="Unrelated")
    TagFollow.objects.create(user=reader, tag=Post.objects.get(body="Tagged news").tags.get())
    client.force_login(reader)
    expected = {
        "all": {"From my community", "From my friend", "Tagged news"},
        "communities": {"From my community"},
        "people": {"From my friend"},
        "tags": {"Tagged news"},
        "nonsense": {"From my community", "From my friend", "Tagged news"},
    }
    for which, bodies in expected.items():
        response = client.get("/", {"filter": which})
        assert {p.body for p in response.context["page"].posts} == bodies, which


def test_a_newcomer_is_told_what_to_follow(client):
    free = CommunityFactory(access=Community.Access.FREE, name="Everyone's place")
    colleague = UserFactory(first_name="Zoé", last_name="Suggested")
    client.force_login(UserFactory())
    page = client.get("/").content.decode()
    assert "Your stream is empty" in page
    assert free.name.replace("'", "&#x27;") in page and colleague.last_name in page


def test_suggestions(client, post, author, colleague):
    client.force_login(author)
    found = client.get("/posts/suggest/people/", {"q": colleague.last_name[:3]}).json()
    assert colleague.username in {p["username"] for p in found["results"]}
    assert client.get("/posts/suggest/people/", {"q": ""}).json() == {"results": []}
    assert client.get("/posts/suggest/tags/", {"q": "LE"}).json() == {"results": ["lean"]}
    assert client.get("/posts/suggest/tags/", {"q": "zz"}).json() == {"results": []}


def test_pages_need_sign_in(client, post):
    for url in ("/", post.get_absolute_url(), "/tags/lean/", "/posts/suggest/tags/?q=le"):
        assert client.get(url).status_code == 302


def test_post_detail_on_profile_and_comment_nav(client, author):
    profile_post = services.post_create(actor=author, body="Profile post")
    client.force_login(UserFactory())
    page = client.get(profile_post.get_absolute_url()).content.decode()
    assert "on their profile" in page and "Profile post" in page


def test_mentions_link_to_profiles_outside_code_and_links(client, author, guild, colleague):
    name = colleague.username
    body = f"Hi @{name}. Mail me at someone@example.com, `@{name}` in code, [x](https://example.com/@{name})"
    post = services.post_create(actor=author, community=guild, body=body)
    client.force_login(author)
    page = client.get(post.get_absolute_url()).content.decode()
    link = f'<a href="/people/{name}/" class="mention">@{name}</a>'
    assert page.count(link) == 1
    assert f"<code>@{name}</code>" in page
    assert "someone@example.com" in page


def test_admin_pages_of_posts_open(client, admin_user, post, colleague):
    services.like_toggle(actor=colleague, post=post)
    services.comment_create(actor=colleague, post=post, body="Hello")
    services.post_edit(actor=post.author, post=post, body="Edited")
    client.force_login(admin_user)
    for model in ("post", "comment", "like", "mention", "communityfollow", "tagfollow"):
        assert client.get(f"/admin/posts/{model}/").status_code == 200, model
    page = client.get(f"/admin/posts/post/{post.pk}/change/").content.decode()
    assert "Original text" in page  # the earlier version, read-only
    assert client.get("/admin/posts/like/add/").status_code == 403


def test_moderators_see_earlier_versions_of_comments(client, post, guild, colleague):
    comment = services.comment_create(actor=colleague, post=post, body="First words")
    services.comment_edit(actor=colleague, comment=comment, body="Second words")
    moderator = MembershipFactory(community=guild, role=Membership.Role.MODERATOR).user
    client.force_login(moderator)
    assert "First words" in client.get(post.get_absolute_url()).content.decode()
    client.force_login(colleague)
    assert "First words" not in client.get(post.get_absolute_url()).content.decode()


def test_a_tag_can_be_unfollowed_after_its_posts_are_gone(client, post, author, colleague):
    client.force_login(colleague)
    client.post("/tags/lean/follow/", {"follow": "1"})
    services.post_delete(actor=author, post=post)
    assert client.get("/tags/lean/").status_code == 404
    client.post("/tags/lean/follow/", {"follow": "0"})
    assert not TagFollow.objects.exists()
