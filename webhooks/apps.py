from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from communities.events import member_joined, member_left
        from moderation.events import case_decided
        from posts.events import comment_added, post_published
        from profiles.events import person_erased

        from . import receivers

        post_published.connect(receivers.post_published, dispatch_uid="webhooks.post_published")
        comment_added.connect(receivers.comment_added, dispatch_uid="webhooks.comment_added")
        member_joined.connect(receivers.member_joined, dispatch_uid="webhooks.member_joined")
        member_left.connect(receivers.member_left, dispatch_uid="webhooks.member_left")
        case_decided.connect(receivers.case_decided, dispatch_uid="webhooks.case_decided")
        person_erased.connect(receivers.person_erased, dispatch_uid="webhooks.person_erased")
        # This app's section of "Download my data" joins the registry (core.exports).
        from . import exports  # noqa: F401
