"""People pages: the directory, profiles, /me/, follows and endorsements."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from access import people as people_rules
from charter.permissions import CharterNotAccepted
from core.wording import for_name

from . import selectors, services
from .forms import ProfileForm, SkillAddForm, SkillLevelForm
from .models import UserSkill


def _require_directory(user) -> None:
    """Externals never see the company directory: it does not exist for them (404)."""
    if not people_rules.can_use_directory(user):
        raise Http404


def _back(request, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    return HttpResponseRedirect(target)


def _to_charter(request) -> HttpResponseRedirect:
    """Publishing on one's profile is contributing: first the charter, then back here."""
    messages.warning(request, CharterNotAccepted.message)
    return redirect(reverse("charter:current") + "?" + urlencode({"next": reverse("me")}))


def _message_for(error: ValidationError) -> str:
    return " ".join(error.messages)


def _people_list(request, username: str, which: str):
    person = people_rules.get_visible_user_or_404(request.viewer, username)
    if which == "followers":
        people = selectors.followers_of(request.user, person)
        title = for_name(gettext_noop("Followers of %(name)s"), person)
    else:
        people = selectors.following_of(request.user, person)
        title = _("People %(name)s follows") % {"name": person}
    page = Paginator(people, settings.RSE_DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "profiles/people_list.html",
        {"person": person, "page": page, "title": title, "which": which},
    )


@login_required
@require_GET
def followers(request, username: str):
    return _people_list(request, username, "followers")


@login_required
@require_GET
def following(request, username: str):
    return _people_list(request, username, "following")


@login_required
@require_POST
def follow(request, username: str):
    person = people_rules.get_visible_user_or_404(request.viewer, username)
    try:
        services.follow_create(actor=request.user, user=person)
        messages.success(request, _("You now follow %(name)s.") % {"name": person})
    except ValidationError as error:
        messages.error(request, _message_for(error))
    return _back(request, reverse("people:detail", args=[person.username]))


@login_required
@require_POST
def unfollow(request, username: str):
    person = people_rules.get_visible_user_or_404(request.viewer, username)
    try:
        services.follow_delete(actor=request.user, user=person)
        messages.success(request, _("You no longer follow %(name)s.") % {"name": person})
    except ValidationError as error:
        messages.error(request, _message_for(error))
    return _back(request, reverse("people:detail", args=[person.username]))


def _visible_user_skill(request, username: str, pk: int) -> UserSkill:
    person = people_rules.get_visible_user_or_404(request.viewer, username)
    return get_object_or_404(UserSkill.objects.select_related("skill", "user"), pk=pk, user=person)


@login_required
@require_POST
def endorse(request, username: str, pk: int):
    user_skill = _visible_user_skill(request, username, pk)
    try:
        services.endorsement_create(actor=request.user, user_skill=user_skill)
        messages.success(
            request,
            _("You endorsed %(name)s for “%(skill)s”.")
            % {"name": user_skill.user, "skill": user_skill.skill},
        )
    except ValidationError as error:
        messages.error(request, _message_for(error))
    return redirect("people:detail", username=user_skill.user.username)


@login_required
@require_POST
def unendorse(request, username: str, pk: int):
    user_skill = _visible_user_skill(request, username, pk)
    try:
        services.endorsement_withdraw(actor=request.user, user_skill=user_skill)
        messages.success(request, _("Endorsement withdrawn."))
    except ValidationError as error:
        messages.error(request, _message_for(error))
    return redirect("people:detail", username=user_skill.user.username)


@login_required
@require_GET
def photo(request, username: str):
    """The stored (re-encoded) photo, for whoever may see the profile."""
    person = people_rules.get_visible_user_or_404(request.viewer, username)
    if not person.profile.photo:
        raise Http404
    content_type = "image/png" if person.profile.photo.name.endswith(".png") else "image/jpeg"
    response = FileResponse(person.profile.photo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


def _me_context(request, profile_form=None, skill_form=None) -> dict:
    user = request.user
    return {
        "profile_form": profile_form or ProfileForm(instance=user.profile),
        "skill_form": skill_form or SkillAddForm(),
        "skills": list(selectors.user_skills_ranked().filter(user=user)),
        "levels": UserSkill.Level.choices,
    }


@login_required
def me(request):
    """Edit my profile and my skills."""
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=request.user.profile)
        if form.is_valid():
            try:
                services.profile_update(
                    actor=request.user, profile=form.instance, changes=form.changes()
                )
            except CharterNotAccepted:
                return _to_charter(request)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("me")
        request.user.profile.refresh_from_db()
        return render(request, "profiles/me.html", _me_context(request, profile_form=form))
    return render(request, "profiles/me.html", _me_context(request))


@login_required
@require_POST
def me_skill_add(request):
    form = SkillAddForm(request.POST)
    if form.is_valid():
        try:
            user_skill = services.user_skill_add(
                actor=request.user,
                name=form.cleaned_data["name"],
                level=form.cleaned_data["level"],
            )
        except CharterNotAccepted:
            return _to_charter(request)
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(
                request, _("“%(skill)s” added to your skills.") % {"skill": user_skill.skill}
            )
            return redirect(reverse("me") + "#skills")
    return render(request, "profiles/me.html", _me_context(request, skill_form=form), status=400)


def _attach_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_POST
def me_skill_update(request, pk: int):
    user_skill = get_object_or_404(
        UserSkill.objects.select_related("skill"), pk=pk, user=request.user
    )
    form = SkillLevelForm(request.POST)
    if form.is_valid():
        services.user_skill_set_level(
            actor=request.user, user_skill=user_skill, level=form.cleaned_data["level"]
        )
        messages.success(request, _("Level of “%(skill)s” updated.") % {"skill": user_skill.skill})
    else:
        messages.error(request, _("Choose a level from the list."))
    return redirect(reverse("me") + "#skills")


@login_required
@require_POST
def me_skill_remove(request, pk: int):
    user_skill = get_object_or_404(
        UserSkill.objects.select_related("skill"), pk=pk, user=request.user
    )
    services.user_skill_remove(actor=request.user, user_skill=user_skill)
    messages.success(
        request, _("“%(skill)s” removed from your skills.") % {"skill": user_skill.skill}
    )
    return redirect(reverse("me") + "#skills")


@login_required
@require_GET
def skills_suggest(request):
    """Autocomplete of the shared skill vocabulary (JSON)."""
    _require_directory(request.user)
    names = selectors.skills_suggested(request.user, request.GET.get("q", "")[:60])
    return JsonResponse({"results": names})
