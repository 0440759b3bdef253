"""Cart pages: look at the cart, add to it from a product page, change or remove a line."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from sqlalchemy import select

from bkm.cart import bp
from bkm.cart.cart import (
    add_item,
    cart_summary,
    current_cart,
    find_line,
    remember_cart,
    remove_item,
    set_quantity,
)
from bkm.cart.forms import UnknownProduct, parse_product_id, parse_quantity
from bkm.cart.stock import CartError, NotInCart
from bkm.catalog.models import Product
from bkm.extensions import csrf, db, rate_limit
from bkm.origin import is_same_origin
from bkm.page_context import describe_page, note_event

CROSS_ORIGIN_REFUSAL = (
    "Forespørselen ble avvist",
    "Varen ble ikke lagt i handlekurven fordi forespørselen ikke kom fra nettbutikkens egne "
    "sider. Gå til varen i nettbutikken og prøv igjen.",
)


def _to_cart():
    return redirect(url_for("cart.view"), code=303)


def _refused(error: CartError, target):
    db.session.rollback()
    flash(error.message, "error")
    return target


@bp.get("/handlekurv")
def view():
    describe_page("cart")
    response = make_response(
        render_template("cart/view.html", summary=cart_summary(current_cart()))
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.post("/handlekurv/legg-til")
@rate_limit("CART_RATE_LIMIT")
@csrf.exempt  # the product page's form has no token; see bkm/cart/origin.py
def add():
    if not is_same_origin(request):
        title, text = CROSS_ORIGIN_REFUSAL
        return render_template("errors/generic.html", code=403, title=title, text=text), 403
    try:
        product_id = parse_product_id(request.form.get("product_id"))
        product = db.session.scalar(
            select(Product).where(Product.id == product_id, Product.is_active.is_(True))
        )
        if product is None:
            raise UnknownProduct()
    except CartError as error:
        return _refused(error, _to_cart())
    title = product.title
    back = redirect(url_for("catalog.product", slug=product.slug), code=303)
    try:
        quantity = parse_quantity(request.form.get("quantity"))
        cart = current_cart(create=True)
        add_item(cart, product, quantity)
    except CartError as error:
        return _refused(error, back)
    db.session.commit()
    note_event("add_to_cart", product_id=product.id, category_id=product.category_id)
    remember_cart(cart)
    flash(f"Lagt i handlekurven: {title}.", "success")
    return back


def _line_in_cart():
    """The visitor's cart and the product of a line in it, from the posted product_id."""
    cart = current_cart()
    product_id = parse_product_id(request.form.get("product_id"))
    product = db.session.get(Product, product_id)
    if product is None:
        raise UnknownProduct()
    if cart is None or find_line(cart, product.id) is None:
        raise NotInCart(product)
    return cart, product


@bp.post("/handlekurv/antall")
def update():
    try:
        cart, product = _line_in_cart()
        set_quantity(cart, product, parse_quantity(request.form.get("quantity")))
    except CartError as error:
        return _refused(error, _to_cart())
    db.session.commit()
    flash("Antallet er endret.", "success")
    return _to_cart()


@bp.post("/handlekurv/fjern")
def remove():
    try:
        cart, product = _line_in_cart()
    except CartError as error:
        return _refused(error, _to_cart())
    title = product.title
    remove_item(cart, product)
    db.session.commit()
    flash(f"{title} er fjernet fra handlekurven.", "success")
    return _to_cart()
