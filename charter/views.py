from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import hooks, services
from .forms import AcceptCharterForm
from .models import CharterVersion
from .selectors import acceptances_by_version_of, current_version, published_versions
from .signoff import signoff_status


def current(request):
    """The charter in force, the history of versions, and the acceptance form."""
    version = current_version()
    if version is None:
        raise Http404(_("No usage charter has been published yet."))
    form = AcceptCharterForm(initial={"version": version.pk, "next": request.GET.get("next", "")})
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
        try:
            services.charter_accept(user=request.user, version=chosen, request=request)
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
    accepted = acceptances_by_version_of(request.user) if request.user.is_authenticated else {}
    versions = list(published_versions().order_by("-number"))
    for v in versions:
        v.my_acceptance = accepted.get(v.pk)
    context = {
        "version": version,
        "sections": version.sections.all(),
        "versions": versions,
        "is_current": versions and versions[0].pk == version.pk,
        "my_acceptance": accepted.get(version.pk),
        "form": form,
        # The record of how this version was written: consultation, sign-off.
        "record_links": hooks.record_links(version),
        "signoffs": [row for row in signoff_status(version) if row.approved]
        if version.signoffs.exists()
        else [],
    }
    return render(request, "charter/charter.html", context, status=status)
