"""The SCIM 2.0 endpoints (RFC 7644) at /scim/v2/: thin views over directory.services.

Each call is authenticated by a provisioning client's bearer token, rate-limited per
client, and runs in one transaction: an error leaves nothing half-written (see
protocol.py)."""

from typing import Any, Union

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from scim2_models import (
    Context,
    Group,
    ListResponse,
    PatchOp,
    ResourceType,
    Schema,
    SCIMException,
    ScimPolicy,
)

from profiles.models import User as Person

from .. import groups as group_services
from .. import services
from ..models import DirectoryGroup
from . import filters, resources
from .group_patch import apply_group_patch
from .protocol import (
    ScimRequestError,
    base_url,
    dump,
    json_response,
    list_response,
    origin_of,
    paging,
    read_body,
    response_parameters,
    scim_endpoint,
    scim_error,
    search_params,
)

# Identity providers' ways, accepted in PATCH (Entra ID above all).
ENTRA_FRIENDLY = ScimPolicy(
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
)

# Discovery -------------------------------------------------------------------------------


def _discovery_list(items: list, model) -> HttpResponse:
    response = ListResponse[model](  # type: ignore[valid-type]
        total_results=len(items), start_index=1, items_per_page=len(items), resources=items
    )
    return json_response(response.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


def _with_meta(resource, request: HttpRequest, kind: str, name: str):
    from scim2_models import Meta

    resource.meta = Meta(resource_type=kind, location=f"{base_url(request)}/{kind}s/{name}")
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
        "location": f"{base_url(request)}/ServiceProviderConfig",
    }
    return json_response(payload)


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
    return json_response(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


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
    return json_response(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


# Users -------------------------------------------------------------------------------------


def _people():
    return Person.objects.filter(directory_entry__isnull=False).select_related(
        "directory_entry__manager"
    )


@scim_endpoint
def users_search(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return scim_error(405, _("Method not allowed."))
    base = base_url(request)
    return list_response(
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
    base, members = base_url(request), _wants_members(request)
    return list_response(
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
    base, members = base_url(request), _wants_members(request)
    params = search_params(request)
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
    start, count = paging(request)
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
        scim_ctx=Context.SEARCH_RESPONSE, response_parameters=response_parameters(request)
    )
    payload.setdefault("Resources", [])
    return json_response(payload)


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
    payload = _lenient_user(read_body(request), base_url(request))
    return resources.UserResource.model_validate(payload, scim_ctx=context)


@scim_endpoint
def users(request: HttpRequest) -> HttpResponse:
    base = base_url(request)
    if request.method == "GET":
        return list_response(
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
        origin=origin_of(request), record=resources.record_from_scim(resource)
    )
    return dump(resources.user_to_scim(_person(str(person.pk)), base), request, status=201)


@scim_endpoint
def user(request: HttpRequest, pk: str) -> HttpResponse:
    base = base_url(request)
    person = _person(pk)
    if request.method == "GET":
        return dump(resources.user_to_scim(person, base), request)
    origin = origin_of(request)
    if request.method == "DELETE":
        services.person_remove(origin=origin, user=person)
        return HttpResponse(status=204)
    if request.method == "PUT":
        resource = _user_from(request, Context.RESOURCE_REPLACEMENT_REQUEST)
    elif request.method == "PATCH":
        patch = PatchOp[resources.UserResource].model_validate(
            _lenient_patch(read_body(request), base), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        resource = resources.user_to_scim(person, base)
        # The one address RSE keeps is the work one: Entra's `emails[type eq "work"]`
        # paths find it, and other filtered paths create the entry they describe.
        if resource.emails:
            resource.emails[0].type = "work"
            resource.emails[0].primary = True
        patch.patch(resource, scim_policy=ENTRA_FRIENDLY)
    else:
        return scim_error(405, _("Method not allowed."))
    services.person_update(origin=origin, user=person, record=resources.record_from_scim(resource))
    return dump(resources.user_to_scim(_person(pk), base), request)


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
    params = search_params(request)
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
    resource = resources.group_to_scim(dgroup, base_url(request), members=_wants_members(request))
    return dump(resource, request, status=status)


@scim_endpoint
def groups(request: HttpRequest) -> HttpResponse:
    base = base_url(request)
    if request.method == "GET":
        members = _wants_members(request)
        return list_response(
            request,
            _groups(request),
            "Group",
            Group,
            lambda g: resources.group_to_scim(g, base, members=members),
        )
    if request.method != "POST":
        return scim_error(405, _("Method not allowed."))
    resource = Group.model_validate(read_body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    dgroup = group_services.group_create(
        origin=origin_of(request),
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
    origin = origin_of(request)
    if request.method == "DELETE":
        group_services.group_delete(origin=origin, dgroup=dgroup)
        return HttpResponse(status=204)
    if request.method == "PUT":
        resource = Group.model_validate(
            read_body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        group_services.group_update(
            origin=origin,
            dgroup=dgroup,
            display_name=(resource.display_name or "").strip(),
            external_id=(resource.external_id or "").strip(),
        )
        group_services.group_set_members(
            origin=origin, dgroup=dgroup, member_ids=resources.member_pks(resource.members)
        )
    elif request.method == "PATCH":
        patch = PatchOp[Group].model_validate(
            read_body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        apply_group_patch(origin, dgroup, patch)
    else:
        return scim_error(405, _("Method not allowed."))
    return _group_out(request, dgroup.pk)
