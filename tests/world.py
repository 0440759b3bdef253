"""One of everything a route can point at, for the tests that walk every route."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, url_for

from bkm.extensions import db
from bkm.orders.documents import issue_invoice
from tests.factories import (
    make_case,
    make_category,
    make_customer,
    make_issued_quote,
    make_order,
    make_product,
    make_quote,
    make_shipped_order,
    make_user,
)


class World:
    """One of everything a route can point at, owned by `owner` where it is someone's."""

    def __init__(self) -> None:
        from bkm.consent.models import Processor
        from bkm.consent.policy import current_version, start_draft
        from bkm.newsletter.models import Newsletter, Offer

        self.owner = make_customer(name="Eier Eiersen")
        self.other = make_customer(name="Annen Andersen")
        self.staff = make_user(role="staff")
        self.manager = make_user(role="manager")
        self.category = make_category()
        self.product = make_product(category=self.category, stock_quantity=5)
        self.order = make_shipped_order(self.owner, {self.product: 1})
        self.document = issue_invoice(self.order)
        self.shipment = self.order.shipments[0]
        self.case = make_case(self.owner)
        self.quote = make_issued_quote(self.owner, {make_product(): 1})
        # Not yet handled by staff, so the pages show the forms that handle them.
        self.open_order = make_order(self.owner, {make_product(): 1})
        self.requested_quote = make_quote(self.owner, {make_product(): 1})
        self.version = current_version()
        self.draft = start_draft(self.manager.id)
        self.offer = Offer(
            title="Tilbud",
            description="",
            discount_percent=10,
            valid_from=self.order.placed_at.date(),
            valid_until=self.order.placed_at.date(),
        )
        self.newsletter = Newsletter(subject="Nytt", intro="", products=[self.product])
        self.processor = Processor(
            name="Post AS",
            service="E-post",
            data="E-post",
            location="Norge",
            agreement_date=self.order.placed_at.date(),
        )
        db.session.add_all([self.offer, self.newsletter, self.processor])
        db.session.commit()
        image = Path(current_app.config["MEDIA_DIR"]) / self.product.images[0].filename
        image.parent.mkdir(parents=True, exist_ok=True)
        image.write_text("<svg/>")

    def person(self, role: str):
        return {
            "owner": self.owner,
            "other": self.other,
            "staff": self.staff,
            "manager": self.manager,
        }.get(role)

    def values(self, endpoint: str, argument: str):
        """A value for a URL argument of `endpoint`: the world's thing of that kind."""
        if argument == "number":
            if "quote" in endpoint or endpoint in ("admin.withdraw", "admin.issue"):
                return self.quote.number
            if "case" in endpoint or endpoint in ("admin.close", "admin.reply"):
                return self.case.number
            return self.order.number
        if argument == "slug":
            return self.category.slug if endpoint == "catalog.category" else self.product.slug
        if argument == "filename":
            return "css/shop.css" if endpoint == "static" else self.product.images[0].filename
        if argument == "table":
            return "ukjent"
        return {
            "token": "ugyldig-lenke",
            "document_id": self.document.id,
            "shipment_id": self.shipment.id,
            "user_id": self.owner.id,
            "offer_id": self.offer.id,
            "newsletter_id": self.newsletter.id,
            "processor_id": self.processor.id,
            "version_id": self.draft.id,
            "version": self.version.version,
        }[argument]


def url_of(app, world: World, rule) -> str:
    with app.test_request_context():
        return url_for(rule.endpoint, **{a: world.values(rule.endpoint, a) for a in rule.arguments})
