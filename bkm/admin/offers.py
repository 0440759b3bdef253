"""Offers in the staff area (R1.2): /admin/kampanjetilbud.

An offer is a discount on chosen products for customers who bought in given categories;
"Lag nyhetsbrev" makes a newsletter draft for the subscribers among them.
(/admin/tilbud is taken by the quotes.)
"""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound
from wtforms import (
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, StopValidation

from bkm.admin import bp
from bkm.admin.newsletters import ActionForm, NewsletterForm, category_choices, to_newsletter
from bkm.catalog.forms import CheckboxListField
from bkm.catalog.models import Category, Product
from bkm.clock import oslo_today
from bkm.extensions import db
from bkm.forms import (
    BaseForm,
    MaxLength,
    NorwegianDateField,
    SingleLine,
    is_row_id,
    strip_text,
)
from bkm.newsletter.models import Newsletter, Offer
from bkm.newsletter.offers import newsletter_for_offer, offer_lines

# --- forms ---------------------------------------------------------------------------------


class OfferForm(BaseForm):
    title = StringField(
        "Tittel",
        validators=[
            MaxLength(200, "Tittelen kan ha maks 200 tegn."),
            DataRequired("Skriv en tittel."),
            SingleLine(),
        ],
        filters=[strip_text],
    )
    description = TextAreaField(
        "Beskrivelse",
        validators=[MaxLength(2000, "Beskrivelsen kan ha maks 2000 tegn."), Optional()],
        filters=[strip_text],
    )
    discount_percent = IntegerField(
        "Rabatt (%)",
        validators=[
            InputRequired("Skriv rabatten i prosent, et helt tall fra 1 til 90."),
            NumberRange(1, 90, "Rabatten må være et helt tall fra 1 til 90 %%."),
        ],
    )
    valid_from = NorwegianDateField(
        "Gjelder fra",
        "Skriv fra-datoen som en dato, for eksempel 24.11.2026.",
        validators=[InputRequired("Skriv datoen tilbudet gjelder fra.")],
    )
    valid_until = NorwegianDateField(
        "Gjelder til og med",
        "Skriv til-datoen som en dato, for eksempel 30.11.2026.",
        validators=[InputRequired("Skriv datoen tilbudet gjelder til og med.")],
    )
    skus = TextAreaField(
        "Varer (varenumre)",
        validators=[MaxLength(2000, "Listen med varenumre er for lang.")],
        filters=[strip_text],
    )
    categories = CheckboxListField(
        "For kunder som har kjøpt i", choices=[], coerce=str, validate_choice=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.categories.choices = category_choices()
        self.products: list[Product] = []
        self.category_list: list[Category] = []

    def validate_discount_percent(self, field) -> None:
        if self.discount_percent.raw_data and self.discount_percent.data is None:
            raise StopValidation("Rabatten må være et helt tall fra 1 til 90 %.")

    def validate_valid_until(self, field) -> None:
        start, end = self.valid_from.data, field.data
        if start and end and end < start:
            raise StopValidation("Til-datoen kan ikke være før fra-datoen.")
        if end and end < oslo_today():
            raise StopValidation("Til-datoen kan ikke være passert.")
        if start and end and end - start > timedelta(days=366):
            raise StopValidation("Et tilbud kan gjelde i maks ett år.")

    validate_skus = NewsletterForm.validate_skus

    def validate_categories(self, field) -> None:
        chosen = list(dict.fromkeys(field.data or []))
        if not chosen:
            raise StopValidation("Velg minst én kategori kundene har kjøpt i.")
        if not all(is_row_id(v) for v in chosen):
            raise StopValidation("Velg kategoriene fra listen.")
        found = db.session.scalars(
            select(Category).where(Category.id.in_([int(v) for v in chosen]))
        ).all()
        if len(found) != len(chosen):
            raise StopValidation("Velg kategoriene fra listen.")
        self.category_list = sorted(found, key=lambda c: c.id)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.products:
            self.skus.errors = ["Skriv varenumrene til varene tilbudet gjelder."]
            return False
        return True

    def fill(self, offer: Offer) -> None:
        offer.title = self.title.data
        offer.description = self.description.data or ""
        offer.discount_percent = self.discount_percent.data
        offer.valid_from = self.valid_from.data
        offer.valid_until = self.valid_until.data
        offer.products = list(self.products)
        offer.bought_categories = list(self.category_list)


# --- offers ------------------------------------------------------------------------------


def _offer_or_404(offer_id: int) -> Offer:
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        raise NotFound()
    return offer


@bp.get("/kampanjetilbud")
def offers():
    rows = db.session.scalars(select(Offer).order_by(Offer.valid_until.desc(), Offer.id.desc()))
    drafts = dict(
        db.session.execute(
            select(Newsletter.offer_id, func.max(Newsletter.id))
            .where(Newsletter.offer_id.is_not(None))
            .group_by(Newsletter.offer_id)
        ).all()
    )
    return render_template(
        "admin/offers.html",
        offers=rows.all(),
        newsletters=drafts,
        today=oslo_today(),
        action_form=ActionForm(),
    )


@bp.route("/kampanjetilbud/ny", methods=["GET", "POST"])
def new_offer():
    form = OfferForm()
    if form.validate_on_submit():
        offer = Offer(created_by_id=current_user.id)
        form.fill(offer)
        db.session.add(offer)
        db.session.commit()
        flash(f"Tilbudet «{offer.title}» er lagret.", "success")
        return redirect(url_for("admin.offer", offer_id=offer.id), 303)
    db.session.rollback()
    status = 400 if form.is_submitted() else 200
    return render_template("admin/offer_form.html", form=form, offer=None), status


@bp.get("/kampanjetilbud/<int:offer_id>")
def offer(offer_id: int):
    item = _offer_or_404(offer_id)
    return render_template(
        "admin/offer.html",
        offer=item,
        lines=offer_lines(item),
        today=oslo_today(),
        action_form=ActionForm(),
    )


@bp.post("/kampanjetilbud/<int:offer_id>/nyhetsbrev")
def offer_newsletter(offer_id: int):
    item = _offer_or_404(offer_id)
    if not ActionForm().validate_on_submit():
        flash("Skjemaet kunne ikke leses. Last siden på nytt og prøv igjen.", "error")
        return redirect(url_for("admin.offer", offer_id=item.id), 303)
    newsletter = newsletter_for_offer(item, current_user.id)
    db.session.commit()
    flash(
        "Et utkast er laget. Det går bare til abonnenter som har kjøpt i tilbudets kategorier.",
        "success",
    )
    return to_newsletter(newsletter)
