"""Notifications in the app: the inbox, marking read, the counter, what may be seen,
the e-mail settings page, the events that notify, and the admin."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from communities import invitations, memberships
from communities.models import Community, Membership
from notifications.models import (
    DEFAULT_EMAIL,
    EmailMode,
    EmailSettings,
    Kind,
    Notification,
    NotificationPreference,
)
from notifications.rendering import render_notification
from notifications.selectors import notifications_visible_to, unread_count
from notifications.services import notify
from posts.models import Status
from profiles import services as profile_services

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, UserFactory
from .notifications_factories import NotificationFactory
from .posts_factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

INBOX = "/notifications/"


def member_of(community, user=None, **kwargs):
    return MembershipFactory(community=community, user=user or UserFactory(), **kwargs).user


def inbox_ids(client) -> list[int]:
    response = client.get(INBOX)
    assert response.status_code == 200
    return [n.pk for n in response.context["notifications"]]


# The page --------------------------------------------------------------------------


def test_the_page_shows_my_notifications_newest_first_and_never_anyone_elses(client, employee):
    older = NotificationFactory(recipient=employee, created_at=timezone.now() - timedelta(hours=2))
    newer = NotificationFactory(recipient=employee)
    someone_elses = NotificationFactory()
    client.force_login(employee)

    assert inbox_ids(client) == [newer.pk, older.pk]
    page = client.get(INBOX).content.decode()
    assert f"{newer.actor.get_full_name()} now follows you." in page
    assert someone_elses.actor.get_full_name() not in page


def test_the_page_is_for_signed_in_people(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_unread_ones_are_marked_for_the_eye_and_for_screen_readers(client, employee):
    NotificationFactory(recipient=employee)
    NotificationFactory(recipient=employee, read_at=timezone.now())
    client.force_login(employee)

    page = client.get(INBOX).content.decode()

    assert page.count('class="notification is-unread"') == 1
    assert page.count('<span class="visually-hidden">Unread:</span>') == 1
    assert page.count('class="notification"') == 1


def test_the_page_goes_back_in_time_by_keyset(client, employee, settings):
    settings.RSE_NOTIFICATIONS_PAGE_SIZE = 10
    start = timezone.now() - timedelta(days=1)
    made = [
        NotificationFactory(recipient=employee, created_at=start + timedelta(minutes=i))
        for i in range(25)
    ]
    client.force_login(employee)

    seen, params = [], {}
    for _page in range(3):
        response = client.get(INBOX, params)
        seen += [n.pk for n in response.context["notifications"]]
        params = {"before": response.context["next_cursor"]}

    assert seen == [n.pk for n in reversed(made)]
    assert params == {"before": ""}  # the third page was the last
    assert 'rel="next"' in client.get(INBOX).content.decode()


def test_a_broken_page_address_shows_the_first_page_with_a_message(client, employee):
    notification = NotificationFactory(recipient=employee)
    client.force_login(employee)

    response = client.get(INBOX, {"before": "yesterday~12"})

    assert [n.pk for n in response.context["notifications"]] == [notification.pk]
    assert "does not exist" in response.content.decode()


def test_an_empty_inbox_says_what_will_come(client, employee):
    client.force_login(employee)
    assert "No notifications yet" in client.get(INBOX).content.decode()


def test_the_inbox_queries_do_not_grow(client, employee, django_assert_max_num_queries):
    community = CommunityFactory(access=Community.Access.FREE)
    post = PostFactory(community=community)
    MembershipFactory(community=community, user=employee)

    def make(count: int) -> None:
        for i in range(count // 4):
            NotificationFactory(recipient=employee, kind=Kind.FOLLOWED)
            NotificationFactory(recipient=employee, kind=Kind.INVITED, community=community)
            NotificationFactory(recipient=employee, kind=Kind.LIKED, post=post, community=community)
            comment = CommentFactory(post=post)
            NotificationFactory(
                recipient=employee,
                kind=Kind.COMMENTED,
                post=post,
                comment=comment,
                community=community,
                read_at=timezone.now() if i % 2 else None,
            )

    client.force_login(employee)
    make(12)
    # 5: session, user, the charter status, the unread counter, the page itself.
    with django_assert_max_num_queries(5):
        assert len(client.get(INBOX).context["notifications"]) == 12
    make(60)
    with django_assert_max_num_queries(5):
        assert len(client.get(INBOX).context["notifications"]) == 20


# What may be seen ------------------------------------------------------------------


def test_a_notification_about_a_community_i_left_vanishes_from_page_and_counter(client):
    community = CommunityFactory(access=Community.Access.OPEN)
    reader = member_of(community)
    post = PostFactory(community=community)
    notification = notify(recipient=reader, kind=Kind.LIKED, actor=post.author, post=post)
    assert notification is not None
    client.force_login(reader)
    assert inbox_ids(client) == [notification.pk]
    assert "unread-count" in client.get(INBOX).content.decode()

    memberships.membership_leave(actor=reader, community=community)

    assert inbox_ids(client) == []
    assert unread_count(reader) == 0
    assert '<span class="unread-count">(' not in client.get(INBOX).content.decode()
    url = reverse("notifications:open", args=[notification.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("status", [Status.HIDDEN, Status.DELETED])
def test_a_notification_about_a_post_hidden_or_deleted_vanishes(client, employee, status):
    community = CommunityFactory(access=Community.Access.FREE)
    post = PostFactory(community=community)
    notify(recipient=employee, kind=Kind.MENTIONED, actor=post.author, post=post)
    client.force_login(employee)
    assert len(inbox_ids(client)) == 1

    post.status = status
    post.save(update_fields=["status"])

    assert inbox_ids(client) == []
    assert unread_count(employee) == 0


def test_a_notification_about_a_deleted_comment_vanishes(client, employee):
    post = PostFactory(community=None, author=employee)
    comment = CommentFactory(post=post)
    notify(
        recipient=employee, kind=Kind.COMMENTED, actor=comment.author, post=post, comment=comment
    )
    client.force_login(employee)
    assert len(inbox_ids(client)) == 1

    comment.status = Status.DELETED
    comment.save(update_fields=["status"])

    assert inbox_ids(client) == []


def test_an_invitation_into_a_hidden_community_vanishes_once_declined(client, employee):
    hidden = CommunityFactory(
        access=Community.Access.CLOSED, visibility=Community.Visibility.HIDDEN
    )
    manager = member_of(hidden, role=Membership.Role.MANAGER)
    invitations.membership_invite(actor=manager, community=hidden, user=employee)
    client.force_login(employee)
    assert Notification.objects.get(recipient=employee).kind == Kind.INVITED
    assert hidden.name in client.get(INBOX).content.decode()

    invitations.invitation_decline(actor=employee, community=hidden)

    page = client.get(INBOX).content.decode()
    assert hidden.name not in page
    assert unread_count(employee) == 0


def test_an_external_never_sees_a_notification_about_a_profile_post():
    external = ExternalFactory()
    post = PostFactory(community=None)
    NotificationFactory(recipient=external, kind=Kind.LIKED, post=post)
    assert not notifications_visible_to(external).exists()


# Marking read ----------------------------------------------------------------------


def test_mark_one_read(client, employee):
    notification = NotificationFactory(recipient=employee)
    other = NotificationFactory(recipient=employee)
    client.force_login(employee)

    response = client.post(reverse("notifications:mark_read", args=[notification.pk]))

    assert response.status_code == 302
    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.read_at is not None
    assert other.read_at is None


def test_mark_one_read_is_post_only(client, employee):
    notification = NotificationFactory(recipient=employee)
    client.force_login(employee)

    response = client.get(reverse("notifications:mark_read", args=[notification.pk]))

    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_someone_elses_notification_answers_404_and_stays_unread(client, employee):
    theirs = NotificationFactory()
    client.force_login(employee)

    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_leaves_what_arrived_since_unread(client, employee):
    shown = [NotificationFactory(recipient=employee) for _ in range(3)]
    theirs = NotificationFactory()
    client.force_login(employee)
    up_to = client.get(INBOX).context["newest_id"]
    assert up_to == shown[-1].pk
    arrived_since = NotificationFactory(recipient=employee)

    response = client.post(reverse("notifications:mark_all_read"), {"up_to": up_to})

    assert response.status_code == 302
    assert Notification.objects.filter(recipient=employee, read_at__isnull=True).get() == (
        arrived_since
    )
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("data", [{}, {"up_to": "all"}, {"up_to": "-3"}])
def test_mark_all_read_refuses_bad_input_and_changes_nothing(client, employee, data):
    NotificationFactory.create_batch(2, recipient=employee)
    client.force_login(employee)

    response = client.post(reverse("notifications:mark_all_read"), data, follow=True)

    assert "Nothing was marked as read" in response.content.decode()
    assert Notification.objects.filter(read_at__isnull=True).count() == 2


def test_mark_all_read_is_post_only(client, employee):
    NotificationFactory(recipient=employee)
    client.force_login(employee)
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_opening_a_notification_marks_it_read_and_leads_to_its_target(client, employee):
    follower = UserFactory()
    notification = NotificationFactory(recipient=employee, actor=follower)
    client.force_login(employee)

    response = client.get(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[follower.username])
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_every_link_of_a_sentence_in_the_app_marks_it_read_on_the_way(client, employee):
    """A governance sentence links to its own page (here: my moderation history);
    following that link from the inbox marks the notification read too."""
    notification = NotificationFactory(
        recipient=employee,
        actor=None,
        kind=Kind.MODERATION,
        data={"event": "report_outcome", "case": 7, "item": "post", "outcome": "kept"},
    )
    html = render_notification(notification)
    opened = reverse("notifications:open", args=[notification.pk])
    assert f'href="{opened}?to=%2Fmoderation%2Fmine%2F%23reports"' in html
    client.force_login(employee)

    response = client.get(f"{opened}?to=%2Fmoderation%2Fmine%2F%23reports")

    assert response["Location"] == "/moderation/mine/#reports"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize("to", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_opening_never_leads_off_the_site(client, employee, to):
    follower = UserFactory()
    notification = NotificationFactory(recipient=employee, actor=follower)
    client.force_login(employee)

    response = client.get(reverse("notifications:open", args=[notification.pk]), {"to": to})

    assert response["Location"] == reverse("people:detail", args=[follower.username])


def test_link_targets():
    community = CommunityFactory()
    post = PostFactory(community=community)
    comment = CommentFactory(post=post)
    actor = UserFactory()

    def target(**fields):
        return Notification(recipient=actor, **fields).target_url()

    assert target(kind=Kind.COMMENTED, post=post, comment=comment, community=community) == (
        f"/posts/{post.pk}/#comment-{comment.pk}"
    )
    assert target(kind=Kind.LIKED, post=post, community=community) == f"/posts/{post.pk}/"
    assert target(kind=Kind.INVITED, community=community) == f"/communities/{community.slug}/"
    assert target(kind=Kind.FOLLOWED, actor=actor) == f"/people/{actor.username}/"
    assert target(kind=Kind.ACCOUNT, data={"url": "/me/"}) == "/me/"
    # Only paths of this site: never somewhere else.
    assert target(kind=Kind.ACCOUNT, data={"url": "//evil.example/x"}) == INBOX
    assert target(kind=Kind.ACCOUNT, data={"url": "https://evil.example/"}) == INBOX


def test_a_kind_without_its_own_template_falls_back_to_the_generic_one():
    notification = NotificationFactory(kind="retired_kind")
    html = render_notification(notification, "https://rse.example")
    assert f'href="https://rse.example/notifications/{notification.pk}/open/"' in html
    assert notification.actor.get_full_name() in html


def test_my_kinds_have_their_sentence():
    community = CommunityFactory(name="Runners")
    manager = UserFactory(first_name="Thomas", last_name="Bernard")
    approved = NotificationFactory(kind=Kind.REQUEST_APPROVED, actor=manager, community=community)
    invited = NotificationFactory(kind=Kind.INVITED, actor=manager, community=community)

    assert "Your request to join Runners was approved" in render_notification(approved)
    assert "Thomas Bernard invited you to join Runners." in render_notification(invited)


# The counter -----------------------------------------------------------------------


def test_the_counter_shows_unread_notifications_with_an_accessible_label(client, employee):
    NotificationFactory.create_batch(3, recipient=employee)
    NotificationFactory(recipient=employee, read_at=timezone.now())
    NotificationFactory()
    client.force_login(employee)

    page = client.get(reverse("me")).content.decode()

    assert (
        'aria-label="Notifications, 3 unread">Notifications <span class="unread-count">(3)</span>'
        in page
    )


def test_no_counter_without_unread_notifications(client, employee):
    NotificationFactory(recipient=employee, read_at=timezone.now())
    client.force_login(employee)
    page = client.get(reverse("me")).content.decode()
    # An empty, hidden counter that the polling script fills when something comes.
    assert 'Notifications <span class="unread-count" hidden></span></a>' in page
    assert '<span class="unread-count">(' not in page


def test_the_counter_stops_at_99(client, employee):
    Notification.objects.bulk_create(
        Notification(recipient=employee, kind=Kind.FOLLOWED) for _ in range(120)
    )
    client.force_login(employee)
    page = client.get(reverse("me")).content.decode()
    assert 'aria-label="Notifications, 99+ unread">' in page
    assert 'Notifications <span class="unread-count">(99+)</span>' in page


# E-mail settings -------------------------------------------------------------------

SETTINGS = "/notifications/settings/"


def settings_data(**changes) -> dict:
    return {**{kind: str(mode) for kind, mode in DEFAULT_EMAIL.items()}, "language": "", **changes}


def test_the_settings_page_shows_the_defaults(client, employee):
    client.force_login(employee)
    response = client.get(SETTINGS)
    form = response.context["form"]
    assert form["liked"].initial == EmailMode.NEVER
    assert form["mentioned"].initial == EmailMode.IMMEDIATELY
    assert form["commented"].initial == EmailMode.DAILY
    page = response.content.decode()
    assert "<legend>Someone mentioned me</legend>" in page
    assert '<label for="id_language">Language of my e-mails</label>' in page


def test_the_settings_page_is_linked_from_the_inbox_and_my_profile(client, employee):
    client.force_login(employee)
    assert f'href="{SETTINGS}"' in client.get(INBOX).content.decode()
    assert f'href="{SETTINGS}"' in client.get(reverse("me")).content.decode()


def test_saving_the_settings(client, employee):
    client.force_login(employee)

    response = client.post(SETTINGS, settings_data(liked="daily", account="never", language="fr"))

    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=employee, kind="liked").email == "daily"
    assert NotificationPreference.objects.get(user=employee, kind="account").email == "never"
    assert EmailSettings.objects.get(user=employee).language == "fr"
    assert client.get(SETTINGS).context["form"]["liked"].initial == "daily"


@pytest.mark.parametrize(
    "data",
    [
        settings_data(liked="hourly"),
        settings_data(language="de"),
        {k: v for k, v in settings_data().items() if k != "mentioned"},
    ],
)
def test_the_settings_refuse_bad_input_and_keep_what_was_typed(client, employee, data):
    client.force_login(employee)

    response = client.post(SETTINGS, {**data, "commented": "never"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["form"]["commented"].value() == "never"
    assert not NotificationPreference.objects.exists()
    assert not EmailSettings.objects.exists()


# Events that notify ----------------------------------------------------------------


def test_being_followed_notifies(employee):
    follower = UserFactory()
    profile_services.follow_create(actor=follower, user=employee)
    notification = Notification.objects.get(recipient=employee)
    assert (notification.kind, notification.actor) == (Kind.FOLLOWED, follower)


def test_an_approved_request_notifies():
    community = CommunityFactory(access=Community.Access.OPEN)
    manager = member_of(community, role=Membership.Role.MANAGER)
    requester = UserFactory()
    membership = memberships.membership_request(actor=requester, community=community)

    memberships.membership_approve(actor=manager, membership=membership)

    notification = Notification.objects.get(recipient=requester)
    assert (notification.kind, notification.actor, notification.community) == (
        Kind.REQUEST_APPROVED,
        manager,
        community,
    )


def test_an_invitation_notifies_even_into_a_hidden_community(employee):
    hidden = CommunityFactory(
        access=Community.Access.CLOSED, visibility=Community.Visibility.HIDDEN
    )
    manager = member_of(hidden, role=Membership.Role.MANAGER)

    invitations.membership_invite(actor=manager, community=hidden, user=employee)

    notification = Notification.objects.get(recipient=employee)
    assert (notification.kind, notification.community) == (Kind.INVITED, hidden)


def test_a_refused_event_notifies_nobody(employee):
    profile_services.follow_create(actor=UserFactory(), user=employee)
    with pytest.raises(ValidationError):
        profile_services.follow_create(actor=employee, user=employee)
    assert Notification.objects.count() == 1


# Admin -----------------------------------------------------------------------------


def test_admin_lists_notifications_read_only_with_filters_and_search(client, admin_user):
    notification = NotificationFactory()
    client.force_login(admin_user)
    url = "/admin/notifications/notification/"

    response = client.get(
        url, {"kind": "followed", "read": "no", "q": notification.recipient.email}
    )

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [notification]
    assert client.get(url + "add/").status_code == 403
    detail = client.get(f"{url}{notification.pk}/change/")
    assert detail.status_code == 200
    assert client.post(f"{url}{notification.pk}/delete/").status_code == 403


def test_admin_lists_preferences(client, admin_user, employee):
    NotificationPreference.objects.create(user=employee, kind="liked", email="daily")
    client.force_login(admin_user)
    response = client.get("/admin/notifications/notificationpreference/", {"email": "daily"})
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1


def test_the_settings_page_proposes_the_language_i_browse_in(client, employee):
    client.force_login(employee)
    # (LocaleMiddleware leaves French active in this thread: put English back after.)
    with translation.override("en"):
        response = client.get(SETTINGS, headers={"accept-language": "fr"})
    assert response.context["form"]["language"].initial == "fr"
    assert "Réglages des notifications" in response.content.decode()
