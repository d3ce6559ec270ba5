"""Expert routing: a question tagged with a skill is offered to a few willing holders
of that skill (experts first), who may read it, never the asker, never an external,
nobody more than RSE_QUESTION_OFFERS_PER_WEEK times in seven days."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from communities.models import Community
from profiles.models import UserSkill
from questions import services
from questions.models import QuestionOffer

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, SkillFactory, UserFactory, UserSkillFactory
from .questions_factories import WillingnessFactory

pytestmark = pytest.mark.django_db

EXPERT, PRACTITIONER, NOTIONS = (
    UserSkill.Level.EXPERT,
    UserSkill.Level.PRACTITIONER,
    UserSkill.Level.NOTIONS,
)


def holder(skill, level=EXPERT, *, willing=True, community=None, **user):
    person = UserFactory(**user)
    UserSkillFactory(user=person, skill=skill, level=level)
    if willing:
        WillingnessFactory(user=person)
    if community is not None:
        MembershipFactory(community=community, user=person)
    return person


def offered(question) -> set:
    return set(QuestionOffer.objects.filter(question=question).values_list("user_id", flat=True))


@pytest.fixture
def free():
    return CommunityFactory(access=Community.Access.FREE)


def ask(asker, community, tags, title="Where do I start?"):
    return services.question_ask(
        actor=asker, community=community, title=title, body="Any pointer helps.", tags=tags
    )


def test_offered_to_willing_experts_and_practitioners_only(employee, free):
    skill = SkillFactory(name="Kubernetes")
    expert = holder(skill, EXPERT)
    practitioner = holder(skill, PRACTITIONER)
    holder(skill, NOTIONS)
    holder(skill, EXPERT, willing=False)
    question = ask(employee, free, "kubernetes")
    assert offered(question) == {expert.pk, practitioner.pk}
    assert question.offered_count == 2


def test_experts_come_before_practitioners(settings, employee, free):
    settings.RSE_QUESTION_EXPERTS = 2
    skill = SkillFactory(name="SQL")
    practitioners = [holder(skill, PRACTITIONER) for _ in range(3)]
    experts = [holder(skill, EXPERT) for _ in range(2)]
    question = ask(employee, free, "sql")
    assert offered(question) == {p.pk for p in experts}
    assert not offered(question) & {p.pk for p in practitioners}


@pytest.mark.parametrize("typed", ["comptabilite", "COMPTABILITÉ", "Comptabilité ", "comptabilité"])
def test_accents_and_case_are_folded(employee, free, typed):
    skill = SkillFactory(name="Comptabilité")
    expert = holder(skill)
    assert offered(ask(employee, free, typed)) == {expert.pk}


def test_never_the_asker(free):
    skill = SkillFactory(name="Python")
    asker = holder(skill)
    other = holder(skill)
    assert offered(ask(asker, free, "python")) == {other.pk}


def test_only_people_who_may_read_the_community(employee):
    community = CommunityFactory(access=Community.Access.CLOSED)
    MembershipFactory(community=community, user=employee)
    skill = SkillFactory(name="Payroll")
    member = holder(skill, community=community)
    holder(skill)  # an expert outside the closed community
    assert offered(ask(employee, community, "payroll")) == {member.pk}


def test_an_external_is_never_routed_to(employee):
    community = CommunityFactory(access=Community.Access.CLOSED)
    MembershipFactory(community=community, user=employee)
    skill = SkillFactory(name="SAP")
    partner = ExternalFactory()
    MembershipFactory(community=community, user=partner)
    UserSkillFactory(user=partner, skill=skill, level=EXPERT)
    WillingnessFactory(user=partner)
    assert offered(ask(employee, community, "sap")) == set()


def test_an_external_asker_reaches_only_readers_of_their_community():
    community = CommunityFactory(access=Community.Access.CLOSED)
    partner = ExternalFactory()
    MembershipFactory(community=community, user=partner)
    skill = SkillFactory(name="Logistics")
    inside = holder(skill, community=community)
    holder(skill)  # not a member: never sees the partner's question
    assert offered(ask(partner, community, "logistics")) == {inside.pk}


def test_muted_and_inactive_experts_are_skipped(employee, free):
    from moderation.models import Sanction

    skill = SkillFactory(name="Lean")
    muted = holder(skill)
    Sanction.objects.create(
        user=muted, kind=Sanction.Kind.MUTE, ends_at=timezone.now() + timedelta(days=2)
    )
    holder(skill, is_active=False)
    assert offered(ask(employee, free, "lean")) == set()


def test_the_weekly_cap_spreads_the_load(settings, free):
    settings.RSE_QUESTION_EXPERTS = 1
    settings.RSE_QUESTION_OFFERS_PER_WEEK = 2
    skill = SkillFactory(name="Excel")
    first, second = holder(skill), holder(skill)
    askers = [UserFactory() for _ in range(5)]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        routed = [
            offered(ask(asker, free, "excel", f"Question {n}")) for n, asker in enumerate(askers)
        ]
    # Least asked first: they alternate, then both reach the cap and nobody is asked.
    assert routed[:4] == [{first.pk}, {second.pk}, {first.pk}, {second.pk}]
    assert routed[4] == set()
    with time_machine.travel(start + timedelta(days=7, minutes=1), tick=False):
        assert offered(ask(UserFactory(), free, "excel", "A week later")) == {first.pk}


def test_no_skill_tag_no_routing(employee, free):
    holder(SkillFactory(name="Marketing"))
    question = ask(employee, free, "lunch, weekend")
    assert offered(question) == set()
    assert question.offered_count == 0


def test_a_question_on_a_profile_goes_to_employees(employee):
    skill = SkillFactory(name="Design")
    expert = holder(skill)
    assert offered(ask(employee, None, "design")) == {expert.pk}


def test_the_experts_are_told_and_nobody_else(client, employee, free):
    from notifications.models import Notification

    skill = SkillFactory(name="Kubernetes")
    expert = holder(skill)
    bystander = holder(SkillFactory(name="Excel"))
    question = ask(employee, free, "kubernetes")
    note = Notification.objects.get(kind="question_offered")
    assert note.recipient == expert and note.post_id == question.pk
    assert not Notification.objects.filter(recipient=bystander).exists()
    client.force_login(expert)
    page = client.get("/notifications/").content.decode()
    assert "Camille Martin asked" in page and "on your skill “Kubernetes”" in page
