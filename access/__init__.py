"""The access core: the Viewer of a request and every rule of DESIGN §3."""
