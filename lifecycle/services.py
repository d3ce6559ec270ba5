"""What people do about the lifecycle: externals re-confirm, managers name a new
sponsor, a person erases their profile data. Plus the suspension the jobs apply."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import communities as community_rules
from audit import services as audit
from communities.memberships import memberships_suspend
from communities.models import Community, Membership
from communities.selectors import managers_of
from notifications.models import Kind
from notifications.services import notify
from profiles.models import Profile, User, UserSkill
from profiles.services import sessions_end_for, skill_get_or_create

from .models import ErasedData

RECONFIRM_SALT = "lifecycle.reconfirm"


# Re-confirmation of externals ---------------------------------------------------------


def reconfirm_base(user: User) -> datetime:
    """The start of the current re-confirmation period."""
    return user.reconfirmed_at or user.date_joined


def reconfirm_due(user: User) -> datetime:
    """When the re-confirmation window opens."""
    return reconfirm_base(user) + timedelta(days=settings.EXTERNAL_RECONFIRM_DAYS)


def reconfirm_deadline(user: User) -> datetime:
    """When the window closes: not re-confirmed by then, the account is suspended."""
    return reconfirm_due(user) + timedelta(days=settings.EXTERNAL_RECONFIRM_GRACE_DAYS)


def reconfirm_token(user: User) -> str:
    """The signed one-click link's token: good for this period only, and expiring."""
    return signing.dumps({"u": user.pk, "b": reconfirm_base(user).isoformat()}, salt=RECONFIRM_SALT)


def reconfirm_token_valid(token: str, user: User) -> bool:
    max_age = timedelta(days=settings.EXTERNAL_RECONFIRM_GRACE_DAYS + 1)
    try:
        payload = signing.loads(token, salt=RECONFIRM_SALT, max_age=max_age)
    except signing.BadSignature:  # also SignatureExpired
        return False
    return payload == {"u": user.pk, "b": reconfirm_base(user).isoformat()}


def reconfirm_is_open(user: User, now: datetime | None = None) -> bool:
    return bool(
        user.is_active and user.is_external and (now or timezone.now()) >= reconfirm_due(user)
    )


def external_reconfirm(*, actor: User, request=None) -> User:
    """An external confirms they still need their access, for another period."""
    if not actor.is_active or not actor.is_external:
        raise PermissionDenied
    now = timezone.now()
    if not reconfirm_is_open(actor, now):
        raise ValidationError(
            _("Nothing to confirm yet: your next re-confirmation is due on %(date)s.")
            % {"date": reconfirm_due(actor).date().isoformat()}
        )
    with transaction.atomic():
        updated = User.objects.filter(
            pk=actor.pk, is_active=True, reconfirmed_at=actor.reconfirmed_at
        ).update(reconfirmed_at=now)
        if not updated:
            raise ValidationError(_("Your access is already re-confirmed."))
        actor.reconfirmed_at = now
        audit.record(
            "account.reconfirmed",
            actor=actor,
            target=actor,
            request=request,
            data={"next_due": reconfirm_due(actor).date().isoformat()},
        )
    return actor


def reconfirm_email(user: User, *, closing: bool) -> None:
    """E-mail the one-click link to an external (sent whatever their preferences)."""
    link = f"{settings.RSE_SITE_URL.rstrip('/')}/me/reconfirm/{reconfirm_token(user)}/"
    deadline = reconfirm_deadline(user).date().isoformat()
    subject = (
        _("Last day to re-confirm your access to %(site)s")
        if closing
        else _("Please re-confirm your access to %(site)s")
    ) % {"site": settings.RSE_SITE_NAME}
    body = _(
        "Hello %(name)s,\n\nExternal members re-confirm every %(days)d days that they still "
        "need their access. Please re-confirm before %(deadline)s, or your account will be "
        "suspended:\n%(link)s\n\nYou will be asked to sign in first.\n"
    ) % {
        "name": user.get_full_name(),
        "days": settings.EXTERNAL_RECONFIRM_DAYS,
        "deadline": deadline,
        "link": link,
    }
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))


# Suspension (by the jobs) ----------------------------------------------------------------


def external_suspend(*, user: User, reason: str, job: str) -> list[Community]:
    """Suspend an external (re-confirmation lapsed or contract ended): signed out
    everywhere, memberships frozen, sponsor and managers told. Runs in the caller's
    transaction after its conditional update turned `is_active` off."""
    from .jobs import record

    user.is_active = False
    sessions = sessions_end_for(user=user)
    frozen = memberships_suspend(user=user)
    record(
        job,
        "account.suspended",
        target=user,
        data={"reason": reason, "sessions": sessions, "communities": [c.slug for c in frozen]},
    )
    data = {
        "event": "external_suspended",
        "reason": reason,
        "name": user.get_full_name(),
        "username": user.username,
    }
    sponsor = user.sponsor
    if sponsor is not None:
        notify(recipient=sponsor, kind=Kind.ACCOUNT, data=data)
    for community in frozen:
        for manager in managers_of(community):
            if sponsor is None or manager.user_id != sponsor.pk:
                notify(recipient=manager.user, kind=Kind.ACCOUNT, community=community, data=data)
    subject = _("Your access to %(site)s is suspended") % {"site": settings.RSE_SITE_NAME}
    body = (
        (
            _("Your contract end date has passed.")
            if reason == "contract_ended"
            else _("Your access was not re-confirmed in time.")
        )
        + " "
        + _("Ask your sponsor if you still need access.")
    )
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))
    return frozen


