"""Erasure of a departed person, on request of the DPO (Django admin).

The account must be closed already (a departure). Erasing it:
- purges the profile (phone, bio, languages, interests, photo) and skills, and the
  person's endorsements, follows and e-mail addresses;
- replaces the name by "Former employee", the user name by `former-<id>` and the
  e-mail address by one that cannot receive mail, and blanks the directory fields
  (job title, department, site, country, legal entity, organisation): their posts and
  comments, kept, are signed "Former employee";
- or, when the company chose PRIVACY_ERASURE_CONTENT=remove, deletes their published
  posts and comments too (then purged by `content_retention`);
- unlinks the mentions of them: the mention rows go, and their old @user name no
  longer leads to a profile;
- removes the link of their company sign-in with the claims it stored (name, e-mail
  address): an identity the company's provider signs in again makes a new account;
- lets the apps above remove what they hold of the person (signal `person_erased`: the
  webhooks app deletes the hooks they owned, and their delivery logs; the directory
  app unlinks the account from the company directory, so that no later update of the
  directory writes the person back into it).

What was erased is kept in the erasure's snapshot for ERASED_DATA_RETENTION_DAYS, so
that an administrator can undo a mistake (`person_erasure_undo`), then purged for good
(job `person_erasures_purge`, the photo file too). Their webhooks do not come back
with an undo: their secrets are not kept.
"""

from datetime import datetime, timedelta
from functools import partial
from typing import cast

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit import services as audit
from core import navcounters
from lifecycle.jobs import JobReport, in_batches, record, register
from posts.models import Comment, Mention, Post, Status
from profiles.events import person_erased
from profiles.models import Endorsement, Follow, Profile, User, UserSkill
from profiles.services import skill_get_or_create

from .models import PersonErasure

USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "job_title",
    "department",
    "site",
    "country",
    "legal_entity",
    "organisation",
)
PROFILE_FIELDS = ("phone", "bio", "languages", "interests")


def _ensure_dpo(actor: User) -> None:
    if not (actor.is_active and actor.is_staff and actor.has_perm("privacy.add_personerasure")):
        raise PermissionDenied


def person_erase(
    *, actor: User, user: User, content: str | None = None, request=None
) -> PersonErasure:
    """Erase a departed person (see the module). `content` defaults to the company's
    setting PRIVACY_ERASURE_CONTENT ("keep" or "remove")."""
    _ensure_dpo(actor)
    content = content or settings.PRIVACY_ERASURE_CONTENT
    if content not in PersonErasure.Content.values:
        raise ValidationError(_("Choose what becomes of their posts and comments."))
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=user.pk)
        if person.is_active:
            raise ValidationError(
                _("%(name)s's account is open: close it (departure) before erasing it.")
                % {"name": person.get_full_name()}
            )
        profile, _created = Profile.objects.select_for_update().get_or_create(user=person)
        snapshot: dict = {
            "user": {name: getattr(person, name) for name in USER_FIELDS},
            "profile": {name: getattr(profile, name) for name in PROFILE_FIELDS},
            "photo": profile.photo.name if profile.photo else "",
            "skills": [
                [name, level]
                for name, level in UserSkill.objects.filter(user=person).values_list(
                    "skill__name", "level"
                )
            ],
            "emails": list(
                EmailAddress.objects.filter(user=person).values("email", "verified", "primary")
            ),
            "follows": list(
                Follow.objects.filter(follower=person).values_list("followed_id", flat=True)
            ),
            "followers": list(
                Follow.objects.filter(followed=person).values_list("follower_id", flat=True)
            ),
            "mentions": list(
                Mention.objects.filter(user=person).values_list("post_id", "comment_id")
            ),
            "sign_in_links": list(
                SocialAccount.objects.filter(user=person).values("provider", "uid", "extra_data")
            ),
        }
        try:
            with transaction.atomic():
                erasure = PersonErasure.objects.create(
                    user=person, erased_by=actor, content=content, snapshot=snapshot
                )
        except IntegrityError:
            raise ValidationError(_("This person is already erased.")) from None
        with translation.override(settings.LANGUAGE_CODE):
            label = _("Former employee")
        User.objects.filter(pk=person.pk).update(
            username=f"former-{person.pk}",
            first_name=label,
            last_name="",
            email=f"former-{person.pk}@erased.invalid",
            job_title="",
            department="",
            site="",
            country="",
            legal_entity="",
            organisation="",
        )
        Profile.objects.filter(pk=profile.pk).update(
            **dict.fromkeys(PROFILE_FIELDS, ""), photo="", updated_at=timezone.now()
        )
        Endorsement.objects.filter(endorser=person).delete()
        UserSkill.objects.filter(user=person).delete()
        Follow.objects.filter(follower=person).delete()
        Follow.objects.filter(followed=person).delete()
        _shift_follow_counts(person.pk, snapshot["follows"], snapshot["followers"], -1)
        EmailAddress.objects.filter(user=person).delete()
        Mention.objects.filter(user=person).delete()
        # The link goes, not only its claims: allauth writes the claims back into a link
        # at every sign-in attempt, even one a closed account then refuses.
        SocialAccount.objects.filter(user=person).delete()
        elsewhere: dict[str, int] = {}
        for _receiver, counts in person_erased.send(sender=User, user=person):
            elsewhere.update(cast(dict[str, int], counts or {}))
        removed = _remove_content(person) if content == PersonErasure.Content.REMOVE else {}
        if removed:
            PersonErasure.objects.filter(pk=erasure.pk).update(
                snapshot={**snapshot, "removed": removed}
            )
        person.refresh_from_db()
        audit.record(
            "privacy.person_erased",
            actor=actor,
            target=person,
            request=request,
            data={
                "content": content,
                "posts_removed": len(removed.get("posts", [])),
                "comments_removed": len(removed.get("comments", [])),
                "mentions_unlinked": len(snapshot["mentions"]),
                **elsewhere,
            },
        )
    erasure.refresh_from_db()
    return erasure


