"""Demo seeding is an ordinary actor (issue 27, finding 10): it touches only the demo
accounts it created, goes through the services so the audit trail holds, and refuses to
run on a production installation unless explicitly forced."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from django.test import override_settings

from audit.models import AuditEntry
from charter.models import CharterAcceptance
from communities.models import Membership
from posts.models import Comment, CommunityFollow, Like, Post, TagFollow
from profiles.models import Follow, User

from .factories import ExternalFactory, UserFactory

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_a_real_account_is_never_touched_by_the_demo():
    # Real people who have not read the charter yet.
    real = [UserFactory(accepted_charter=False) for _ in range(6)]
    partner = ExternalFactory(sponsor=real[0], accepted_charter=False)

    seed()
    seed()  # the README's "refresh the demo"

    people = [*real, partner]
    assert not CharterAcceptance.objects.filter(user__in=people).exists()
    assert not Membership.objects.filter(user__in=people).exists()
    assert not Post.objects.filter(author__in=people).exists()
    assert not Comment.objects.filter(author__in=people).exists()
    assert not Like.objects.filter(user__in=people).exists()
    assert not CommunityFollow.objects.filter(user__in=people).exists()
    assert not TagFollow.objects.filter(user__in=people).exists()
    assert not Follow.objects.filter(Q(follower__in=people) | Q(followed__in=people)).exists()
    ids = [str(p.pk) for p in people]
    assert (
        not AuditEntry.objects.filter(Q(actor__in=people) | Q(target_id__in=ids))
        .filter(target_type="profiles.user")
        .exists()
    )
    assert not AuditEntry.objects.filter(actor__in=people).exists()
    # The demo itself is there.
    assert Membership.objects.exists() and CharterAcceptance.objects.exists()


def test_every_demo_acceptance_of_the_charter_is_in_the_audit_trail():
    seed()

    acceptances = list(CharterAcceptance.objects.select_related("version"))
    assert acceptances
    audited = set(
        AuditEntry.objects.filter(action="charter.accepted").values_list("actor_id", "target_id")
    )
    assert {(a.user_id, str(a.version_id)) for a in acceptances} == audited


def test_demo_access_grants_are_audited():
    seed()

    admin = User.objects.get(email="admin@example.com")
    moderator = User.objects.get(email="sophie.dubois@example.com")
    grants = AuditEntry.objects.filter(action="permission.changed")
    assert grants.filter(target_id=str(admin.pk), data__is_superuser__after=True).exists()
    assert grants.filter(target_id=str(moderator.pk), actor_label__contains="seed_demo").exists()
    admin_groups = [e.data.get("groups", {}) for e in grants.filter(target_id=str(admin.pk))]
    assert any("Executive committee" in g.get("after", []) for g in admin_groups)
    seed()
    assert AuditEntry.objects.filter(action="permission.changed").count() == grants.count()


@override_settings(PRODUCTION=True)
def test_production_refuses_the_demo_unless_forced():
    UserFactory()
    before = (User.objects.count(), AuditEntry.objects.count())

    with pytest.raises(CommandError, match="production installation"):
        call_command("seed_demo", stdout=io.StringIO())

    assert (User.objects.count(), AuditEntry.objects.count()) == before
    out = io.StringIO()
    call_command("seed_demo", "--force-in-production", stdout=out)
    assert "Demo people: 43 created" in out.getvalue()


def test_the_demo_has_a_charter_draft_with_variants_under_consultation():
    real = UserFactory(country="FR", legal_entity="RSE Démo SAS")

    seed()
    seed()  # idempotent: one draft, one consultation

    from charter import variants as charter_variants
    from charter.models import CharterVersion
    from consultation.models import Consultation
    from notifications.models import Notification

    consultation = Consultation.objects.get()
    draft = consultation.version
    assert draft.status == CharterVersion.Status.DRAFT and consultation.is_open(
        consultation.starts_at
    )
    variants = {v.country: v for v in draft.variants.all()}
    assert set(variants) == {"FR", "BE"}
    assert all(charter_variants.population_size(v) > 0 for v in variants.values())
    assert charter_variants.variant_problems(draft) == []
    assert AuditEntry.objects.filter(action="consultation.opened").count() == 1
    assert AuditEntry.objects.filter(action="charter.variant_added").count() == 2
    camille = User.objects.get(email="camille.martin@example.com")
    assert charter_variants.variant_for(draft, camille) == variants["FR"]
    told = Notification.objects.filter(data__event="consultation_opened")
    assert told.exists() and not told.filter(recipient=real).exists()
