import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import chain

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit entry outside the purge."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit entries are removed only by the retention purge.")


class AuditEntry(models.Model):
    """One line of the audit trail: who did what, when, from where. Never edited.

    Entries form a hash chain: each stores the hash of the previous one and a hash of its
    own content, so a changed, deleted or reordered entry breaks the chain (audit_verify).
    The hash is keyed (HMAC under AUDIT_HMAC_KEY, see audit/chain.py) from the version
    that introduced the key on; older entries keep their plain SHA-256 (hash_version 1).
    """

    class Client(models.TextChoices):
        WEB = "web", _("Web")
        API = "api", _("API")
        ADMIN = "admin", _("Django admin")
        JOB = "job", _("Scheduled job")
        COMMAND = "command", _("Command line")

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
    created_at = models.DateTimeField(_("when"), db_index=True, editable=False)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    # No database constraint and no cascade: deleting a user must not rewrite history
    # (the id is part of the hash); the label below keeps the entry readable.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Labels are copied so the entry still reads right after the user or target is gone.
    actor_label = models.CharField(_("actor (as recorded)"), max_length=255, blank=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target (as recorded)"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    client = models.CharField(
        _("client"), max_length=16, choices=Client.choices, default=Client.WEB
    )
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    entry_hash = models.CharField(_("hash"), max_length=64, editable=False)
    hash_version = models.PositiveSmallIntegerField(_("hash version"), editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["actor", "-sequence"]),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.created_at:%Y-%m-%d %H:%M:%S} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are removed only by the retention purge.")

    def compute_hash(self) -> str:
        """The hash of the previous entry and every recorded field, in a fixed form:
        HMAC-SHA256 under the audit key (version 2) or plain SHA-256 (version 1)."""
        content = {
            "sequence": self.sequence,
            "created_at": self.created_at.isoformat(),
            "action": self.action,
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "target_label": self.target_label,
            "ip_address": self.ip_address,
            "client": self.client,
            "user_agent": self.user_agent,
            "request_id": self.request_id,
            "data": self.data,
        }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
        return chain.entry_hash(self.hash_version, self.previous_hash, canonical)


class AuditChainHead(models.Model):
    """A single row: the last sequence and hash of the chain. Writers lock it, so
    concurrent transactions append one after the other and never fork the chain.

    `keyed_from_sequence` is the first entry hashed with the key; its MAC stops anyone
    without the key from moving that point (and so passing off rewritten entries as
    older, unkeyed ones). On PostgreSQL the head only moves forward (a trigger)."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    keyed_from_sequence = models.PositiveBigIntegerField(default=1)
    keyed_from_mac = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.last_sequence} {self.last_hash[:12]}"

    def keyed_from_expected_mac(self) -> str:
        return chain.keyed_from_mac(self.keyed_from_sequence)


class AuditCheckpoint(models.Model):
    """Written by each purge: where the surviving chain starts, so it still verifies.

    Signed with the audit key (`mac`), and it keeps the date of the last entry it
    removed, so that audit_verify can tell a purge of expired entries from a deletion
    of recent ones dressed up as a purge."""

    created_at = models.DateTimeField(_("when"), default=timezone.now)
    purged_through_sequence = models.PositiveBigIntegerField(_("purged through entry"))
    last_purged_hash = models.CharField(_("hash of the last purged entry"), max_length=64)
    last_purged_at = models.DateTimeField(_("date of the last purged entry"), null=True)
    purged_count = models.PositiveIntegerField(_("entries purged"))
    mac = models.CharField(_("signature"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-purged_through_sequence"]

    def __str__(self) -> str:
        return f"≤ #{self.purged_through_sequence} ({self.created_at:%Y-%m-%d})"

    def expected_mac(self) -> str:
        return chain.checkpoint_mac(
            through=self.purged_through_sequence,
            last_hash=self.last_purged_hash,
            last_at=self.last_purged_at,
            created_at=self.created_at,
            count=self.purged_count,
        )
