"""Login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from bkm.accounts import bp
from bkm.accounts.authentication import authenticate
from bkm.accounts.forms import LoginForm
from bkm.extensions import db


def _safe_next(target: str | None) -> str:
    """Only paths on this site: an open redirect would help phishing."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("catalog.index")


@bp.route("/logg-inn", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("Feil e-post eller passord.")
        else:
            db.session.commit()
            session.clear()  # a fresh session on login: no fixation
            login_user(user, remember=form.remember.data)
            flash(f"Velkommen, {user.name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logg-ut")
def logout():
    logout_user()
    session.clear()
    flash("Du er logget ut.", "info")
    return redirect(url_for("catalog.index"))
