"""Writes about people: one function per business action."""

from typing import Any, cast

from allauth.usersessions.models import UserSession
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from access import people as people_rules
from audit import services as audit
from charter.permissions import ensure_charter_accepted
from core.notices import notify
from core.wording import for_name

from .events import account_reactivated
from .models import (
    LEVEL_RANK,
    Endorsement,
    Follow,
    Profile,
    Skill,
    User,
    UserSkill,
    clean_skill_label,
)

PROFILE_FIELDS = ("phone", "bio", "languages", "interests")
# Free text published on the profile: writing it is contributing (the charter gate).
PUBLISHED_TEXT_FIELDS = ("bio", "interests")


# Profiles ---------------------------------------------------------------------------


def profile_get_or_create(*, user: User) -> Profile:
    """Every person has a profile; this makes sure of it (called when a user is created)."""
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


def profile_update(*, actor: User, profile: Profile, changes: dict) -> Profile:
    """A person edits their own profile. `changes` holds cleaned form values.

    `photo` may be a new (already re-encoded) file, or False to remove the photo.
    """
    if actor.pk != profile.user_id:
        raise PermissionDenied
    # Read from the database: a model form has already set the new fields on `profile`.
    stored = Profile.objects.filter(pk=profile.pk).values("photo", *PUBLISHED_TEXT_FIELDS).first()
    old_photo = (stored or {}).get("photo") or ""
    if any(
        changes.get(name) and changes[name] != (stored or {}).get(name)
        for name in PUBLISHED_TEXT_FIELDS
    ):
        ensure_charter_accepted(actor)
    fields = []
    for name in PROFILE_FIELDS:
        if name in changes:
            setattr(profile, name, changes[name])
            fields.append(name)
    if "photo" in changes and changes["photo"] is not None:
        profile.photo = changes["photo"] or None
        fields.append("photo")
    profile.full_clean()
    with transaction.atomic():
        profile.save(update_fields=[*fields, "updated_at"])
        new_photo = profile.photo.name if profile.photo else ""
        if old_photo and old_photo != new_photo:
            storage = profile.photo.storage
            transaction.on_commit(lambda: storage.delete(old_photo))
    return profile


# Skills -----------------------------------------------------------------------------


def skill_get_or_create(*, name: str) -> Skill:
    """The vocabulary entry for `name`, created on first use (case and accents ignored)."""
    skill = Skill(name=clean_skill_label(name))
    skill.clean()
    existing = Skill.objects.filter(normalized=skill.normalized).first()
    if existing:
        return existing
    skill.full_clean(exclude=["normalized"])
    try:
        with transaction.atomic():
            skill.save()
    except IntegrityError:  # someone created it a moment ago
        return Skill.objects.get(normalized=skill.normalized)
    return skill


def user_skill_add(*, actor: User, name: str, level: str) -> UserSkill:
    """A person lists a skill with a self-assessed level (publishing it: the charter
    gate applies)."""
    ensure_charter_accepted(actor)
    if level not in UserSkill.Level.values:
        raise ValidationError({"level": _("Choose a level from the list.")})
    with transaction.atomic():
        skill = skill_get_or_create(name=name)
        if UserSkill.objects.filter(user=actor, skill=skill).exists():
            raise ValidationError(
                {"name": _("“%(skill)s” is already in your skills.") % {"skill": skill.name}}
            )
        user_skill = UserSkill(user=actor, skill=skill, level=level)
        user_skill.full_clean()
        user_skill.save()
    return user_skill


def user_skill_set_level(*, actor: User, user_skill: UserSkill, level: str) -> UserSkill:
    if actor.pk != user_skill.user_id:
        raise PermissionDenied
    if level not in UserSkill.Level.values:
        raise ValidationError({"level": _("Choose a level from the list.")})
    user_skill.level = level
    user_skill.save(update_fields=["level"])
    return user_skill


def user_skill_remove(*, actor: User, user_skill: UserSkill) -> None:
    if actor.pk != user_skill.user_id:
        raise PermissionDenied
    user_skill.delete()


