"""This app's section of "Download my data" (registry: core.exports)."""

from django.utils.translation import gettext_lazy as _

from core import exports

from .models import CharterSignOff


@exports.section("charter_signoffs", _("Charter drafts I approved"), order=74)
def charter_signoffs(user) -> exports.Rows:
    return [
        {"version": number, "text_fingerprint": fingerprint, "approved_at": at}
        for number, fingerprint, at in CharterSignOff.objects.filter(approver=user)
        .order_by("pk")
        .values_list("version__number", "fingerprint", "approved_at")
    ]
