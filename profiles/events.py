"""What happens to people that apps above `profiles` react to (DESIGN §2: a lower
layer tells a higher one through a signal, never an import).

`account_reactivated(sender=User, user=...)`: sent inside the reactivation's
transaction; each receiver returns a list of what it restored (the communities app
thaws the person's suspended memberships and returns those communities).

`person_erased(sender=User, user=...)`: sent inside the erasure of a departed person
(privacy.erasure); each receiver removes what its app holds of that person and returns
a dict of counts for the erasure's audit entry (the webhooks app deletes their hooks)."""

from django.dispatch import Signal

account_reactivated = Signal()
person_erased = Signal()
