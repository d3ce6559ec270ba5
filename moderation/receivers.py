"""Note at sign-in whether the person moderates (see context_processors)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from access.moderation import moderates_anything

from .context_processors import SESSION_KEY


@receiver(user_logged_in, dispatch_uid="moderation.note_moderator")
def note_moderator(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = moderates_anything(user)
