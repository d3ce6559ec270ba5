"""Communities and memberships: data and invariants only."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

HIDDEN_FREE_REFUSED = _(
    "A hidden community cannot be free: free communities are open to every employee."
)
HIDDEN_OPEN_NEEDS_AUDIENCE = _(
    "A hidden open community needs an audience: choose the groups that may discover it."
)

RESERVED_SLUGS = {"new", "invitation"}


class Community(models.Model):
    class Purpose(models.TextChoices):
        PROFESSIONAL = "professional", _("Professional")
        LEISURE = "leisure", _("Leisure")

    class Access(models.TextChoices):
        CLOSED = "closed", _("Closed (by invitation)")
        OPEN = "open", _("Open (on request)")
        FREE = "free", _("Free (every employee)")

    class Visibility(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Hidden")

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        DORMANT = "dormant", _("Dormant")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.PROFESSIONAL
    )
    access = models.CharField(_("access"), max_length=8, choices=Access.choices, db_index=True)
    visibility = models.CharField(
        _("visibility"),
        max_length=8,
        choices=Visibility.choices,
        default=Visibility.VISIBLE,
        db_index=True,
    )
    audience = models.ManyToManyField(
        Group,
        verbose_name=_("audience"),
        blank=True,
        related_name="audience_of_communities",
        help_text=_("Groups (departments, sites, committees) that may discover it when hidden."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.ACTIVE, db_index=True
    )
    is_permanent = models.BooleanField(
        _("permanent"), default=False, help_text=_("Never flagged dormant for inactivity.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    # Set when the inactivity job flags the community dormant; archived after
    # COMMUNITY_DORMANT_GRACE_DAYS unless activity or a manager brings it back.
    dormant_since = models.DateTimeField(_("dormant since"), null=True, blank=True)
    # Stored counter of active members, kept by the membership services.
    members_count = models.PositiveIntegerField(_("members"), default=0)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]
        permissions = [
            ("manage_community", _("Manage the community")),
            ("moderate_community", _("Moderate the community")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(visibility="hidden") & models.Q(access="free")),
                name="community_hidden_not_free",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is reserved: choose another one.")})
        if self.visibility == self.Visibility.HIDDEN and self.access == self.Access.FREE:
            raise ValidationError({"access": HIDDEN_FREE_REFUSED})

    @property
    def is_archived(self) -> bool:
        return self.state == self.State.ARCHIVED

    @property
    def is_hidden(self) -> bool:
        return self.visibility == self.Visibility.HIDDEN


class Membership(models.Model):
    """One person's relation to one community; one row per (community, person)."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        REQUESTED = "requested", _("Requested")
        ACTIVE = "active", _("Member")
        REJECTED = "rejected", _("Request rejected")
        DECLINED = "declined", _("Invitation declined")
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Removed")
        BANNED = "banned", _("Banned")
        # Closed by the jobs: an invitation or request nobody answered in time, and the
        # memberships of a suspended external (restored when the account is reactivated).
        EXPIRED = "expired", _("Expired")
        SUSPENDED = "suspended", _("Suspended")

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MODERATOR = "moderator", _("Moderator")
        MANAGER = "manager", _("Manager")

    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="community_memberships",
    )
    status = models.CharField(_("status"), max_length=10, db_index=True, choices=Status.choices)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("invitation expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="membership_once"),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.community} ({self.get_status_display()})"


class ExternalInvitation(models.Model):
    """An invitation by e-mail for an external partner who has no account yet: the link
    lets them create one, sponsored by the inviting employee, then accept."""

    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="external_invitations",
    )
    email = models.EmailField(_("e-mail address"))
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=150)
    token = models.CharField(max_length=64, unique=True, editable=False)
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sponsor"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation of an external partner")
        verbose_name_plural = _("invitations of external partners")

    def __str__(self) -> str:
        return f"{self.email} → {self.community}"


# Per-community rights (manager, moderator) as django-guardian object permissions,
# with direct foreign keys for fast checks and lists.
class CommunityUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Community, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("user permission on a community")
        verbose_name_plural = _("user permissions on communities")


class CommunityGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Community, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("group permission on a community")
        verbose_name_plural = _("group permissions on communities")
