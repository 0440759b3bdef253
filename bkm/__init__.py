"""Brukte Kontormøbler's web shop: create_app builds it in small named steps."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent  # the checkout: templates/, static/, instance/
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        "bkm",
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from bkm.config import load_config

    load_config(app, config)
    _init_extensions(app)
    _register_blueprints(app)
    _register_app_hooks(app)
    return app


def _init_extensions(app: Flask) -> None:
    from bkm import mail
    from bkm.database import install_sqlite_pragmas
    from bkm.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        install_sqlite_pragmas(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    # The shop's limits are all on routes, checked by their decorators; Flask-Limiter's
    # app-wide check would cost every page ~0.3 ms to find no limit.
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    mail.init_app(app)


def _register_blueprints(app: Flask) -> None:
    import analytics
    from bkm import (
        accounts,
        admin,
        cart,
        catalog,
        clickstream,
        consent,
        media,
        mypage,
        newsletter,
    )
    from bkm.mail import models as _mail_models  # noqa: F401  (tables known to migrations)
    from bkm.orders import document_models as _document_models  # noqa: F401  (the same)
    from bkm.orders import quote_models as _quote_models  # noqa: F401  (the same)
    from bkm.personal import models as _personal_models  # noqa: F401  (the same)
    from bkm.privacy import models as _privacy_models  # noqa: F401  (the same)

    app.register_blueprint(catalog.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(mypage.bp)
    app.register_blueprint(cart.bp)
    app.register_blueprint(media.bp)
    newsletter.init_app(app)
    app.register_blueprint(admin.bp)
    clickstream.init_app(app)  # before consent: see clickstream.init_app
    consent.init_app(app)
    analytics.init_app(app)


def _register_app_hooks(app: Flask) -> None:
    from bkm import cli, errors, health, logs, page_cache, security, templating

    logs.init_app(app)
    page_cache.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    health.init_app(app)
    cli.init_app(app)
