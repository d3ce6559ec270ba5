"""The SCIM 2.0 endpoints (RFC 7644) at /scim/v2/: thin views over directory.services.

Each call is authenticated by a provisioning client's bearer token, rate-limited per
client, and runs in one transaction: an error leaves nothing half-written."""

import functools
import json
from typing import Any, Union

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError as PydanticValidationError
from scim2_models import (
    Context,
    Error,
    Group,
    ListResponse,
    PatchOp,
    ResourceType,
    ResponseParameters,
    Schema,
    SCIMException,
    ScimFilter,
)
from scim2_models.path.expressions import Comparison, LogicalExpr

from profiles.models import User as Person

from .. import services
from ..models import DirectoryGroup, ProvisioningClient, Source
from . import filters, resources

CONTENT_TYPE = "application/scim+json"


def _json(payload: dict, status: int = 200, headers: dict | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(payload), status=status, content_type=CONTENT_TYPE)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def scim_error(status: int, detail: str, scim_type: str | None = None) -> HttpResponse:
    error = Error(status=status, detail=detail, scim_type=scim_type)
    headers = {"WWW-Authenticate": 'Bearer realm="scim"'} if status == 401 else None
    return _json(error.model_dump(), status=status, headers=headers)


class ScimRequestError(Exception):
    def __init__(self, response: HttpResponse):
        self.response = response


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/scim/v2").rstrip("/")


def _origin(request: HttpRequest) -> services.Origin:
    client: ProvisioningClient = request.scim_client  # type: ignore[attr-defined]
    return services.Origin(
        source=Source.SCIM,
        label=f"SCIM: {client.name}",
        audit_client="api",
        client=client,
        request=request,
    )


def _rate_limited(client: ProvisioningClient) -> bool:
    key = f"directory:scim-rate:{client.pk}:{timezone.now():%Y%m%d%H%M}"
    cache.add(key, 0, timeout=120)
    return cache.incr(key) > settings.DIRECTORY_SCIM_RATE_LIMIT


