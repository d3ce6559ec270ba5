"""Note at sign-in whether the person moderates (see context_processors), and when
the open-case counter must be counted again."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from access.moderation import moderates_anything
from communities.models import CommunityGroupObjectPermission, CommunityUserObjectPermission
from core import navcounters

from .context_processors import SESSION_KEY
from .models import Case


@receiver(user_logged_in, dispatch_uid="moderation.note_moderator")
def note_moderator(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = moderates_anything(user)


# The open-case counter of moderators' navigation (core.navcounters): a case opened
# or closed, a right to moderate granted or withdrawn, the site moderators' group.


@receiver(post_save, sender=Case, dispatch_uid="navcounters_case_saved")
@receiver(post_delete, sender=Case, dispatch_uid="navcounters_case_deleted")
@receiver(post_save, sender=CommunityUserObjectPermission, dispatch_uid="navcounters_perm_user")
@receiver(post_delete, sender=CommunityUserObjectPermission, dispatch_uid="navcounters_perm_user_d")
@receiver(post_save, sender=CommunityGroupObjectPermission, dispatch_uid="navcounters_perm_group")
@receiver(
    post_delete, sender=CommunityGroupObjectPermission, dispatch_uid="navcounters_perm_group_d"
)
def _cases_may_change(sender, **kwargs) -> None:
    navcounters.access_changed()


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="navcounters_groups")
def _groups_changed(sender, instance, reverse, pk_set, **kwargs) -> None:
    if not kwargs.get("action", "").startswith("post_"):
        return
    if reverse:  # from the group's side: its people
        navcounters.forget(*(pk_set or ()))
    else:
        navcounters.forget(instance.pk)
