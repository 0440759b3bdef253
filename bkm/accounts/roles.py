"""Who may see what: the user loader and the role checks the audience blueprints use."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from bkm.accounts.models import User
from bkm.extensions import db, login_manager

login_manager.login_view = "accounts.login"
login_manager.login_message = "Logg inn for å se denne siden."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


def require_role(*roles: str):
    """Anonymous visitors go to the login page; logged-in users without the role get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in roles:
        abort(403)
    return None
