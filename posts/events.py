"""What happens to posts that apps above `posts` react to (DESIGN §2: a lower layer
tells a higher one through a signal, never an import).

`post_published(sender=Post, post=...)`: sent inside the transaction that published
the post; the alerts app schedules the new-post alerts for when it commits, the
webhooks app its deliveries.

`comment_added(sender=Comment, comment=...)`: sent inside the transaction that wrote
the comment (or reply); the webhooks app schedules its deliveries."""

from django.dispatch import Signal

post_published = Signal()
comment_added = Signal()
