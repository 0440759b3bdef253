"""The shop's Flask extensions, created once and bound to an app in create_app."""

import time

from flask import current_app, request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from limits.storage import MemoryStorage

from bkm.database import Base
from bkm.ip import truncated_client_ip


def _rate_limit_key() -> str:
    """Limits count per truncated address: the full one is never kept, not even in Redis."""
    return truncated_client_ip(request, current_app.config["TRUSTED_PROXIES"])


class SweepingMemoryStorage(MemoryStorage):
    """limits' in-memory counters without a timer thread per request burst: expired windows
    are swept inline at most once a second (limits starts a new thread every 10 ms under
    load, which cost the collector a third of its time). Counters still expire exactly:
    `get` drops an expired window when it is read."""

    STORAGE_SCHEME = ["bkmmemory"]
    _last_sweep = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # replaces the thread-starting original
        now = time.time()
        if now - self._last_sweep >= 1.0:
            self._last_sweep = now
            self._MemoryStorage__expire_events()


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Storage: memory (per worker) by default, Redis when BKM_REDIS_URL is set (see bkm.config).
limiter = Limiter(key_func=_rate_limit_key)


def rate_limit(setting: str, *methods: str):
    """A route's limit per truncated address, read from the setting `setting` (e.g.
    "10/minute;100/hour"), counted for `methods` only (default POST: reading a form is free)."""
    return limiter.limit(
        lambda: current_app.config[setting], methods=list(methods or ("POST",)), scope=setting
    )
