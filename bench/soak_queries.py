"""The soak's questions to the database, asked through the app's own rules, in a
`manage.py shell` on the soak's private database (bench/soak.py runs them).

`cast`: the people the load generator plays, with the communities they may post in, the
posts they may read there and the people they may mention. `account`: after the run,
which acknowledged writes exist, and where every e-mail job stands.
"""

import json
import os
from datetime import datetime


def cast(people: int) -> dict:
    from access import posts as post_rules
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
    return {"people": list(chosen.values()), "members": by_community, "posts": posts}


def account(writes: dict, since: str) -> dict:
    """writes: {"post": [marker…], "comment": [marker…], "like": [[user_id, post_id]…]}."""
    from notifications.models import EmailMode, Notification
    from notifications.selectors import wanted_by_email
    from posts.models import Comment, Like, Post

    def found(model, markers: list[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for start in range(0, len(markers), 500):
            chunk = markers[start : start + 500]
            for body in model.objects.filter(body__in=chunk).values_list("body", flat=True):
                counts[body] = counts.get(body, 0) + 1
        return counts

    result: dict = {"writes": {}}
    for kind, model in (("post", Post), ("comment", Comment)):
        counts = found(model, writes.get(kind, []))
        acknowledged = writes.get(kind, [])
        result["writes"][kind] = {
            "acknowledged": len(acknowledged),
            "lost": [m for m in acknowledged if m not in counts],
            "duplicated": [m for m, n in counts.items() if n > 1],
        }
    likes = [tuple(pair) for pair in writes.get("like", [])]
    existing = set()
    for user_id, post_id in likes:
        if Like.objects.filter(user_id=user_id, post_id=post_id).exists():
            existing.add((user_id, post_id))
    result["writes"]["like"] = {
        "acknowledged": len(likes),
        "lost": [list(pair) for pair in likes if pair not in existing],
        "duplicated": [],
    }
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
