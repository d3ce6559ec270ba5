from django.db.models import Q, QuerySet

from .catalogue import SECURITY_ACTIONS
from .models import AuditEntry


def security_entries_of(user) -> QuerySet[AuditEntry]:
    """What a person may see of the audit trail: the security events of their own account."""
    about_user = Q(actor_id=user.pk) | Q(target_type=user._meta.label_lower, target_id=str(user.pk))
    return AuditEntry.objects.filter(about_user, action__in=SECURITY_ACTIONS).order_by("-sequence")
