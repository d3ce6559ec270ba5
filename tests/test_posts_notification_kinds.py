"""The kind templates of posts (liked, commented, mentioned): one sentence with the
notification's link (which marks it read, then leads to the post or comment),
absolute in e-mails."""

import pytest
from django.template.loader import render_to_string

from communities.models import Community
from notifications.models import Notification
from posts import services

from .communities_factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread():
    community = CommunityFactory(access=Community.Access.FREE)
    author = MembershipFactory(community=community).user
    other = MembershipFactory(community=community).user
    post = services.post_create(actor=author, community=community, body=f"Hi @{other.username}")
    comment = services.comment_create(actor=other, post=post, body=f"Hello @{author.username}")
    reply = services.comment_create(actor=author, post=post, body="Thanks", parent=comment)
    services.like_toggle(actor=other, post=post)
    services.like_toggle(actor=author, comment=comment)
    return author, other, post, comment, reply


@pytest.mark.parametrize("base_url", ["", "https://rse.example.com"])
def test_each_kind_renders_one_sentence_with_a_link(thread, base_url):
    author, other, post, comment, reply = thread
    expected = {
        ("liked", author.pk, None): ("liked", post.get_absolute_url()),
        ("liked", other.pk, comment.pk): ("liked", f"#comment-{comment.pk}"),
        ("commented", author.pk, comment.pk): ("commented on", f"#comment-{comment.pk}"),
        ("commented", other.pk, reply.pk): ("replied to", f"#comment-{reply.pk}"),
        ("mentioned", other.pk, None): ("mentioned you in", post.get_absolute_url()),
        ("mentioned", author.pk, comment.pk): ("mentioned you in", f"#comment-{comment.pk}"),
    }
    notes = Notification.objects.select_related("actor", "post", "comment")
    assert {(n.kind, n.recipient_id, n.comment_id) for n in notes} == set(expected)
    for n in notes:
        html = render_to_string(
            f"notifications/kinds/{n.kind}.html", {"n": n, "base_url": base_url}
        )
        words, target = expected[(n.kind, n.recipient_id, n.comment_id)]
        assert n.actor.get_full_name() in html and words in html
        assert f'href="{base_url}{n.get_absolute_url()}"' in html
        assert n.target_url().endswith(target)
