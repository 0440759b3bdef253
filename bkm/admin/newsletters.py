"""Newsletters and offers in the staff area (R3.3, R1.2, R2.2).

/admin/nyhetsbrev: drafts (subject, intro, products by SKU or a category), a preview as a
chosen customer from the mail template itself, a test to the staff member's own address, and
"Send" after a confirmation that shows how many will get it. Sending fixes the recipients and
then sends up to REQUEST_BATCHES batches in the request; whatever is left (a big list, a
stopped request) is finished by `flask --app wsgi newsletter send`.

/admin/kampanjetilbud: offers for customers who bought in given categories, and "Lag
nyhetsbrev" for one. (/admin/tilbud is taken by the quotes.)
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, StopValidation

from bkm.accounts.models import User
from bkm.admin import bp
from bkm.audit.recording import record_view
from bkm.catalog.forms import CheckboxListField
from bkm.catalog.models import Category, Product
from bkm.clock import oslo_today
from bkm.extensions import db
from bkm.forms import BaseForm, MaxLength, QueryForm, SingleLine, strip_text
from bkm.newsletter import sending
from bkm.newsletter.models import Newsletter, NewsletterRecipient, Offer
from bkm.newsletter.offers import newsletter_for_offer, offer_lines

REQUEST_BATCHES = 10  # 2 000 recipients in the request; the CLI sends the rest
MAX_SKUS = 24
STATUS_LABELS = {"draft": "Utkast", "sending": "Sendes", "sent": "Sendt"}
SKU_SPLIT = re.compile(r"[\s,;]+")


# --- forms -------------------------------------------------------------------------------


def _category_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(select(Category.id, Category.name).order_by(Category.name))
    return [(str(cid), name) for cid, name in rows]


class NewsletterForm(BaseForm):
    subject = StringField(
        "Emne",
        validators=[
            MaxLength(200, "Emnet kan ha maks 200 tegn."),
            DataRequired("Skriv et emne."),
            SingleLine(),
        ],
        filters=[strip_text],
    )
    intro = TextAreaField(
        "Innledning",
        validators=[
            MaxLength(5000, "Innledningen kan ha maks 5000 tegn."),
            DataRequired("Skriv en innledning."),
        ],
        filters=[strip_text],
    )
    skus = TextAreaField(
        "Varer (varenumre)",
        validators=[Optional(), MaxLength(2000, "Listen med varenumre er for lang.")],
        filters=[strip_text],
    )
    category = SelectField(
        "eller nyeste varer fra kategori",
        choices=[],
        validate_choice=False,
    )

    def __init__(self, *args, offer: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [("", "Ingen kategori"), *_category_choices()]
        self.has_offer = offer
        self.products: list[Product] = []
        self.category_id: int | None = None

    def validate_category(self, field) -> None:
        value = field.data or ""
        if value == "":
            return
        if (
            not (value.isascii() and value.isdigit())
            or db.session.get(Category, int(value)) is None
        ):
            raise StopValidation("Velg en kategori fra listen.")
        self.category_id = int(value)

    def validate_skus(self, field) -> None:
        wanted = [s for s in SKU_SPLIT.split(field.data or "") if s]
        wanted = list(dict.fromkeys(s.upper() for s in wanted))
        if len(wanted) > MAX_SKUS:
            raise StopValidation(f"Velg maks {MAX_SKUS} varer.")
        if not wanted:
            return
        found = {
            p.sku.upper(): p
            for p in db.session.scalars(select(Product).where(func.upper(Product.sku).in_(wanted)))
        }
        missing = [s for s in wanted if s not in found]
        if missing:
            raise StopValidation("Fant ikke varenummer: " + ", ".join(missing) + ".")
        self.products = [found[s] for s in wanted]

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.has_offer and not self.products and self.category_id is None:
            self.skus.errors = ["Velg varer med varenumre, eller en kategori."]
            return False
        return True

    def fill(self, newsletter: Newsletter) -> None:
        newsletter.subject = self.subject.data
        newsletter.intro = self.intro.data
        newsletter.category_id = self.category_id
        newsletter.products = list(self.products)


class PreviewForm(QueryForm):
    e = EmailField(
        "Forhåndsvis som (kundens e-post)",
        validators=[
            Optional(),
            MaxLength(254, "E-postadressen kan ha maks 254 tegn."),
            SingleLine(),
        ],
        filters=[strip_text],
    )


class ActionForm(BaseForm):
    """A button with a CSRF token and nothing else."""


class NorwegianDate(DateField):
    def __init__(self, label, message: str, **kwargs) -> None:
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(label, format=["%Y-%m-%d", "%d.%m.%Y"], **kwargs)
        self.message = message

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.message) from error


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
    valid_from = NorwegianDate(
        "Gjelder fra",
        "Skriv fra-datoen som en dato, for eksempel 24.11.2026.",
        validators=[InputRequired("Skriv datoen tilbudet gjelder fra.")],
    )
    valid_until = NorwegianDate(
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
        self.categories.choices = _category_choices()
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
        if not all(v.isascii() and v.isdigit() for v in chosen):
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


# --- newsletters -------------------------------------------------------------------------


def _newsletter_or_404(newsletter_id: int) -> Newsletter:
    newsletter = db.session.get(Newsletter, newsletter_id)
    if newsletter is None:
        raise NotFound()
    return newsletter


def _to_newsletter(newsletter: Newsletter):
    return redirect(url_for("admin.newsletter", newsletter_id=newsletter.id), 303)


@bp.get("/nyhetsbrev")
def newsletters():
    rows = db.session.scalars(select(Newsletter).order_by(Newsletter.id.desc())).all()
    sent_counts = dict(
        db.session.execute(
            select(NewsletterRecipient.newsletter_id, func.count())
            .where(NewsletterRecipient.status == "sent")
            .group_by(NewsletterRecipient.newsletter_id)
        ).all()
    )
    return render_template(
        "admin/newsletters.html",
        newsletters=rows,
        sent_counts=sent_counts,
        labels=STATUS_LABELS,
    )


@bp.route("/nyhetsbrev/ny", methods=["GET", "POST"])
def new_newsletter():
    form = NewsletterForm()
    if form.validate_on_submit():
        newsletter = Newsletter(status="draft", created_by_id=current_user.id)
        form.fill(newsletter)
        db.session.add(newsletter)
        db.session.commit()
        flash("Utkastet er lagret. Forhåndsvis det og send en test til deg selv.", "success")
        return _to_newsletter(newsletter)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/newsletter_form.html", form=form, newsletter=None), status


@bp.route("/nyhetsbrev/<int:newsletter_id>", methods=["GET", "POST"])
def newsletter(newsletter_id: int):
    item = _newsletter_or_404(newsletter_id)
    offer = db.session.get(Offer, item.offer_id) if item.offer_id else None
    form = NewsletterForm(
        obj=item,
        offer=offer is not None,
        skus=" ".join(p.sku for p in item.products),
        category=str(item.category_id or ""),
    )
    status = 200
    if request.method == "POST":
        if item.status != "draft":
            flash("Nyhetsbrevet er sendt eller sendes nå og kan ikke endres.", "error")
            return _to_newsletter(item)
        if form.validate_on_submit():
            form.fill(item)
            db.session.commit()
            flash("Utkastet er lagret.", "success")
            return _to_newsletter(item)
        db.session.rollback()
        status = 400
    return (
        render_template(
            "admin/newsletter_form.html",
            form=form,
            newsletter=item,
            offer=offer,
            counts=sending.counts(item) if item.status != "draft" else None,
            audience=sending.audience_count(item) if item.status == "draft" else None,
            action_form=ActionForm(),
            labels=STATUS_LABELS,
        ),
        status,
    )


def _mail_part(html: str | None) -> Markup | None:
    """The mail's own content between its markers (the rest is the mail's page frame)."""
    if not html:
        return None
    match = re.search(r"<!-- nyhetsbrev-start -->(.*)<!-- nyhetsbrev-slutt -->", html, re.S)
    # The template escaped every value in it; it is the very HTML the customer gets.
    return Markup(match.group(1) if match else "")


@bp.get("/nyhetsbrev/<int:newsletter_id>/forhandsvis")
def preview_newsletter(newsletter_id: int):
    item = _newsletter_or_404(newsletter_id)
    form = PreviewForm(request.args)
    person, status = current_user._get_current_object(), 200
    if form.e.data and form.validate():
        person = db.session.scalar(select(User).where(User.email == form.e.data.lower()))
        if person is None:
            form.e.errors = ["Fant ingen med den e-postadressen."]
            person, status = current_user._get_current_object(), 404
        elif person.id != current_user.id:
            record_view(current_user, person.id, "viewed_customer", f"newsletter:{item.id}")
    elif form.e.data:
        status = 400
    subject, text, html = sending.preview(item, person)
    db.session.commit()
    return (
        render_template(
            "admin/newsletter_preview.html",
            newsletter=item,
            form=form,
            person=person,
            subscribed=person.id in _subscriber_ids([person.id]),
            subject=subject,
            text=text,
            mail_html=_mail_part(html),
        ),
        status,
    )


def _subscriber_ids(user_ids: list[int]) -> set[int]:
    from bkm.newsletter.subscriptions import subscribers

    confirmed = subscribers().subquery()
    return set(db.session.scalars(select(confirmed.c.id).where(confirmed.c.id.in_(user_ids))))


@bp.post("/nyhetsbrev/<int:newsletter_id>/test")
def test_newsletter(newsletter_id: int):
    item = _newsletter_or_404(newsletter_id)
    if not ActionForm().validate_on_submit():
        flash("Skjemaet kunne ikke leses. Last siden på nytt og prøv igjen.", "error")
        return _to_newsletter(item)
    sending.queue_test_mail(item, current_user._get_current_object())
    db.session.commit()
    flash(f"En test er sendt til {current_user.email}.", "success")
    return _to_newsletter(item)


@bp.route("/nyhetsbrev/<int:newsletter_id>/send", methods=["GET", "POST"])
def send_newsletter(newsletter_id: int):
    item = _newsletter_or_404(newsletter_id)
    if item.status == "sent":
        flash("Nyhetsbrevet er allerede sendt.", "info")
        return _to_newsletter(item)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash("Skjemaet kunne ikke leses. Last siden på nytt og prøv igjen.", "error")
            return redirect(url_for("admin.send_newsletter", newsletter_id=item.id), 303)
        if item.status == "draft":
            try:
                sending.start_sending(item)
            except sending.SendingError as refused:
                db.session.rollback()
                flash(str(refused), "error")
                return _to_newsletter(item)
            db.session.commit()
        finished = sending.send_all(item, max_batches=REQUEST_BATCHES)
        found = sending.counts(item)
        if finished:
            flash(f"Nyhetsbrevet er lagt i utboksen til {found['sent']} mottakere.", "success")
        else:
            flash(
                f"{found['sent']} e-poster er lagt i utboksen; {found['queued']} gjenstår "
                "og sendes av «flask --app wsgi newsletter send».",
                "info",
            )
        return _to_newsletter(item)
    count = sending.audience_count(item) if item.status == "draft" else sending.remaining(item)
    return render_template("admin/newsletter_send.html", newsletter=item, form=form, count=count)


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
    return _to_newsletter(newsletter)
