from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class CompanyUserManager(UserManager):
    def get_by_natural_key(self, username):
        # Sign-in names are matched without regard to case, as e-mail addresses are.
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    """An account: an employee of the company, or an external partner invited in."""

    class Kind(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        EXTERNAL = "external", _("External")

    # Real names only: both are required (no pseudonyms).
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("e-mail address"), unique=True)

    # Fields owned by the company directory (admins change them, not the person).
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.EMPLOYEE, db_index=True
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    department = models.CharField(_("department"), max_length=150, blank=True, db_index=True)
    site = models.CharField(_("site"), max_length=150, blank=True, db_index=True)

    # Externals: who vouches for them, their organisation, and how long access lasts.
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    sponsor = models.ForeignKey(
        "self",
        verbose_name=_("sponsor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsored_externals",
        help_text=_("The employee who vouches for this external member."),
    )
    access_expires_at = models.DateTimeField(
        _("access expires at"),
        null=True,
        blank=True,
        help_text=_("End of the contract: access stops on this date."),
    )
    reconfirmed_at = models.DateTimeField(_("last re-confirmation"), null=True, blank=True)

    REQUIRED_FIELDS = ["email", "first_name", "last_name"]

    objects = CompanyUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(kind="external") | models.Q(sponsor__isnull=True),
                name="user_only_externals_have_sponsor",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.EMPLOYEE and self.sponsor_id:
            raise ValidationError({"sponsor": _("Only external members have a sponsor.")})
        if self.kind == self.Kind.EXTERNAL:
            if not self.sponsor_id:
                raise ValidationError(
                    {"sponsor": _("An external member needs an employee as sponsor.")}
                )
            if self.sponsor.kind != self.Kind.EMPLOYEE:
                raise ValidationError({"sponsor": _("The sponsor must be an employee.")})

    @property
    def is_external(self) -> bool:
        return self.kind == self.Kind.EXTERNAL
