"""What happens to people that apps above `profiles` react to (DESIGN §2: a lower
layer tells a higher one through a signal, never an import).

`account_reactivated(sender=User, user=...)`: sent inside the reactivation's
transaction; each receiver returns a list of what it restored (the communities app
thaws the person's suspended memberships and returns those communities)."""

from django.dispatch import Signal

account_reactivated = Signal()
