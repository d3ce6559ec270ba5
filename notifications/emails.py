"""The e-mails of notifications: one for a notification sent at once, one digest.

Both are written in the recipient's language, as plain text with an HTML
alternative, with absolute links built on RSE_SITE_URL.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import ngettext

from .models import Notification
from .rendering import as_text, render_notification


def site_url() -> str:
    return settings.RSE_SITE_URL.rstrip("/")


def _item(n: Notification, base_url: str) -> dict:
    fragment = render_notification(n, base_url)
    return {
        "n": n,
        "html": fragment,
        "text": as_text(fragment),
        "url": base_url + n.get_absolute_url(),
    }


def _message(recipient, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    base_url = site_url()
    context = {
        **context,
        "recipient": recipient,
        "language": translation.get_language(),
        "site_name": settings.RSE_SITE_NAME,
        "base_url": base_url,
        "inbox_url": base_url + reverse("notifications:inbox"),
        "settings_url": base_url + reverse("notifications:settings"),
    }
    message = EmailMultiAlternatives(
        subject=f"[{settings.RSE_SITE_NAME}] {subject}",
        body=render_to_string(f"notifications/email/{template}.txt", context),
        to=[recipient.email],
    )
    message.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html"
    )
    return message


def notification_message(recipient, n: Notification, *, language: str) -> EmailMultiAlternatives:
    with translation.override(language):
        item = _item(n, site_url())
        subject = Truncator(item["text"]).chars(120)
        message = _message(recipient, subject, "notification", {"item": item})
    # Which notification the mail is: mail logs (and the soak's accounting) can tell a
    # second delivery of the same notification from another one.
    message.extra_headers["X-RSE-Notification"] = str(n.pk)
    return message


def digest_message(
    recipient, items: list[Notification], *, language: str
) -> EmailMultiAlternatives:
    with translation.override(language):
        base_url = site_url()
        rendered = [_item(n, base_url) for n in items]
        subject = ngettext(
            "Your daily summary: %(count)s notification",
            "Your daily summary: %(count)s notifications",
            len(items),
        ) % {"count": len(items)}
        return _message(recipient, subject, "digest", {"items": rendered})
