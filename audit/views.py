from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .catalogue import label
from .selectors import security_entries_of


@login_required
def my_security_log(request):
    page = Paginator(security_entries_of(request.user), 25).get_page(request.GET.get("page"))
    for entry in page:
        entry.description = label(entry.action)
    return render(request, "audit/security_log.html", {"page": page})
