"""Access requests at /admin/innsyn (R9.4): the list with the one-month deadline, and starting a
request for a customer who asked by phone, e-mail or letter.

Starting one sends the same mail as Min side does, to the address the customer has registered
with us and nowhere else (GDPR art. 12(6): the answer goes to the known address), records
who registered it, and writes an audit row.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import NotFound
from wtforms import EmailField, RadioField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Email

from bkm.admin import bp
from bkm.admin.views import page_number
from bkm.clock import oslo_today, to_oslo, utcnow
from bkm.extensions import db
from bkm.forms import BaseForm, MaxLength, QueryForm, strip_text
from bkm.privacy.access import (
    LINK_MAX_AGE,
    STAFF_CHANNELS,
    AccessRequestRefused,
    RequestedRecently,
    access_request_list,
    find_customer,
    link_expires_at,
    request_access,
)
from bkm.privacy.models import ACCESS_CHANNELS, AccessRequest

REQUESTS_PER_PAGE = 25
NO_SUCH_CUSTOMER = (
    "Vi har ingen kunde med denne e-postadressen. Søk i kundelisten, og bruk adressen som står "
    "på kunden."
)


class StaffAccessRequestForm(BaseForm):
    email = EmailField(
        "Kundens e-postadresse",
        validators=[
            DataRequired("Skriv kundens e-postadresse."),
            MaxLength(254, "E-postadressen kan ha maks 254 tegn."),
            Email(
                "Skriv en gyldig e-postadresse, for eksempel navn@firma.no.",
                check_deliverability=False,
            ),
        ],
        filters=[strip_text],
    )
    channel = RadioField(
        "Kunden ba om innsyn på",
        choices=[SelectChoice(key, label) for key, label in STAFF_CHANNELS.items()],
        invalid_choice_message="Velg hvordan kunden ba om innsyn.",
    )


class AccessRequestFilter(QueryForm):
    vis = SelectField(
        "Vis",
        choices=[SelectChoice("apne", "Ikke lastet ned"), SelectChoice("alle", "Alle")],
        default="apne",
        invalid_choice_message="Velg åpne eller alle forespørsler.",
    )


@bp.route("/innsyn", methods=["GET", "POST"])
def access_requests():
    form = StaffAccessRequestForm()
    if form.validate_on_submit():
        customer = find_customer(form.email.data)
        if customer is None:
            form.email.errors.append(NO_SUCH_CUSTOMER)
        else:
            try:
                request_access(
                    customer, form.channel.data, registered_by=current_user._get_current_object()
                )
            except RequestedRecently as refused:
                db.session.rollback()
                form.email.errors.append(_already_sent(refused.existing))
            except AccessRequestRefused as refused:
                db.session.rollback()
                form.email.errors.append(str(refused))
            else:
                db.session.commit()
                flash(
                    f"Innsyn er registrert. {customer.name} får en lenke på e-post til "
                    f"{customer.email}.",
                    "success",
                )
                return redirect(url_for("admin.access_requests"), 303)
    return _list_page(form), 400 if form.is_submitted() else 200


def _list_page(form: StaffAccessRequestForm) -> str:
    filter_form = AccessRequestFilter(request.args)
    filter_form.validate()
    show_all = filter_form.vis.data == "alle" and not filter_form.vis.errors
    pagination = db.paginate(
        access_request_list(only_open=not show_all).options(
            joinedload(AccessRequest.user), joinedload(AccessRequest.registered_by)
        ),
        page=page_number(),
        per_page=REQUESTS_PER_PAGE,
        error_out=False,
    )
    if pagination.page > 1 and not pagination.items:
        raise NotFound()
    return render_template(
        "admin/access_requests.html",
        form=form,
        filter_form=filter_form,
        pagination=pagination,
        show_all=show_all,
        today=oslo_today(),
        now=utcnow(),
        channels=ACCESS_CHANNELS,
        link_expires_at=link_expires_at,
        link_days=LINK_MAX_AGE.days,
    )


def _already_sent(existing: AccessRequest) -> str:
    sent = existing.sent_at or existing.received_at
    return (
        f"Kunden fikk en lenke {to_oslo(sent):%d.%m.%Y kl. %H:%M}, som ikke er "
        "brukt ennå. Den virker i sju dager; be kunden se etter den (også i søppelposten). "
        "En ny kan sendes når det har gått et døgn."
    )