def _shift_follow_counts(person_id: int, follows: list, followers: list, delta: int) -> None:
    """Keep the stored follow counters right when the person's follows go or come back."""
    Profile.objects.filter(user_id__in=follows).update(followers_count=F("followers_count") + delta)
    Profile.objects.filter(user_id__in=followers).update(
        following_count=F("following_count") + delta
    )
    Profile.objects.filter(user_id=person_id).update(
        followers_count=F("followers_count") + delta * len(followers),
        following_count=F("following_count") + delta * len(follows),
    )


def _remove_content(person: User) -> dict[str, list[int]]:
    """Delete the person's published posts and comments (kept for the content
    retention, which then purges them); the posts' comment counters follow."""
    now = timezone.now()
    comments = Comment.objects.filter(author=person, status=Status.PUBLISHED)
    comment_ids = list(comments.values_list("pk", flat=True))
    for post_id, count in comments.values_list("post_id").annotate(n=Count("pk")):
        Post.objects.filter(pk=post_id).update(comments_count=F("comments_count") - count)
    Comment.objects.filter(pk__in=comment_ids).update(status=Status.DELETED, deleted_at=now)
    posts = Post.objects.filter(author=person, status=Status.PUBLISHED)
    post_ids = list(posts.values_list("pk", flat=True))
    Post.objects.filter(pk__in=post_ids).update(status=Status.DELETED, deleted_at=now)
    navcounters.access_changed()
    return {"posts": post_ids, "comments": comment_ids}


def undo_deadline(erasure: PersonErasure) -> datetime:
    return erasure.erased_at + timedelta(days=settings.ERASED_DATA_RETENTION_DAYS)


