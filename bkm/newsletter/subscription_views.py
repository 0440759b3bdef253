"""Newsletter subscription pages: the confirmation link, leaving the list, and the customer's
"Nyhetsbrev og markedsføring" page (a stand-in for Min side).

Leaving needs no login: the signed token in the link is the authorisation. So the POST that
unsubscribes is exempt from CSRF and also takes RFC 8058 one-click posts from mail clients
(body `List-Unsubscribe=One-Click`, no cookies, no token). A forged POST needs that token,
and whoever holds it can leave the list anyway.
"""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request
from flask_login import current_user
from wtforms import BooleanField

from bkm.accounts.forms import newsletter_box
from bkm.accounts.roles import require_role
from bkm.consent.gate import OPEN_ENDPOINTS
from bkm.extensions import csrf, db
from bkm.forms import BaseForm
from bkm.newsletter import bp, subscriptions
from bkm.newsletter.subscriptions import BadLink, ExpiredLink, NothingToConfirm
from bkm.newsletter.tokens import CONFIRM_MAX_AGE
from bkm.urls import safe_local_path

# Leaving must work for someone who has not yet answered new terms (R3.6, R8.1).
OPEN_ENDPOINTS.update({"newsletter.unsubscribe_page", "newsletter.unsubscribe"})


class MarketingForm(BaseForm):
    nyhetsbrev: BooleanField = newsletter_box()


def _no_store(response):
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _link_problem(error: BadLink, link: str):
    """A Norwegian page that says what is wrong with a mailed link: never a 500."""
    db.session.rollback()
    if isinstance(error, ExpiredLink):
        problem, status = "expired", 410
    elif isinstance(error, NothingToConfirm):
        problem, status = "gone", 410
    else:
        problem, status = "invalid", 400
    page = render_template(
        "newsletter/link_problem.html",
        problem=problem,
        link=link,
        valid_days=CONFIRM_MAX_AGE.days,
    )
    return _no_store(make_response(page, status))


@bp.get("/nyhetsbrev/bekreft/<token>")
def confirm(token: str):
    try:
        subscription, now = subscriptions.confirm(token)
    except BadLink as error:
        return _link_problem(error, "confirm")
    db.session.commit()
    return _no_store(
        make_response(
            render_template("newsletter/confirmed.html", subscription=subscription, just_now=now)
        )
    )


@bp.get("/nyhetsbrev/avmeld/<token>")
def unsubscribe_page(token: str):
    """One button, "Meld meg av": a GET (a link scanner, a preview) never unsubscribes."""
    try:
        subscriptions.user_to_unsubscribe(token)
    except BadLink as error:
        return _link_problem(error, "unsubscribe")
    return _no_store(make_response(render_template("newsletter/unsubscribe.html", token=token)))


@bp.post("/nyhetsbrev/avmeld/<token>")
@csrf.exempt  # the signed token is the authorisation; mail clients post without cookies
def unsubscribe(token: str):
    try:
        user_id = subscriptions.user_to_unsubscribe(token)
    except BadLink as error:
        return _link_problem(error, "unsubscribe")
    subscriptions.unsubscribe(user_id, "email")
    db.session.commit()
    return _no_store(make_response(render_template("newsletter/unsubscribed.html")))


@bp.route("/konto/markedsforing", methods=["GET", "POST"])
def marketing():
    if refused := require_role("customer"):
        return refused
    customer = current_user._get_current_object()
    form = MarketingForm()
    back = safe_local_path(request.form.get("neste"), "newsletter.marketing")
    if form.validate_on_submit():
        action = request.form.get("handling", "")
        if action == "meld-av":
            if subscriptions.unsubscribe(customer.id, "mypage"):
                flash("Du er meldt av nyhetsbrevet. Vi sender deg ikke flere.", "success")
            else:
                flash("Du var ikke meldt på nyhetsbrevet.", "info")
        elif action in ("meld-pa", "send-pa-nytt"):
            if action == "meld-pa" and not form.nyhetsbrev.data:
                form.nyhetsbrev.errors = ["Kryss av i boksen hvis du vil ha nyhetsbrevet."]
                return _marketing_page(customer, form, 400)
            existing = subscriptions.subscription_of(customer.id)
            if existing is not None and existing.status == "confirmed":
                flash("Du får allerede nyhetsbrevet.", "info")
            elif existing is not None and subscriptions.confirmation_sent_recently(customer):
                flash(
                    "Vi sendte en lenke for under ett minutt siden. Sjekk innboksen (og "
                    "søppelpost) før du ber om en ny.",
                    "info",
                )
            else:
                subscriptions.request_subscription(customer, "mypage")
                flash(
                    f"Vi har sendt en lenke til {customer.email}. Klikk på den for å bekrefte at "
                    "du vil ha nyhetsbrevet.",
                    "success",
                )
        else:
            flash("Vi forsto ikke hva du ville gjøre. Ingenting er endret.", "error")
            return redirect(back, code=303)
        db.session.commit()
        return redirect(back, code=303)
    return _marketing_page(customer, form, 400 if form.is_submitted() else 200)


def _marketing_page(customer, form: MarketingForm, status: int):
    page = render_template(
        "newsletter/marketing.html",
        form=form,
        subscription=subscriptions.subscription_of(customer.id),
    )
    return _no_store(make_response(page, status))
