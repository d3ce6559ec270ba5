"""The soak's questions to the database, asked through the app's own rules, in a
`manage.py shell` on the soak's private database (bench/soak.py runs them).

`cast`: the people the load generator plays, with the communities they may post in, the
posts they may read there, the people they may mention, the posts each may report (read
by them, in a community they contribute to, not theirs, not reported yet, each given to
one reporter only, none of the posts the others read) and the communities each may join
(free) or ask to join (open). `account`: after the run, which acknowledged writes exist,
and where every e-mail job stands.
"""

import json
import os
from datetime import datetime


def cast(people: int) -> dict:
    from access import posts as post_rules
    from charter.selectors import report_reasons
    from communities.models import Community, Membership
    from posts.models import Post, Status
    from profiles.models import User

    members = (
        Membership.objects.filter(
            status=Membership.Status.ACTIVE,
            role=Membership.Role.MEMBER,
            community__state=Community.State.ACTIVE,
            user__is_active=True,
            user__kind=User.Kind.EMPLOYEE,
        )
        .select_related("user", "community")
        .order_by("community_id", "pk")
    )
    chosen: dict[int, dict] = {}
    by_community: dict[str, list[str]] = {}
    for membership in members.iterator():
        user, community = membership.user, membership.community
        if len(chosen) >= people and user.pk not in chosen:
            continue
        if not post_rules.can_contribute(user, community):
            continue
        entry = chosen.setdefault(
            user.pk,
            {"id": user.pk, "email": user.email, "username": user.username, "communities": []},
        )
        if len(entry["communities"]) < 4:
            entry["communities"].append(community.slug)
            by_community.setdefault(community.slug, []).append(user.username)
    slugs = {slug for person in chosen.values() for slug in person["communities"]}
    posts: dict[str, list[int]] = {}
    for slug in slugs:
        posts[slug] = list(
            Post.objects.filter(community__slug=slug, status=Status.PUBLISHED)
            .order_by("-created_at")
            .values_list("pk", flat=True)[:30]
        )
    return {
        "people": list(chosen.values()),
        "members": by_community,
        "posts": posts,
        "reasons": list(report_reasons().values_list("pk", flat=True)),
        "reports": report_targets(chosen, posts),
        "joins": join_targets(chosen),
    }


REPORTS_PER_PERSON = 12
JOINS_PER_PERSON = 4


def report_targets(chosen: dict[int, dict], read: dict[str, list[int]]) -> dict[str, list[int]]:
    """Per person (by id), posts they may report. One reporter per post keeps every post
    below the auto-hide threshold, and the posts the mix reads, comments and likes are
    left out, so a report changes nothing the other requests see."""
    from access import posts as post_rules
    from moderation.models import Report
    from posts.models import Status
    from profiles.models import User

    taken = {pk for pks in read.values() for pk in pks}
    targets: dict[str, list[int]] = {}
    for person in chosen.values():
        user = User.objects.get(pk=person["id"])
        candidates = (
            post_rules.posts_readable_by(user)
            .filter(community__slug__in=person["communities"], status=Status.PUBLISHED)
            .exclude(author=user)
            .exclude(pk__in=Report.objects.values("post_id"))
            .order_by("-created_at")
            .values_list("pk", flat=True)[: REPORTS_PER_PERSON + len(taken) + 50]
        )
        mine = [pk for pk in candidates if pk not in taken][:REPORTS_PER_PERSON]
        taken.update(mine)
        targets[str(person["id"])] = mine
    return targets


