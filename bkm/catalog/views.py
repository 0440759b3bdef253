"""Shopper pages: front page, category, product, search."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

import bkm.personal as personal  # as a module: personal imports the catalogue in turn
from bkm.catalog import bp
from bkm.catalog.forms import ListingFilterForm
from bkm.catalog.listing import (
    brand_counts,
    category_and_descendant_ids,
    category_listing,
    new_arrivals,
    paginate,
    parse_page,
)
from bkm.catalog.models import CONDITION_GRADES, Category, Product
from bkm.catalog.navigation import breadcrumbs, product_counts_by_category, top_categories
from bkm.catalog.pricing import price_display, price_displays
from bkm.catalog.search import plan_search
from bkm.extensions import db
from bkm.newsletter.offers import targeted_offers
from bkm.page_cache import cached_for_anonymous
from bkm.page_context import describe_page


def _prices_for(products) -> dict:
    return price_displays([p.id for p in products], {p.id: p.price_ore for p in products})


def _with_images(stmt):
    return stmt.options(selectinload(Product.images))


@bp.get("/")
@cached_for_anonymous
def index():
    describe_page("front")
    arrivals = new_arrivals(current_app.config["NEW_ARRIVALS_COUNT"])
    picks, offers = [], []
    if personal.personalisation_applies():  # not for anonymous visitors: no query, cacheable
        picks, offers = personal.front_page(current_user.id)
    targeted = []  # offers for buyers in given categories who get the newsletter (R1.2)
    if current_user.is_authenticated and current_user.role == "customer":
        targeted = targeted_offers(current_user.id)
    return render_template(
        "catalog/index.html",
        arrivals=arrivals,
        picks=picks,
        offers=offers,
        targeted_offers=targeted,
        prices=_prices_for([*arrivals, *picks, *offers]),
        categories=top_categories(),
        counts=product_counts_by_category(),
        grades=CONDITION_GRADES,
    )


@bp.get("/kategori/<slug>")
@cached_for_anonymous
def category(slug: str):
    page = parse_page(request.args.get("side"))
    node = db.first_or_404(select(Category).where(Category.slug == slug))
    describe_page("category", category_id=node.id)
    form = ListingFilterForm(request.args)
    subtree = category_and_descendant_ids(node)
    brands = brand_counts(subtree)
    form.merke.choices = [SelectChoice(brand, f"{brand} ({count})") for brand, count in brands]
    form.validate()
    filters = form.to_filters()
    pagination = paginate(
        _with_images(category_listing(subtree, filters)),
        page,
        current_app.config["PRODUCTS_PER_PAGE"],
    )
    return render_template(
        "catalog/category.html",
        category=node,
        trail=breadcrumbs(node),
        form=form,
        pagination=pagination,
        prices=_prices_for(pagination.items),
    )


@bp.get("/produkt/<slug>")
@cached_for_anonymous
def product(slug: str):
    stmt = _with_images(
        select(Product).where(Product.slug == slug, Product.is_active.is_(True))
    ).options(selectinload(Product.price_changes))
    item = db.first_or_404(stmt)
    describe_page("product", product_id=item.id, category_id=item.category_id)
    page = render_template(
        "catalog/product.html",
        product=item,
        trail=breadcrumbs(item.category),
        price=price_display(item),
        grades=CONDITION_GRADES,
    )
    if personal.personalisation_applies():  # a logged-in customer: never the cached path
        personal.note_product_view(current_user.id, item)
        db.session.commit()
    return page


@bp.get("/sok")
@cached_for_anonymous
def search():
    query = request.args.get("q", "").strip()
    describe_page("search", search_query=query)
    page = parse_page(request.args.get("side"))
    plan = plan_search(query)
    pagination = None
    if plan.statement is not None:
        pagination = paginate(
            _with_images(plan.statement), page, current_app.config["PRODUCTS_PER_PAGE"]
        )
    items = pagination.items if pagination else []
    return render_template(
        "catalog/search.html",
        query=query,
        plan=plan,
        pagination=pagination,
        prices=_prices_for(items),
        categories=top_categories(),
    )


@bp.get("/kontakt")
@cached_for_anonymous
def contact():
    describe_page("info")
    return render_template("catalog/contact.html")
