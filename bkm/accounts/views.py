"""Login and logout, registration, e-mail verification and password reset."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from bkm.accounts import KEPT_AT_LOGIN, bp, verification
from bkm.accounts.authentication import authenticate
from bkm.accounts.forms import (
    LoginForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    RegistrationForm,
    ResendVerificationForm,
)
from bkm.accounts.password_reset import (
    check_password_token,
    request_password_reset,
    set_password_with_token,
)
from bkm.accounts.registration import EmailTaken, register_customer
from bkm.accounts.tokens import InvalidToken, TokenExpired, TokenUsed
from bkm.consent.recording import record_choice, store_choice
from bkm.consent.state import current_consent
from bkm.extensions import db, rate_limit
from bkm.newsletter.subscriptions import request_subscription
from bkm.orders.document_mail import pdf_filename
from bkm.orders.documents import documents_of, find_document, sales_document
from bkm.orders.history import find_order, orders_of
from bkm.orders.placing import INVOICE_DAYS
from bkm.orders.shipments import shipped_quantities
from bkm.urls import safe_local_path

EMAIL_TAKEN = (
    "Det finnes allerede en konto med denne e-postadressen. Logg inn, eller be om nytt passord "
    "hvis du har glemt det."
)


@bp.route("/logg-inn", methods=["GET", "POST"])
@rate_limit("LOGIN_RATE_LIMIT")
def login():
    if current_user.is_authenticated:
        return redirect(safe_local_path(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("Feil e-post eller passord.")
        else:
            db.session.commit()
            _start_session(user, remember=form.remember.data)
            flash(f"Velkommen, {user.name}.", "success")
            return redirect(safe_local_path(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logg-ut")
def logout():
    logout_user()
    session.clear()
    flash("Du er logget ut.", "info")
    return redirect(url_for("catalog.index"))


def _start_session(user, *, remember: bool = False) -> None:
    """Log in on a fresh session (no fixation). Only the keys other packages registered in
    KEPT_AT_LOGIN carry over: pointers such as the anonymous cart's token, never identity."""
    kept = {key: session[key] for key in KEPT_AT_LOGIN if key in session}
    session.clear()
    session.update(kept)
    login_user(user, remember=remember)


@bp.route("/registrer", methods=["GET", "POST"])
@rate_limit("REGISTRATION_RATE_LIMIT")
def register():
    if current_user.is_authenticated:
        flash("Du er allerede logget inn.", "info")
        return redirect(url_for("catalog.index"))
    consent = current_consent()
    form = RegistrationForm()
    form.formaal.choices = [(purpose.key, purpose.name) for purpose in consent.offered]
    if form.validate_on_submit():
        try:
            user = register_customer(form.details(), password=form.password.data, channel="web")
        except EmailTaken:
            db.session.rollback()
            form.email.errors.append(EMAIL_TAKEN)
        else:
            # The registration form answers the privacy statement in force (R8.1).
            choice, _ = record_choice(
                consent, form.formaal.data or (), channel="registration", user_id=user.id
            )
            if form.nyhetsbrev.data:  # its own box; counts once the mailed link is opened
                request_subscription(user, "registration")
            verification.queue_verification_mail(user)
            db.session.commit()
            _start_session(user)
            flash(
                f"Velkommen, {user.name}! Kontoen din er opprettet. Vi har sendt en lenke til "
                f"{user.email} – klikk på den for å bekrefte e-postadressen.",
                "success",
            )
            response = redirect(url_for("catalog.index"))
            store_choice(response, choice)
            return response
    return render_template("accounts/register.html", form=form)


@bp.get("/bekreft/<token>")
def verify_email(token: str):
    try:
        user = verification.verify_email(token)
    except InvalidToken as problem:
        db.session.rollback()
        return _link_problem(problem, "verify")
    db.session.commit()
    flash(f"Takk! E-postadressen {user.email} er bekreftet.", "success")
    return redirect(url_for("catalog.index"))


@bp.route("/send-bekreftelse", methods=["GET", "POST"])
@rate_limit("PASSWORD_RESET_RATE_LIMIT")
@login_required
def resend_verification():
    form = ResendVerificationForm()
    if current_user.email_verified_at is not None:
        flash("E-postadressen din er allerede bekreftet.", "info")
        return redirect(url_for("catalog.index"))
    if form.validate_on_submit():
        try:
            verification.queue_verification_mail(current_user._get_current_object(), throttle=True)
        except verification.SentRecently:
            flash(
                "Vi sendte en lenke for under ett minutt siden. Sjekk innboksen (og søppelpost) "
                "før du ber om en ny.",
                "info",
            )
        else:
            db.session.commit()
            flash(f"Vi har sendt en ny lenke til {current_user.email}.", "success")
        return redirect(url_for("accounts.resend_verification"))
    return render_template("accounts/resend_verification.html", form=form)


@bp.route("/glemt-passord", methods=["GET", "POST"])
@rate_limit("PASSWORD_RESET_RATE_LIMIT")
def forgot_password():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        db.session.commit()
        # The same answer whether or not the address has an account.
        return render_template("accounts/forgot_password_sent.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/nytt-passord/<token>", methods=["GET", "POST"])
@rate_limit("PASSWORD_RESET_RATE_LIMIT")
def reset_password(token: str):
    try:
        user = check_password_token(token)
    except InvalidToken as problem:
        return _link_problem(problem, "password")
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = set_password_with_token(token, form.password.data)
        except InvalidToken as problem:  # used in another tab a moment ago
            db.session.rollback()
            return _link_problem(problem, "password")
        db.session.commit()
        _start_session(user)
        flash("Passordet er lagret, og du er logget inn.", "success")
        return redirect(url_for("catalog.index"))
    return render_template("accounts/new_password.html", form=form, user=user)


def _link_problem(error: InvalidToken, link: str):
    """A page that says what is wrong with an e-mailed link and what to do instead."""
    if isinstance(error, TokenExpired):
        problem = "expired"
    elif isinstance(error, TokenUsed):
        problem = "used"
    else:
        problem = "invalid"
    page = render_template("accounts/link_problem.html", problem=problem, link=link)
    return page, 410 if problem in ("expired", "used") else 400


# ---------- The customer's own orders ----------


@bp.get("/ordre")
@login_required
def orders():
    return render_template("accounts/orders.html", orders=orders_of(current_user.id))


@bp.get("/ordre/<number>")
@login_required
def order(number: str):
    found = find_order(number, customer_id=current_user.id)
    if found is None:
        abort(404)  # someone else's order looks exactly like one that does not exist
    return render_template(
        "accounts/order.html",
        order=found,
        shipped=shipped_quantities(found),
        invoice_days=INVOICE_DAYS,
        documents=documents_of(found),
    )


# ---------- The customer's documents: invoices, credit notes, packing slips, confirmations ----


def _own_document(document_id: int):
    found = find_document(document_id, customer_id=current_user.id)
    if found is None:
        abort(404)  # someone else's document looks exactly like one that does not exist
    return found


@bp.get("/dokument/<int:document_id>")
@login_required
def document(document_id: int):
    issued = _own_document(document_id)
    return render_template(
        "documents/document.html",
        issued=issued,
        document=sales_document(issued),
        pdf_name=pdf_filename(issued),
    )


@bp.get("/dokument/<int:document_id>.pdf")
@login_required
def document_pdf(document_id: int):
    issued = _own_document(document_id)
    response = make_response(issued.pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f"inline; filename={pdf_filename(issued)}"
    response.headers["Cache-Control"] = "private, no-store"
    return response
