"""What happens in moderation that apps above `moderation` react to (DESIGN §2: a
lower layer tells a higher one through a signal, never an import).

`case_decided(sender=Case, case=..., decision=...)`: sent inside the transaction that
decided the case; the webhooks app schedules its deliveries."""

from django.dispatch import Signal

case_decided = Signal()
