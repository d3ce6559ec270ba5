"""A URLconf for the charter-gate tests: the site's own URLs plus two neutral endpoints
that stand for any reading page and any contribution (a POST)."""

from django.http import HttpResponse
from django.urls import path

from rse.urls import urlpatterns as site_urlpatterns


def read(request):
    return HttpResponse("read")


def contribute(request):
    return HttpResponse("contributed")


urlpatterns = [path("read/", read), path("contribute/", contribute), *site_urlpatterns]
