def charter(request) -> dict:
    """The person's charter status, for the banner in base.html (computed lazily)."""
    return {"charter": getattr(request, "charter", None)}
