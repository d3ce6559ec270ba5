"""Leak tests (DESIGN §3, rule 7): a non-member never meets the content of an open or
closed community they are not in, nor anything of a hidden one — not in the stream,
a tag page, a profile, a likers list, an autocomplete, an attachment or a notification.
Externals never see posts on profiles."""

import pytest

from communities.models import Community
from notifications.models import Notification
from posts import services
from posts.models import CommunityFollow, TagFollow
from profiles.models import Follow

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, UserFactory
from .posts_stream_factories import pdf_upload

pytestmark = pytest.mark.django_db

SECRET_KINDS = {
    "open": {"access": Community.Access.OPEN},
    "closed": {"access": Community.Access.CLOSED},
    "hidden": {"access": Community.Access.CLOSED, "visibility": Community.Visibility.HIDDEN},
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world():
    """An author in every kind of community; a reader who follows the author, the tag
    and (by a stale follow) every community, but belongs to none of the secret ones."""
    author = UserFactory(username="author")
    reader = UserFactory(username="reader", first_name="Reader")
    free = CommunityFactory(access=Community.Access.FREE, name="Free place")
    MembershipFactory(community=free, user=author)
    posts = {
        "free": services.post_create(
            actor=author, community=free, body="PUBLIC free news @reader", tags="news"
        ),
        "profile": services.post_create(actor=author, body="PUBLIC profile news", tags="news"),
    }
    secret_tags = {}
    for kind, options in SECRET_KINDS.items():
        community = CommunityFactory(name=f"Secret {kind}", **options)
        MembershipFactory(community=community, user=author)
        CommunityFollow.objects.create(user=reader, community=community)
        secret_tags[kind] = f"only-{kind}"
        posts[kind] = services.post_create(
            actor=author,
            community=community,
            body=f"SECRET {kind} news @reader",
            tags=f"news, only-{kind}",
            uploads=[pdf_upload(f"{kind}.pdf")],
        )
        services.like_toggle(actor=author, post=posts[kind])
    Follow.objects.create(follower=reader, followed=author)
    TagFollow.objects.create(user=reader, tag=posts["free"].tags.get())
    return {"author": author, "reader": reader, "posts": posts, "secret_tags": secret_tags}


def _assert_no_secret(content: bytes) -> None:
    assert b"SECRET" not in content
    # Visible communities may be named (anyone may discover them); a hidden one never.
    assert b"Secret hidden" not in content
    for kind in SECRET_KINDS:
        assert f"only-{kind}".encode() not in content


@pytest.mark.parametrize("which", ["all", "communities", "people", "tags"])
def test_the_stream_shows_no_secret_content(client, world, which):
    client.force_login(world["reader"])
    response = client.get(f"/?filter={which}")
    assert response.status_code == 200
    _assert_no_secret(response.content)
    if which in {"all", "people", "tags"}:
        assert b"PUBLIC free news" in response.content


def test_tag_pages_show_no_secret_content_and_secret_tags_do_not_exist(client, world):
    client.force_login(world["reader"])
    response = client.get("/tags/news/")
    assert response.status_code == 200
    assert b"PUBLIC free news" in response.content
    _assert_no_secret(response.content)
    for tag in world["secret_tags"].values():
        assert client.get(f"/tags/{tag}/").status_code == 404
        assert client.post(f"/tags/{tag}/follow/").status_code == 404
    assert client.get("/posts/suggest/tags/?q=on").json() == {"results": []}


def test_the_authors_profile_shows_no_secret_content(client, world):
    client.force_login(world["reader"])
    response = client.get(f"/people/{world['author'].username}/")
    assert response.status_code == 200
    assert b"PUBLIC profile news" in response.content
    _assert_no_secret(response.content)


def test_secret_posts_their_likers_and_attachments_answer_404(client, world):
    client.force_login(world["reader"])
    for kind in SECRET_KINDS:
        post = world["posts"][kind]
        attachment = post.attachments.get()
        assert client.get(post.get_absolute_url()).status_code == 404
        assert client.get(f"/posts/{post.pk}/likes/").status_code == 404
        assert client.post(f"/posts/{post.pk}/like/").status_code == 404
        assert client.post(f"/posts/{post.pk}/comments/", {"body": "hi"}).status_code == 404
        assert client.get(f"/attachments/{attachment.pk}/{kind}.pdf").status_code == 404


def test_mentions_in_secret_posts_notify_nobody_outside(world):
    reader_notes = Notification.objects.filter(recipient=world["reader"])
    assert list(reader_notes.values_list("post_id", flat=True)) == [world["posts"]["free"].pk]


def test_externals_never_see_profile_posts(client, world):
    external = ExternalFactory(sponsor=world["author"])
    client.force_login(external)
    response = client.get(f"/people/{world['author'].username}/")
    assert response.status_code == 200
    assert b"PUBLIC profile news" not in response.content
    assert client.get(world["posts"]["profile"].get_absolute_url()).status_code == 404
    Follow.objects.create(follower=external, followed=world["author"])
    response = client.get("/")
    assert b"PUBLIC" not in response.content
    _assert_no_secret(response.content)


def test_mention_autocomplete_only_suggests_people_one_may_see(client, world):
    stranger = UserFactory(username="reala", first_name="Realstranger")
    external = ExternalFactory(sponsor=world["author"])
    client.force_login(external)
    found = client.get("/posts/suggest/people/?q=rea").json()["results"]
    assert stranger.username not in {p["username"] for p in found}
    assert world["reader"].username not in {p["username"] for p in found}
    client.force_login(world["reader"])
    found = client.get("/posts/suggest/people/?q=rea").json()["results"]
    assert stranger.username in {p["username"] for p in found}


def test_likers_lists_only_show_people_the_viewer_may_see(client, world):
    external = ExternalFactory(sponsor=world["author"])
    free_post = world["posts"]["free"]
    services.like_toggle(actor=world["reader"], post=free_post)
    MembershipFactory(community=free_post.community, user=external)
    client.force_login(external)
    response = client.get(f"/posts/{free_post.pk}/likes/")
    assert response.status_code == 200
    assert world["reader"].get_full_name().encode() not in response.content
    client.force_login(world["author"])
    response = client.get(f"/posts/{free_post.pk}/likes/")
    assert world["reader"].get_full_name().encode() in response.content


# --- Tags: neither existence nor spelling from posts one may not read (issue 27, 4) ----


def _chips(html: str) -> list[str]:
    import re

    return re.findall(r'<a class="chip" href="/tags/[^"]*/">(#[^<]*)</a>', html)


@pytest.mark.parametrize("kind", list(SECRET_KINDS))
@pytest.mark.parametrize("hidden_exists", [True, False])
@pytest.mark.parametrize(
    ("typed", "hidden", "shown", "tag_page"),
    [
        ("x-", "x", "#x-", "#x"),
        ("operation zebre", "opération zèbre", "#operation zebre", "#operation zebre"),
        ("OPÉRATION  Zèbre", "Opération zèbre", "#opération zèbre", "#operation zebre"),
    ],
)
def test_what_a_writer_sees_of_a_tag_never_depends_on_posts_they_may_not_read(
    client, kind, hidden_exists, typed, hidden, shown, tag_page
):
    author, writer = UserFactory(), UserFactory()
    if hidden_exists:
        community = CommunityFactory(**SECRET_KINDS[kind])
        MembershipFactory(community=community, user=author)
        services.post_create(actor=author, community=community, body="SECRET", tags=hidden)
    client.force_login(writer)
    response = client.post("/posts/new/", {"body": "Mine", "tags": typed}, follow=True)
    assert response.status_code == 200
    # The same page whether or not the tag exists on a post the writer may not read.
    assert _chips(response.content.decode()) == [shown]
    slug = writer.posts.get().tags.get().slug
    page = client.get(f"/tags/{slug}/").content.decode()
    assert f"<h1>{tag_page}</h1>" in page
    assert hidden not in page or hidden == tag_page[1:]
    suggested = client.get("/posts/suggest/tags/", {"q": typed[:3]}).json()["results"]
    assert suggested == [tag_page[1:]]
