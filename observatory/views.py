"""The dashboards and their CSV exports. Each opening and each export is audited."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from access import observatory as rules

from . import privacy, selectors, services
from .forms import PeriodForm

CSV_RISKY = ("=", "+", "-", "@", "\t", "\r")


def _period(request):
    form = PeriodForm(request.GET or None, today=timezone.localdate())
    return form, form.chosen()


def _network_or_403(request) -> None:
    if not rules.may_observe_network(request.viewer):
        raise PermissionDenied


@login_required
@require_GET
def network(request):
    """The network dashboard (administrators and observers)."""
    _network_or_403(request)
    form, period = _period(request)
    if form.errors:
        return _invalid(request, "observatory/network.html", form)
    data = selectors.network_dashboard(period)
    services.access_record(
        viewer=request.viewer, request=request, scope="network", period=period.as_data()
    )
    context = {
        "form": form,
        "period": period,
        "explanation": privacy.explanation(),
        "externals_now": selectors.externals_now(),
        **data,
    }
    return render(request, "observatory/network.html", context)


@login_required
@require_GET
def community(request, slug: str):
    """A community's dashboard (its managers; administrators and observers)."""
    target = rules.get_observed_community(request.viewer, slug)
    form, period = _period(request)
    if form.errors:
        return _invalid(request, "observatory/community.html", form, community=target)
    data = selectors.community_dashboard(target, period)
    services.access_record(
        viewer=request.viewer,
        request=request,
        scope="community",
        community=target,
        period=period.as_data(),
    )
    context = {
        "community": target,
        "form": form,
        "period": period,
        "explanation": privacy.explanation(),
        **data,
    }
    return render(request, "observatory/community.html", context)


def _invalid(request, template: str, form, **context):
    """A period that cannot be read: the form and its message, no figure (and so
    nothing to audit)."""
    context = {"form": form, "explanation": privacy.explanation(), **context}
    return render(request, template, context, status=400)


@login_required
@require_GET
def network_export(request, table: str):
    _network_or_403(request)
    form, period = _period(request)
    if form.errors:
        return _bad_period(form)
    found = _table(selectors.network_dashboard(period)["tables"], table)
    services.export_record(
        viewer=request.viewer,
        request=request,
        scope="network",
        table=table,
        period=period.as_data(),
    )
    return _csv(found, f"observatory-network-{table}-{period.start}-{period.end}.csv")


@login_required
@require_GET
def community_export(request, slug: str, table: str):
    target = rules.get_observed_community(request.viewer, slug)
    form, period = _period(request)
    if form.errors:
        return _bad_period(form)
    found = _table(selectors.community_dashboard(target, period)["tables"], table)
    services.export_record(
        viewer=request.viewer,
        request=request,
        scope="community",
        table=table,
        community=target,
        period=period.as_data(),
    )
    return _csv(found, f"observatory-{target.slug}-{table}-{period.start}-{period.end}.csv")


def _table(tables, key: str):
    for table in tables:
        if table.key == key:
            return table
    raise Http404


def _bad_period(form) -> HttpResponse:
    messages = [str(m) for errors in form.errors.values() for m in errors]
    return HttpResponse("\n".join(messages), status=400, content_type="text/plain; charset=utf-8")


def _cell(value: str) -> str:
    """A spreadsheet must not run a text as a formula (a department named "=…")."""
    return "'" + value if value.startswith(CSV_RISKY) else value


def _csv(table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for label, *figures in table.csv_rows():
        writer.writerow([_cell(label), *figures])
    return response