def join_targets(chosen: dict[int, dict]) -> dict[str, list[list[str]]]:
    """Per person (by id), [slug, status expected] of communities they are not in: free
    ones they may join ("active"), open ones they may ask to join ("requested")."""
    from access import communities as community_rules
    from communities.models import Community, Membership
    from profiles.models import User

    targets: dict[str, list[list[str]]] = {}
    for person in chosen.values():
        user = User.objects.get(pk=person["id"])
        candidates = (
            community_rules.communities_discoverable_by(user)
            .filter(
                state=Community.State.ACTIVE,
                access__in=[Community.Access.FREE, Community.Access.OPEN],
            )
            .exclude(slug__in=person["communities"])
            .order_by("pk")[:100]
        )
        mine: list[list[str]] = []
        for community in candidates:
            if community_rules.can_join(user, community):
                mine.append([community.slug, Membership.Status.ACTIVE.value])
            elif community_rules.can_request(user, community):
                mine.append([community.slug, Membership.Status.REQUESTED.value])
            if len(mine) >= JOINS_PER_PERSON:
                break
        targets[str(person["id"])] = mine
    return targets


def account(writes: dict, since: str) -> dict:
    """writes: {"post": [marker…], "comment": [marker…], "like": [[user_id, post_id]…],
    "report": [marker…] (the report's note), "join": [[user_id, slug, status]…]}."""
    from communities.models import Membership
    from moderation.models import Report
    from notifications.models import EmailMode, Notification
    from notifications.selectors import wanted_by_email
    from posts.models import Comment, Like, Post

    def found(rows, field: str, markers: list[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for start in range(0, len(markers), 500):
            chunk = markers[start : start + 500]
            for text in rows.filter(**{f"{field}__in": chunk}).values_list(field, flat=True):
                counts[text] = counts.get(text, 0) + 1
        return counts

    def tally(acknowledged: list, lost: list, duplicated: list) -> dict:
        return {
            "acknowledged": len(acknowledged),
            "found": len(acknowledged) - len(lost),
            "lost": lost,
            "duplicated": duplicated,
        }

    result: dict = {"writes": {}}
    for kind, rows, field in (
        ("post", Post.objects, "body"),
        ("comment", Comment.objects, "body"),
        ("report", Report.objects, "note"),
    ):
        acknowledged = writes.get(kind, [])
        counts = found(rows, field, acknowledged)
        result["writes"][kind] = tally(
            acknowledged,
            [m for m in acknowledged if m not in counts],
            [m for m, n in counts.items() if n > 1],
        )
    likes = [tuple(pair) for pair in writes.get("like", [])]
    existing = set()
    for user_id, post_id in likes:
        if Like.objects.filter(user_id=user_id, post_id=post_id).exists():
            existing.add((user_id, post_id))
    result["writes"]["like"] = tally(
        likes, [list(pair) for pair in likes if pair not in existing], []
    )
    # A join is one membership row per (person, community), in the state acknowledged:
    # active for a free community, requested for an open one (nobody decides during
    # the run).
    joins = [tuple(entry) for entry in writes.get("join", [])]
    present = {
        (user_id, slug, status)
        for user_id, slug, status in joins
        if Membership.objects.filter(user_id=user_id, community__slug=slug, status=status).exists()
    }
    result["writes"]["join"] = tally(
        joins, [list(entry) for entry in joins if entry not in present], []
    )
    wanted = wanted_by_email(
        Notification.objects.filter(created_at__gte=datetime.fromisoformat(since)),
        EmailMode.IMMEDIATELY,
    )
    result["emails"] = {
        "wanted": wanted.count(),
        "claimed_ids": list(wanted.filter(emailed_at__isnull=False).values_list("pk", flat=True)),
        "queued_ids": list(wanted.filter(emailed_at__isnull=True).values_list("pk", flat=True)),
    }
    return result


def main() -> None:
    """Entry point for `manage.py shell -c`: the question in the JSON file RSE_SOAK_QUERY,
    the answer written as JSON next to it (`<query>.answer`)."""
    question = json.loads(open(os.environ["RSE_SOAK_QUERY"]).read())  # noqa: SIM115
    if question["ask"] == "cast":
        answer = cast(question["people"])
    else:
        answer = account(question["writes"], question["since"])
    with open(os.environ["RSE_SOAK_QUERY"] + ".answer", "w") as out:
        out.write(json.dumps(answer))
