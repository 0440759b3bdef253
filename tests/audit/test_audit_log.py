"""Every staff view of a customer's personal data leaves one row in the append-only audit log."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import delete, update

from bkm.audit.models import AuditEntry, AuditLogIsAppendOnly
from bkm.audit.recording import record_view
from tests.factories import audit_rows, make_customer, make_order


@pytest.fixture
def order(db):
    order = make_order(make_customer(name="Kari Nordmann"))
    db.session.commit()
    return order


def test_the_audit_table_holds_who_in_which_role_whom_what_why_and_when_and_nothing_else(db):
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("audit_log")}
    assert columns == {
        "id",
        "at",
        "actor_id",
        "actor_role",
        "subject_user_id",
        "action",
        "target",
        "reason",
    }


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_viewing_a_customer_page_writes_exactly_one_row(client, login_as, request, db, order, role):
    viewer = login_as(request.getfixturevalue(role))

    response = client.get(f"/admin/kunder/{order.customer_id}")

    assert response.status_code == 200 and "Kari Nordmann" in response.get_data(as_text=True)
    (entry,) = audit_rows()
    assert (entry.actor_id, entry.subject_user_id, entry.action, entry.target) == (
        viewer.id,
        order.customer_id,
        "viewed_customer",
        f"customer:{order.customer_id}",
    )
    assert entry.at is not None and entry.at.tzinfo is not None


def test_viewing_an_order_page_writes_exactly_one_row(client, login_as, staff, order):
    login_as(staff)

    assert client.get(f"/admin/ordrer/{order.number}").status_code == 200

    (entry,) = audit_rows()
    assert (entry.actor_id, entry.subject_user_id, entry.action, entry.target) == (
        staff.id,
        order.customer_id,
        "viewed_order",
        f"order:{order.number}",
    )


def test_each_request_is_one_row_and_a_missing_page_none(client, login_as, staff, order):
    login_as(staff)
    client.get(f"/admin/ordrer/{order.number}")
    client.get(f"/admin/ordrer/{order.number}")
    client.get(f"/admin/kunder/{order.customer_id}")
    assert client.get("/admin/kunder/999999").status_code == 404
    assert client.get(f"/admin/kunder/{staff.id}").status_code == 404  # staff are not customers
    assert client.get("/admin/ordrer/BKM-999999").status_code == 404
    assert [e.action for e in audit_rows()] == ["viewed_order", "viewed_order", "viewed_customer"]


def test_refused_visitors_leave_no_row(client, login_as, customer, order):
    assert client.get(f"/admin/kunder/{order.customer_id}").status_code == 302
    login_as(customer)
    assert client.get(f"/admin/ordrer/{order.number}").status_code == 403
    assert audit_rows() == []


def test_lists_and_actions_write_no_view_rows(client, login_as, staff, order):
    login_as(staff)
    client.get("/admin/ordrer")
    client.get("/admin/kunder")
    assert audit_rows() == []


def test_record_view_adds_to_the_session_and_does_not_commit(db, staff, order):
    record_view(staff, order.customer_id, "viewed_order", f"order:{order.number}")
    db.session.rollback()
    assert audit_rows() == []
    with pytest.raises(ValueError):
        record_view(staff, order.customer_id, "looked_around", "")


def test_audit_rows_cannot_be_changed_or_deleted(db, staff, order):
    record_view(staff, order.customer_id, "viewed_customer", f"customer:{order.customer_id}")
    db.session.commit()
    (entry,) = audit_rows()

    entry.action = "exported"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()

    db.session.delete(audit_rows()[0])
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()

    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(update(AuditEntry).values(target="x"))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(delete(AuditEntry))
    db.session.rollback()

    (entry,) = audit_rows()
    assert (entry.action, entry.target) == ("viewed_customer", f"customer:{order.customer_id}")


def test_deleting_the_viewer_keeps_the_row_without_the_id(db, staff, order):
    record_view(staff, order.customer_id, "viewed_customer", "")
    db.session.commit()
    with db.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM users WHERE id = :id"), {"id": staff.id})
    (entry,) = audit_rows()
    assert entry.actor_id is None and entry.subject_user_id == order.customer_id
