"""The API's docs: Swagger UI, served from the app's own static files (the sidecar
package), started by static/js/api-docs.js — no CDN, no inline script."""

from django.shortcuts import render
from django.urls import reverse


def swagger(request):
    return render(request, "api/docs.html", {"schema_url": reverse("api:schema")})