def skill_merge(*, actor: User, target: Skill, sources: list[Skill], request=None) -> Skill:
    """An admin merges skills that mean the same thing into `target`.

    People who held a source skill now hold the target one (at the higher of their
    levels when they held both); endorsements follow, without duplicates.
    """
    sources = [s for s in sources if s.pk != target.pk]
    if not sources:
        raise ValidationError(_("Select at least two skills to merge."))
    with transaction.atomic():
        for moved in UserSkill.objects.select_for_update().filter(skill__in=sources):
            kept = UserSkill.objects.filter(user_id=moved.user_id, skill=target).first()
            if kept is None:
                moved.skill = target
                moved.save(update_fields=["skill"])
                continue
            if LEVEL_RANK[moved.level] > LEVEL_RANK[kept.level]:
                kept.level = moved.level
                kept.save(update_fields=["level"])
            already = set(kept.endorsements.values_list("endorser_id", flat=True))
            moved.endorsements.exclude(endorser_id__in=already).update(user_skill=kept)
            moved.delete()
            kept.endorsements_count = kept.endorsements.count()
            kept.save(update_fields=["endorsements_count"])
        names = [s.name for s in sources]
        Skill.objects.filter(pk__in=[s.pk for s in sources]).delete()
        audit.record(
            "skill.merged", actor=actor, target=target, request=request, data={"merged": names}
        )
    return target


# Endorsements -----------------------------------------------------------------------


def endorsement_create(*, actor: User, user_skill: UserSkill) -> Endorsement:
    """A colleague endorses someone else's skill, once (contributing: charter gate)."""
    ensure_charter_accepted(actor)
    if actor.pk == user_skill.user_id:
        raise ValidationError(_("You cannot endorse your own skill."))
    if not people_rules.can_endorse(actor, user_skill):
        raise PermissionDenied
    with transaction.atomic():
        try:
            with transaction.atomic():
                endorsement = Endorsement.objects.create(user_skill=user_skill, endorser=actor)
        except IntegrityError:
            raise ValidationError(
                _("You have already endorsed %(name)s for “%(skill)s”.")
                % {"name": user_skill.user, "skill": user_skill.skill}
            ) from None
        UserSkill.objects.filter(pk=user_skill.pk).update(
            endorsements_count=F("endorsements_count") + 1
        )
    return endorsement


def endorsement_withdraw(*, actor: User, user_skill: UserSkill) -> None:
    with transaction.atomic():
        deleted, _rows = Endorsement.objects.filter(user_skill=user_skill, endorser=actor).delete()
        if not deleted:
            raise ValidationError(_("You had not endorsed this skill."))
        UserSkill.objects.filter(pk=user_skill.pk, endorsements_count__gt=0).update(
            endorsements_count=F("endorsements_count") - 1
        )


# Follows ----------------------------------------------------------------------------


def follow_create(*, actor: User, user: User) -> Follow:
    if actor.pk == user.pk:
        raise ValidationError(_("You cannot follow yourself."))
    if not people_rules.can_follow(actor, user):
        raise PermissionDenied
    with transaction.atomic():
        try:
            with transaction.atomic():
                follow = Follow.objects.create(follower=actor, followed=user)
        except IntegrityError:
            raise ValidationError(_("You already follow %(name)s.") % {"name": user}) from None
        Profile.objects.filter(user=actor).update(following_count=F("following_count") + 1)
        Profile.objects.filter(user=user).update(followers_count=F("followers_count") + 1)
        notify(recipient=user, kind="followed", actor=actor)
    return follow


def follow_delete(*, actor: User, user: User) -> None:
    with transaction.atomic():
        deleted, _rows = Follow.objects.filter(follower=actor, followed=user).delete()
        if not deleted:
            raise ValidationError(_("You do not follow %(name)s.") % {"name": user})
        Profile.objects.filter(user=actor, following_count__gt=0).update(
            following_count=F("following_count") - 1
        )
        Profile.objects.filter(user=user, followers_count__gt=0).update(
            followers_count=F("followers_count") - 1
        )


def follow_counts_refresh() -> None:
    """Recompute the stored follow counters from the follow rows (repair tool)."""
    for profile in Profile.objects.annotate(
        n_followers=Count("user__follower_links", distinct=True),
        n_following=Count("user__following_links", distinct=True),
    ):
        if (profile.followers_count, profile.following_count) != (
            profile.n_followers,
            profile.n_following,
        ):
            profile.followers_count = profile.n_followers
            profile.following_count = profile.n_following
            profile.save(update_fields=["followers_count", "following_count"])


# Departure --------------------------------------------------------------------------


