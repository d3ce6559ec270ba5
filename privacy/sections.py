"""The sections of "Download my data" for the apps RSE ships (registry: core.exports).

Each returns one person's rows. Of other people, a section gives only what they
published where the person may read it now (names of people the person may see,
communities the person may discover); never who reported, decided or moderated.
"""

import posixpath
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from access.communities import communities_discoverable_by
from access.people import users_visible_to
from audit.catalogue import label as audit_label
from audit.selectors import security_entries_of
from charter.models import CharterAcceptance
from communities.models import Membership
from core import exports
from core.exports import ExportFile
from lifecycle.models import ErasedData
from moderation.models import Appeal, Decision, Report, Sanction
from notifications.models import EmailSettings, NotificationPreference
from notifications.selectors import notifications_visible_to
from posts.models import Attachment, Comment, CommunityFollow, Like, Post, Revision, TagFollow
from profiles.models import Endorsement, Follow, Profile, User, UserSkill
from questions.models import Question

from .models import DataExport


def _discoverable_ids(user) -> set[int]:
    return set(communities_discoverable_by(user).values_list("pk", flat=True))


def _visible_people(user) -> dict[int, str]:
    """{id: "First Last (username)"} of the people `user` may see."""
    return {
        pk: f"{first} {last} ({username})"
        for pk, first, last, username in users_visible_to(user).values_list(
            "pk", "first_name", "last_name", "username"
        )
    }


def _person(people: dict[int, str], pk: int | None) -> str | None:
    return people.get(pk) if pk is not None else None


def _photo_files(user):
    profile = Profile.objects.filter(user=user).first()
    if profile is not None and profile.photo:
        name = profile.photo.name
        yield ExportFile(name, f"profile/{posixpath.basename(name)}", profile.photo.size)


@exports.section("profile", _("Profile"), order=10, files=_photo_files)
def profile(user: User) -> exports.Rows:
    account = User.objects.select_related("sponsor").get(pk=user.pk)
    row: dict[str, Any] = {
        "username": account.username,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "kind": account.kind,
        "job_title": account.job_title,
        "department": account.department,
        "site": account.site,
        "country": account.country,
        "legal_entity": account.legal_entity,
        "organisation": account.organisation,
        "sponsor": account.sponsor.get_full_name() if account.sponsor else None,
        "access_expires_at": account.access_expires_at,
        "reconfirmed_at": account.reconfirmed_at,
        "date_joined": account.date_joined,
        "last_login": account.last_login,
        "is_active": account.is_active,
    }
    prof = Profile.objects.filter(user=account).first()
    if prof is not None:
        row.update(
            phone=prof.phone,
            bio=prof.bio,
            languages=prof.languages,
            interests=prof.interests,
            photo=f"files/profile/{posixpath.basename(prof.photo.name)}" if prof.photo else None,
            followers_count=prof.followers_count,
            following_count=prof.following_count,
        )
    settings_row = EmailSettings.objects.filter(user=account).values("language").first()
    row["email_language"] = settings_row["language"] if settings_row else None
    row["notification_preferences"] = dict(
        NotificationPreference.objects.filter(user=account).values_list("kind", "email")
    )
    return [row]


@exports.section("erased_data", _("Erased profile data not yet purged"), order=15)
def erased_data(user: User) -> exports.Rows:
    return [
        {"erased_at": e.erased_at, "values": e.values, "photo": bool(e.photo)}
        for e in ErasedData.objects.filter(user=user, purged_at__isnull=True).order_by("pk")
    ]


@exports.section("skills", _("Skills and endorsements received"), order=20)
def skills(user: User) -> exports.Rows:
    people = _visible_people(user)
    rows = []
    for us in (
        UserSkill.objects.filter(user=user)
        .select_related("skill")
        .prefetch_related(Prefetch("endorsements", queryset=Endorsement.objects.order_by("pk")))
        .order_by("pk")
    ):
        rows.append(
            {
                "skill": us.skill.name,
                "level": us.level,
                "added_at": us.created_at,
                "endorsed_by": [
                    {"person": _person(people, e.endorser_id), "at": e.created_at}
                    for e in us.endorsements.all()
                    if e.endorser_id in people
                ],
            }
        )
    return rows


