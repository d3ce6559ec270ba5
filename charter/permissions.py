"""The charter gate: nobody contributes before accepting the charter in force."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .selectors import read_charter_status


class CharterNotAccepted(PermissionDenied):
    message = _("Please read and accept the usage charter before contributing.")


def ensure_charter_accepted(user, status: dict | None = None) -> None:
    """Raise CharterNotAccepted unless `user` accepted the binding version. Every
    contribution service (post, comment, like, create or join a community, report)
    calls this, so no path — form, htmx or API — gets around it."""
    if not (status if status is not None else read_charter_status(user))["accepted"]:
        raise CharterNotAccepted(CharterNotAccepted.message)


def may_see_all_variants(user) -> bool:
    """The charter's administrators (who may change charter versions) read every variant
    of a published version; everyone else reads their own."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_perm("charter.change_charterversion")
    )
