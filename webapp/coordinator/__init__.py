from importlib import import_module

# One view module per part of the coordinator's work, each adding its routes to `routing.bp`.
ROUTE_MODULES = ("views", "erasure_views", "situation_views")


def blueprint():
    """The coordinator blueprint, with the routes of every view module on it."""
    for name in ROUTE_MODULES:
        import_module(f"{__name__}.{name}")
    from .routing import bp

    return bp
