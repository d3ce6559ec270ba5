import unicodedata

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

BIO_MAX_LENGTH = 1000
SKILL_NAME_MAX_LENGTH = 60


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
    # Which variant of the usage charter applies (charter.variants).
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        db_index=True,
        validators=[
            RegexValidator(r"^[A-Z]{2}$", _("A country is an ISO 3166 code of two letters."))
        ],
        help_text=_("ISO 3166 code of two letters (FR, DE…), from the directory."),
    )
    legal_entity = models.CharField(_("legal entity"), max_length=150, blank=True, db_index=True)

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

    objects = CompanyUserManager()  # type: ignore[misc]  # the stubs type it as a ClassVar

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]  # not in the stubs
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
        # The directory's order: its first page is read from here, not sorted each time.
        indexes = [models.Index(fields=["last_name", "first_name", "id"], name="user_by_name")]

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
            if self.sponsor is not None and self.sponsor.kind != self.Kind.EMPLOYEE:
                raise ValidationError({"sponsor": _("The sponsor must be an employee.")})

    @property
    def is_external(self) -> bool:
        return self.kind == self.Kind.EXTERNAL


def normalize_skill_name(name: str) -> str:
    """The key under which two spellings are one skill: case, accents and spaces ignored.

    "Python", "python" and " PYTHON " share one key, and so do "Comptabilité" and
    "comptabilite".
    """
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def clean_skill_label(name: str) -> str:
    """How a new skill is displayed: as first typed, with spaces tidied."""
    return " ".join(name.split())


phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ().-]{4,22}[0-9]$",
    _("Enter a phone number with digits, spaces, dots or dashes, e.g. +33 1 23 45 67 89."),
)


class Profile(models.Model):
    """What a person says about themselves; directory fields stay on the user."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="profile"
    )
    phone = models.CharField(_("phone"), max_length=24, blank=True, validators=[phone_validator])
    bio = models.TextField(
        _("short bio"),
        max_length=BIO_MAX_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(BIO_MAX_LENGTH)],
    )
    photo = models.ImageField(_("photo"), upload_to="photos/%Y/%m/", blank=True)
    languages = models.CharField(
        _("languages spoken"),
        max_length=200,
        blank=True,
        help_text=_("Separated by commas, e.g. French, English, Spanish."),
    )
    interests = models.CharField(
        _("interests and hobbies"),
        max_length=300,
        blank=True,
        help_text=_("Separated by commas."),
    )
    # Stored counters, kept by the follow services (never recounted per row).
    followers_count = models.PositiveIntegerField(_("followers"), default=0)
    following_count = models.PositiveIntegerField(_("following"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        # "People to follow" reads the most followed profiles first.
        indexes = [models.Index(fields=["-followers_count"], name="profile_most_followed")]

    def __str__(self) -> str:
        return str(self.user)

    def language_list(self) -> list[str]:
        return [part.strip() for part in self.languages.split(",") if part.strip()]

    def interest_list(self) -> list[str]:
        return [part.strip() for part in self.interests.split(",") if part.strip()]


class Skill(models.Model):
    """One entry of the shared skill vocabulary."""

    name = models.CharField(_("name"), max_length=SKILL_NAME_MAX_LENGTH)
    normalized = models.CharField(
        _("normalized key"), max_length=SKILL_NAME_MAX_LENGTH, unique=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["normalized"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = clean_skill_label(self.name)
        self.normalized = normalize_skill_name(self.name)
        if not self.normalized:
            raise ValidationError({"name": _("Enter the name of a skill.")})


class UserSkill(models.Model):
    """A skill a person lists, with a self-assessed level."""

    class Level(models.TextChoices):
        NOTIONS = "notions", _("Notions")
        PRACTITIONER = "practitioner", _("Practitioner")
        EXPERT = "expert", _("Expert")

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="user_skills"
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.CASCADE, related_name="user_skills"
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    # Stored counter, kept by the endorsement services.
    endorsements_count = models.PositiveIntegerField(_("endorsements"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("skill of a person")
        verbose_name_plural = _("skills of people")
        # The directory's "people with this skill, best first" reads this index in order.
        indexes = [
            models.Index(
                models.F("skill"),
                models.Case(
                    models.When(level="notions", then=models.Value(1)),
                    models.When(level="practitioner", then=models.Value(2)),
                    models.When(level="expert", then=models.Value(3)),
                    default=models.Value(0),
                    output_field=models.IntegerField(),
                ).desc(),
                models.F("endorsements_count").desc(),
                name="userskill_ranked",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="userskill_once_per_person"),
            models.CheckConstraint(
                condition=models.Q(level__in=["notions", "practitioner", "expert"]),
                name="userskill_level_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.skill} ({self.get_level_display()})"


# Ranks used to order skills and search results: experts first.
LEVEL_RANK: dict[str, int] = {
    UserSkill.Level.NOTIONS: 1,
    UserSkill.Level.PRACTITIONER: 2,
    UserSkill.Level.EXPERT: 3,
}


class Endorsement(models.Model):
    """A colleague vouches for someone else's skill, once."""

    user_skill = models.ForeignKey(
        UserSkill, verbose_name=_("skill"), on_delete=models.CASCADE, related_name="endorsements"
    )
    endorser = models.ForeignKey(
        User,
        verbose_name=_("endorser"),
        on_delete=models.CASCADE,
        related_name="endorsements_given",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(
                fields=["user_skill", "endorser"], name="endorsement_once_per_endorser"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endorser} → {self.user_skill}"


class Follow(models.Model):
    """A person follows another person."""

    follower = models.ForeignKey(
        User, verbose_name=_("follower"), on_delete=models.CASCADE, related_name="following_links"
    )
    followed = models.ForeignKey(
        User, verbose_name=_("followed"), on_delete=models.CASCADE, related_name="follower_links"
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="follow_once"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followed")), name="follow_not_oneself"
            ),
        ]
        indexes = [models.Index(fields=["followed", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.follower} → {self.followed}"
