def test_second_tab_creating_the_first_cart_uses_the_winners_cart(db, customer):
    from sqlalchemy import text

    from bkm.cart.cart import _create_user_cart

    # The other tab's insert committed after this request looked and found no cart.
    with db.engine.begin() as other_tab:
        other_tab.execute(
            text("INSERT INTO carts (user_id, created_at, updated_at) VALUES (:u, :t, :t)"),
            {"u": customer.id, "t": "2026-11-24 12:00:00"},
        )
    cart = _create_user_cart(customer.id)
    assert cart.id is not None and cart.user_id == customer.id
    db.session.commit()
    assert db.session.execute(text("SELECT count(*) FROM carts")).scalar() == 1
