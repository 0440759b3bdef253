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
def load_user(session_id: str) -> User | None:
    """The session's user while the account is active and its credentials are unchanged."""
    user_id, _, fingerprint = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 18:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or fingerprint != user.credentials_fingerprint:
        return None
    return user


def require_role(*roles: str):
    """Anonymous visitors go to the login page; logged-in users without the role get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in roles:
        abort(403)
    return None
