"""Moderation pages: reporting, the queue, a case, the author's side, appeals and
measures. Thin: each calls a selector or a service; what may not be seen is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import moderation as moderation_rules
from access.posts import can_contribute, comments_readable_by, posts_readable_by
from charter.selectors import report_reasons
from communities.models import Community
from posts.models import Comment, Post

from . import appeals, selectors, services
from .context_processors import SESSION_KEY
from .forms import AppealDecisionForm, AppealForm, DecisionForm, ReportForm, SanctionForm
from .models import Appeal, Case, Report, Sanction

QUEUE_PAGE_SIZE = 50


def _errors(error: ValidationError | PermissionDenied) -> list[str]:
    return list(getattr(error, "messages", None) or [str(error) or _("This is not allowed.")])


# Reporting --------------------------------------------------------------------------


def _reportable(request, kind: str, pk: int) -> tuple[Post, Comment | None]:
    """The item to report, or 404 for whoever may not read it or contribute there."""
    if kind not in {"post", "comment"}:
        raise Http404
    if kind == "comment":
        comment = get_object_or_404(
            comments_readable_by(request.viewer).select_related("post", "post__community"), pk=pk
        )
        post = comment.post
        author_id = comment.author_id
    else:
        post = get_object_or_404(
            posts_readable_by(request.viewer).select_related("community", "author"), pk=pk
        )
        comment, author_id = None, post.author_id
    if author_id == request.user.pk or not can_contribute(request.viewer, post.community):
        raise Http404
    return post, comment


@login_required
@require_http_methods(["GET", "POST"])
def report(request, kind: str, pk: int):
    post, comment = _reportable(request, kind, pk)
    already = Report.objects.filter(reporter=request.user, post=post, comment=comment).exists()
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                actor=request.user,
                post=post,
                comment=comment,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except (ValidationError, PermissionDenied) as error:
            for text in _errors(error):
                form.add_error(None, text)
        else:
            messages.success(
                request,
                _("Thank you: your report is sent to the moderators. You will learn the outcome."),
            )
            if posts_readable_by(request.viewer).filter(pk=post.pk).exists():
                return redirect(post)
            return redirect("posts:home")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "moderation/report.html",
        {"post": post, "comment": comment, "form": form, "already": already},
        status=status,
    )


# The queue and a case ---------------------------------------------------------------


def _ensure_moderator(request) -> None:
    if not moderation_rules.moderates_anything(request.viewer):
        raise Http404
    if request.session.get(SESSION_KEY) is not True:
        request.session[SESSION_KEY] = True  # the navigation shows the counter from now on


@login_required
@require_GET
def queue(request):
    _ensure_moderator(request)
    filters = {
        "community": request.GET.get("community", ""),
        "reason": request.GET.get("reason", ""),
        "status": request.GET.get("status", "open") or "open",
    }
    page = Paginator(selectors.queue(request.user, **filters), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    if moderation_rules.is_site_moderator(request.viewer):
        # Communities that have cases: the others would only filter to an empty list
        # (and listing every community of a large company weighed on each view).
        communities = (
            Community.objects.filter(Exists(Case.objects.filter(community=OuterRef("pk"))))
            .only("slug", "name")
            .order_by("name")
        )
    else:
        communities = selectors.communities_moderated_by(request.user).order_by("name")
    return render(
        request,
        "moderation/queue.html",
        {
            "page": page,
            "cases": page.object_list,
            "params": params.urlencode(),
            "filters": filters,
            "communities": communities,
            "reasons": report_reasons(),
            "statuses": Case.Status.choices,
            "is_site_moderator": moderation_rules.is_site_moderator(request.viewer),
        },
    )


def _case_for(request, pk: int) -> Case:
    return get_object_or_404(
        selectors.cases_handled_by(request.user).select_related(
            "post",
            "post__author",
            "post__community",
            "comment",
            "comment__author",
            "community",
            "author",
            "claimed_by",
        ),
        pk=pk,
    )


def _case_page(request, case: Case, *, form=None, sanction_form=None, status=200):
    destinations = services.move_destinations(request.user, case)
    thread = (
        Comment.objects.filter(post=case.post).select_related("author").order_by("created_at", "id")
    )
    return render(
        request,
        "moderation/case.html",
        {
            "case": case,
            "reports": case.reports.select_related("reporter", "reason"),
            "events": case.events.select_related("actor"),
            "thread": thread,
            "decision": getattr(case, "decision", None) if not case.is_open else None,
            "sanctions": selectors.recent_sanctions_of(case.author),
            "suggestion": selectors.suggested_escalation(case.author),
            "claim_live": selectors.claim_is_live(case),
            "form": form or DecisionForm(destinations=destinations),
            "sanction_form": sanction_form or SanctionForm(prefix="alone"),
            "can_ban": moderation_rules.can_ban(request.viewer, case.community),
            "can_mute_site_wide": moderation_rules.can_mute_site_wide(request.viewer),
            "is_site_moderator": moderation_rules.is_site_moderator(request.viewer),
        },
        status=status,
    )


@login_required
@require_GET
def case_detail(request, pk: int):
    return _case_page(request, _case_for(request, pk))


@login_required
@require_POST
def case_claim(request, pk: int):
    case = _case_for(request, pk)
    release = request.POST.get("action") == "release"
    try:
        if release:
            services.case_release(actor=request.user, case=case)
            messages.success(request, _("You released the case."))
        else:
            services.case_claim(actor=request.user, case=case)
            messages.success(request, _("The case is yours for now."))
    except (ValidationError, PermissionDenied) as error:
        for text in _errors(error):
            messages.error(request, text)
    return redirect("moderation:case", pk=case.pk)


@login_required
@require_POST
def case_decide(request, pk: int):
    case = _case_for(request, pk)
    form = DecisionForm(request.POST, destinations=services.move_destinations(request.user, case))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.case_decide(
                actor=request.user,
                case=case,
                outcome=data["outcome"],
                reason=data["reason"],
                message=data["message"],
                body=data["body"],
                destination=data["destination"],
                sanction=form.sanction_data(),
                request=request,
            )
        except (ValidationError, PermissionDenied) as error:
            for text in _errors(error):
                form.add_error(None, text)
        else:
            messages.success(
                request, _("Decision recorded; the author and the reporters are told.")
            )
            return redirect("moderation:queue")
    case.refresh_from_db()
    return _case_page(request, case, form=form, status=400)


@login_required
@require_POST
def case_sanction(request, pk: int):
    case = _case_for(request, pk)
    form = SanctionForm(request.POST, prefix="alone")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.sanction_create(
                actor=request.user,
                user=case.author,
                community=case.community,
                kind=data["sanction"],
                reason=data["reason"],
                days=data["days"],
                site_wide=data["site_wide"],
                message=data["message"],
                case=case,
                request=request,
            )
        except (ValidationError, PermissionDenied) as error:
            for text in _errors(error):
                form.add_error(None, text)
        else:
            messages.success(request, _("Sanction recorded; the person is told."))
            return redirect("moderation:case", pk=case.pk)
    return _case_page(request, case, sanction_form=form, status=400)


# The author's side ------------------------------------------------------------------


@login_required
@require_GET
def mine(request):
    cases = list(selectors.history_of_author(request.user))
    sanctions = list(selectors.sanctions_of(request.user).exclude(kind=Sanction.Kind.SUSPENSION))
    for case in cases:
        case.appealable = appeals.can_appeal_case(request.viewer, case)
    for sanction in sanctions:
        sanction.appealable = appeals.can_appeal_sanction(request.viewer, sanction)
    return render(
        request,
        "moderation/mine.html",
        {
            "cases": cases,
            "sanctions": sanctions,
            "reports": selectors.reports_by(request.user),
            "form": AppealForm(),
        },
    )


@login_required
@require_POST
def appeal(request, kind: str, pk: int):
    if kind not in {"case", "sanction"}:
        raise Http404
    case = sanction = None
    if kind == "case":
        case = get_object_or_404(Case, pk=pk, author=request.user)
    else:
        sanction = get_object_or_404(Sanction, pk=pk, user=request.user)
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            appeals.appeal_file(
                actor=request.user,
                message=form.cleaned_data["message"],
                request=request,
                case=case,
                sanction=sanction,
            )
        except (ValidationError, PermissionDenied) as error:
            for text in _errors(error):
                messages.error(request, text)
        else:
            messages.success(request, _("Your appeal is sent to the site moderators."))
    else:
        messages.error(request, _("Explain why you contest this decision."))
    return redirect("moderation:mine")


# Site moderators --------------------------------------------------------------------


def _ensure_site_moderator(request) -> None:
    if not moderation_rules.is_site_moderator(request.viewer):
        raise Http404


@login_required
@require_GET
def appeal_list(request):
    _ensure_site_moderator(request)
    return render(
        request,
        "moderation/appeals.html",
        {"appeals": selectors.pending_appeals(), "form": AppealDecisionForm()},
    )


@login_required
@require_POST
def appeal_decide(request, pk: int):
    _ensure_site_moderator(request)
    appeal_ = get_object_or_404(Appeal, pk=pk)
    form = AppealDecisionForm(request.POST)
    if form.is_valid():
        try:
            appeals.appeal_decide(
                actor=request.user,
                appeal=appeal_,
                reverse=form.cleaned_data["verdict"] == "reverse",
                response=form.cleaned_data["response"],
                request=request,
            )
        except (ValidationError, PermissionDenied) as error:
            for text in _errors(error):
                messages.error(request, text)
        else:
            messages.success(request, _("The appeal is decided; the author is told."))
    else:
        messages.error(request, _("Choose whether to confirm or reverse."))
    return redirect("moderation:appeals")


@login_required
@require_GET
def measures(request):
    _ensure_site_moderator(request)
    return render(request, "moderation/measures.html", {"measures": selectors.measures()})
