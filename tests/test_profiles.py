"""Profiles, /me/, skills, endorsements and follows: good input and bad."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from profiles import services
from profiles.models import Endorsement, Follow, Profile, Skill, UserSkill

from .factories import ExternalFactory, SkillFactory, UserFactory, UserSkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def image_bytes(size=(40, 30), image_format="PNG", mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "teal").save(out, format=image_format)
    return out.getvalue()


def profile_data(**overrides) -> dict:
    data = {
        "phone": "+33 1 23 45 67 89",
        "bio": "Accounting and <b>audit</b>.",
        "languages": "French, English",
        "interests": "Chess",
    }
    return {**data, **overrides}


def test_every_user_has_a_profile(employee):
    assert Profile.objects.filter(user=employee).exists()


def test_me_saves_the_profile_and_shows_directory_fields_read_only(client, employee):
    employee.department = "Finance"
    employee.save()
    client.force_login(employee)

    page = client.get(reverse("me")).content.decode()
    response = client.post(reverse("me"), profile_data(department="Sales", first_name="X"))

    assert "Finance" in page and 'name="department"' not in page
    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.profile.phone == "+33 1 23 45 67 89"
    assert employee.profile.language_list() == ["French", "English"]
    assert (employee.department, employee.first_name) == ("Finance", "Camille")


def test_bio_is_escaped_on_the_profile(client, employee):
    client.force_login(employee)
    client.post(reverse("me"), profile_data(bio="<script>alert(1)</script>"))

    page = client.get(reverse("people:detail", args=[employee.username])).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": "call me maybe"}, "phone", "Enter a phone number"),
        ({"phone": "12"}, "phone", "Enter a phone number"),
        ({"bio": "x" * 1001}, "bio", "at most 1000 characters"),
        ({"languages": "x" * 201}, "languages", "at most 200 characters"),
        ({"interests": "x" * 301}, "interests", "at most 300 characters"),
    ],
)
def test_bad_profile_input_is_refused_and_kept(client, employee, overrides, field, message):
    client.force_login(employee)

    response = client.post(reverse("me"), profile_data(**overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["profile_form"].errors[field])
    page = response.content.decode()
    assert "French, English" in page  # what was typed stays in the form
    assert Profile.objects.get(user=employee).phone == ""  # nothing saved


def test_photo_is_re_encoded_and_served(client, employee):
    client.force_login(employee)
    upload = SimpleUploadedFile("me.png", image_bytes(size=(1200, 800)), "image/png")

    client.post(reverse("me"), {**profile_data(), "photo": upload})

    profile = Profile.objects.get(user=employee)
    assert profile.photo.name.endswith(".jpg")
    with Image.open(profile.photo.path) as stored:
        assert stored.format == "JPEG" and max(stored.size) == 512
    response = client.get(reverse("people:photo", args=[employee.username]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_transparent_photo_stays_png_and_can_be_removed(
    client, employee, django_capture_on_commit_callbacks
):
    client.force_login(employee)
    upload = SimpleUploadedFile("logo.png", image_bytes(mode="RGBA"), "image/png")
    client.post(reverse("me"), {**profile_data(), "photo": upload})
    stored = Profile.objects.get(user=employee).photo
    assert stored.name.endswith(".png")
    path = stored.path

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("me"), {**profile_data(), "photo-clear": "on"})

    assert not Profile.objects.get(user=employee).photo
    assert not os.path.exists(path)  # the old file is deleted once the change is committed


def test_default_avatar_shows_initials(client, employee):
    client.force_login(employee)

    page = client.get(reverse("people:detail", args=[employee.username])).content.decode()

    assert "avatar-initials" in page and ">CM<" in page
    assert client.get(reverse("people:photo", args=[employee.username])).status_code == 404


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"#!/bin/sh\necho not an image\n", "not an image"),
        (b"GIF89a" + b"<script>alert(1)</script>", "not an image"),
    ],
)
def test_a_file_that_is_not_an_image_is_refused(client, employee, content, message):
    client.force_login(employee)
    upload = SimpleUploadedFile("photo.png", content, "image/png")

    response = client.post(reverse("me"), {**profile_data(), "photo": upload})

    assert message in " ".join(response.context["profile_form"].errors["photo"])
    assert not Profile.objects.get(user=employee).photo
    assert Profile.objects.get(user=employee).phone == ""


def test_a_too_large_photo_is_refused(client, employee, settings):
    settings.RSE_PHOTO_MAX_BYTES = 1000
    client.force_login(employee)
    upload = SimpleUploadedFile("big.bmp", image_bytes(size=(200, 200), image_format="BMP"))

    response = client.post(reverse("me"), {**profile_data(), "photo": upload})

    assert "too large" in " ".join(response.context["profile_form"].errors["photo"])
    assert not Profile.objects.get(user=employee).photo


def test_a_photo_with_too_many_pixels_is_refused(client, employee, settings):
    settings.RSE_PHOTO_MAX_PIXELS = 100
    client.force_login(employee)
    upload = SimpleUploadedFile("wide.png", image_bytes(size=(300, 50)), "image/png")

    response = client.post(reverse("me"), {**profile_data(), "photo": upload})

    assert "300×50 pixels" in " ".join(response.context["profile_form"].errors["photo"])


# Skills ---------------------------------------------------------------------------


def test_skills_are_one_vocabulary_whatever_case_accents_and_spaces():
    first = services.skill_get_or_create(name="Python")
    assert services.skill_get_or_create(name="  PYTHON ") == first
    assert services.skill_get_or_create(name="python") == first
    accounting = services.skill_get_or_create(name="Comptabilité")
    assert services.skill_get_or_create(name="comptabilite") == accounting
    assert Skill.objects.count() == 2


def test_add_change_and_remove_my_skills(client, employee):
    client.force_login(employee)

    client.post(reverse("me_skill_add"), {"name": " data  Science ", "level": "notions"})
    user_skill = UserSkill.objects.get(user=employee)
    client.post(reverse("me_skill_update", args=[user_skill.pk]), {"level": "expert"})
    user_skill.refresh_from_db()

    assert (user_skill.skill.name, user_skill.level) == ("data Science", "expert")
    client.post(reverse("me_skill_remove", args=[user_skill.pk]))
    assert not UserSkill.objects.filter(user=employee).exists()


def test_a_level_outside_the_list_is_refused(client, employee):
    client.force_login(employee)

    response = client.post(reverse("me_skill_add"), {"name": "Python", "level": "guru"})

    assert response.status_code == 400
    assert "Select a valid choice" in " ".join(response.context["skill_form"].errors["level"])
    assert 'value="Python"' in response.content.decode()
    assert not UserSkill.objects.exists()


def test_a_too_long_skill_name_is_refused(client, employee):
    client.force_login(employee)

    response = client.post(reverse("me_skill_add"), {"name": "x" * 61, "level": "expert"})

    assert "at most 60 characters" in " ".join(response.context["skill_form"].errors["name"])
    assert not Skill.objects.exists() and not UserSkill.objects.exists()


def test_a_skill_listed_twice_is_refused(client, employee):
    client.force_login(employee)
    client.post(reverse("me_skill_add"), {"name": "Python", "level": "expert"})

    response = client.post(reverse("me_skill_add"), {"name": "PYTHON", "level": "notions"})

    assert "already in your skills" in response.content.decode()
    assert UserSkill.objects.get(user=employee).level == "expert"


def test_someone_else_skill_cannot_be_changed(client, employee):
    other = UserSkillFactory(level="notions")
    client.force_login(employee)

    response = client.post(reverse("me_skill_update", args=[other.pk]), {"level": "expert"})

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.level == "notions"


# Endorsements ---------------------------------------------------------------------


def test_colleague_endorses_a_skill_once_and_the_count_shows(client, employee):
    user_skill = UserSkillFactory(skill=SkillFactory(name="Lean"))
    url = reverse("people:endorse", args=[user_skill.user.username, user_skill.pk])
    client.force_login(employee)

    client.post(url)
    response = client.post(url, follow=True)

    assert "already endorsed" in response.content.decode()
    user_skill.refresh_from_db()
    assert user_skill.endorsements_count == 1 == Endorsement.objects.count()
    assert "1 endorsement" in response.content.decode()


def test_endorsing_my_own_skill_is_refused(client, employee):
    user_skill = UserSkillFactory(user=employee)
    client.force_login(employee)

    response = client.post(
        reverse("people:endorse", args=[employee.username, user_skill.pk]), follow=True
    )

    assert "cannot endorse your own skill" in response.content.decode()
    assert not Endorsement.objects.exists()
    user_skill.refresh_from_db()
    assert user_skill.endorsements_count == 0


def test_endorsement_can_be_withdrawn(client, employee):
    user_skill = UserSkillFactory()
    services.endorsement_create(actor=employee, user_skill=user_skill)
    client.force_login(employee)

    client.post(reverse("people:unendorse", args=[user_skill.user.username, user_skill.pk]))

    user_skill.refresh_from_db()
    assert user_skill.endorsements_count == 0 and not Endorsement.objects.exists()


def test_endorsing_needs_a_post_with_csrf(employee):
    from django.test import Client

    user_skill = UserSkillFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(employee)
    url = reverse("people:endorse", args=[user_skill.user.username, user_skill.pk])

    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert not Endorsement.objects.exists()


# Follows --------------------------------------------------------------------------


def test_follow_and_unfollow_update_counts_and_lists(client, employee):
    colleague = UserFactory(last_name="Zola")
    client.force_login(employee)

    client.post(reverse("people:follow", args=[colleague.username]))

    colleague.profile.refresh_from_db()
    employee.profile.refresh_from_db()
    assert (colleague.profile.followers_count, employee.profile.following_count) == (1, 1)
    followers = client.get(reverse("people:followers", args=[colleague.username]))
    assert [p.pk for p in followers.context["page"].object_list] == [employee.pk]
    following = client.get(reverse("people:following", args=[employee.username]))
    assert [p.pk for p in following.context["page"].object_list] == [colleague.pk]
    assert (
        "1 follower"
        in client.get(reverse("people:detail", args=[colleague.username])).content.decode()
    )

    client.post(reverse("people:unfollow", args=[colleague.username]))
    colleague.profile.refresh_from_db()
    assert colleague.profile.followers_count == 0 and not Follow.objects.exists()


def test_following_yourself_or_twice_is_refused(client, employee):
    colleague = UserFactory()
    client.force_login(employee)

    myself = client.post(reverse("people:follow", args=[employee.username]), follow=True)
    client.post(reverse("people:follow", args=[colleague.username]))
    twice = client.post(reverse("people:follow", args=[colleague.username]), follow=True)

    assert "cannot follow yourself" in myself.content.decode()
    assert "already follow" in twice.content.decode()
    assert Follow.objects.count() == 1
    colleague.profile.refresh_from_db()
    assert colleague.profile.followers_count == 1


def test_follow_redirects_back_only_to_this_site(client, employee):
    colleague = UserFactory()
    client.force_login(employee)

    inside = client.post(reverse("people:follow", args=[colleague.username]), {"next": "/people/"})
    client.post(reverse("people:unfollow", args=[colleague.username]))
    outside = client.post(
        reverse("people:follow", args=[colleague.username]), {"next": "https://evil.example/"}
    )

    assert inside["Location"] == "/people/"
    assert outside["Location"] == reverse("people:detail", args=[colleague.username])


# Externals ------------------------------------------------------------------------


def test_external_profile_shows_badge_and_sponsor(client, employee):
    partner = ExternalFactory(sponsor=employee, organisation="Northwind Consulting")
    client.force_login(employee)

    page = client.get(reverse("people:detail", args=[partner.username])).content.decode()

    assert "External — Northwind Consulting" in page
    assert employee.get_full_name() in page


def test_external_sees_only_own_and_sponsor_profiles(client, employee):
    partner = ExternalFactory(sponsor=employee)
    stranger = UserFactory()
    client.force_login(partner)

    assert client.get(reverse("people:detail", args=[partner.username])).status_code == 200
    assert client.get(reverse("people:detail", args=[employee.username])).status_code == 200
    for name in ("detail", "followers", "following"):
        assert client.get(reverse(f"people:{name}", args=[stranger.username])).status_code == 404
    assert client.post(reverse("people:follow", args=[stranger.username])).status_code == 404
    assert client.get(reverse("people:detail", args=["nobody-at-all"])).status_code == 404
    assert not Follow.objects.exists()


def test_external_lists_hide_people_they_may_not_see(client, employee):
    partner = ExternalFactory(sponsor=employee)
    services.follow_create(actor=UserFactory(), user=employee)
    client.force_login(partner)

    response = client.get(reverse("people:followers", args=[employee.username]))

    assert list(response.context["page"].object_list) == []


# Query counts ---------------------------------------------------------------------


def test_profile_page_queries_do_not_grow(client, employee, django_assert_max_num_queries):
    person = UserFactory()
    client.force_login(employee)
    url = reverse("people:detail", args=[person.username])

    def add_skills(count):
        for _ in range(count):
            user_skill = UserSkillFactory(user=person)
            for _ in range(3):
                services.endorsement_create(actor=UserFactory(), user_skill=user_skill)
            services.follow_create(actor=UserFactory(), user=person)

    add_skills(1)
    # The seven of the profile, the communities the person belongs to, the unread
    # notifications counter of the navigation; 3 for the person's posts (the page,
    # their tags, their attachments).
    with django_assert_max_num_queries(12):
        client.get(url)
    add_skills(15)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert len(response.context["skills"]) == 16


def test_followers_list_queries_do_not_grow(client, employee, django_assert_max_num_queries):
    client.force_login(employee)
    url = reverse("people:followers", args=[employee.username])
    services.follow_create(actor=UserFactory(), user=employee)
    # 7, the unread notifications counter included.
    with django_assert_max_num_queries(7):
        client.get(url)
    for follower in UserFactory.create_batch(15):
        services.follow_create(actor=follower, user=employee)
    with django_assert_max_num_queries(7):
        client.get(url)


def test_photo_is_served_only_to_who_may_see_the_profile(client, employee):
    client.force_login(employee)
    upload = SimpleUploadedFile("me.gif", image_bytes(image_format="GIF", mode="P"), "image/gif")
    client.post(reverse("me"), {**profile_data(), "photo": upload})
    partner = ExternalFactory()
    client.force_login(partner)

    assert client.get(reverse("people:photo", args=[employee.username])).status_code == 404


def test_seed_demo_gives_skills_endorsements_and_follows_once():
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    counts = (UserSkill.objects.count(), Endorsement.objects.count(), Follow.objects.count())
    call_command("seed_demo", stdout=io.StringIO())

    assert counts == (
        UserSkill.objects.count(),
        Endorsement.objects.count(),
        Follow.objects.count(),
    )
    assert counts[0] >= 100 and counts[1] >= 30 and counts[2] >= 30
    assert UserSkill.objects.filter(level=UserSkill.Level.EXPERT).exists()
    assert all(
        UserSkill.objects.filter(pk=e.user_skill_id, endorsements_count__gte=1).exists()
        for e in Endorsement.objects.all()[:5]
    )


def test_my_profile_page_queries_do_not_grow(client, employee, django_assert_max_num_queries):
    client.force_login(employee)
    UserSkillFactory(user=employee)
    # 6, the unread notifications counter included.
    with django_assert_max_num_queries(6):
        client.get(reverse("me"))
    UserSkillFactory.create_batch(15, user=employee)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("me"))
    assert len(response.context["skills"]) == 16
