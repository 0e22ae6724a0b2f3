from importlib import import_module

# One view module per record type, each adding its routes to the records blueprint (`routing.bp`).
ROUTE_MODULES = ("views", "goal_views", "appointment_views", "situation_views")


def blueprint():
    """The records blueprint, with the routes of every record type on it."""
    for name in ROUTE_MODULES:
        import_module(f"{__name__}.{name}")
    from .routing import bp

    return bp