def scim_endpoint(view):
    """Bearer token, rate limit, and SCIM errors for everything that goes wrong."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _sep, token = header.partition(" ")
        client = services.client_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if client is None:
            return scim_error(401, _("A valid bearer token is required."))
        if _rate_limited(client):
            return scim_error(429, _("Too many requests: slow down."))
        if (
            client.last_used_at is None
            or (timezone.now() - client.last_used_at).total_seconds() > 60
        ):
            ProvisioningClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        request.scim_client = client  # type: ignore[attr-defined]
        try:
            if request.method == "GET":  # reads: no transaction to open
                return view(request, *args, **kwargs)
            with transaction.atomic():
                return view(request, *args, **kwargs)
        except ScimRequestError as exc:
            response = exc.response
        except services.DirectoryError as exc:
            response = scim_error(exc.status, exc.message, exc.kind)
        except SCIMException as exc:
            error = exc.to_error()
            response = _json(error.model_dump(), status=int(error.status or 400))
        except PydanticValidationError as exc:
            error = Error.from_validation_errors(exc)[0]
            response = _json(error.model_dump(), status=int(error.status or 400))
        if response.status_code >= 400 and response.status_code != 404:
            services.client_record_error(client, response.content.decode()[:2000])
        return response

    return wrapper


def _body(request: HttpRequest) -> dict:
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ScimRequestError(
            scim_error(400, _("The request body is not valid JSON."), "invalidSyntax")
        ) from None
    if not isinstance(payload, dict):
        raise ScimRequestError(
            scim_error(400, _("The request body must be a JSON object."), "invalidSyntax")
        )
    return payload


def _parameters(request: HttpRequest) -> ResponseParameters:
    params = _params(request)
    return ResponseParameters.model_validate(
        {
            "attributes": params.get("attributes") or None,
            "excludedAttributes": params.get("excludedAttributes") or None,
        }
    )


def _dump(resource, request: HttpRequest, status: int = 200) -> HttpResponse:
    ctx = {200: Context.RESOURCE_QUERY_RESPONSE, 201: Context.RESOURCE_CREATION_RESPONSE}
    payload = resource.model_dump(
        scim_ctx=ctx.get(status, Context.RESOURCE_QUERY_RESPONSE),
        response_parameters=_parameters(request),
    )
    headers = {"Location": resource.meta.location} if status == 201 else None
    return _json(payload, status=status, headers=headers)


def _params(request: HttpRequest) -> dict:
    """The query parameters, or the body of a POST …/.search (RFC 7644 §3.4.3)."""
    if request.method == "POST" and request.path.endswith("/.search"):
        if not hasattr(request, "_scim_search"):
            body = _body(request)
            request._scim_search = {  # type: ignore[attr-defined]
                key: ",".join(value) if isinstance(value, list) else value
                for key, value in body.items()
                if key != "schemas" and value is not None
            }
        return request._scim_search  # type: ignore[attr-defined]
    return request.GET.dict()


def _paging(request: HttpRequest) -> tuple[int, int]:
    def number(name: str, default: int) -> int:
        raw = _params(request).get(name)
        if raw in (None, ""):
            return default
        try:
            return int(str(raw))
        except ValueError:
            raise ScimRequestError(
                scim_error(400, _("%(name)s must be a number.") % {"name": name}, "invalidValue")
            ) from None

    limit = settings.DIRECTORY_SCIM_MAX_RESULTS
    start = max(number("startIndex", 1), 1)
    count = min(max(number("count", limit), 0), limit)
    return start, count


def _list(request: HttpRequest, queryset, kind: str, model, to_scim) -> HttpResponse:
    params = _params(request)
    if params.get("filter"):
        queryset = queryset.filter(filters.to_query(params["filter"], kind=kind))
    start, count = _paging(request)
    total = queryset.count()
    page = list(queryset.order_by("pk")[start - 1 : start - 1 + count]) if count else []
    response = ListResponse[model](  # type: ignore[valid-type]
        total_results=total,
        start_index=start,
        items_per_page=len(page),
        resources=[to_scim(item) for item in page],
    )
    payload = response.model_dump(
        scim_ctx=Context.SEARCH_RESPONSE, response_parameters=_parameters(request)
    )
    payload.setdefault("Resources", [])
    return _json(payload)


# Discovery -------------------------------------------------------------------------------


def _discovery_list(items: list, model) -> HttpResponse:
    response = ListResponse[model](  # type: ignore[valid-type]
        total_results=len(items), start_index=1, items_per_page=len(items), resources=items
    )
    return _json(response.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


def _with_meta(resource, request: HttpRequest, kind: str, name: str):
    from scim2_models import Meta

    resource.meta = Meta(resource_type=kind, location=f"{_base(request)}/{kind}s/{name}")
    return resource


@scim_endpoint
def service_provider_config(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return scim_error(405, _("Method not allowed."))
    config = resources.service_provider_config()
    config.meta = None
    payload = config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    payload["meta"] = {
        "resourceType": "ServiceProviderConfig",
        "location": f"{_base(request)}/ServiceProviderConfig",
    }
    return _json(payload)


@scim_endpoint
def resource_types(request: HttpRequest, name: str | None = None) -> HttpResponse:
    if request.method != "GET":
        return scim_error(405, _("Method not allowed."))
    items = [
        _with_meta(item, request, "ResourceType", str(item.id))
        for item in resources.resource_types()
    ]
    if name is None:
        return _discovery_list(items, ResourceType)
    found = next((item for item in items if item.id == name), None)
    if found is None:
        return scim_error(404, _("No such resource type."))
    return _json(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@scim_endpoint
def schemas(request: HttpRequest, name: str | None = None) -> HttpResponse:
    if request.method != "GET":
        return scim_error(405, _("Method not allowed."))
    items = [_with_meta(item, request, "Schema", str(item.id)) for item in resources.schemas()]
    if name is None:
        return _discovery_list(items, Schema)
    found = next((item for item in items if item.id == name), None)
    if found is None:
        return scim_error(404, _("No such schema."))
    return _json(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


# Users -------------------------------------------------------------------------------------


def _people():
    return Person.objects.filter(directory_entry__isnull=False).select_related(
        "directory_entry__manager"
    )


@scim_endpoint
def users_search(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return scim_error(405, _("Method not allowed."))
    base = _base(request)
    return _list(
        request,
        _people(),
        "User",
        resources.UserResource,
        lambda p: resources.user_to_scim(p, base),
    )


@scim_endpoint
def groups_search(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return scim_error(405, _("Method not allowed."))
    base, members = _base(request), _wants_members(request)
    return _list(
        request,
        _groups(request),
        "Group",
        Group,
        lambda g: resources.group_to_scim(g, base, members=members),
    )


@scim_endpoint
def root_search(request: HttpRequest) -> HttpResponse:
    """POST /.search: people first, then groups; a filter naming an attribute only one
    of them has matches nothing of the other (RFC 7644 §3.4.2.1)."""
    if request.method != "POST":
        return scim_error(405, _("Method not allowed."))
    base, members = _base(request), _wants_members(request)
    params = _params(request)
    found: list = []
    for kind, queryset, to_scim in (
        ("User", _people(), lambda p: resources.user_to_scim(p, base)),
        ("Group", _groups(request), lambda g: resources.group_to_scim(g, base, members=members)),
    ):
        if params.get("filter"):
            try:
                queryset = queryset.filter(filters.to_query(params["filter"], kind=kind))
            except SCIMException:
                continue
        found.append((queryset, to_scim))
    start, count = _paging(request)
    totals = [queryset.count() for queryset, _to in found]
    items: list = []
    offset = start - 1
    for (queryset, to_scim), total in zip(found, totals, strict=True):
        if offset >= total:
            offset -= total
            continue
        wanted = count - len(items)
        if wanted <= 0:
            break
        items += [to_scim(item) for item in queryset.order_by("pk")[offset : offset + wanted]]
        offset = 0
    response = ListResponse[Union[resources.UserResource, Group]](  # noqa: UP007
        total_results=sum(totals), start_index=start, items_per_page=len(items), resources=items
    )
    payload = response.model_dump(
        scim_ctx=Context.SEARCH_RESPONSE, response_parameters=_parameters(request)
    )
    payload.setdefault("Resources", [])
    return _json(payload)


@scim_endpoint
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return scim_error(404, _("No such SCIM endpoint."))


def _person(pk: str) -> Person:
    person = _people().filter(pk=int(pk)).first() if pk.isdigit() else None
    if person is None:
        raise ScimRequestError(scim_error(404, _("No such user.")))
    return person


def _manager(value: Any, base: str) -> Any:
    """Identity providers send the manager as {"value": id} or as a bare id (Entra);
    scim2-models wants the $ref the RFC requires: it is the manager's location."""
    if isinstance(value, str | int):
        value = {"value": str(value)}
    if isinstance(value, dict) and value.get("value") and not value.get("$ref"):
        value = {**value, "$ref": f"{base}/Users/{value['value']}"}
    return value