@exports.section("endorsements_given", _("Endorsements given"), order=25)
def endorsements_given(user: User) -> exports.Rows:
    people = _visible_people(user)
    return [
        {"person": _person(people, person_id), "skill": skill, "at": at}
        for person_id, skill, at in Endorsement.objects.filter(endorser=user)
        .order_by("pk")
        .values_list("user_skill__user_id", "user_skill__skill__name", "created_at")
        if person_id in people
    ]


def _revisions(revisions) -> list[dict]:
    return [
        {"text": r.body, "replaced_at": r.created_at, "by_moderator": r.by_moderator}
        for r in revisions
    ]


def _attachment_path(attachment: Attachment) -> str:
    return f"attachments/{attachment.pk}-{posixpath.basename(attachment.original_name)}"


def _attachment_files(user):
    for attachment in Attachment.objects.filter(post__author=user).order_by("pk"):
        yield ExportFile(attachment.file.name, _attachment_path(attachment), attachment.size)


@exports.section(
    "posts", _("Posts, with their earlier versions"), order=30, files=_attachment_files
)
def posts(user: User) -> exports.Rows:
    visible = _discoverable_ids(user)
    asked = dict(
        Question.objects.filter(post__author=user).values_list("post_id", "accepted_answer_id")
    )
    own_revisions = Revision.objects.filter(comment__isnull=True).order_by("created_at", "pk")
    rows = []
    for post in (
        Post.objects.filter(author=user)
        .select_related("community")
        .prefetch_related(
            Prefetch("revisions", queryset=own_revisions, to_attr="own_revisions"),
            "attachments",
            "tag_links__tag",
        )
        .order_by("created_at", "pk")
    ):
        shown = post.community_id is None or post.community_id in visible
        rows.append(
            {
                "id": post.pk,
                "community": (post.community.name if post.community else None) if shown else None,
                "status": post.status,
                "text": post.body,
                "published_at": post.created_at,
                "edited_at": post.edited_at,
                "deleted_at": post.deleted_at,
                "likes_count": post.likes_count,
                "comments_count": post.comments_count,
                "tags": [link.name or link.tag.name for link in post.tag_links.all()],
                "question": post.pk in asked,
                "accepted_answer": asked.get(post.pk),
                "attachments": [
                    {
                        "name": a.original_name,
                        "content_type": a.content_type,
                        "size": a.size,
                        "file": f"files/{_attachment_path(a)}",
                    }
                    for a in post.attachments.all()
                ],
                "earlier_versions": _revisions(post.own_revisions),
            }
        )
    return rows


@exports.section("comments", _("Comments, with their earlier versions"), order=35)
def comments(user: User) -> exports.Rows:
    return [
        {
            "id": c.pk,
            "post": c.post_id,
            "in_reply_to": c.parent_id,
            "status": c.status,
            "text": c.body,
            "published_at": c.created_at,
            "edited_at": c.edited_at,
            "deleted_at": c.deleted_at,
            "likes_count": c.likes_count,
            "earlier_versions": _revisions(c.ordered_revisions),
        }
        for c in Comment.objects.filter(author=user)
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=Revision.objects.order_by("created_at", "pk"),
                to_attr="ordered_revisions",
            )
        )
        .order_by("created_at", "pk")
    ]


@exports.section("likes", _("Likes"), order=40)
def likes(user: User) -> exports.Rows:
    return [
        {"post": post, "comment": comment, "liked_at": at}
        for post, comment, at in Like.objects.filter(user=user)
        .order_by("pk")
        .values_list("post_id", "comment_id", "created_at")
    ]


@exports.section("follows", _("People, communities and tags followed; followers"), order=45)
def follows(user: User) -> exports.Rows:
    people = _visible_people(user)
    visible = _discoverable_ids(user)
    rows: exports.Rows = []
    for followed, at in (
        Follow.objects.filter(follower=user).order_by("pk").values_list("followed_id", "created_at")
    ):
        if followed in people:
            rows.append({"kind": "person_followed", "name": people[followed], "since": at})
    for follower, at in (
        Follow.objects.filter(followed=user).order_by("pk").values_list("follower_id", "created_at")
    ):
        if follower in people:
            rows.append({"kind": "follower", "name": people[follower], "since": at})
    for community, name, at in (
        CommunityFollow.objects.filter(user=user)
        .order_by("pk")
        .values_list("community_id", "community__name", "created_at")
    ):
        if community in visible:
            rows.append({"kind": "community_followed", "name": name, "since": at})
    for tag, at in (
        TagFollow.objects.filter(user=user).order_by("pk").values_list("tag__slug", "created_at")
    ):
        rows.append({"kind": "tag_followed", "name": tag, "since": at})
    return rows


