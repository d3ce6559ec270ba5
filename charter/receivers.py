"""When a person's charter status, kept in the cache with the navigation's counters
(core.navcounters, access.viewer), must be read again: they accepted (or an
acceptance went), or any version changed (published, edited, withdrawn)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core import navcounters

from .models import CharterAcceptance, CharterVersion


@receiver(post_save, sender=CharterAcceptance, dispatch_uid="navcounters_charter_accepted")
@receiver(post_delete, sender=CharterAcceptance, dispatch_uid="navcounters_charter_unaccepted")
def _acceptance_changed(sender, instance, **kwargs) -> None:
    navcounters.forget(instance.user_id)


@receiver(post_save, sender=CharterVersion, dispatch_uid="navcounters_charter_version")
@receiver(post_delete, sender=CharterVersion, dispatch_uid="navcounters_charter_version_d")
def _version_changed(sender, **kwargs) -> None:
    navcounters.access_changed()
