import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from charter.models import CharterAcceptance
from charter.selectors import current_version
from profiles.models import Skill, User, UserSkill, normalize_skill_name

PASSWORD = "correct-horse-battery"
# Hashed once for the whole suite: password hashing is slow by design.
_PASSWORD_HASH = make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = _PASSWORD_HASH
    department = "IT"
    site = "Paris"

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def accepted_charter(obj, create, extracted, **kwargs):
        """The cast has accepted the charter in force, unless told otherwise."""
        version = current_version()
        if create and extracted is not False and version is not None:
            CharterAcceptance.objects.create(user=obj, version=version)


class ExternalFactory(UserFactory):
    kind = User.Kind.EXTERNAL
    email = factory.LazyAttribute(lambda u: f"{u.username}@partner.example.org")
    organisation = "Northwind Consulting"
    sponsor = factory.SubFactory(UserFactory)
    department = ""
    site = ""


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("normalized",)

    name = factory.Sequence(lambda n: f"Skill {n}")
    normalized = factory.LazyAttribute(lambda s: normalize_skill_name(s.name))


class UserSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserSkill

    user = factory.SubFactory(UserFactory)
    skill = factory.SubFactory(SkillFactory)
    level = UserSkill.Level.PRACTITIONER
