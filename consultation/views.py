"""Pages of the consultation on charter drafts, under /charter/drafts/ and
/charter/consultations/. Thin: read through selectors, write through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access import consultation as rules
from charter import signoff
from charter.selectors import common_sections, current_version
from charter.services import charter_version_publish

from . import diff, selectors, services
from .forms import CommentForm, OpenConsultationForm, PublishForm, StanceForm


@login_required
def drafts(request):
    versions = (
        rules.drafts_readable_by(request.viewer).select_related("consultation").order_by("-number")
    )
    return render(request, "consultation/drafts.html", {"drafts": versions})


@login_required
def draft(request, number: int):
    version, consultation = selectors.get_draft_or_404(request.viewer, number)
    return _render_draft(request, version, consultation)


def _render_draft(request, version, consultation, *, failed=None, open_form=None, status=200):
    """The draft beside the version in force, section by section. `failed` is the
    (section, parent, form) of a refused comment, shown again where it was typed."""
    viewer = request.viewer
    now = timezone.now()
    current = current_version()
    language = translation.get_language() or "en"
    sections = diff.section_diffs(
        common_sections(current) if current is not None else [],
        common_sections(version),
        language,
    )
    threads = selectors.threads_by_section(consultation)
    stances = selectors.stances_by_section(consultation, request.user)
    for section in sections:
        section.threads = threads.get(section.number, [])
        section.stances = stances.get(section.number, {"support": 0, "object": 0, "mine": ""})
        section.failed = failed if failed and failed[0] == section.number else None
    is_author = rules.is_charter_author(viewer)
    may_comment = rules.may_comment(viewer, consultation, now)
    context = {
        # A refused comment whose form is no longer shown (the period is over).
        "refused": failed[2] if failed and not may_comment else None,
        "version": version,
        "current": current,
        "consultation": consultation,
        "sections": sections,
        "changed_count": sum(1 for s in sections if s.status != "unchanged"),
        "may_comment": may_comment,
        "is_open": consultation is not None and consultation.is_open(now),
        "is_author": is_author,
        "is_approver": rules.is_charter_approver(viewer),
        "signoffs": signoff.signoff_status(version),
        # The draft's variants and their own sections: read by the same people.
        "variants": version.variants.prefetch_related("sections"),
        "open_form": open_form or (OpenConsultationForm() if is_author else None),
        "publish_form": PublishForm() if is_author else None,
        "stance_choices": StanceForm.base_fields["stance"].choices,  # type: ignore[attr-defined]
    }
    return render(request, "consultation/draft.html", context, status=status)


def _back(version, anchor: str = ""):
    response = redirect("consultation:draft", number=version.number)
    if anchor:
        response["Location"] += "#" + anchor
    return response


@login_required
@require_POST
def comment(request, number: int):
    version, consultation = selectors.get_draft_or_404(request.viewer, number)
    if consultation is None:
        raise Http404
    form = CommentForm(request.POST)
    section = request.POST.get("section", "")
    parent = request.POST.get("parent", "")
    parent = int(parent) if parent.isdigit() else None
    if form.is_valid():
        try:
            created = services.comment_add(
                actor=request.viewer,
                consultation=consultation,
                section_number=form.cleaned_data["section"],
                body=form.cleaned_data["body"],
                parent_id=form.cleaned_data["parent"],
            )
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(request, _("Your comment is saved."))
            return _back(version, f"comment-{created.parent_id or created.pk}")
    return _render_draft(request, version, consultation, failed=(section, parent, form), status=400)


@login_required
@require_POST
def stance(request, number: int):
    version, consultation = selectors.get_draft_or_404(request.viewer, number)
    if consultation is None:
        raise Http404
    form = StanceForm(request.POST)
    section = request.POST.get("section", "")
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose to support or to object."))
        services.stance_set(
            actor=request.viewer,
            consultation=consultation,
            section_number=form.cleaned_data["section"],
            stance=form.cleaned_data["stance"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your stance on §%(number)s is saved.") % {"number": section})
    return _back(version, "s" + section.replace(".", "-"))


@login_required
@require_POST
def open_consultation(request, number: int):
    version, consultation = selectors.get_draft_or_404(request.viewer, number)
    if not rules.is_charter_author(request.viewer):
        raise PermissionDenied
    form = OpenConsultationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.consultation_open(
                actor=request.viewer,
                version=version,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                all_employees=data["all_employees"],
                groups=data["groups"],
                request=request,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The consultation is open."))
            return _back(version)
    return _render_draft(request, version, consultation, open_form=form, status=400)


@login_required
@require_POST
def close(request, number: int):
    version, consultation = selectors.get_draft_or_404(request.viewer, number)
    if consultation is None:
        raise Http404
    try:
        services.consultation_close(
            actor=request.viewer, consultation=consultation, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The consultation is closed; its summary is ready."))
    return _back(version)


@login_required
@require_POST
def approve(request, number: int):
    version, _consultation = selectors.get_draft_or_404(request.viewer, number)
    try:
        signoff.charter_signoff_record(version=version, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your approval of this text is recorded."))
    return _back(version, "signoff")


@login_required
@require_POST
def publish(request, number: int):
    version, _consultation = selectors.get_draft_or_404(request.viewer, number)
    if not rules.is_charter_author(request.viewer):
        raise PermissionDenied
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the change is major or minor."))
        return _back(version, "publish")
    try:
        charter_version_publish(
            version=version,
            actor=request.user,
            requires_reacceptance=form.cleaned_data["change"] == "major",
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(version, "publish")
    messages.success(request, _("Version %(number)s is published.") % {"number": version.number})
    return redirect("charter:current")


@login_required
def record(request, number: int):
    consultation = selectors.get_record_or_404(request.viewer, number)
    version = consultation.version
    show_comments = rules.may_read_comments(request.viewer, consultation)
    threads = selectors.threads_by_section(consultation) if show_comments else {}
    sections = [
        {"number": n, **counts, "threads": threads.get(n, [])}
        for n, counts in (consultation.summary.get("sections") or {}).items()
    ]
    titles = {s.number: s.title for s in common_sections(version)}
    context = {
        "consultation": consultation,
        "version": version,
        "summary": consultation.summary,
        "sections": sections,
        "titles": titles,
        "changed": sorted((consultation.summary.get("changed") or {}).items()),
        "signoffs": signoff.signoff_status(version),
        "groups": consultation.groups.all(),
        "show_comments": show_comments,
    }
    return render(request, "consultation/record.html", context)