@exports.section("memberships", _("Communities: memberships and roles"), order=50)
def memberships(user: User) -> exports.Rows:
    visible = _discoverable_ids(user)
    return [
        {
            "community": m.community.name if m.community_id in visible else None,
            "status": m.status,
            "role": m.role,
            "message": m.message,
            "since": m.created_at,
            "decided_at": m.decided_at,
            "reason": m.reason,
        }
        for m in Membership.objects.filter(user=user).select_related("community").order_by("pk")
    ]


@exports.section("notifications", _("Notifications"), order=60)
def notifications(user: User) -> exports.Rows:
    people = _visible_people(user)
    return [
        {
            "kind": n.kind,
            "by": _person(people, n.actor_id),
            "post": n.post_id,
            "comment": n.comment_id,
            "created_at": n.created_at,
            "read_at": n.read_at,
        }
        for n in notifications_visible_to(user).order_by("pk")
    ]


@exports.section("charter_acceptances", _("Charter acceptances"), order=70)
def charter_acceptances(user: User) -> exports.Rows:
    return [
        {
            "version": number,
            "variant": variant or None,
            "accepted_at": at,
            "address": ip,
            "client": agent,
        }
        for number, variant, at, ip, agent in CharterAcceptance.objects.filter(user=user)
        .order_by("pk")
        .values_list(
            "version__number", "variant__name_en", "accepted_at", "ip_address", "user_agent"
        )
    ]


@exports.section("reports", _("Reports I filed and their outcome"), order=80)
def reports(user: User) -> exports.Rows:
    return [
        {
            "post": r.post_id,
            "comment": r.comment_id,
            "reason": r.reason.number if r.reason_id else None,
            "note": r.note,
            "reported_at": r.created_at,
            "outcome": getattr(getattr(r.case, "decision", None), "outcome", None),
        }
        for r in Report.objects.filter(reporter=user)
        .select_related("reason", "case__decision")
        .order_by("pk")
    ]


@exports.section("moderation_decisions", _("Moderation decisions about my content"), order=85)
def moderation_decisions(user: User) -> exports.Rows:
    return [
        {
            "post": d.case.post_id,
            "comment": d.case.comment_id,
            "decision": d.outcome,
            "charter_section": d.reason.number if d.reason else None,
            "message": d.message,
            "decided_at": d.decided_at,
        }
        for d in Decision.objects.filter(case__author=user)
        .select_related("case", "reason")
        .order_by("pk")
    ]


@exports.section("sanctions", _("Sanctions and appeals"), order=90)
def sanctions(user: User) -> exports.Rows:
    visible = _discoverable_ids(user)
    rows: exports.Rows = [
        {
            "kind": "sanction",
            "sanction": s.kind,
            "community": s.community.name if s.community and s.community_id in visible else None,
            "charter_section": s.reason.number if s.reason else None,
            "message": s.message,
            "decided_at": s.created_at,
            "ends_at": s.ends_at,
            "ended_at": s.ended_at,
        }
        for s in Sanction.objects.filter(user=user)
        .select_related("community", "reason")
        .order_by("pk")
    ]
    rows += [
        {
            "kind": "appeal",
            "message": a.message,
            "status": a.status,
            "filed_at": a.created_at,
            "answer": a.response,
            "decided_at": a.decided_at,
        }
        for a in Appeal.objects.filter(appellant=user).order_by("pk")
    ]
    return rows


@exports.section("security_events", _("Security events of my account"), order=95)
def security_events(user: User) -> exports.Rows:
    return [
        {
            "action": e.action,
            "label": str(audit_label(e.action)),
            "at": e.created_at,
            "address": e.ip_address,
            "client": e.client,
            "user_agent": e.user_agent,
        }
        for e in security_entries_of(user).order_by("sequence")
    ]


@exports.section("data_exports", _("Archives of my data I asked for"), order=200)
def data_exports(user: User) -> exports.Rows:
    return [
        {"requested_at": at, "status": status, "ready_at": ready, "downloads": downloads}
        for at, status, ready, downloads in DataExport.objects.filter(user=user)
        .order_by("pk")
        .values_list("requested_at", "status", "ready_at", "downloads")
    ]
