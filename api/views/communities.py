"""Communities: the directory, a community, its members, joining and leaving, and the
managers' requests and invitations — through communities.selectors, the rules of
access.communities and the membership services, as the pages do."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from access import communities as community_rules
from communities import invitations, memberships, selectors
from communities.forms import InviteForm
from communities.models import Community, Membership

from .. import serializers as s
from ..pagination import next_url, offset_page
from .base import ApiView, validated
from .posts import CURSOR


def standing_of(viewer, community: Community) -> dict:
    standing = community_rules.Standing(viewer, community)
    standing.discoverable = True  # found through communities_discoverable_by
    membership = standing.membership
    return {
        "membership": membership.status if membership else None,
        "role": membership.role if membership else None,
        "may_read": community_rules.can_read(viewer, community, standing),
        "may_post": community_rules.can_post(viewer, community, standing),
        "may_join": community_rules.can_join(viewer, community, standing),
        "may_request": community_rules.can_request(viewer, community, standing),
        "may_manage": community_rules.can_manage(viewer, community),
    }


def community_body(viewer, community: Community) -> dict:
    data = dict(s.CommunitySerializer(community).data)
    data["managers"] = s.PersonBriefSerializer(
        [m.user for m in selectors.managers_of(community)], many=True
    ).data
    data["me"] = standing_of(viewer, community)
    return data


class CommunityListView(ApiView):
    @extend_schema(
        summary="Communities I may discover",
        operation_id="communities_list",
        parameters=[
            CURSOR,
            OpenApiParameter("q", str, description="Words of the name or description."),
            OpenApiParameter("purpose", str, enum=Community.Purpose.values),
            OpenApiParameter("access", str, enum=Community.Access.values),
            OpenApiParameter("mine", bool, description="Only those I am a member of."),
        ],
        responses=s.CommunityPage,
    )
    def get(self, request):
        params = request.query_params
        errors = {}
        purpose, access = params.get("purpose", ""), params.get("access", "")
        if purpose and purpose not in Community.Purpose.values:
            errors["purpose"] = [_("One of: %(v)s.") % {"v": ", ".join(Community.Purpose.values)}]
        if access and access not in Community.Access.values:
            errors["access"] = [_("One of: %(v)s.") % {"v": ", ".join(Community.Access.values)}]
        mine = params.get("mine", "false").lower()
        if mine not in ("true", "false", "1", "0"):
            errors["mine"] = [_("true or false.")]
        if errors:
            raise ValidationError(errors)
        communities = selectors.communities_directory(
            self.user,
            text=params.get("q", "")[:200],
            purpose=purpose,
            access=access,
            mine=mine in ("true", "1"),
        )
        rows, cursor = offset_page(request, communities)
        return Response(
            {
                "results": s.CommunitySerializer(rows, many=True).data,
                "next": next_url(request, cursor),
            }
        )


class CommunityDetailView(ApiView):
    @extend_schema(summary="A community, and where I stand", responses=s.CommunityDetailSerializer)
    def get(self, request, slug: str):
        community = community_rules.get_community_or_404(self.viewer, slug)
        return Response(community_body(self.viewer, community))


class MembersView(ApiView):
    @extend_schema(summary="Its members", parameters=[CURSOR], responses=s.MemberPage)
    def get(self, request, slug: str):
        community = community_rules.get_community_or_404(self.viewer, slug)
        if not community_rules.can_read(self.viewer, community):
            raise PermissionDenied(_("Only members can see who belongs to this community."))
        rows, cursor = offset_page(request, community_rules.members_of(self.viewer, community))
        return Response(
            {"results": s.MemberSerializer(rows, many=True).data, "next": next_url(request, cursor)}
        )


class JoinView(ApiView):
    @extend_schema(
        summary="Join: subscribe (free), ask (open) or accept an invitation (closed)",
        request=s.JoinSerializer,
        responses=s.CommunityDetailSerializer,
    )
    def post(self, request, slug: str):
        community = community_rules.get_community_or_404(self.viewer, slug)
        data = validated(s.JoinSerializer, request)
        mine = community_rules.membership_of(self.viewer, community)
        http = request._request
        if mine is not None and mine.status == Membership.Status.INVITED:
            invitations.invitation_accept(actor=self.user, community=community, request=http)
        elif community.access == Community.Access.FREE:
            memberships.membership_join(actor=self.user, community=community, request=http)
        elif community.access == Community.Access.OPEN:
            memberships.membership_request(
                actor=self.user, community=community, message=data.get("message", ""), request=http
            )
        else:
            raise PermissionDenied(_("This community is closed: its managers invite people."))
        self.viewer.forget()  # the viewer's standing changed
        community = community_rules.get_community_or_404(self.viewer, slug)
        return Response(community_body(self.viewer, community))


class LeaveView(ApiView):
    @extend_schema(
        summary="Leave, cancel my request or decline an invitation",
        request=None,
        responses={204: None},
    )
    def post(self, request, slug: str):
        community = community_rules.get_community_or_404(self.viewer, slug)
        mine = community_rules.membership_of(self.viewer, community)
        http = request._request
        status = mine.status if mine else None
        if status == Membership.Status.INVITED:
            invitations.invitation_decline(actor=self.user, community=community, request=http)
        elif status == Membership.Status.REQUESTED:
            memberships.membership_request_cancel(
                actor=self.user, community=community, request=http
            )
        else:
            memberships.membership_leave(actor=self.user, community=community, request=http)
        return Response(status=204)


def _managed(view: ApiView, slug: str) -> Community:
    community = community_rules.get_community_or_404(view.viewer, slug)
    if not community_rules.can_manage(view.viewer, community):
        raise PermissionDenied(_("Only its managers may do this."))
    return community


class PendingView(ApiView):
    @extend_schema(
        summary="Requests, invitations and bans (managers)",
        responses=s.PendingSerializer(many=True),
    )
    def get(self, request, slug: str):
        community = _managed(self, slug)
        return Response(s.PendingSerializer(selectors.pending_of(community), many=True).data)


class DecideView(ApiView):
    @extend_schema(
        summary="Approve or reject a request to join (managers)",
        request=s.DecideSerializer,
        responses=s.PendingSerializer,
    )
    def post(self, request, slug: str, pk: int):
        community = _managed(self, slug)
        data = validated(s.DecideSerializer, request)
        membership = get_object_or_404(
            Membership.objects.select_related("user", "community"), pk=pk, community=community
        )
        if data["decision"] == "approve":
            membership = memberships.membership_approve(
                actor=self.user, membership=membership, request=request._request
            )
        else:
            membership = memberships.membership_reject(
                actor=self.user,
                membership=membership,
                reason=data.get("reason", ""),
                request=request._request,
            )
        return Response(s.PendingSerializer(membership).data)


class InviteView(ApiView):
    @extend_schema(
        summary="Invite a person by e-mail address (managers)",
        request=s.InviteSerializer,
        responses={201: s.PendingSerializer},
    )
    def post(self, request, slug: str):
        community = _managed(self, slug)
        form = InviteForm(validated(s.InviteSerializer, request))
        if not form.is_valid():
            raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        membership = invitations.membership_invite(
            actor=self.user,
            community=community,
            user=form.cleaned_data["user"],
            message=form.cleaned_data["message"],
            request=request._request,
        )
        return Response(s.PendingSerializer(membership).data, status=201)
