"""Staff pages: the start page, the customer list and page, registering a customer (R2.1)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from bkm.accounts.customers import customer_search
from bkm.accounts.models import User
from bkm.accounts.password_reset import queue_welcome_mail
from bkm.accounts.registration import EmailTaken, register_customer
from bkm.admin import bp
from bkm.admin.forms import CustomerSearchForm, StaffCustomerForm
from bkm.admin.marketing_lists import ReservationForm, StaffContactForm
from bkm.audit.recording import record_view
from bkm.extensions import db
from bkm.newsletter.preferences import SOURCE_LABELS, preferences_of
from bkm.orders.history import orders_of
from bkm.orders.models import Order

CUSTOMERS_PER_PAGE = 25
CHANNEL_LABELS = {
    "web": "Nettbutikken",
    "phone": "Telefon",
    "email": "E-post",
    "in_person": "Oppmøte",
    "checkout": "Kasse (gjest)",
    "internal": "Intern",
}
MAX_PAGE = 10_000


def page_number() -> int:
    raw = request.args.get("side", "")
    if raw == "":
        return 1
    if len(raw) > 5 or not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE:
        raise NotFound()
    return int(raw)


@bp.get("/")
def index():
    customers = db.session.scalar(select(func.count()).where(User.role == "customer"))
    waiting = db.session.scalar(select(func.count()).where(Order.status == "received"))
    return render_template("admin/index.html", customer_count=customers, waiting_count=waiting)


@bp.get("/kunder")
def customers():
    form = CustomerSearchForm(request.args)
    query = form.q.data if form.validate() and form.q.data else ""
    pagination = db.paginate(
        customer_search(query), page=page_number(), per_page=CUSTOMERS_PER_PAGE, error_out=False
    )
    if pagination.page > 1 and not pagination.items:
        raise NotFound()
    return render_template(
        "admin/customers.html",
        form=form,
        pagination=pagination,
        query=query,
        channel_labels=CHANNEL_LABELS,
    )


@bp.get("/kunder/<int:user_id>")
def customer(user_id: int):
    person = db.session.get(User, user_id)
    if person is None or person.role != "customer":
        raise NotFound()
    record_view(current_user, person.id, "viewed_customer", f"customer:{person.id}")
    db.session.commit()
    contact = preferences_of(user_id)
    return render_template(
        "admin/customer.html",
        person=db.session.get(User, user_id),
        orders=orders_of(user_id),
        channel_labels=CHANNEL_LABELS,
        contact=contact,
        contact_form=StaffContactForm.for_customer(contact, formdata=None),
        reservation_form=ReservationForm.for_customer(contact, formdata=None),
        source_labels=SOURCE_LABELS,
    )


@bp.route("/kunder/ny", methods=["GET", "POST"])
def new_customer():
    form = StaffCustomerForm()
    if form.validate_on_submit():
        try:
            customer = register_customer(
                form.details(),
                password=None,
                channel=form.channel.data,
                registered_by=current_user._get_current_object(),
            )
        except EmailTaken:
            db.session.rollback()
            form.email.errors.append(
                "Det finnes allerede en kunde med denne e-postadressen. Søk den opp i kundelisten."
            )
        else:
            queue_welcome_mail(customer)
            db.session.commit()
            flash(
                f"{customer.name} er registrert som kunde. Kunden får en e-post med lenke for å "
                "lage passord.",
                "success",
            )
            return redirect(url_for("admin.customers", q=customer.email))
    return render_template("admin/new_customer.html", form=form)
