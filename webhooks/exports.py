"""This app's section of "Download my data" (registry: core.exports): the webhooks the
person registered — address, community, events, dates; never the secret."""

from django.utils.translation import gettext_lazy as _

from core import exports

from .models import Hook


@exports.section("webhooks", _("Webhooks I registered"), order=97)
def webhooks(user) -> exports.Rows:
    return [
        {
            "community": h.community.slug,
            "url": h.url,
            "events": h.events,
            "active": h.is_active,
            "created_at": h.created_at,
        }
        for h in Hook.objects.filter(owner=user).select_related("community").order_by("pk")
    ]
