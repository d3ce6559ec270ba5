"""People: the directory, a profile, follows and endorsements — through
access.people, search.directory and profiles.services, as the pages do."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from access import communities as community_rules
from access import people as people_rules
from profiles import selectors as profile_selectors
from profiles import services
from profiles.models import Endorsement, UserSkill
from search.directory import DirectoryQuery, directory_search

from .. import serializers as s
from ..pagination import next_url, offset_page
from .base import ApiView
from .posts import CURSOR


class PeopleView(ApiView):
    @extend_schema(
        summary="The directory (employees): search by name, skill, department, site",
        operation_id="people_list",
        parameters=[
            CURSOR,
            OpenApiParameter("q", str, description="First or last name, or user name."),
            OpenApiParameter("skill", str),
            OpenApiParameter("department", str),
            OpenApiParameter("site", str),
            OpenApiParameter("language", str),
        ],
        responses=s.PersonPage,
    )
    def get(self, request):
        if not people_rules.can_use_directory(self.viewer):
            raise Http404  # externals: the company directory does not exist for them
        params = request.query_params
        query = DirectoryQuery(
            **{
                field: params.get(key, "")[:150]
                for field, key in (
                    ("name", "q"),
                    ("skill", "skill"),
                    ("department", "department"),
                    ("site", "site"),
                    ("language", "language"),
                )
            }
        )
        rows, cursor = offset_page(request, directory_search(self.viewer, query))
        return Response(
            {"results": s.PersonSerializer(rows, many=True).data, "next": next_url(request, cursor)}
        )


class PersonView(ApiView):
    @extend_schema(summary="A person's profile", responses=s.ProfileSerializer)
    def get(self, request, username: str):
        person = people_rules.get_visible_user_or_404(self.viewer, username)
        skills = list(profile_selectors.user_skills_ranked().filter(user=person))
        endorsed = set(
            Endorsement.objects.filter(endorser=self.user, user_skill__in=skills).values_list(
                "user_skill_id", flat=True
            )
        )
        person.skills = skills  # type: ignore[attr-defined]
        person.followed_by_me = bool(profile_selectors.followed_ids(self.user, [person]))  # type: ignore[attr-defined]
        person.member_of = list(  # type: ignore[attr-defined]
            community_rules.communities_of_member(self.viewer, person)
        )
        return Response(s.ProfileSerializer(person, context={"endorsed": endorsed}).data)


class FollowPersonView(ApiView):
    @extend_schema(summary="Follow a person", request=None, responses=s.FollowSerializer)
    def put(self, request, username: str):
        person = people_rules.get_visible_user_or_404(self.viewer, username)
        services.follow_create(actor=self.user, user=person)
        return Response({"following": True})

    @extend_schema(
        summary="Stop following a person", request=None, responses={200: s.FollowSerializer}
    )
    def delete(self, request, username: str):
        person = people_rules.get_visible_user_or_404(self.viewer, username)
        services.follow_delete(actor=self.user, user=person)
        return Response({"following": False})


def _visible_user_skill(view: ApiView, username: str, pk: int) -> UserSkill:
    person = people_rules.get_visible_user_or_404(view.viewer, username)
    return get_object_or_404(UserSkill.objects.select_related("skill", "user"), pk=pk, user=person)


class EndorseView(ApiView):
    @extend_schema(summary="Endorse a colleague's skill", request=None, responses={204: None})
    def put(self, request, username: str, pk: int):
        user_skill = _visible_user_skill(self, username, pk)
        services.endorsement_create(actor=self.user, user_skill=user_skill)
        return Response(status=204)

    @extend_schema(summary="Withdraw my endorsement", request=None, responses={204: None})
    def delete(self, request, username: str, pk: int):
        user_skill = _visible_user_skill(self, username, pk)
        services.endorsement_withdraw(actor=self.user, user_skill=user_skill)
        return Response(status=204)
