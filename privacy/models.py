"""Personal data: archives people ask for, the legal basis of each processing of the
register, and the optional retention of a community's content. Data only."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Community


class DataExport(models.Model):
    """An archive of everything RSE holds about a person ("Download my data"). Built by
    a Celery task, downloadable by its owner only for PRIVACY_EXPORT_DAYS, then its
    file is deleted (the row stays, as the record of the request)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        BUILDING = "building", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Deleted after its period")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="data_exports",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)
    # Name of the file under PRIVACY_EXPORT_ROOT (random: never guessed, never served
    # but by the owner-only view).
    file_name = models.CharField(_("file"), max_length=100, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    counts = models.JSONField(_("rows per section"), default=dict, blank=True)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)
    error = models.CharField(_("error"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("archive of personal data")
        verbose_name_plural = _("archives of personal data")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One request at a time: a second insert while one waits or is being
            # built fails in the database, whatever the number of web workers.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status__in=["pending", "building"]),
                name="data_export_one_at_a_time",
            ),
        ]
        indexes = [models.Index(fields=["user", "-requested_at"], name="data_export_of_user")]

    def __str__(self) -> str:
        return f"{self.user} — {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.BUILDING)


class ProcessingRecord(models.Model):
    """The part of an entry of the processing register that the DPO writes: its legal
    basis (and a note). Everything else is generated from the code and the settings
    (`privacy.register`); `key` names the entry there."""

    key = models.SlugField(_("processing"), max_length=60, unique=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    note = models.TextField(_("DPO's note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("processing register entry")
        verbose_name_plural = _("processing register")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class CommunityRetention(models.Model):
    """Optional: a community whose posts are purged once older than `years` (off unless
    an administrator sets one). Open cases and appeals hold the purge as for deleted
    content."""

    community = models.OneToOneField(
        Community,
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="retention",
    )
    years = models.PositiveSmallIntegerField(_("keep posts for (years)"))
    created_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("retention of a community's posts")
        verbose_name_plural = _("retention of communities' posts")
        constraints = [
            models.CheckConstraint(condition=models.Q(years__gte=1), name="retention_years_min"),
        ]

    def __str__(self) -> str:
        return f"{self.community} — {self.years}"


class PersonErasure(models.Model):
    """The erasure of a departed person, on request of the DPO: what was erased is kept
    in `snapshot` for ERASED_DATA_RETENTION_DAYS (so that a mistake can be undone),
    then purged for good by the job `person_erasures_purge`."""

    class Content(models.TextChoices):
        KEEP = "keep", _('Kept, signed "Former employee"')
        REMOVE = "remove", _("Removed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="erasures",
    )
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now, db_index=True)
    content = models.CharField(_("their posts and comments"), max_length=8, choices=Content.choices)
    snapshot = models.JSONField(_("erased values (until purged)"), default=dict, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    purged_at = models.DateTimeField(_("purged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("erasure of a departed person")
        verbose_name_plural = _("erasures of departed people")
        ordering = ["-erased_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(undone_at__isnull=True),
                name="person_erased_once",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.user_id} — {self.erased_at:%Y-%m-%d}"
