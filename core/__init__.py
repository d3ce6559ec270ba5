"""The bottom layer: markup, pagination, lookups, request metadata and the read-only
admin. It imports nothing of RSE's own (see the layer contract in pyproject.toml)."""
