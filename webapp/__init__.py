"""The app factory: config → extensions → blueprints → errors → CLI."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import assets, config, db, errors, htmx, i18n, links, request_kinds, security, session_cookie
from .extensions import csrf, login_manager
from .params import IdConverter


def create_app(test_config: dict | None = None) -> Flask:
    # Never Flask's default instance folder: in a wheel install that is inside the virtual environment.
    app = Flask(__name__, instance_path=str(config.data_folder()), instance_relative_config=True)
    app.config.from_mapping(config.load(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = links.trusted_hosts(app.config["PUBLIC_URL"])
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        # Not X-Forwarded-Host: a proxy that does not set it passes on whatever the client sent.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
    app.url_map.converters["int"] = IdConverter  # before any route is added
    register_extensions(app)
    register_blueprints(app)
    errors.init_app(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    # Not imported with the package: gunicorn's first process reads gunicorn_conf from it, and must make no
    # metrics files of its own (PROMETHEUS_MULTIPROC_DIR).
    from . import metrics, oplog

    oplog.init_app(app)
    session_cookie.init_app(app)
    request_kinds.init_app(app)  # its upload limit is set before security's checks read the body
    security.init_app(app)
    from .timeline import poll

    poll.init_app(app)  # the poll that finds nothing new: after security's refusals, before anything else
    assets.init_app(app)
    db.init_app(app)
    metrics.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    from .auth.session import init_login

    init_login(app, login_manager)
    i18n.init_app(app)
    from . import templating

    templating.init_app(app)
    from .timeline import display

    display.init_app(app)


def register_blueprints(app: Flask) -> None:
    from .advisor.views import bp as advisor
    from .auth.pairing_views import bp as pairing
    from .auth.password_link_views import bp as password_link
    from .auth.second_factor.views import bp as second_factor
    from .auth.views import bp as auth
    from .coordinator import blueprint as coordinator_blueprint
    from .export.views import bp as export
    from .health import bp as health
    from .partner.views import bp as partner
    from .records import blueprint as records_blueprint
    from .resident.views import bp as resident
    from .signup.views import bp as signup
    from .timeline.views import bp as timeline

    for blueprint in (
        auth,
        pairing,
        password_link,
        second_factor,
        resident,
        advisor,
        coordinator_blueprint(),
        signup,
        timeline,
        records_blueprint(),
        export,
        health,
        partner,
    ):
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    from . import cli

    cli.init_app(app)
