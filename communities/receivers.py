"""Reactions to what happens in lower layers: each only calls a service."""

from django.dispatch import receiver

from profiles.events import account_reactivated

from . import memberships


@receiver(account_reactivated, dispatch_uid="communities.restore_memberships")
def restore_memberships(sender, user, **kwargs):
    return memberships.memberships_restore(user=user)
