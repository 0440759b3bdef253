"""«Slett meg» on Min side (R3.10, R9.5): the preflight, and erasure after the password.

GET shows each of the six exceptions checked against the customer's data, what erasure
deletes and what the shop must keep. When nothing blocks, the form asks for the password
again and an explicit confirmation; then the customer is erased, logged out and shown a
confirmation page (rendered from the POST: Min side is for logged-in customers only).
"""

from __future__ import annotations

from flask import render_template, session
from flask_login import current_user, logout_user
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, InputRequired

from bkm.accounts.passwords import verify_password
from bkm.extensions import db, rate_limit
from bkm.forms import BaseForm
from bkm.mypage import bp
from bkm.privacy.erasure import ErasureRefused, erase, erasure_overview

WRONG_PASSWORD = "Passordet er feil. Ingenting er slettet."


class ErasureForm(BaseForm):
    password = PasswordField(
        "Passordet ditt", validators=[InputRequired("Skriv passordet ditt for å bekrefte.")]
    )
    confirm = BooleanField(
        "Jeg forstår at kontoen min og opplysningene mine slettes for godt",
        validators=[DataRequired("Kryss av for å bekrefte at du vil slette kontoen.")],
    )


def _page(customer, form: ErasureForm, status: int = 200):
    return (
        render_template("mypage/erasure.html", form=form, **erasure_overview(customer)),
        status,
        {"Cache-Control": "private, no-store"},
    )


@bp.route("/slett-meg", methods=["GET", "POST"])
@rate_limit("LOGIN_RATE_LIMIT")  # the password is checked: as many tries as at login
def erasure():
    customer = current_user._get_current_object()
    form = ErasureForm()
    if not form.validate_on_submit():
        return _page(customer, form, 400 if form.errors else 200)
    if not verify_password(customer.password_hash, form.password.data):
        form.password.errors.append(WRONG_PASSWORD)
        return _page(customer, form, 400)
    try:
        receipt = erase(customer, confirmed_by=customer)
    except ErasureRefused:
        db.session.rollback()
        return _page(customer, ErasureForm(formdata=None), 409)
    db.session.commit()
    session.clear()
    logout_user()  # after clear: it asks the browser to drop a remember-me cookie
    return render_template("mypage/erasure_done.html", receipt=receipt), {
        "Cache-Control": "private, no-store"
    }
