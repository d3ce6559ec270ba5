"""The SCIM protocol around the views: bearer token and rate limit, one transaction per
call, SCIM errors for everything that goes wrong, request bodies, query parameters,
pages and responses."""

import functools
import json

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError as PydanticValidationError
from scim2_models import Context, Error, ListResponse, ResponseParameters, SCIMException

from .. import services
from ..models import ProvisioningClient, Source
from . import filters

CONTENT_TYPE = "application/scim+json"


def json_response(payload: dict, status: int = 200, headers: dict | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(payload), status=status, content_type=CONTENT_TYPE)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def scim_error(status: int, detail: str, scim_type: str | None = None) -> HttpResponse:
    error = Error(status=status, detail=detail, scim_type=scim_type)
    headers = {"WWW-Authenticate": 'Bearer realm="scim"'} if status == 401 else None
    return json_response(error.model_dump(), status=status, headers=headers)


class ScimRequestError(Exception):
    def __init__(self, response: HttpResponse):
        self.response = response


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/scim/v2").rstrip("/")


def origin_of(request: HttpRequest) -> services.Origin:
    client: ProvisioningClient = request.scim_client  # type: ignore[attr-defined]
    return services.Origin(
        source=Source.SCIM,
        label=f"SCIM: {client.name}",
        audit_client="api",
        client=client,
        request=request,
    )


def rate_limited(client: ProvisioningClient) -> bool:
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
        if rate_limited(client):
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
            response = json_response(error.model_dump(), status=int(error.status or 400))
        except PydanticValidationError as exc:
            error = Error.from_validation_errors(exc)[0]
            response = json_response(error.model_dump(), status=int(error.status or 400))
        if response.status_code >= 400 and response.status_code != 404:
            services.client_record_error(client, response.content.decode()[:2000])
        return response

    return wrapper


def read_body(request: HttpRequest) -> dict:
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


def response_parameters(request: HttpRequest) -> ResponseParameters:
    params = search_params(request)
    return ResponseParameters.model_validate(
        {
            "attributes": params.get("attributes") or None,
            "excludedAttributes": params.get("excludedAttributes") or None,
        }
    )


def dump(resource, request: HttpRequest, status: int = 200) -> HttpResponse:
    ctx = {200: Context.RESOURCE_QUERY_RESPONSE, 201: Context.RESOURCE_CREATION_RESPONSE}
    payload = resource.model_dump(
        scim_ctx=ctx.get(status, Context.RESOURCE_QUERY_RESPONSE),
        response_parameters=response_parameters(request),
    )
    headers = {"Location": resource.meta.location} if status == 201 else None
    return json_response(payload, status=status, headers=headers)


def search_params(request: HttpRequest) -> dict:
    """The query parameters, or the body of a POST …/.search (RFC 7644 §3.4.3)."""
    if request.method == "POST" and request.path.endswith("/.search"):
        if not hasattr(request, "_scim_search"):
            body = read_body(request)
            request._scim_search = {  # type: ignore[attr-defined]
                key: ",".join(value) if isinstance(value, list) else value
                for key, value in body.items()
                if key != "schemas" and value is not None
            }
        return request._scim_search  # type: ignore[attr-defined]
    return request.GET.dict()


def paging(request: HttpRequest) -> tuple[int, int]:
    def number(name: str, default: int) -> int:
        raw = search_params(request).get(name)
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


def list_response(request: HttpRequest, queryset, kind: str, model, to_scim) -> HttpResponse:
    params = search_params(request)
    if params.get("filter"):
        queryset = queryset.filter(filters.to_query(params["filter"], kind=kind))
    start, count = paging(request)
    total = queryset.count()
    page = list(queryset.order_by("pk")[start - 1 : start - 1 + count]) if count else []
    response = ListResponse[model](  # type: ignore[valid-type]
        total_results=total,
        start_index=start,
        items_per_page=len(page),
        resources=[to_scim(item) for item in page],
    )
    payload = response.model_dump(
        scim_ctx=Context.SEARCH_RESPONSE, response_parameters=response_parameters(request)
    )
    payload.setdefault("Resources", [])
    return json_response(payload)
