"""When the unread counter of the navigation must be counted again (core.navcounters).

A person's count changes with their notifications (created here; read in services)
and with what they may see: their memberships and account (that person only), and
any post, comment or community whose readability changes (everyone: the generation
moves on). New posts and comments change no existing notification's visibility.
Writes through `QuerySet.update()` send no signal: those services call
`navcounters` themselves (privacy.erasure, privacy.retention, communities...).
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from communities.models import Community, Membership
from core import navcounters
from posts.models import Comment, Post

from .models import Notification

# The fields of a post or comment its readability depends on (access.posts).
READ_RULE_FIELDS = {"status", "community", "community_id", "post", "post_id"}


@receiver(post_save, sender=Notification, dispatch_uid="navcounters_notification")
def _notification_saved(sender, instance, created, **kwargs):
    navcounters.forget(instance.recipient_id)


@receiver(post_save, sender=Membership, dispatch_uid="navcounters_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="navcounters_membership_deleted")
def _membership_changed(sender, instance, **kwargs):
    navcounters.forget(instance.user_id)


@receiver(post_save, sender=get_user_model(), dispatch_uid="navcounters_user")
def _user_saved(sender, instance, created, **kwargs):
    if not created:  # active or not, employee or external
        navcounters.forget(instance.pk)


@receiver(post_save, sender=Post, dispatch_uid="navcounters_post_saved")
@receiver(post_save, sender=Comment, dispatch_uid="navcounters_comment_saved")
@receiver(post_save, sender=Community, dispatch_uid="navcounters_community_saved")
def _readability_may_change(sender, instance, created=False, update_fields=None, **kwargs):
    if sender is Community:
        navcounters.access_changed()
        return
    # A new post or comment, or a save of fields that do not decide who reads it (a
    # stored rendering, a counter), changes nobody's count.
    if created or (update_fields is not None and not set(update_fields) & READ_RULE_FIELDS):
        return
    navcounters.access_changed()


@receiver(post_delete, sender=Post, dispatch_uid="navcounters_post_deleted")
@receiver(post_delete, sender=Comment, dispatch_uid="navcounters_comment_deleted")
@receiver(post_delete, sender=Community, dispatch_uid="navcounters_community_deleted")
def _deleted(sender, instance, **kwargs):
    navcounters.access_changed()
