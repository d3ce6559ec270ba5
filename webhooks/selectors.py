"""Reads about webhooks, for the pages that manage them (access checked by the caller
through access.webhooks)."""

from django.db.models import QuerySet
from django.http import Http404

from communities.models import Community

from .models import Attempt, Hook


def hooks_of(community: Community) -> QuerySet[Hook]:
    return Hook.objects.filter(community=community).select_related("owner").order_by("pk")


def get_hook_or_404(community: Community, pk: int) -> Hook:
    hook = hooks_of(community).select_related("community").filter(pk=pk).first()
    if hook is None:
        raise Http404
    return hook


def attempts_of(hook: Hook, limit: int = 50) -> QuerySet[Attempt]:
    """The latest attempts, newest first (the delivery log)."""
    return (
        Attempt.objects.filter(delivery__hook=hook)
        .select_related("delivery")
        .order_by("-at", "-pk")[:limit]
    )
