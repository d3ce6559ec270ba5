"""What happens to communities that apps above `communities` react to (DESIGN §2: a
lower layer tells a higher one through a signal, never an import).

`community_archived(sender=Community, community=...)`: sent inside the transaction
that archived it (by a manager, an administrator or the inactivity job); the alerts
app lifts its pins and announcements."""

from django.dispatch import Signal

community_archived = Signal()
