"""Checkout pages: /kasse (form, summary and the order button), the receipt, the angreskjema."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_login import current_user

from bkm.accounts.mailing import mail_link
from bkm.cart import bp
from bkm.cart.cart import cart_summary, current_cart
from bkm.cart.checkout import AccountExists, check_out, guest_customer
from bkm.cart.checkout_forms import CheckoutForm
from bkm.cart.holds import HOLD_MINUTES, hold_cart
from bkm.cart.stock import CartError, NotEnoughStock, SoldOut
from bkm.extensions import db, rate_limit
from bkm.money import vat_part_ore
from bkm.newsletter.subscriptions import request_subscription
from bkm.orders.confirmation import queue_order_confirmation
from bkm.orders.documents import issue_order_confirmation
from bkm.orders.history import find_order
from bkm.orders.placing import INVOICE_DAYS, OrderError, shipping_price_ore
from bkm.orders.shipments import WITHDRAWAL_DAYS
from bkm.page_context import describe_page, note_event
from bkm.personal import note_purchase, personalisation_applies

PLACED_KEY = "placed_orders"  # order numbers this session placed: it may see their receipts
PLACED_KEEP = 10


def _to_cart(message: str):
    flash(message, "error")
    return redirect(url_for("cart.view"), code=303)


def _problem_message(summary) -> str:
    line = next(line for line in summary.lines if not line.is_ok)
    if line.status == "short":
        return NotEnoughStock(line.product, line.available).message
    return SoldOut(line.product).message


def _prefilled() -> CheckoutForm:
    form = CheckoutForm()
    if current_user.is_authenticated and not form.is_submitted():
        user = current_user
        for name in ("name", "email", "street", "postcode", "city", "company_name"):
            getattr(form, name).data = getattr(user, name) or ""
        form.phone.data = user.phone or ""
        form.org_number.data = user.org_number or ""
        form.customer_type.data = user.customer_type
    return form


def _page(form: CheckoutForm, summary, status: int = 200):
    describe_page("checkout")
    response = make_response(
        render_template(
            "cart/checkout.html",
            form=form,
            summary=summary,
            shipping_ore=shipping_price_ore("delivery"),
            invoice_days=INVOICE_DAYS,
            withdrawal_days=WITHDRAWAL_DAYS,
            hold_minutes=HOLD_MINUTES,
            vat=vat_part_ore,
        ),
        status,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/kasse", methods=["GET", "POST"])
@rate_limit("CHECKOUT_HOLD_RATE_LIMIT", "GET")
def checkout():
    cart = current_cart()
    summary = cart_summary(cart)
    if not summary.lines:
        return _to_cart("Handlekurven er tom. Legg noe i den før du går til kassen.")
    if not summary.can_check_out:
        return _to_cart(_problem_message(summary))
    form = _prefilled()
    if not form.is_submitted():
        try:
            hold_cart(cart)
        except CartError as error:
            db.session.rollback()
            return _to_cart(error.message)
        db.session.commit()
        note_event("checkout_step", step="details")
        return _page(form, cart_summary(cart))
    if not form.validate():
        return _page(form, summary, 400)
    details = form.checkout_details()
    personalise = personalisation_applies()  # asked before the stock rows are locked
    try:
        customer = current_user if current_user.is_authenticated else None
        customer = customer or guest_customer(form.details())
        order = check_out(cart, customer, details)
    except AccountExists as error:
        db.session.rollback()
        form.email.errors = [error.message]
        return _page(form, cart_summary(current_cart()), 400)
    except (CartError, OrderError) as error:
        db.session.rollback()
        return _to_cart(error.message)
    order_url = mail_link("accounts.order", number=order.number) if customer.password_hash else None
    queue_order_confirmation(order, order_url=order_url)
    if form.nyhetsbrev.data:  # asked in the order's transaction: both stand, or neither
        request_subscription(customer, "checkout")
    if personalise:  # a logged-in customer's profile grows with the order, or not at all
        note_purchase(customer.id, [line.product for line in order.lines if line.product])
    number = order.number
    db.session.commit()
    for line in order.lines:
        note_event("purchase", product_id=line.product_id)
    _issue_confirmation_document(order)
    session[PLACED_KEY] = [*session.get(PLACED_KEY, [])[-(PLACED_KEEP - 1) :], number]
    return redirect(url_for("cart.receipt", number=number), code=303)


def _issue_confirmation_document(order) -> None:
    """The numbered confirmation PDF, in a unit of work of its own after the order committed.

    Rendering a PDF takes ~0.1 s of CPU; inside the order's transaction it would hold the
    stock rows' locks (SQLite: the only write lock) that long and serialise every checkout.
    The order stands without it: a failure is logged, and staff can issue it later.
    """
    try:
        issue_order_confirmation(order)
        db.session.commit()
    except Exception:  # the order is placed and its mail queued; nothing here may undo that
        db.session.rollback()
        current_app.logger.exception("Could not issue the confirmation document for an order")


@bp.get("/kasse/bekreftelse/<number>")
def receipt(number: str):
    order = find_order(number)
    if order is None:
        abort(404)
    placed_here = number in session.get(PLACED_KEY, [])
    owner = current_user.is_authenticated and current_user.id == order.customer_id
    if not (placed_here or owner):
        abort(404)
    response = make_response(
        render_template(
            "cart/receipt.html",
            order=order,
            invoice_days=INVOICE_DAYS,
            withdrawal_days=WITHDRAWAL_DAYS,
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/angreskjema")
def withdrawal_form():
    return render_template("cart/withdrawal_form.html", withdrawal_days=WITHDRAWAL_DAYS)
