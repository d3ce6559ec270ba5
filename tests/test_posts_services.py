"""Posting, editing, commenting, liking, tagging, mentioning and following, through
the services: outcomes in the database, counters, notifications, refusals."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from taggit.models import Tag

from audit.models import AuditEntry
from communities.models import Community
from notifications.models import Notification
from posts import services
from posts.models import Comment, Like, Mention, Post, Revision, Status

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, UserFactory
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


def test_a_member_posts_in_the_community_with_tags_and_activity(author, guild):
    before = guild.last_activity_at
    post = services.post_create(
        actor=author, community=guild, body="  Hello **guild**  ", tags="Python, lean"
    )
    assert post.body == "Hello **guild**"
    assert post.community == guild and post.status == Status.PUBLISHED
    assert sorted(t.name for t in post.tags.all()) == ["lean", "python"]
    guild.refresh_from_db()
    assert guild.last_activity_at is not None and guild.last_activity_at != before


def test_tags_are_one_tag_whatever_the_case_accents_and_spaces(author, guild):
    first = services.post_create(actor=author, community=guild, body="a", tags="Sécurité")
    second = services.post_create(
        actor=author, community=guild, body="b", tags=" SECURITE ,securité, #sécurité"
    )
    assert Tag.objects.count() == 1
    tag = Tag.objects.get()
    # The tag is named from its slug; each post keeps the spelling its author typed.
    assert tag.slug == "securite" and tag.name == "securite"
    assert list(first.tags.all()) == list(second.tags.all()) == [tag]
    assert [link.name for link in first.tag_links.all()] == ["sécurité"]
    assert [link.name for link in second.tag_links.all()] == ["securite"]
    services.post_edit(actor=author, post=second, body="b", tags="SÉCURITÉ")
    assert [link.name for link in second.tag_links.all()] == ["sécurité"]


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ("x" * 51, "too long"),
        (", ".join(f"tag{i}" for i in range(11)), "up to 10 tags"),
        ("!!!", "at least one letter"),
    ],
)
def test_bad_tags_are_refused_and_nothing_is_saved(author, guild, tags, message):
    with pytest.raises(ValidationError) as error:
        services.post_create(actor=author, community=guild, body="text", tags=tags)
    assert message in " ".join(error.value.messages)
    assert not Post.objects.exists() and not Tag.objects.exists()


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_an_empty_post_is_refused(author, guild, body):
    with pytest.raises(ValidationError, match="Write something"):
        services.post_create(actor=author, community=guild, body=body)
    assert not Post.objects.exists()


@override_settings(RSE_POST_MAX_CHARS=100)
def test_an_oversized_post_is_refused(author, guild):
    with pytest.raises(ValidationError, match="too long: 101 characters, at most 100"):
        services.post_create(actor=author, community=guild, body="x" * 101)
    assert not Post.objects.exists()


def test_mentions_are_stored_and_notified_only_to_those_who_may_read(author, guild, colleague):
    outsider = UserFactory(username="outsider")
    post = services.post_create(
        actor=author,
        community=guild,
        body=f"Thanks @{colleague.username} and @outsider, and @nobody.",
    )
    assert set(Mention.objects.filter(post=post).values_list("user_id", flat=True)) == {
        colleague.pk,
        outsider.pk,
    }
    notified = Notification.objects.filter(kind="mentioned", post=post)
    assert list(notified.values_list("recipient_id", flat=True)) == [colleague.pk]


def test_an_external_cannot_mention_people_they_cannot_see(guild):
    external = ExternalFactory()
    MembershipFactory(community=guild, user=external)
    stranger = UserFactory(username="stranger")
    post = services.post_create(actor=external, community=guild, body="Hi @stranger")
    assert not Mention.objects.filter(post=post, user=stranger).exists()


def test_profile_posts_are_for_employees_only(author):
    post = services.post_create(actor=author, body="On my profile")
    assert post.community is None
    with pytest.raises(PermissionDenied):
        services.post_create(actor=ExternalFactory(), body="On my profile")


def test_a_non_member_cannot_post_in_an_open_community(guild):
    with pytest.raises(PermissionDenied):
        services.post_create(actor=UserFactory(), community=guild, body="Hi")
    assert not Post.objects.exists()


def test_someone_who_has_not_accepted_the_charter_cannot_post(guild):
    newcomer = MembershipFactory(community=guild, user=UserFactory(accepted_charter=False)).user
    with pytest.raises(PermissionDenied, match="charter"):
        services.post_create(actor=newcomer, community=guild, body="Hi")
    assert not Post.objects.exists()


def test_editing_keeps_the_earlier_version_and_marks_the_post(author, guild, colleague):
    post = services.post_create(actor=author, community=guild, body="First", tags="a")
    services.post_edit(actor=author, post=post, body=f"Second @{colleague.username}", tags="b")
    post.refresh_from_db()
    assert post.body.startswith("Second") and post.edited_at is not None
    assert not post.edited_by_moderator
    assert list(Revision.objects.filter(post=post).values_list("body", flat=True)) == ["First"]
    assert [t.name for t in post.tags.all()] == ["b"]
    assert Notification.objects.filter(kind="mentioned", recipient=colleague).count() == 1
    # Saving the same text again keeps no new version and notifies nobody twice.
    services.post_edit(actor=author, post=post, body=post.body, tags="b")
    assert Revision.objects.filter(post=post).count() == 1
    assert Notification.objects.filter(kind="mentioned", recipient=colleague).count() == 1


def test_nobody_edits_or_deletes_someone_elses_post(author, guild, colleague):
    post = services.post_create(actor=author, community=guild, body="Mine")
    with pytest.raises(PermissionDenied):
        services.post_edit(actor=colleague, post=post, body="Yours now")
    with pytest.raises(PermissionDenied):
        services.post_delete(actor=colleague, post=post)
    post.refresh_from_db()
    assert post.body == "Mine" and post.status == Status.PUBLISHED


def test_the_author_deletes_a_post_once_with_an_audit_entry(author, guild):
    post = services.post_create(actor=author, community=guild, body="Oops")
    services.post_delete(actor=author, post=post)
    post.refresh_from_db()
    assert post.status == Status.DELETED and post.deleted_at is not None
    assert AuditEntry.objects.filter(action="post.deleted").count() == 1
    with pytest.raises(PermissionDenied):
        services.post_delete(actor=author, post=post)


def test_comments_and_replies_notify_and_count(author, guild, colleague):
    third = MembershipFactory(community=guild).user
    post = services.post_create(actor=author, community=guild, body="Question")
    comment = services.comment_create(actor=colleague, post=post, body="Answer")
    reply = services.comment_create(actor=third, post=post, body="Indeed", parent=comment)
    reply_to_reply = services.comment_create(actor=author, post=post, body="Ok", parent=reply)
    assert reply_to_reply.parent == comment  # one level of replies
    post.refresh_from_db()
    assert post.comments_count == 3
    commented = Notification.objects.filter(kind="commented")
    assert set(commented.values_list("recipient_id", "comment_id")) == {
        (author.pk, comment.pk),
        (author.pk, reply.pk),
        (colleague.pk, reply.pk),
        (colleague.pk, reply_to_reply.pk),
    }
    services.comment_delete(actor=third, comment=reply)
    post.refresh_from_db()
    assert post.comments_count == 2


def test_a_comment_on_a_deleted_post_is_refused(author, guild, colleague):
    post = services.post_create(actor=author, community=guild, body="Gone soon")
    services.post_delete(actor=author, post=post)
    with pytest.raises(ValidationError, match="deleted"):
        services.comment_create(actor=colleague, post=post, body="Late")
    assert not Comment.objects.exists()


def test_editing_a_comment_keeps_a_revision(author, guild):
    post = services.post_create(actor=author, community=guild, body="Post")
    comment = services.comment_create(actor=author, post=post, body="v1")
    services.comment_edit(actor=author, comment=comment, body="v2")
    comment.refresh_from_db()
    assert comment.body == "v2" and comment.edited_at is not None
    assert Revision.objects.get(comment=comment).body == "v1"


def test_likes_are_once_per_person_with_stored_counters(author, guild, colleague):
    post = services.post_create(actor=author, community=guild, body="Like me")
    assert services.like_toggle(actor=colleague, post=post, liked=True) == (True, 1)
    assert services.like_toggle(actor=colleague, post=post, liked=True) == (True, 1)
    assert Like.objects.count() == 1
    assert Notification.objects.filter(kind="liked", recipient=author).count() == 1
    assert services.like_toggle(actor=colleague, post=post) == (False, 0)
    assert services.like_toggle(actor=colleague, post=post, liked=False) == (False, 0)
    post.refresh_from_db()
    assert post.likes_count == 0 and not Like.objects.exists()


def test_comment_likes_count_and_notify_the_comment_author(author, guild, colleague):
    post = services.post_create(actor=author, community=guild, body="Post")
    comment = services.comment_create(actor=colleague, post=post, body="Comment")
    assert services.like_toggle(actor=author, comment=comment) == (True, 1)
    comment.refresh_from_db()
    assert comment.likes_count == 1
    assert Notification.objects.filter(kind="liked", recipient=colleague, comment=comment).exists()


def test_a_like_on_an_unreadable_post_is_refused(guild):
    post = PostFactory(community=guild)
    with pytest.raises(PermissionDenied):
        services.like_toggle(actor=UserFactory(), post=post)
    assert not Like.objects.exists()


def test_archived_communities_take_no_likes_nor_comments(author, guild, colleague):
    post = PostFactory(community=guild, author=author)
    Community.objects.filter(pk=guild.pk).update(state=Community.State.ARCHIVED)
    post.refresh_from_db()
    with pytest.raises(PermissionDenied, match="archived"):
        services.like_toggle(actor=colleague, post=post)
    with pytest.raises(PermissionDenied, match="archived"):
        services.comment_create(actor=colleague, post=post, body="Hi")


def test_following_a_community_needs_reading_rights(guild):
    employee = UserFactory()
    with pytest.raises(PermissionDenied):
        services.community_follow(actor=employee, community=guild)
    free = CommunityFactory(access=Community.Access.FREE)
    services.community_follow(actor=employee, community=free)
    services.community_follow(actor=employee, community=free)
    assert employee.community_follows.count() == 1
    services.community_unfollow(actor=employee, community=free)
    assert employee.community_follows.count() == 0


def test_tag_follow_is_once(author):
    tag = Tag.objects.create(name="lean", slug="lean")
    services.tag_follow(actor=author, tag=tag)
    services.tag_follow(actor=author, tag=tag)
    assert author.tag_follows.count() == 1
    services.tag_unfollow(actor=author, tag=tag)
    assert author.tag_follows.count() == 0
