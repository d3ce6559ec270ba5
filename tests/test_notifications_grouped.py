"""Notifications gathered by item and kind ("Alice Martin and 7 others liked your post
“Kick-off of…”"), with the photo or initials of the newest person and an excerpt of the
post; opening the group, or marking it read, reads all its rows; nothing about what
the recipient may no longer read."""

import pytest
from django.utils import timezone

from communities.models import Community
from notifications.models import Kind, Notification
from posts import services as post_services

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .notifications_factories import NotificationFactory
from .posts_factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

INBOX = "/notifications/"


@pytest.fixture
def kickoff(employee):
    community = CommunityFactory(access=Community.Access.FREE)
    return PostFactory(
        community=community,
        author=employee,
        body="Kick-off of the lean programme on Monday in the main hall, bring ideas",
    )


def likes_by(post, count: int) -> list:
    people = [UserFactory() for _ in range(count)]
    for person in people:
        post_services.like_toggle(actor=person, post=post, liked=True)
    return people


def test_eight_likes_of_one_post_are_one_sentence_with_the_newest_face(client, employee, kickoff):
    people = likes_by(kickoff, 8)
    client.force_login(employee)

    response = client.get(INBOX)
    page = response.content.decode()

    assert len(response.context["groups"]) == 1
    newest = people[-1].get_full_name()
    assert f"{newest} and 7 others liked" in page
    assert "your post “Kick-off of the lean programme on Monday in…”" in page
    assert page.count('class="notification is-unread"') == 1
    assert 'class="notification-excerpt"' in page  # the post's first words, under it
    assert f">{people[-1].first_name[0].upper()}{people[-1].last_name[0].upper()}<" in page


def test_two_people_read_as_one_other_and_in_french(client, employee, kickoff):
    people = likes_by(kickoff, 2)
    client.force_login(employee)

    english = client.get(INBOX).content.decode()
    french = client.get(INBOX, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert f"{people[1].get_full_name()} and 1 other liked" in english
    assert f"{people[1].get_full_name()} et 1 autre personne ont aimé" in french
    assert "votre publication «\u00a0Kick-off of the lean" in french


def test_different_items_and_kinds_stay_apart(client, employee, kickoff):
    likes_by(kickoff, 2)
    other = PostFactory(community=kickoff.community, author=employee, body="Second post")
    likes_by(other, 1)
    commenter = UserFactory()
    post_services.comment_create(actor=commenter, post=kickoff, body="Count me in")
    post_services.comment_create(actor=UserFactory(), post=kickoff, body="Me too")
    client.force_login(employee)

    groups = client.get(INBOX).context["groups"]
    kinds = sorted((g.kind, g.newest.post_id, len(g.items)) for g in groups)

    assert kinds == sorted(
        [(Kind.LIKED, kickoff.pk, 2), (Kind.LIKED, other.pk, 1), (Kind.COMMENTED, kickoff.pk, 2)]
    )
    page = client.get(INBOX).content.decode()
    assert "and 1 other commented on" in page


def test_likes_of_a_comment_are_not_likes_of_its_post(client, employee, kickoff):
    comment = CommentFactory(post=kickoff, author=employee, body="My own remark")
    post_services.like_toggle(actor=UserFactory(), comment=comment, liked=True)
    post_services.like_toggle(actor=UserFactory(), comment=comment, liked=True)
    likes_by(kickoff, 1)
    client.force_login(employee)

    page = client.get(INBOX).content.decode()

    assert "and 1 other liked" in page and "your comment “My own remark”" in page
    assert len(client.get(INBOX).context["groups"]) == 2


def test_opening_the_group_reads_all_its_rows_and_only_them(client, employee, kickoff):
    likes_by(kickoff, 3)
    follow = NotificationFactory(recipient=employee, kind=Kind.FOLLOWED)
    client.force_login(employee)
    group = client.get(INBOX).context["groups"]
    liked = next(g for g in group if g.kind == Kind.LIKED)

    response = client.get(f"/notifications/{liked.pk}/open/")

    assert response.status_code == 302
    assert response["Location"] == f"/posts/{kickoff.pk}/"
    assert not Notification.objects.filter(kind=Kind.LIKED, read_at__isnull=True).exists()
    follow.refresh_from_db()
    assert follow.read_at is None


def test_marking_the_group_read_reads_all_its_rows(client, employee, kickoff):
    likes_by(kickoff, 3)
    client.force_login(employee)
    newest = Notification.objects.filter(recipient=employee).order_by("-pk").first()

    client.post(f"/notifications/{newest.pk}/read/")

    assert not Notification.objects.filter(recipient=employee, read_at__isnull=True).exists()
    assert 'class="notification is-unread"' not in client.get(INBOX).content.decode()


def test_a_group_is_unread_while_one_of_its_rows_is(client, employee, kickoff):
    likes_by(kickoff, 2)
    Notification.objects.filter(recipient=employee).update(read_at=timezone.now())
    likes_by(kickoff, 1)
    client.force_login(employee)

    page = client.get(INBOX).content.decode()

    assert "and 2 others liked" in page
    assert page.count('class="notification is-unread"') == 1


def test_a_group_about_a_post_i_may_no_longer_read_is_gone(client, employee):
    guild = CommunityFactory(access=Community.Access.CLOSED)
    membership = MembershipFactory(community=guild, user=employee)
    post = PostFactory(community=guild, author=employee, body="Secret plans of the guild")
    for _ in range(3):
        member = MembershipFactory(community=guild).user
        post_services.like_toggle(actor=member, post=post, liked=True)
    client.force_login(employee)
    assert "Secret plans" in client.get(INBOX).content.decode()

    membership.status = "left"
    membership.save(update_fields=["status"])

    page = client.get(INBOX).content.decode()
    assert "Secret plans" not in page and "liked" not in page


def test_the_grouped_inbox_queries_do_not_grow(
    client, employee, kickoff, django_assert_max_num_queries
):
    client.force_login(employee)
    likes_by(kickoff, 3)
    # 5: session, user, the charter status, the unread counter, the page itself.
    with django_assert_max_num_queries(5):
        client.get(INBOX)
    likes_by(kickoff, 15)
    for i in range(5):
        post = PostFactory(community=kickoff.community, author=employee, body=f"Post {i}")
        likes_by(post, 2)
    with django_assert_max_num_queries(5):
        assert len(client.get(INBOX).context["groups"]) >= 2
