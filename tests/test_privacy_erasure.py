"""Erasure of a departed person by the DPO: profile, photo, skills and follows purged,
name replaced by "Former employee", mentions unlinked, posts kept or removed (the
company's setting), audited, undone within the erased-data window, then purged."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from audit.integrity import verify_chain
from audit.models import AuditEntry
from lifecycle import jobs
from posts import services as posts
from posts.models import Comment, Mention, Post, Status
from privacy import erasure
from privacy.models import PersonErasure
from profiles import services as people
from profiles.models import Follow, Profile, User, UserSkill
from webhooks.models import Delivery, Hook

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ERASED_DATA_RETENTION_DAYS = 30


@pytest.fixture
def dpo():
    person = UserFactory(is_staff=True)
    for codename in ("add_personerasure", "view_personerasure"):
        person.user_permissions.add(Permission.objects.get(codename=codename))
    return User.objects.get(pk=person.pk)  # fresh permission cache


@pytest.fixture
def leaver(tmp_path):
    """Someone who posted, commented, was mentioned, followed and was followed, then
    left (account closed)."""
    community = CommunityFactory()
    person = UserFactory(
        username="jdupont",
        first_name="Jeanne",
        last_name="Dupont",
        country="DE",
        legal_entity="RSE GmbH",
    )
    colleague = UserFactory(username="colleague")
    for someone in (person, colleague):
        MembershipFactory(community=community, user=someone)
    photo = tmp_path / "photos" / "jeanne.jpg"
    photo.parent.mkdir()
    photo.write_bytes(b"jpeg")
    Profile.objects.update_or_create(
        user=person, defaults={"phone": "0102030405", "bio": "Lean", "photo": "photos/jeanne.jpg"}
    )
    people.user_skill_add(actor=person, name="Lean", level=UserSkill.Level.EXPERT)
    people.follow_create(actor=person, user=colleague)
    people.follow_create(actor=colleague, user=person)
    post = posts.post_create(actor=person, community=community, body="My lessons learned")
    posts.comment_create(actor=person, post=post, body="And one more thing")
    theirs = posts.post_create(actor=colleague, community=community, body="Thanks @jdupont!")
    posts.comment_create(actor=person, post=theirs, body="You're welcome")
    SocialAccount.objects.create(
        user=person,
        provider="company",
        uid="sub-jdupont",
        extra_data={"name": "Jeanne Dupont", "email": "jeanne.dupont@example.com"},
    )
    hook = Hook.objects.create(
        community=community,
        owner=person,
        url="https://hooks.example.com/jeanne",
        events=["post.published"],
        secret="s" * 40,
    )
    Delivery.objects.create(hook=hook, event="post.published", refs={"post": post.pk})
    people.account_close(actor=None, user=person, actor_label="test")
    person.refresh_from_db()
    return person


def test_keep_erases_the_person_and_signs_their_content_former_employee(client, dpo, leaver):
    colleague = User.objects.get(username="colleague")
    post = Post.objects.get(author=leaver, body="My lessons learned")
    with time_machine.travel(T0, tick=False):
        erasure.person_erase(actor=dpo, user=leaver, content="keep")

    leaver.refresh_from_db()
    assert leaver.get_full_name() == "Former employee"
    assert leaver.username == f"former-{leaver.pk}" and "jdupont" not in leaver.email
    assert (leaver.job_title, leaver.department, leaver.site) == ("", "", "")
    assert (leaver.country, leaver.legal_entity) == ("", "")
    profile = Profile.objects.get(user=leaver)
    assert (profile.phone, profile.bio, profile.photo.name) == ("", "", "")
    assert not SocialAccount.objects.filter(user=leaver).exists()
    assert not Hook.objects.filter(owner=leaver).exists() and not Delivery.objects.exists()
    assert not UserSkill.objects.filter(user=leaver).exists()
    assert not Follow.objects.filter(follower=leaver).exists()
    assert not Follow.objects.filter(followed=leaver).exists()
    assert Profile.objects.get(user=colleague).followers_count == 0
    assert Profile.objects.get(user=colleague).following_count == 0
    assert not EmailAddress.objects.filter(user=leaver).exists()
    assert not Mention.objects.filter(user=leaver).exists()
    assert Post.objects.get(pk=post.pk).status == Status.PUBLISHED

    client.force_login(colleague)
    page = client.get(f"/posts/{post.pk}/").content.decode()
    assert "My lessons learned" in page and "Former employee" in page and "Jeanne" not in page
    assert client.get("/people/jdupont/").status_code == 404  # the old @mention leads nowhere

    entry = AuditEntry.objects.get(action="privacy.person_erased")
    assert entry.actor == dpo and entry.data["content"] == "keep"
    assert entry.data["mentions_unlinked"] == 1
    assert entry.data["webhooks_deleted"] == 1
    assert verify_chain().ok


def test_remove_deletes_their_content_which_the_retention_then_purges(
    settings, dpo, leaver, django_capture_on_commit_callbacks
):
    settings.PRIVACY_ERASURE_CONTENT = "remove"
    settings.CONTENT_DELETED_RETENTION_DAYS = 30
    theirs = Post.objects.get(body="Thanks @jdupont!")
    assert theirs.comments_count == 1
    with time_machine.travel(T0, tick=False):
        erasure.person_erase(actor=dpo, user=leaver)
    assert set(Post.objects.filter(author=leaver).values_list("status", flat=True)) == {"deleted"}
    assert set(Comment.objects.filter(author=leaver).values_list("status", flat=True)) == {
        "deleted"
    }
    theirs.refresh_from_db()
    assert theirs.comments_count == 0 and theirs.status == Status.PUBLISHED

    with (
        time_machine.travel(T0 + 31 * DAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        jobs.run("content_retention")
    assert set(Post.objects.filter(author=leaver).values_list("body", flat=True)) == {""}
    assert set(Comment.objects.filter(author=leaver).values_list("body", flat=True)) == {""}


def test_an_open_account_is_refused_and_nothing_changes(dpo):
    person = UserFactory(first_name="Still", last_name="Here")
    with pytest.raises(ValidationError, match="close it"):
        erasure.person_erase(actor=dpo, user=person)
    person.refresh_from_db()
    assert person.get_full_name() == "Still Here"
    assert not PersonErasure.objects.exists()
    assert not AuditEntry.objects.filter(action="privacy.person_erased").exists()


def test_only_the_dpo_erases_and_only_once(dpo, leaver):
    with pytest.raises(PermissionDenied):
        erasure.person_erase(actor=UserFactory(is_staff=True), user=leaver)
    erasure.person_erase(actor=dpo, user=leaver)
    with pytest.raises(ValidationError, match="already erased"):
        erasure.person_erase(actor=dpo, user=leaver)
    assert PersonErasure.objects.count() == 1


def test_undo_within_the_window_puts_everything_back(settings, dpo, leaver):
    settings.PRIVACY_ERASURE_CONTENT = "remove"
    colleague = User.objects.get(username="colleague")
    with time_machine.travel(T0, tick=False):
        done = erasure.person_erase(actor=dpo, user=leaver)
    with time_machine.travel(T0 + 29 * DAY, tick=False):
        erasure.person_erasure_undo(actor=dpo, erasure=done)

    leaver.refresh_from_db()
    assert (leaver.username, leaver.get_full_name()) == ("jdupont", "Jeanne Dupont")
    assert (leaver.country, leaver.legal_entity) == ("DE", "RSE GmbH")
    assert SocialAccount.objects.get(user=leaver).extra_data["name"] == "Jeanne Dupont"
    assert not Hook.objects.filter(owner=leaver).exists()  # its secret was not kept
    profile = Profile.objects.get(user=leaver)
    assert (profile.phone, profile.photo.name) == ("0102030405", "photos/jeanne.jpg")
    assert list(UserSkill.objects.filter(user=leaver).values_list("skill__name", flat=True)) == [
        "Lean"
    ]
    assert Follow.objects.filter(follower=leaver, followed=colleague).exists()
    assert Follow.objects.filter(follower=colleague, followed=leaver).exists()
    assert Profile.objects.get(user=colleague).followers_count == 1
    assert Mention.objects.filter(user=leaver).count() == 1
    assert EmailAddress.objects.filter(user=leaver, email=leaver.email).exists()
    assert set(Post.objects.filter(author=leaver).values_list("status", flat=True)) == {"published"}
    assert Post.objects.get(body="Thanks @jdupont!").comments_count == 1
    assert AuditEntry.objects.filter(action="privacy.person_erasure_undone").count() == 1
    with pytest.raises(ValidationError, match="already undone"):
        erasure.person_erasure_undo(actor=dpo, erasure=done)


def test_past_the_window_the_job_purges_the_snapshot_and_the_photo(
    dpo, leaver, tmp_path, django_capture_on_commit_callbacks
):
    photo = Path(tmp_path) / "photos" / "jeanne.jpg"
    with time_machine.travel(T0, tick=False):
        done = erasure.person_erase(actor=dpo, user=leaver)
    assert photo.exists()
    with time_machine.travel(T0 + 29 * DAY, tick=False):
        assert jobs.run("person_erasures_purge").counts == {}
    with (
        time_machine.travel(T0 + 30 * DAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert jobs.run("person_erasures_purge").counts == {"erasures": 1}
    assert not photo.exists()
    done.refresh_from_db()
    assert done.snapshot == {} and done.purged_at is not None
    with pytest.raises(ValidationError, match="purged"):
        erasure.person_erasure_undo(actor=dpo, erasure=done)
    assert jobs.run("person_erasures_purge").counts == {}
    assert verify_chain().ok


def test_the_dpo_erases_from_django_admin(client, dpo, leaver):
    client.force_login(dpo)
    form = client.get("/admin/privacy/personerasure/add/")
    assert form.status_code == 200 and "Jeanne" in form.content.decode()
    response = client.post(
        "/admin/privacy/personerasure/add/", {"user": leaver.pk, "content": "keep"}
    )
    assert response.status_code == 200  # the confirmation box is required
    assert not PersonErasure.objects.exists()
    response = client.post(
        "/admin/privacy/personerasure/add/",
        {"user": leaver.pk, "content": "keep", "confirm": "on"},
    )
    assert response.status_code == 302
    done = PersonErasure.objects.get()
    assert done.erased_by == dpo
    assert AuditEntry.objects.get(action="privacy.person_erased").client == "admin"
