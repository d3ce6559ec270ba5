"""What the company directory provisions: clients that may call SCIM, the people and
groups it owns, and a record of each synchronisation."""

import hashlib

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "rse_scim_"  # noqa: S105 - a marker that tells the token apart, no secret


def hash_token(token: str) -> str:
    """Tokens are long random strings: a plain SHA-256 is enough to store them."""
    return hashlib.sha256(token.encode()).hexdigest()


class Source(models.TextChoices):
    SCIM = "scim", _("SCIM")
    LDAP = "ldap", _("LDAP / Active Directory")
    CSV = "csv", _("CSV import")


class ProvisioningClient(models.Model):
    """An identity provider allowed to call /scim/v2/ with its bearer token."""

    class Kind(models.TextChoices):
        ENTRA = "entra", _("Microsoft Entra ID")
        OKTA = "okta", _("Okta")
        OTHER = "other", _("Other SCIM client")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    token_hint = models.CharField(_("token starts with"), max_length=24, editable=False, blank=True)
    scope = models.CharField(_("scope"), max_length=16, default="scim", editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last call"), null=True, blank=True)
    changes_applied = models.PositiveIntegerField(_("changes applied"), default=0)
    errors_count = models.PositiveIntegerField(_("errors"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        verbose_name = _("provisioning client")
        verbose_name_plural = _("provisioning clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class DirectoryEntry(models.Model):
    """A person whose directory fields come from the company directory (read-only in
    RSE). Only these accounts are visible through SCIM."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="directory_entry",
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    client = models.ForeignKey(
        ProvisioningClient,
        verbose_name=_("provisioning client"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    external_id = models.CharField(_("external id"), max_length=255, blank=True, db_index=True)
    employee_number = models.CharField(
        _("employee number"), max_length=64, blank=True, db_index=True
    )
    # As the directory says it ("Employee", "Contractor"…): it decides the kind.
    user_type = models.CharField(_("type in the directory"), max_length=64, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_reports",
    )
    ldap_dn = models.CharField(_("LDAP distinguished name"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("provisioned at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")

    def __str__(self) -> str:
        return str(self.user)


class DirectoryGroup(models.Model):
    """A Django group (a population used as community audience) owned by the directory."""

    group = models.OneToOneField(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="directory_group"
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    client = models.ForeignKey(
        ProvisioningClient,
        verbose_name=_("provisioning client"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groups",
    )
    external_id = models.CharField(_("external id"), max_length=255, blank=True, db_index=True)
    display_name = models.CharField(_("name in the directory"), max_length=150)
    ldap_dn = models.CharField(_("LDAP distinguished name"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("provisioned at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("directory group")
        verbose_name_plural = _("directory groups")
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name


class SyncRun(models.Model):
    """One run of the LDAP synchronisation or of a CSV import."""

    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    reactivated = models.PositiveIntegerField(_("reactivated"), default=0)
    groups_changed = models.PositiveIntegerField(_("groups changed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    # For LDAP: the highest modifyTimestamp seen, where the next incremental run starts.
    high_water_mark = models.CharField(_("last change seen"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("directory synchronisation")
        verbose_name_plural = _("directory synchronisations")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.started_at:%Y-%m-%d %H:%M}"
