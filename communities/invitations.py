"""Inviting external partners who have no account yet, by e-mail.

The invitation link lets them create their account (kind external, sponsored by the
inviting employee) and leaves them an ordinary invitation to accept once signed in.
"""

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access import communities as community_rules
from audit import services as audit
from charter.permissions import ensure_charter_accepted
from core import navcounters
from core.notices import notify
from profiles.models import User

from .events import member_joined
from .models import Community, ExternalInvitation, Membership
from .services import (
    REOPENABLE,
    R,
    S,
    _count,
    _lock,
    _record,
    _refuse,
    record_activity,
)


def external_invitation_create(
    *,
    actor: User,
    community: Community,
    email: str,
    first_name: str,
    last_name: str,
    organisation: str,
    request=None,
) -> ExternalInvitation:
    """A manager (an employee, who becomes the sponsor) invites a partner by e-mail.

    The link is built on RSE_SITE_URL, never on the request's Host header (which a
    client chooses: a forged one would send the partner's token elsewhere)."""
    if not community_rules.can_invite(actor, community) or actor.kind != User.Kind.EMPLOYEE:
        raise PermissionDenied
    if community.access != Community.Access.CLOSED:
        raise ValidationError(_("External members can only be invited into closed communities."))
    email = email.strip().lower()
    domain = email.rsplit("@", 1)[-1]
    if domain in settings.RSE_ALLOWED_EMAIL_DOMAINS:
        raise ValidationError(
            _("This is a company address: invite the employee with the form above.")
        )
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            _("This person already has an account: invite them with the form above.")
        )
    invitation = ExternalInvitation(
        community=community,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        organisation=organisation.strip(),
        sponsor=actor,
        token=secrets.token_urlsafe(32),
        expires_at=timezone.now() + timedelta(days=settings.COMMUNITY_INVITATION_DAYS),
    )
    invitation.full_clean()
    with transaction.atomic():
        invitation.save()
        audit.record(
            "membership.external_invited",
            actor=actor,
            target=community,
            request=request,
            data={"email": email, "organisation": invitation.organisation},
        )
        path = reverse("communities:external_signup", args=[invitation.token])
        link = f"{settings.RSE_SITE_URL.rstrip('/')}{path}"
        subject = _("%(name)s invites you to %(community)s") % {
            "name": actor.get_full_name(),
            "community": community.name,
        }
        body = _(
            "%(name)s invites you to join the community “%(community)s”.\n\n"
            "Create your account with this link (valid %(days)d days):\n%(link)s\n"
        ) % {
            "name": actor.get_full_name(),
            "community": community.name,
            "days": settings.COMMUNITY_INVITATION_DAYS,
            "link": link,
        }
        transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return invitation


