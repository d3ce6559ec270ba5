"""What happens to posts that apps above `posts` react to (DESIGN §2: a lower layer
tells a higher one through a signal, never an import).

`post_published(sender=Post, post=...)`: sent inside the transaction that published
the post; the alerts app schedules the new-post alerts for when it commits."""

from django.dispatch import Signal

post_published = Signal()
