"""Newsletters in the staff area (R3.3, R2.2).

/admin/nyhetsbrev: drafts (subject, intro, products by SKU or a category), a preview as a
chosen customer from the mail template itself, a test to the staff member's own address, and
"Send" after a confirmation that shows how many will get it. Sending fixes the recipients and
then sends up to REQUEST_BATCHES batches in the request; whatever is left (a big list, a
stopped request) is finished by `flask --app wsgi newsletter send`.

Offers (/admin/kampanjetilbud) are in bkm/admin/offers.py.
"""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound
from wtforms import (
    EmailField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional, StopValidation

from bkm.accounts.models import User
from bkm.admin import bp
from bkm.audit.recording import record_view
from bkm.catalog.models import Category, Product
from bkm.extensions import db
from bkm.forms import BaseForm, MaxLength, QueryForm, SingleLine, is_row_id, strip_text
from bkm.newsletter import sending
from bkm.newsletter.models import Newsletter, NewsletterRecipient, Offer

REQUEST_BATCHES = 10  # 2 000 recipients in the request; the CLI sends the rest
MAX_SKUS = 24
STATUS_LABELS = {"draft": "Utkast", "sending": "Sendes", "sent": "Sendt"}
SKU_SPLIT = re.compile(r"[\s,;]+")


# --- forms -------------------------------------------------------------------------------


def category_choices() -> list[tuple[str, str]]:
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
        self.category.choices = [("", "Ingen kategori"), *category_choices()]
        self.has_offer = offer
        self.products: list[Product] = []
        self.category_id: int | None = None

    def validate_category(self, field) -> None:
        value = field.data or ""
        if value == "":
            return
        if not is_row_id(value) or db.session.get(Category, int(value)) is None:
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


# --- newsletters -------------------------------------------------------------------------


def _newsletter_or_404(newsletter_id: int) -> Newsletter:
    newsletter = db.session.get(Newsletter, newsletter_id)
    if newsletter is None:
        raise NotFound()
    return newsletter


def to_newsletter(newsletter: Newsletter):
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
        return to_newsletter(newsletter)
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
            return to_newsletter(item)
        if form.validate_on_submit():
            form.fill(item)
            db.session.commit()
            flash("Utkastet er lagret.", "success")
            return to_newsletter(item)
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
    return Markup(match.group(1) if match else "")  # nosec B704


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
        return to_newsletter(item)
    sending.queue_test_mail(item, current_user._get_current_object())
    db.session.commit()
    flash(f"En test er sendt til {current_user.email}.", "success")
    return to_newsletter(item)


@bp.route("/nyhetsbrev/<int:newsletter_id>/send", methods=["GET", "POST"])
def send_newsletter(newsletter_id: int):
    item = _newsletter_or_404(newsletter_id)
    if item.status == "sent":
        flash("Nyhetsbrevet er allerede sendt.", "info")
        return to_newsletter(item)
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
                return to_newsletter(item)
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
        return to_newsletter(item)
    count = sending.audience_count(item) if item.status == "draft" else sending.remaining(item)
    return render_template("admin/newsletter_send.html", newsletter=item, form=form, count=count)