def external_invitation_valid(token: str) -> ExternalInvitation | None:
    return (
        ExternalInvitation.objects.select_related("community", "sponsor")
        .filter(token=token, used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def external_invitation_use(*, token: str, password: str, request=None) -> User:
    """Create the partner's account from a valid link; they then accept the invitation."""
    invitation = external_invitation_valid(token)
    if invitation is None:
        raise ValidationError(_("This invitation link has expired or was already used."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("An account already exists for this address: sign in."))
    user = User(
        username=f"ext-{secrets.token_hex(6)}",
        email=invitation.email,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
        organisation=invitation.organisation,
        kind=User.Kind.EXTERNAL,
        sponsor=invitation.sponsor,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        used = ExternalInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not used:
            raise ValidationError(_("This invitation link has expired or was already used."))
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        membership = Membership.objects.create(
            community=invitation.community,
            user=user,
            status=Membership.Status.INVITED,
            invited_by=invitation.sponsor,
            expires_at=invitation.expires_at,
        )
        audit.record(
            "account.created_by_invitation",
            actor=user,
            target=user,
            request=request,
            data={"sponsor": invitation.sponsor.username, "community": invitation.community_id},
        )
        audit.record(
            "membership.invited",
            actor=invitation.sponsor,
            target=invitation.community,
            request=request,
            data={"user": user.username, "membership": membership.pk, "by_email": True},
        )
    return user


# Invitations of people who have an account ---------------------------------------------


def membership_invite(
    *, actor: User, community: Community, user: User, message: str = "", request=None
) -> Membership:
    """A manager invites a person; they accept or decline before the invitation expires.

    Externals only into closed communities, and only with an employee sponsor.
    """
    if not community_rules.can_invite(actor, community):
        raise PermissionDenied
    if not user.is_active:
        _refuse(_("%(name)s no longer has an account.") % {"name": user})
    if user.kind == User.Kind.EXTERNAL:
        if community.access != Community.Access.CLOSED:
            _refuse(_("External members can only be invited into closed communities."))
        if user.sponsor is None or user.sponsor.kind != User.Kind.EMPLOYEE:
            _refuse(_("An external member needs an employee sponsor before being invited."))
    existing = Membership.objects.filter(community=community, user=user).first()
    if existing is not None:
        refusals: dict[str, str] = {
            S.ACTIVE: _("%(name)s is already a member of this community."),
            S.REQUESTED: _("%(name)s has asked to join: approve their request instead."),
            S.BANNED: _("%(name)s is banned from this community: unban them first."),
        }
        if existing.status in refusals:
            _refuse(refusals[existing.status] % {"name": user})
        if (
            existing.status == S.INVITED
            and existing.expires_at is not None
            and existing.expires_at > timezone.now()
        ):
            _refuse(_("%(name)s is already invited.") % {"name": user})
    expires = timezone.now() + timedelta(days=settings.COMMUNITY_INVITATION_DAYS)
    fields = {
        "status": S.INVITED,
        "role": R.MEMBER,
        "invited_by": actor,
        "message": message[:500],
        "expires_at": expires,
        "reason": "",
        "decided_by": None,
        "decided_at": None,
    }
    with transaction.atomic():
        updated = Membership.objects.filter(
            community=community, user=user, status__in=[*REOPENABLE, S.INVITED]
        ).update(**fields)
        navcounters.forget(user.pk)
        if not updated:
            try:
                with transaction.atomic():
                    Membership.objects.create(community=community, user=user, **fields)
            except IntegrityError:
                _refuse(_("%(name)s is already invited.") % {"name": user})
        membership = Membership.objects.select_related("user", "community").get(
            community=community, user=user
        )
        _record(
            "membership.invited",
            actor=actor,
            membership=membership,
            request=request,
            expires_at=expires.isoformat(),
        )
        notify(recipient=user, kind="invited", actor=actor, community=community)
    return membership


def _pending_invitation(actor: User, community: Community) -> Membership:
    membership = Membership.objects.filter(
        community=community, user=actor, status=S.INVITED
    ).first()
    if membership is None:
        _refuse(_("You have no pending invitation to this community."))
    if membership.expires_at is None or membership.expires_at <= timezone.now():
        _refuse(_("This invitation has expired: ask a manager to invite you again."))
    return membership


def invitation_accept(*, actor: User, community: Community, request=None) -> Membership:
    ensure_charter_accepted(actor)
    if community.is_archived:
        _refuse(_("This community is archived: nobody can join it."))
    membership = _pending_invitation(actor, community)
    with transaction.atomic():
        _lock(community)
        updated = Membership.objects.filter(
            pk=membership.pk, status=S.INVITED, expires_at__gt=timezone.now()
        ).update(status=S.ACTIVE, decided_at=timezone.now())
        if not updated:
            _refuse(_("This invitation was already answered."))
        navcounters.forget(actor.pk)
        _count(community, +1)
        _record(
            "membership.invitation_accepted", actor=actor, membership=membership, request=request
        )
        record_activity(community)
        membership.refresh_from_db()
        member_joined.send(sender=Membership, membership=membership)
    return membership


def invitation_decline(*, actor: User, community: Community, request=None) -> Membership:
    membership = _pending_invitation(actor, community)
    with transaction.atomic():
        updated = Membership.objects.filter(pk=membership.pk, status=S.INVITED).update(
            status=S.DECLINED, decided_at=timezone.now()
        )
        navcounters.forget(membership.user_id)
        if not updated:
            _refuse(_("This invitation was already answered."))
        _record(
            "membership.invitation_declined", actor=actor, membership=membership, request=request
        )
    membership.refresh_from_db()
    return membership