def _lenient_user(payload: dict, base: str) -> dict:
    extension = payload.get(resources.ENTERPRISE)
    if isinstance(extension, dict) and extension.get("manager") is not None:
        payload[resources.ENTERPRISE] = {
            **extension,
            "manager": _manager(extension["manager"], base),
        }
    return payload


def _lenient_patch(payload: dict, base: str) -> dict:
    for operation in payload.get("Operations") or []:
        if not isinstance(operation, dict):
            continue
        path = str(operation.get("path") or "").lower()
        if path == f"{resources.ENTERPRISE}:manager".lower() and operation.get("value"):
            operation["value"] = _manager(operation["value"], base)
        elif not path and isinstance(operation.get("value"), dict):
            _lenient_user(operation["value"], base)
    return payload


def _user_from(request: HttpRequest, context: Context):
    payload = _lenient_user(_body(request), _base(request))
    return resources.UserResource.model_validate(payload, scim_ctx=context)


@scim_endpoint
def users(request: HttpRequest) -> HttpResponse:
    base = _base(request)
    if request.method == "GET":
        return _list(
            request,
            _people(),
            "User",
            resources.UserResource,
            lambda p: resources.user_to_scim(p, base),
        )
    if request.method != "POST":
        return scim_error(405, _("Method not allowed."))
    resource = _user_from(request, Context.RESOURCE_CREATION_REQUEST)
    person = services.person_create(
        origin=_origin(request), record=resources.record_from_scim(resource)
    )
    return _dump(resources.user_to_scim(_person(str(person.pk)), base), request, status=201)


