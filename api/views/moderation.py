"""Moderation: reporting for everyone who may contribute; the queue, a case and its
decision for the community moderators and site moderators who handle it (the
`moderate` scope) — moderation.selectors, forms and services, as the pages use them."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from access import moderation as moderation_rules
from access.posts import can_contribute, comments_readable_by, posts_readable_by
from charter.selectors import report_reasons
from moderation import selectors, services
from moderation.forms import DecisionForm, ReportForm
from moderation.models import Case

from .. import serializers as s
from ..models import Scope
from ..pagination import next_url, offset_page
from .base import ApiView, validated
from .posts import CURSOR


class ReasonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()


class ReportWriteSerializer(serializers.Serializer):
    reason = serializers.IntegerField(help_text="The id of a reason (GET /moderation/reasons/).")
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class ReportedSerializer(serializers.Serializer):
    case = serializers.IntegerField()


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Case.Status.choices)
    post = serializers.IntegerField(source="post_id")
    comment = serializers.IntegerField(source="comment_id", allow_null=True)
    community = s.CommunityBriefSerializer(allow_null=True)
    author = s.PersonBriefSerializer()
    excerpt = serializers.SerializerMethodField()
    opened_at = serializers.DateTimeField()
    reporters_count = serializers.IntegerField()
    severity = serializers.IntegerField()
    auto_hidden = serializers.BooleanField()
    decided_at = serializers.DateTimeField(allow_null=True)

    def get_excerpt(self, obj) -> str:
        return obj.item.body[:280]


class CaseReportSerializer(serializers.Serializer):
    reason = serializers.CharField(source="reason.number")
    note = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class CaseDetailSerializer(CaseSerializer):
    reports = CaseReportSerializer(many=True)


class DecisionWriteSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["keep", "hide", "edit", "move", "delete"])
    reason = serializers.IntegerField(required=False, allow_null=True)
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    body = serializers.CharField(required=False, allow_blank=True)
    destination = serializers.IntegerField(required=False, allow_null=True)
    sanction = serializers.CharField(required=False, allow_blank=True)
    days = serializers.IntegerField(required=False, allow_null=True)
    site_wide = serializers.BooleanField(required=False)


CasePage = s.paged(CaseSerializer, "CasePage")


def _form_errors(form) -> ValidationError:
    return ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})


class ReasonsView(ApiView):
    @extend_schema(
        summary="The charter sections one may report for", responses=ReasonSerializer(many=True)
    )
    def get(self, request):
        return Response(
            [{"id": r.pk, "number": r.number, "title": r.title} for r in report_reasons()]
        )


class ReportView(ApiView):
    """POST /posts/<id>/report/ and /comments/<id>/report/."""

    kind = "post"

    @extend_schema(
        summary="Report to the moderators, with a charter reason",
        request=ReportWriteSerializer,
        responses={201: ReportedSerializer},
    )
    def post(self, request, pk: int):
        if self.kind == "comment":
            comment = get_object_or_404(
                comments_readable_by(self.viewer).select_related("post", "post__community"), pk=pk
            )
            post, author_id = comment.post, comment.author_id
        else:
            comment = None
            post = get_object_or_404(
                posts_readable_by(self.viewer).select_related("community", "author"), pk=pk
            )
            author_id = post.author_id
        if author_id == self.user.pk or not can_contribute(self.viewer, post.community):
            raise Http404  # as the page: nothing to report here for this person
        form = ReportForm(validated(ReportWriteSerializer, request))
        if not form.is_valid():
            raise _form_errors(form)
        report = services.report_create(
            actor=self.user,
            post=post,
            comment=comment,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            request=request._request,
        )
        return Response({"case": report.case_id}, status=201)


class CommentReportView(ReportView):
    kind = "comment"


def _ensure_moderator(view: ApiView) -> None:
    if not moderation_rules.moderates_anything(view.viewer):
        raise Http404


def _case(view: ApiView, pk: int) -> Case:
    _ensure_moderator(view)
    return get_object_or_404(
        selectors.cases_handled_by(view.user).select_related(
            "post", "post__author", "comment", "comment__author", "community", "author"
        ),
        pk=pk,
    )


class QueueView(ApiView):
    required_scope = Scope.MODERATE

    @extend_schema(
        summary="My moderation queue, by priority",
        operation_id="moderation_cases_list",
        parameters=[
            CURSOR,
            OpenApiParameter("status", str, enum=Case.Status.values),
            OpenApiParameter("community", str, description="A community's slug"),
            OpenApiParameter("reason", str, description="A charter section's number"),
        ],
        responses=CasePage,
    )
    def get(self, request):
        _ensure_moderator(self)
        params = request.query_params
        status = params.get("status", "open") or "open"
        if status not in Case.Status.values:
            raise ValidationError({"status": [", ".join(Case.Status.values)]})
        cases = selectors.queue(
            self.user,
            community=params.get("community", "")[:80],
            reason=params.get("reason", "")[:10],
            status=status,
        )
        rows, cursor = offset_page(request, cases)
        return Response(
            {"results": CaseSerializer(rows, many=True).data, "next": next_url(request, cursor)}
        )


class CaseView(ApiView):
    required_scope = Scope.MODERATE

    @extend_schema(summary="A case, with its reports", responses=CaseDetailSerializer)
    def get(self, request, pk: int):
        case = _case(self, pk)
        reports = case.reports.select_related("reason").order_by("created_at", "id")
        data = dict(CaseSerializer(case).data)
        data["reports"] = CaseReportSerializer(reports, many=True).data
        return Response(data)


class DecisionView(ApiView):
    required_scope = Scope.MODERATE

    @extend_schema(
        summary="Decide a case: keep, hide, edit, move or delete, with an optional sanction",
        request=DecisionWriteSerializer,
        responses=CaseSerializer,
    )
    def post(self, request, pk: int):
        case = _case(self, pk)
        data = _shape(validated(DecisionWriteSerializer, request))
        form = DecisionForm(data, destinations=services.move_destinations(self.user, case))
        if not form.is_valid():
            raise _form_errors(form)
        services.case_decide(
            actor=self.user,
            case=case,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
            message=form.cleaned_data["message"],
            body=form.cleaned_data["body"],
            destination=form.cleaned_data["destination"],
            sanction=form.sanction_data(),
            request=request._request,
        )
        return Response(CaseSerializer(_case(self, pk)).data)


def _shape(data: dict) -> dict:
    """Checked values as the form reads them (None: absent; a boolean as the checkbox)."""
    shaped = {key: value for key, value in data.items() if value is not None}
    if shaped.pop("site_wide", False):
        shaped["site_wide"] = "on"
    return shaped