def sessions_end_for(*, user: User) -> int:
    """End every session of `user` at once. Returns how many were ended.

    allauth.usersessions tracks each signed-in session of a person, so this needs no
    scan of the whole session table.
    """
    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    return len(sessions)


def account_close(
    *, actor: User | None, user: User, request=None, client: str | None = None, actor_label=""
) -> User:
    """An admin closes the account of someone who left: out everywhere, at once.

    The company directory closes leavers too (directory/): it has no person as actor,
    and says which client it is with `client` and `actor_label`."""
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("You cannot close your own account."))
    with transaction.atomic():
        updated = User.objects.filter(pk=user.pk, is_active=True).update(is_active=False)
        if not updated:
            raise ValidationError(
                for_name(gettext_noop("The account of %(name)s is already closed."), user)
            )
        user.is_active = False
        ended = sessions_end_for(user=user)
        audit.record(
            "account.closed",
            actor=actor,
            target=user,
            request=request,
            data={"sessions": ended},
            client=client,
            actor_label=actor_label,
        )
    return user


def account_reactivate(
    *, actor: User | None, user: User, request=None, client: str | None = None, actor_label=""
) -> User:
    """Undo a closing or a suspension. An external's frozen memberships come back and
    the reactivation counts as their re-confirmation; past their contract end date,
    the date must be moved first."""
    now = timezone.now()
    if user.is_external and user.access_expires_at and user.access_expires_at <= now:
        raise ValidationError(
            for_name(
                gettext_noop(
                    "The contract of %(name)s has ended: change their access expiry date first."
                ),
                user,
            )
        )
    with transaction.atomic():
        changes: dict = {"is_active": True}
        if user.is_external:
            changes["reconfirmed_at"] = now
        updated = User.objects.filter(pk=user.pk, is_active=False).update(**changes)
        if not updated:
            raise ValidationError(
                for_name(gettext_noop("The account of %(name)s is already active."), user)
            )
        for field, value in changes.items():
            setattr(user, field, value)
        # The communities app thaws the suspended memberships (each receiver returns
        # the communities it restored).
        restored: list[Any] = []
        for _receiver, communities in account_reactivated.send(sender=User, user=user):
            restored.extend(cast(list, communities))
        audit.record(
            "account.reactivated",
            actor=actor,
            target=user,
            request=request,
            data={"communities": [c.slug for c in restored]} if restored else None,
            client=client,
            actor_label=actor_label,
        )
    return user


# Changes made by administrators ------------------------------------------------------

# Fields whose change is about access rights rather than the directory.
ACCESS_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def account_record_admin_change(
    *, actor: User, user: User, changed: list[str], created: bool, request=None
) -> None:
    """Audit an admin's edit of an account: which fields changed (never the values of
    secrets). Access rights are recorded apart, by account_record_access_change."""
    fields = sorted(f for f in changed if f not in ACCESS_FIELDS and "password" not in f)
    if created:
        audit.record(
            "account.created_by_admin",
            actor=actor,
            target=user,
            request=request,
            data={"kind": user.kind},
        )
    elif fields:
        audit.record(
            "account.updated_by_admin",
            actor=actor,
            target=user,
            request=request,
            data={"fields": fields},
        )


def access_snapshot(user: User) -> dict:
    """What grants access: admin flags, groups and direct permissions, as stored now."""
    fresh = User.objects.get(pk=user.pk)
    return {
        "is_staff": fresh.is_staff,
        "is_superuser": fresh.is_superuser,
        "groups": sorted(fresh.groups.values_list("name", flat=True)),
        "permissions": sorted(
            f"{app}.{code}"
            for app, code in fresh.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
    }


def account_record_access_change(
    *, actor: User | None, user: User, before: dict | None, request=None, actor_label: str = ""
) -> None:
    """Audit a change of someone's access rights, with what they were and now are.
    `actor` None is a command (the demo seeding), named by `actor_label`."""
    after = access_snapshot(user)
    before = before or {"is_staff": False, "is_superuser": False, "groups": [], "permissions": []}
    changes = {
        key: {"before": before[key], "after": after[key]}
        for key in after
        if before[key] != after[key]
    }
    if changes:
        audit.record(
            "permission.changed",
            actor=actor,
            target=user,
            request=request,
            data=changes,
            actor_label=actor_label,
        )
