"""The floors the benchmark compares pages with, served by the app itself (through
the same middleware) only when RSE_BENCH is on: an empty view, one primary-key
query, a "fortunes" page (20 rows through the ORM rendered by a template, as in
the TechEmpower benchmark), and the signed-in floor: an empty page drawn with the
site's base template for the person asking (session, user, navigation, counters,
banners), the fixed cost every signed-in page pays before its own content."""

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


@require_GET
def signed_in(request):
    return render(request, "bench/signed_in.html", {})


urlpatterns = [
    path("bench/floor/empty/", empty, name="bench_empty"),
    path("bench/floor/pk/<int:pk>/", primary_key, name="bench_pk"),
    path("bench/floor/fortunes/", fortunes, name="bench_fortunes"),
    path("bench/floor/signed-in/", signed_in, name="bench_signed_in"),
]
