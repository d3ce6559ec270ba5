"""Integration hooks: each only calls a service."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from . import services
from .models import User


@receiver(post_save, sender=User, dispatch_uid="profiles.profile_for_new_user")
def profile_for_new_user(sender, instance: User, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        services.profile_get_or_create(user=instance)
