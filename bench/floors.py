"""The floors the benchmark compares pages with, served by the app itself (through
the same middleware) only when RSE_BENCH is on: an empty view, one primary-key
query, and a "fortunes" page (20 rows through the ORM rendered by a template, as in
the TechEmpower benchmark)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from profiles.models import Skill, User


@require_GET
def empty(request):
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def primary_key(request, pk: int):
    user = get_object_or_404(User.objects.only("pk", "username"), pk=pk)
    return HttpResponse(user.username, content_type="text/plain")


@require_GET
def fortunes(request):
    rows = list(Skill.objects.order_by("pk")[:20])
    return render(request, "bench/fortunes.html", {"rows": rows})


urlpatterns = [
    path("bench/floor/empty/", empty, name="bench_empty"),
    path("bench/floor/pk/<int:pk>/", primary_key, name="bench_pk"),
    path("bench/floor/fortunes/", fortunes, name="bench_fortunes"),
]
