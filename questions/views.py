"""Question pages: ask, the lists (all, a community's tab, a tag's tab), the questions
offered to me, accepting an answer. Reads go through `questions.selectors` (which start
from `access.questions`), writes through `questions.services`."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import posts as post_rules
from access import questions as question_rules
from access.communities import get_community_or_404
from communities import views as community_views
from posts.models import Comment

from . import selectors, services
from .forms import QuestionForm
from .models import Question


def _message(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error) or _("You may not do this.")


def _state(request) -> str:
    state = request.GET.get("state", "all")
    return state if state in selectors.STATES else "all"


def _page(request, posts):
    return Paginator(posts, settings.RSE_QUESTIONS_PAGE_SIZE).get_page(request.GET.get("page"))


def _list_context(request, posts, state: str) -> dict:
    return {
        "page": _page(request, posts),
        "state": state,
        "states": [
            ("all", _("All")),
            ("unanswered", _("Unanswered")),
            ("resolved", _("Resolved")),
        ],
        "params": f"state={state}" if state != "all" else "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def ask(request):
    slug = request.POST.get("community") or request.GET.get("community") or ""
    community = get_community_or_404(request.viewer, slug) if slug else None
    if not question_rules.can_ask(request.viewer, community):
        messages.error(request, _("You may not ask a question here."))
        return redirect("communities:detail", slug=community.slug) if community else redirect("/")
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_ask(
                actor=request.user,
                community=community,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=form.cleaned_data["tags"],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, _("Your question is published."))
            return redirect(question.post)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "questions/ask.html", {"form": form, "community": community}, status=status
    )


@login_required
@require_GET
def index(request):
    state = _state(request)
    context = _list_context(request, selectors.questions_for(request.viewer, state), state)
    context["may_ask"] = question_rules.can_ask(request.viewer, None)
    return render(request, "questions/index.html", context)


@login_required
@require_GET
def community_questions(request, slug: str):
    """The "Questions" tab of a community (only for those who may read it)."""
    community = get_community_or_404(request.viewer, slug)
    context = community_views.page_context(request, community)
    if not context["may_read"]:
        messages.error(request, _("Only members can read the questions of this community."))
        return redirect("communities:detail", slug=slug)
    state = _state(request)
    context.update(
        _list_context(
            request, selectors.questions_of_community(request.viewer, community, state), state
        )
    )
    context["may_ask"] = question_rules.can_ask(request.viewer, community)
    return render(request, "questions/community.html", context)


@login_required
@require_GET
def tag_questions(request, slug: str):
    tag = post_rules.get_tag_or_404(request.viewer, slug)
    state = _state(request)
    context = _list_context(request, selectors.questions_of_tag(request.viewer, tag, state), state)
    context["tag"] = tag
    return render(request, "questions/tag.html", context)


@login_required
@require_GET
def for_me(request):
    """Questions I can answer: those the routing offered me, and my choice to be offered."""
    page = Paginator(selectors.offers_to(request.viewer), settings.RSE_QUESTIONS_PAGE_SIZE)
    return render(
        request,
        "questions/for_me.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "params": "",
            "willing": selectors.is_willing(request.user),
            "may_be_willing": request.viewer.is_employee,
        },
    )


@login_required
@require_POST
def willingness(request):
    try:
        row = services.answer_willingness_set(
            actor=request.user, willing=request.POST.get("willing") == "1"
        )
    except PermissionDenied as error:
        messages.error(request, _message(error))
    else:
        if row.willing:
            messages.success(request, _("You will be offered questions on your skills."))
        else:
            messages.success(request, _("You will no longer be offered questions."))
    return redirect("questions:for_me")


@login_required
@require_POST
def accept(request, pk: int):
    post = post_rules.get_post_or_404(request.viewer, pk)
    question = Question.objects.filter(post=post).select_related("post").first()
    if question is None:
        raise Http404
    chosen = request.POST.get("comment", "")
    comment = (
        Comment.objects.filter(pk=int(chosen)).first()
        if chosen.isdigit() and len(chosen) < 12
        else None
    )
    try:
        if comment is None:  # the same message as for another post's comment: no oracle
            raise ValidationError(
                _("This answer belongs to another post: it cannot be accepted here.")
            )
        services.answer_accept(
            actor=request.user, question=question, comment=comment, request=request
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("The answer is accepted: the question is resolved."))
    return redirect(post)
