from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import hooks, services
from . import variants as charter_variants
from .forms import AcceptCharterForm
from .models import CharterVersion
from .permissions import may_see_all_variants
from .selectors import (
    acceptances_by_version_of,
    current_version,
    published_versions,
)
from .signoff import signoff_status


def current(request):
    """The charter in force, the history of versions, and the acceptance form."""
    version = current_version()
    if version is None:
        raise Http404(_("No usage charter has been published yet."))
    variant = charter_variants.variant_for(version, request.user)
    form = AcceptCharterForm(
        initial={
            "version": version.pk,
            "variant": variant.pk if variant else "",
            "next": request.GET.get("next", ""),
        }
    )
    return _render(request, version, form)


def version_detail(request, number: int):
    try:
        version = published_versions().get(number=number)
    except CharterVersion.DoesNotExist as exc:
        raise Http404 from exc
    return _render(request, version, form=None)


@login_required
@require_POST
def accept(request):
    form = AcceptCharterForm(request.POST)
    version = current_version()
    if version is None:
        raise Http404
    if form.is_valid():
        chosen = published_versions().filter(pk=form.cleaned_data["version"]).first()
        shown = {"shown_variant": form.cleaned_data["variant"]} if "variant" in request.POST else {}
        try:
            services.charter_accept(user=request.user, version=chosen, request=request, **shown)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("charter:current")
        messages.success(request, _("Thank you: you have accepted the usage charter."))
        target = form.cleaned_data["next"]
        if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
            return redirect(target)
        return redirect("posts:home")
    return _render(request, version, form, status=400)


def _render(request, version, form, status=200):
    signed_in = request.user.is_authenticated
    accepted = acceptances_by_version_of(request.user) if signed_in else {}
    versions = list(published_versions().order_by("-number"))
    for v in versions:
        v.my_acceptance = accepted.get(v.pk)
    is_current = bool(versions) and versions[0].pk == version.pk
    # A person reads their own variant: for the version in force the one that applies to
    # them now, for an earlier one the one they accepted. The charter's administrators
    # see every variant (?variant=<id>); the id of another's variant is ignored.
    all_variants = list(version.variants.all())
    mine = charter_variants.choose(all_variants, request.user)
    latest = accepted.get(version.pk)
    if not is_current and latest is not None:
        mine = latest.variant
    variants = all_variants if all_variants and may_see_all_variants(request.user) else []
    shown = mine
    asked = request.GET.get("variant", "")
    if variants and asked:  # "0": the common text
        shown = next((v for v in variants if str(v.pk) == asked), None)
    my_acceptance = (
        latest if latest is not None and latest.variant_id == (mine.pk if mine else None) else None
    )
    sections = charter_variants.sections_for(version, shown)
    context = {
        "version": version,
        "sections": sections,
        "local_sections": [section for section in sections if section.local],
        "variant": shown,
        "my_variant": mine,
        "variants": variants,
        "has_variants": bool(all_variants),
        "versions": versions,
        "is_current": is_current,
        "my_acceptance": my_acceptance,
        "form": form if shown == mine else None,
        # The record of how this version was written: consultation, sign-off.
        "record_links": hooks.record_links(version),
        "signoffs": [row for row in signoff_status(version) if row.approved]
        if version.signoffs.exists()
        else [],
    }
    return render(request, "charter/charter.html", context, status=status)
