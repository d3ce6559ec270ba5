"""What the lifecycle jobs must remember to be idempotent, and erased data in retention."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    """One notice sent by a job, at most once: the unique key makes a second run, or a
    second worker at the same moment, a no-op (its insert fails and it sends nothing).

    `cycle` identifies the period the notice belongs to (when the community became
    dormant, when the external's re-confirmation fell due…), so a new period sends anew.
    """

    topic = models.CharField(_("topic"), max_length=40)
    object_id = models.BigIntegerField(_("object id"))
    cycle = models.CharField(_("cycle"), max_length=64)
    step = models.CharField(_("step"), max_length=40)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "object_id", "cycle", "step"], name="reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.object_id} {self.cycle} {self.step}"


class ErasedData(models.Model):
    """Profile data a person erased, kept ERASED_DATA_RETENTION_DAYS (to correct a
    mistake or finish handling a report), then purged for good by the retention job."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="erased_data",
    )
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now, db_index=True)
    values = models.JSONField(_("erased values"), default=dict, blank=True)
    photo = models.CharField(_("erased photo file"), max_length=255, blank=True)
    purged_at = models.DateTimeField(_("purged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("erased profile data")
        verbose_name_plural = _("erased profile data")
        ordering = ["-erased_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} — {self.erased_at:%Y-%m-%d}"