@scim_endpoint
def user(request: HttpRequest, pk: str) -> HttpResponse:
    base = _base(request)
    person = _person(pk)
    if request.method == "GET":
        return _dump(resources.user_to_scim(person, base), request)
    origin = _origin(request)
    if request.method == "DELETE":
        services.person_remove(origin=origin, user=person)
        return HttpResponse(status=204)
    if request.method == "PUT":
        resource = _user_from(request, Context.RESOURCE_REPLACEMENT_REQUEST)
    elif request.method == "PATCH":
        patch = PatchOp[resources.UserResource].model_validate(
            _lenient_patch(_body(request), base), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        resource = resources.user_to_scim(person, base)
        patch.patch(resource)
    else:
        return scim_error(405, _("Method not allowed."))
    services.person_update(origin=origin, user=person, record=resources.record_from_scim(resource))
    return _dump(resources.user_to_scim(_person(pk), base), request)


# Groups ------------------------------------------------------------------------------------


def _groups(request: HttpRequest):
    queryset = DirectoryGroup.objects.select_related("group")
    if _wants_members(request):
        members = Person.objects.filter(directory_entry__isnull=False).only(
            "pk", "first_name", "last_name", "username"
        )
        queryset = queryset.prefetch_related(Prefetch("group__user_set", queryset=members))
    return queryset


def _wants_members(request: HttpRequest) -> bool:
    params = _params(request)
    excluded = str(params.get("excludedAttributes") or "").lower()
    attributes = str(params.get("attributes") or "").lower()
    return "members" not in excluded and (not attributes or "members" in attributes)


def _group(request: HttpRequest, pk: str) -> DirectoryGroup:
    dgroup = _groups(request).filter(pk=int(pk)).first() if pk.isdigit() else None
    if dgroup is None:
        raise ScimRequestError(scim_error(404, _("No such group.")))
    return dgroup


def _group_out(request: HttpRequest, pk: int, status: int = 200) -> HttpResponse:
    dgroup = _group(request, str(pk))
    resource = resources.group_to_scim(dgroup, _base(request), members=_wants_members(request))
    return _dump(resource, request, status=status)


@scim_endpoint
def groups(request: HttpRequest) -> HttpResponse:
    base = _base(request)
    if request.method == "GET":
        members = _wants_members(request)
        return _list(
            request,
            _groups(request),
            "Group",
            Group,
            lambda g: resources.group_to_scim(g, base, members=members),
        )
    if request.method != "POST":
        return scim_error(405, _("Method not allowed."))
    resource = Group.model_validate(_body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    dgroup = services.group_create(
        origin=_origin(request),
        display_name=(resource.display_name or "").strip(),
        external_id=(resource.external_id or "").strip(),
        member_ids=resources.member_pks(resource.members),
    )
    return _group_out(request, dgroup.pk, status=201)


@scim_endpoint
def group(request: HttpRequest, pk: str) -> HttpResponse:
    dgroup = _group(request, pk)
    if request.method == "GET":
        return _group_out(request, dgroup.pk)
    origin = _origin(request)
    if request.method == "DELETE":
        services.group_delete(origin=origin, dgroup=dgroup)
        return HttpResponse(status=204)
    if request.method == "PUT":
        resource = Group.model_validate(
            _body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        services.group_update(
            origin=origin,
            dgroup=dgroup,
            display_name=(resource.display_name or "").strip(),
            external_id=(resource.external_id or "").strip(),
        )
        services.group_set_members(
            origin=origin, dgroup=dgroup, member_ids=resources.member_pks(resource.members)
        )
    elif request.method == "PATCH":
        patch = PatchOp[Group].model_validate(
            _body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        _patch_group(origin, dgroup, patch)
    else:
        return scim_error(405, _("Method not allowed."))
    return _group_out(request, dgroup.pk)


def _patch_group(origin: services.Origin, dgroup: DirectoryGroup, patch) -> None:
    """Group PATCH, member by member: a group of 50,000 people is never loaded to add
    one. Name and external id go through the same service as a PUT."""
    name, external_id = dgroup.display_name, dgroup.external_id
    for operation in patch.operations or []:
        op = str(operation.op.value).lower()
        path = str(operation.path or "")
        value = operation.value
        if not path:  # {"op": "replace", "value": {"displayName": …, "members": […]}}
            values = value if isinstance(value, dict) else {}
            for key, item in values.items():
                lowered = key.lower()
                if lowered == "displayname":
                    name = str(item or "")
                elif lowered == "externalid":
                    external_id = str(item or "")
                elif lowered == "members":
                    _members_op(origin, dgroup, op, item)
                else:
                    raise services.DirectoryError(
                        _("Unknown attribute: %(path)s.") % {"path": key}, kind="invalidPath"
                    )
        elif path.lower() == "displayname":
            if op == "remove":
                raise services.DirectoryError(
                    _("A group keeps its displayName."), kind="mutability"
                )
            name = str(value or "")
        elif path.lower() == "externalid":
            external_id = "" if op == "remove" else str(value or "")
        elif path.lower() == "members":
            _members_op(origin, dgroup, op, value)
        elif path.lower().startswith("members["):
            if op != "remove":
                raise services.DirectoryError(
                    _("Only remove takes a filtered members path."), kind="invalidPath"
                )
            services.group_change_members(
                origin=origin, dgroup=dgroup, remove=_filtered_members(path)
            )
        else:
            raise services.DirectoryError(
                _("Unknown attribute: %(path)s.") % {"path": path}, kind="invalidPath"
            )
    services.group_update(origin=origin, dgroup=dgroup, display_name=name, external_id=external_id)


def _members_op(origin: services.Origin, dgroup: DirectoryGroup, op: str, value) -> None:
    members = value if isinstance(value, list) else ([value] if value else [])
    if op == "add":
        services.group_change_members(
            origin=origin, dgroup=dgroup, add=resources.member_pks(members)
        )
    elif op == "replace":
        services.group_set_members(
            origin=origin, dgroup=dgroup, member_ids=resources.member_pks(members)
        )
    elif members:  # remove these
        pks = {int(v) for v in (_member_value(m) for m in members) if v.isdigit()}
        services.group_change_members(origin=origin, dgroup=dgroup, remove=pks)
    else:  # remove them all
        services.group_set_members(origin=origin, dgroup=dgroup, member_ids=[])


def _member_value(member) -> str:
    if isinstance(member, dict):
        return str(member.get("value", ""))
    return str(getattr(member, "value", ""))


def _filtered_members(path: str) -> set[int]:
    """`members[value eq "12"]`, or several values joined with or."""
    inner = path[path.index("[") + 1 : path.rindex("]")]
    ast = ScimFilter(inner).ast
    terms = ast.terms if isinstance(ast, LogicalExpr) and ast.op.value == "or" else (ast,)
    pks = set()
    for term in terms:
        if not (
            isinstance(term, Comparison)
            and term.attr_path.attr.lower() == "value"
            and term.op.value == "eq"
        ):
            raise services.DirectoryError(
                _('Only members[value eq "id"] is supported.'), kind="invalidFilter"
            )
        if str(term.value).isdigit():
            pks.add(int(term.value))
    return pks
