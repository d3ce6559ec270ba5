"""Destructive actions ask first: the GET of their URL is a confirmation page whose form
posts to the same URL. Without JavaScript that page is shown; with it, static/js/site.js
shows the same form in a modal <dialog>."""

from django.http import HttpResponse
from django.shortcuts import render


def confirmation(
    request,
    *,
    title: str,
    question: str,
    button: str,
    cancel: str,
    detail: str = "",
    form=None,
) -> HttpResponse:
    """The page that asks `question`; its form posts to the current URL (`form`'s
    fields, if any, first: a reason, for instance)."""
    return render(
        request,
        "confirm.html",
        {
            "confirm": {
                "title": title,
                "question": question,
                "detail": detail,
                "action": request.path,
                "button": button,
                "cancel": cancel,
                "form": form,
            }
        },
    )
