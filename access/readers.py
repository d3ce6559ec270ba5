"""Who, among many people, may read one post (rules 2 and 7), in one query.

The same rule as `access.queries.readable` and `access.posts.posts_readable_by`, seen
from the other side: there, one person and every post; here, one post and every
person. Alert fan-out asks it for thousands of recipients at once (a test checks it
against `is_post_readable_by`, person by person).
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from communities.models import Community, Membership
from posts.models import Post, Status
from profiles.models import User

from . import roles


def readers_of(post: Post, among: QuerySet[User] | None = None) -> QuerySet[User]:
    """Active people (among `among`, all by default) who may read `post` now."""
    people = (among if among is not None else User.objects.all()).filter(is_active=True)
    if post.status != Status.PUBLISHED:
        return people.none()
    if post.community_id is None:
        # Profile posts: every employee (never externals); site administrators.
        return people.filter(Q(kind=roles.EMPLOYEE) | Q(is_superuser=True))
    community = Community.objects.only("access").get(pk=post.community_id)
    memberships = Membership.objects.filter(community_id=post.community_id, user=OuterRef("pk"))
    active = Exists(memberships.filter(status=Membership.Status.ACTIVE))
    rule: Q = Q(is_superuser=True) | Q(active)
    if community.access == Community.Access.FREE:
        banned = Exists(memberships.filter(status=Membership.Status.BANNED))
        rule |= Q(kind=roles.EMPLOYEE) & ~Q(banned)
    return people.filter(rule)