def person_erasure_undo(*, actor: User, erasure: PersonErasure, request=None) -> PersonErasure:
    """Put an erased person back as they were, within ERASED_DATA_RETENTION_DAYS (before
    the snapshot is purged). Content removed and since purged by the content retention
    stays gone; a user name or e-mail address taken meanwhile is refused."""
    _ensure_dpo(actor)
    with transaction.atomic():
        current = PersonErasure.objects.select_for_update().filter(pk=erasure.pk).first()
        if current is None or current.undone_at or current.purged_at or not current.snapshot:
            raise ValidationError(_("This erasure was already undone or purged."))
        snap = current.snapshot
        taken = User.objects.exclude(pk=current.user_id).filter(
            username=snap["user"]["username"]
        ) | User.objects.exclude(pk=current.user_id).filter(email=snap["user"]["email"])
        if taken.exists():
            raise ValidationError(
                _("Their user name or e-mail address now belongs to another account.")
            )
        User.objects.filter(pk=current.user_id).update(**snap["user"])
        Profile.objects.filter(user_id=current.user_id).update(
            **snap["profile"], photo=snap["photo"], updated_at=timezone.now()
        )
        for name, level in snap["skills"]:
            UserSkill.objects.get_or_create(
                user_id=current.user_id,
                skill=skill_get_or_create(name=name),
                defaults={"level": level},
            )
        for address in snap["emails"]:
            EmailAddress.objects.get_or_create(user_id=current.user_id, **address)
        for link in snap.get("sign_in_links", []):
            # Unless the company's sign-in has made a new account of that identity since.
            SocialAccount.objects.get_or_create(
                provider=link["provider"],
                uid=link["uid"],
                defaults={"user_id": current.user_id, "extra_data": link["extra_data"]},
            )
        existing = set(
            User.objects.filter(pk__in=snap["follows"] + snap["followers"]).values_list(
                "pk", flat=True
            )
        )
        follows = [pk for pk in snap["follows"] if pk in existing]
        followers = [pk for pk in snap["followers"] if pk in existing]
        Follow.objects.bulk_create(
            [Follow(follower_id=current.user_id, followed_id=pk) for pk in follows]
            + [Follow(follower_id=pk, followed_id=current.user_id) for pk in followers]
        )
        _shift_follow_counts(current.user_id, follows, followers, +1)
        posts_alive = set(
            Post.objects.filter(pk__in=[p for p, _c in snap["mentions"]]).values_list(
                "pk", flat=True
            )
        )
        Mention.objects.bulk_create(
            [
                Mention(post_id=post_id, comment_id=comment_id, user_id=current.user_id)
                for post_id, comment_id in snap["mentions"]
                if post_id in posts_alive
            ]
        )
        restored = _restore_content(snap.get("removed", {}))
        PersonErasure.objects.filter(pk=current.pk).update(undone_at=timezone.now(), snapshot={})
        audit.record(
            "privacy.person_erasure_undone",
            actor=actor,
            target=current.user,
            request=request,
            data=restored,
        )
    current.refresh_from_db()
    return current


def _restore_content(removed: dict) -> dict[str, int]:
    """Publish again what the erasure deleted and the retention has not purged yet."""
    gone = Status.DELETED
    comments = Comment.objects.filter(pk__in=removed.get("comments", []), status=gone).exclude(
        body=""
    )
    comment_ids = list(comments.values_list("pk", flat=True))
    for post_id, count in comments.values_list("post_id").annotate(n=Count("pk")):
        Post.objects.filter(pk=post_id).update(comments_count=F("comments_count") + count)
    Comment.objects.filter(pk__in=comment_ids).update(status=Status.PUBLISHED, deleted_at=None)
    posts = Post.objects.filter(pk__in=removed.get("posts", []), status=gone).exclude(body="")
    restored_posts = posts.update(status=Status.PUBLISHED, deleted_at=None)
    navcounters.access_changed()
    return {"posts": restored_posts, "comments": len(comment_ids)}


@register(
    "person_erasures_purge",
    "Purge for good what the erasure of a departed person kept, ERASED_DATA_RETENTION_DAYS "
    "later (the photo file too).",
)
def person_erasures_purge(report: JobReport, *, now: datetime, dry_run: bool) -> None:
    cutoff = now - timedelta(days=settings.ERASED_DATA_RETENTION_DAYS)
    due = PersonErasure.objects.filter(
        erased_at__lte=cutoff, undone_at__isnull=True, purged_at__isnull=True
    )

    def purge(pk: int) -> None:
        if dry_run:
            report.add("erasures", f"would purge erasure #{pk}")
            return
        erasure = PersonErasure.objects.select_related("user").get(pk=pk)
        if not PersonErasure.objects.filter(
            pk=pk, undone_at__isnull=True, purged_at__isnull=True
        ).update(purged_at=now, snapshot={}):
            return
        photo = erasure.snapshot.get("photo")
        if photo:
            transaction.on_commit(partial(default_storage.delete, photo))
        record(
            "person_erasures_purge",
            "privacy.erasure_purged",
            target=erasure.user,
            data={"erased_at": erasure.erased_at.isoformat()},
        )
        report.add("erasures", f"purged erasure #{pk}")

    in_batches(due, purge, dry_run=dry_run)