# Re-sponsoring ----------------------------------------------------------------------


def needs_sponsor(user: User) -> bool:
    return user.is_external and (user.sponsor is None or not user.sponsor.is_active)


def external_sponsor_set(
    *, actor: User, community: Community, external: User, email: str, request=None
) -> User:
    """A manager of a community the external belongs to names a new sponsor, once the
    sponsor has left (`needs_sponsor`)."""
    if not community_rules.can_manage(actor, community):
        raise PermissionDenied
    if not Membership.objects.filter(
        community=community, user=external, status=Membership.Status.ACTIVE
    ).exists():
        raise PermissionDenied
    if not external.is_external:
        raise ValidationError(_("Only external members have a sponsor."))
    sponsor = User.objects.filter(email__iexact=email.strip()).first()
    if sponsor is None or not sponsor.is_active or sponsor.kind != User.Kind.EMPLOYEE:
        raise ValidationError(_("Enter the e-mail address of an employee with an active account."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=external.pk)
        before = locked.sponsor
        if before is not None and before.pk == sponsor.pk:
            raise ValidationError(
                _("%(name)s is already the sponsor.") % {"name": sponsor.get_full_name()}
            )
        if not needs_sponsor(locked):
            # Only a sponsor who has left is replaced: otherwise any manager of any
            # community of the external could make themselves (or anyone) sponsor.
            raise ValidationError(
                _(
                    "%(name)s still has an active sponsor: a new one may be named only "
                    "once the sponsor has left."
                )
                % {"name": external.get_full_name()}
            )
        User.objects.filter(pk=external.pk).update(sponsor=sponsor)
        external.sponsor = sponsor
        audit.record(
            "account.sponsor_changed",
            actor=actor,
            target=external,
            request=request,
            data={
                "before": before.username if before else None,
                "after": sponsor.username,
                "community": community.slug,
            },
        )
        notify(
            recipient=sponsor,
            kind=Kind.ACCOUNT,
            actor=actor,
            data={
                "event": "sponsor_named",
                "name": external.get_full_name(),
                "username": external.username,
            },
        )
    return external


# Erasing one's profile data ------------------------------------------------------------

ERASABLE_FIELDS = ("phone", "bio", "languages", "interests")


def profile_erase(*, actor: User, request=None) -> ErasedData:
    """A person erases their personal profile data (phone, bio, languages, interests,
    photo, skills): gone from every page at once, kept ERASED_DATA_RETENTION_DAYS out
    of sight, then purged for good by the retention job. Name, job title and the
    directory fields belong to the company directory and stay."""
    with transaction.atomic():
        profile, _created = Profile.objects.select_for_update().get_or_create(user=actor)
        skills = list(UserSkill.objects.filter(user=actor).values_list("skill__name", "level"))
        values = {
            name: getattr(profile, name) for name in ERASABLE_FIELDS if getattr(profile, name)
        }
        if skills:
            values["skills"] = [[name, level] for name, level in skills]
        photo = profile.photo.name if profile.photo else ""
        if not values and not photo:
            raise ValidationError(_("Your profile holds no personal data to erase."))
        erased = ErasedData.objects.create(user=actor, values=values, photo=photo)
        Profile.objects.filter(pk=profile.pk).update(
            **dict.fromkeys(ERASABLE_FIELDS, ""), photo="", updated_at=timezone.now()
        )
        UserSkill.objects.filter(user=actor).delete()
        audit.record(
            "profile.erased",
            actor=actor,
            target=actor,
            request=request,
            data={"fields": sorted(values) + (["photo"] if photo else [])},
        )
    return erased


def profile_erase_undo(*, actor: User, erased: ErasedData, request=None) -> ErasedData:
    """An administrator puts back data erased by mistake, before the retention job purged
    it: only into fields still empty (what the person typed since wins)."""
    if not (actor.is_active and actor.is_superuser):
        raise PermissionDenied
    with transaction.atomic():
        current = ErasedData.objects.select_for_update().filter(pk=erased.pk).first()
        if current is None or current.purged_at is not None:
            raise ValidationError(_("This data was already purged or restored."))
        profile, _created = Profile.objects.select_for_update().get_or_create(
            user_id=current.user_id
        )
        restored = []
        for name in ERASABLE_FIELDS:
            if current.values.get(name) and not getattr(profile, name):
                setattr(profile, name, current.values[name])
                restored.append(name)
        if current.photo and not profile.photo:
            profile.photo.name = current.photo
            restored.append("photo")
        profile.save()
        for name, level in current.values.get("skills", []):
            skill = skill_get_or_create(name=name)
            _skill, created = UserSkill.objects.get_or_create(
                user_id=current.user_id, skill=skill, defaults={"level": level}
            )
            if created and "skills" not in restored:
                restored.append("skills")
        current.delete()
        audit.record(
            "profile.erase_undone",
            actor=actor,
            target=current.user,
            request=request,
            data={"restored": restored},
        )
    return current
