"""place_order: the atomic stock decrement, price snapshot, totals with MVA, order numbers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bkm.orders.models import Order, OrderLine
from bkm.orders.placing import EmptyOrder, SoldOut, order_number, place_order
from tests.factories import checkout_details, make_customer, make_order, make_product


def stock_of(db, product) -> int:
    db.session.expire_all()
    return db.session.get(type(product), product.id).stock_quantity


def order_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Order))


def test_pickup_order_has_lines_totals_and_the_vat_part_of_the_gross(db):
    desk = make_product(price_ore=250_000, stock_quantity=1, condition="A")
    chairs = make_product(price_ore=120_050, stock_quantity=3)
    customer = make_customer()

    order = make_order(customer, {desk: 1, chairs: 2})

    assert order.number == order_number(order.id) == f"BKM-{100_000 + order.id}"
    assert [(line.sku, line.quantity, line.unit_price_ore) for line in order.lines] == [
        (desk.sku, 1, 250_000),
        (chairs.sku, 2, 120_050),
    ]
    assert order.lines[0].condition == "A" and order.lines[0].title == desk.title
    assert order.lines[1].line_total_ore == 240_100
    assert order.lines[1].vat_ore == 48_020
    assert (order.subtotal_ore, order.shipping_ore, order.total_ore) == (490_100, 0, 490_100)
    assert order.vat_ore == 98_020  # 20 % of the gross at 25 % MVA
    assert order.net_ore == 392_080
    assert order.status == "received" and order.status_label == "Mottatt"
    assert order.withdrawal_deadline_on is None  # starts only when the goods are received
    assert (stock_of(db, desk), stock_of(db, chairs)) == (0, 1)


def test_delivery_adds_the_flat_shipping_price_and_its_vat(app, db):
    desk = make_product(price_ore=250_000)
    order = make_order(lines={desk: 1}, delivery_method="delivery")
    shipping = app.config.get("SHIPPING_PRICE_ORE", 149_000)
    assert order.shipping_ore == shipping == 149_000
    assert order.total_ore == 399_000
    assert order.vat_ore == 79_800
    assert order.delivery_street  # the buyer's own address when no other was given


def test_business_order_keeps_company_and_org_number_as_a_snapshot(db):
    customer = make_customer(customer_type="business")
    order = make_order(customer)
    customer.company_name = "Nytt Navn AS"
    db.session.flush()
    assert order.customer_type == "business" and not order.is_consumer
    assert order.company_name != "Nytt Navn AS" and len(order.org_number) == 9


def test_sold_out_raises_and_the_rollback_leaves_stock_and_orders_unchanged(db):
    desk = make_product(stock_quantity=1)
    chairs = make_product(stock_quantity=3)
    customer = make_customer()
    db.session.commit()

    with pytest.raises(SoldOut) as raised:
        # One line fits, the other does not: the decrement that succeeded rolls back too.
        place_order(customer, [(chairs.id, 2), (desk.id, 2)], checkout_details(customer))
    db.session.rollback()

    assert "Vi har bare 1 stk." in raised.value.message
    assert (stock_of(db, desk), stock_of(db, chairs)) == (1, 3)
    assert order_count(db) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OrderLine)) == 0


def test_the_last_unit_sold_gives_solgt_and_a_withdrawn_product_is_not_for_sale(db):
    desk = make_product(stock_quantity=1)
    withdrawn = make_product(is_active=False)
    make_order(lines={desk: 1})
    customer = make_customer()
    with pytest.raises(SoldOut, match="er dessverre solgt"):
        place_order(customer, [(desk.id, 1)], checkout_details(customer))
    with pytest.raises(SoldOut, match="ikke lenger til salgs"):
        place_order(customer, [(withdrawn.id, 1)], checkout_details(customer))


def test_prices_are_read_when_the_order_is_placed(db):
    desk = make_product(price_ore=100_000)
    desk.price_ore = 90_000  # changed after it went into a cart
    db.session.commit()
    assert make_order(lines={desk: 1}).total_ore == 90_000


def test_empty_order_and_bad_quantities_are_refused(db):
    customer = make_customer()
    desk = make_product()
    with pytest.raises(EmptyOrder):
        place_order(customer, [], checkout_details(customer))
    with pytest.raises(ValueError):
        place_order(customer, [(desk.id, 0)], checkout_details(customer))


def test_checkout_details_refuse_payment_at_pickup_with_delivery():
    with pytest.raises(ValueError):
        checkout_details(delivery_method="delivery", payment_method="pickup")
    with pytest.raises(ValueError):
        checkout_details(customer_type="business")  # no company name or org.nr


def test_margin_scheme_lines_carry_no_vat_amount(db):
    from bkm.orders.placing import place_order
    from tests.factories import checkout_details, make_customer, make_product

    standard = make_product(price_ore=125_000)
    margin = make_product(price_ore=100_000, vat_scheme="margin", purchase_price_ore=40_000)
    customer = make_customer()
    order = place_order(
        customer, [(standard.id, 1), (margin.id, 1)], checkout_details(delivery_method="pickup")
    )
    by_scheme = {line.vat_scheme: line.vat_ore for line in order.lines}
    assert by_scheme == {"standard": 25_000, "margin": 0}
    assert order.vat_ore == 25_000  # pickup: no shipping


def test_agreed_price_never_exceeds_todays_shop_price(db):
    from bkm.orders.placing import place_order
    from tests.factories import checkout_details, make_customer, make_product

    cheaper_now = make_product(price_ore=90_000)
    order = place_order(
        make_customer(),
        [(cheaper_now.id, 1)],
        checkout_details(delivery_method="pickup"),
        unit_prices={cheaper_now.id: 95_000},  # quoted before the price dropped
    )
    assert order.lines[0].unit_price_ore == 90_000
