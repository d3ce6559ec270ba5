def viewer(request) -> dict:
    """`viewer` in every template (what `request.viewer` knows, read when first asked)."""
    found = getattr(request, "viewer", None)
    return {"viewer": found} if found is not None else {}
