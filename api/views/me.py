"""Me, my notifications and the charter: notifications.selectors and services,
charter.selectors and services, as the pages use them."""

from datetime import datetime

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from charter import services as charter_services
from charter import variants as charter_variants
from charter.selectors import current_version, has_accepted, published_versions
from notifications import selectors as notification_selectors
from notifications import services as notification_services
from posts.selectors import decode_cursor, encode_cursor

from .. import serializers as s
from ..authentication import scopes_of
from ..pagination import next_url, page_size
from .base import ApiView, validated
from .posts import CURSOR


class MeView(ApiView):
    charter_exempt = True

    @extend_schema(summary="Who I am, and where I stand", responses=s.MeSerializer)
    def get(self, request):
        user = self.user
        data = dict(s.PersonSerializer(user).data)
        data.update(
            email=user.email,
            charter_accepted=self.viewer.charter_accepted,
            charter_url=request.build_absolute_uri(reverse("charter:current")),
            unread_notifications=notification_selectors.unread_count(user),
            scopes=sorted(scopes_of(request.auth)),
        )
        return Response(data)


def _notification_cursor(raw: str | None) -> tuple[datetime, int] | None:
    """The inbox's keyset (created_at, id), carried in an opaque cursor."""
    if not raw:
        return None
    key = decode_cursor(raw)
    if key is None:
        raise ValidationError({"cursor": [_("This cursor is not valid: use the next one given.")]})
    return key


class NotificationsView(ApiView):
    @extend_schema(
        summary="My notifications, newest first", parameters=[CURSOR], responses=s.NotificationPage
    )
    def get(self, request):
        before = _notification_cursor(request.query_params.get("cursor"))
        rows, after = notification_selectors.inbox_page(
            self.user, before=before, size=page_size(request)
        )
        cursor = None
        if after is not None:
            cursor = encode_cursor(_Key(*after))  # type: ignore[arg-type]  # duck-typed row
        return Response(
            {
                "results": s.NotificationSerializer(rows, many=True).data,
                "next": next_url(request, cursor),
            }
        )


class _Key:
    """What `encode_cursor` reads of a row: its time and id."""

    def __init__(self, created_at: datetime, pk: int):
        self.created_at, self.pk = created_at, pk


class UnreadView(ApiView):
    @extend_schema(summary="How many unread notifications (up to 99)", responses=s.UnreadSerializer)
    def get(self, request):
        return Response({"unread": notification_selectors.unread_count(self.user)})


class NotificationReadView(ApiView):
    charter_exempt = True  # reading one's notifications is no contribution

    @extend_schema(summary="Mark one notification read", request=None, responses=s.MarkedSerializer)
    def post(self, request, pk: int):
        notification = (
            notification_selectors.notifications_visible_to(self.user).filter(pk=pk).first()
        )
        if notification is None:
            raise Http404
        marked = notification_services.notification_mark_read(
            actor=self.user, notification=notification
        )
        return Response({"marked": int(marked)})


class NotificationsReadAllView(ApiView):
    charter_exempt = True

    @extend_schema(
        summary="Mark read every notification up to the newest shown",
        operation_id="notifications_read_all",
        request=s.ReadAllSerializer,
        responses=s.MarkedSerializer,
    )
    def post(self, request):
        data = validated(s.ReadAllSerializer, request)
        marked = notification_services.notifications_mark_all_read(
            actor=self.user, up_to=data["up_to"]
        )
        return Response({"marked": marked})


def _charter_body(request, version, accepted: bool) -> dict:
    """The version as this person reads it: in the variant of their country or legal
    entity, if it has one."""
    variant = charter_variants.variant_for(version, request.user)
    return {
        "number": version.number,
        "title": version.title,
        "summary": version.summary,
        "published_at": version.published_at,
        "url": request.build_absolute_uri(reverse("charter:current")),
        "accepted": accepted,
        "sections": [
            {"number": x.number, "title": x.title, "body": x.body}
            for x in charter_variants.sections_for(version, variant)
        ],
        "variant": variant.name if variant else None,
    }


class CharterView(ApiView):
    charter_exempt = True

    @extend_schema(summary="The usage charter in force", responses=s.CharterSerializer)
    def get(self, request):
        version = current_version()
        if version is None:
            raise Http404
        accepted = has_accepted(self.user, version)
        return Response(_charter_body(request, version, accepted))


class CharterAcceptView(ApiView):
    charter_exempt = True

    @extend_schema(
        summary="Accept the charter in force (the number of the version read)",
        request=s.CharterAcceptSerializer,
        responses=s.CharterSerializer,
    )
    def post(self, request):
        data = validated(s.CharterAcceptSerializer, request)
        version = published_versions().filter(number=data["version"]).first()
        if version is None:
            raise ValidationError({"version": [_("There is no such published version.")]})
        charter_services.charter_accept(user=self.user, version=version, request=request._request)
        return Response(_charter_body(request, version, True))
