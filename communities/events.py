"""What happens to communities that apps above `communities` react to (DESIGN §2: a
lower layer tells a higher one through a signal, never an import).

`community_archived(sender=Community, community=...)`: sent inside the transaction
that archived it (by a manager, an administrator or the inactivity job); the alerts
app lifts its pins and announcements.

`member_joined(sender=Membership, membership=...)`: someone became an active member
(joined a free community, was approved, accepted an invitation); `member_left(sender=
Membership, membership=...)`: an active membership ended (left, removed or banned; its
`status` says which). Both sent inside the transaction; the webhooks app schedules its
deliveries."""

from django.dispatch import Signal

community_archived = Signal()
member_joined = Signal()
member_left = Signal()
