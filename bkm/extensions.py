"""The shop's Flask extensions, created once and bound to an app in create_app."""

from flask import current_app, request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from bkm.database import Base
from bkm.ip import truncated_client_ip


def _rate_limit_key() -> str:
    """Limits count per truncated address: the full one is never kept, not even in Redis."""
    return truncated_client_ip(request, current_app.config["TRUSTED_PROXIES"])


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Storage: memory (per worker) by default, Redis when BKM_REDIS_URL is set (see bkm.config).
limiter = Limiter(key_func=_rate_limit_key)
