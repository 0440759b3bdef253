"""Sending a newsletter exactly once per recipient (R3.3, R2.2, R1.2).

1. `start_sending` fixes the recipient list once: one `queued` row per confirmed subscriber
   of an active account (for an offer: only those who bought in its categories), and the
   newsletter goes from draft to sending. It does not commit; the caller's unit of work does.
2. `send_batch` takes up to `size` queued rows. In ONE transaction it marks them `sent` with
   a conditional UPDATE (only rows still `queued` match, so two senders never take the same
   row), renders each one's mail and adds it to the outbox (`queue_mail`), links the row to
   its mail, and commits. A crash inside a batch rolls all of it back — rows and mails — and
   a resume takes the same rows again; a crash between batches leaves committed batches as
   they are. Either way nobody is mailed twice. Anyone who unsubscribed or was deactivated
   since the list was fixed is marked `skipped` instead.
3. `send_all` repeats that until no row is queued, then marks the newsletter sent.
   `resume_unfinished` does it for every newsletter left in "sending" (the CLI below).

The outbox delivers the mails after commit (`flask bkm mail send`). What a mail offers is
decided when its batch is sent: sold-out and inactive products are never in it. Recipients
whose latest consent answer on the statement in force grants personalisation get products
from their own interests and purchases (bkm.personal); everyone else gets the newsletter's
chosen products, or its category's newest, the same for all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, has_request_context
from sqlalchemy import func, literal, select, update
from sqlalchemy.orm import selectinload

from bkm.accounts.mailing import mail_link
from bkm.accounts.models import User
from bkm.catalog.listing import category_and_descendant_ids
from bkm.catalog.models import Category, Product
from bkm.catalog.pricing import PriceDisplay, price_displays
from bkm.clock import utcnow
from bkm.consent.models import ConsentRecord
from bkm.consent.policy import snapshot
from bkm.consent.registry import OWN_BOX_PURPOSES, PERSONALISATION
from bkm.extensions import db
from bkm.mail.outbox import queue_mail, render_mail
from bkm.newsletter import subscriptions
from bkm.newsletter.models import Newsletter, NewsletterRecipient, Offer
from bkm.newsletter.offers import OfferLine, buyers_in_categories, offer_lines

BATCH_SIZE = 200
PRODUCTS_IN_MAIL = 6
MAIL_TEMPLATE = "newsletter"
MAIL_KIND = "newsletter"
TEST_MAIL_KIND = "newsletter_test"


class SendingError(ValueError):
    """The newsletter cannot be sent as asked; the message is in Norwegian."""


@dataclass(frozen=True)
class ProductBlock:
    products: list[Product]
    prices: dict[int, PriceDisplay]
    personal: bool  # from the recipient's own interests and purchases (R2.2)


# --- who gets it ---------------------------------------------------------------------------


def audience(newsletter: Newsletter):
    """A select of the ids of everyone the newsletter would go to now."""
    confirmed = subscriptions.subscribers().subquery()
    stmt = select(confirmed.c.id)
    if newsletter.offer_id is not None:
        offer = db.session.get(Offer, newsletter.offer_id)
        category_ids = [c.id for c in offer.bought_categories] if offer else []
        stmt = stmt.where(confirmed.c.id.in_(buyers_in_categories(category_ids)))
    return stmt


def audience_count(newsletter: Newsletter) -> int:
    return db.session.scalar(select(func.count()).select_from(audience(newsletter).subquery()))


def start_sending(newsletter: Newsletter) -> int:
    """Fix the recipients (one `queued` row each) and set the status to sending. Returns how
    many; does not commit. Only a draft can start, and only once: the status is changed by a
    conditional UPDATE, so two staff members pressing "Send" at once start it once."""
    started = db.session.execute(
        update(Newsletter)
        .where(Newsletter.id == newsletter.id, Newsletter.status == "draft")
        .values(status="sending", sending_started_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if started != 1:
        raise SendingError("Nyhetsbrevet er allerede sendt eller under sending.")
    ids = audience(newsletter).subquery()
    db.session.execute(
        NewsletterRecipient.__table__.insert().from_select(
            ["newsletter_id", "user_id", "status"],
            select(literal(newsletter.id), ids.c.id, literal("queued")),
        )
    )
    db.session.refresh(newsletter)
    return db.session.scalar(
        select(func.count())
        .select_from(NewsletterRecipient)
        .where(NewsletterRecipient.newsletter_id == newsletter.id)
    )


# --- what they get -------------------------------------------------------------------------


def _available(stmt):
    return stmt.where(Product.is_active.is_(True), Product.stock_quantity > 0)


def general_products(newsletter: Newsletter, limit: int = PRODUCTS_IN_MAIL) -> list[Product]:
    """The newsletter's chosen products still for sale, else its category's newest in stock."""
    chosen = [p.id for p in newsletter.products]
    if chosen:
        stmt = _available(select(Product).where(Product.id.in_(chosen))).order_by(Product.id)
    elif newsletter.category_id is not None:
        category = db.session.get(Category, newsletter.category_id)
        if category is None:
            return []
        stmt = _available(
            select(Product).where(Product.category_id.in_(category_and_descendant_ids(category)))
        ).order_by(Product.created_at.desc(), Product.id.desc())
    else:
        return []
    return list(db.session.scalars(stmt.limit(limit).options(selectinload(Product.images))))


def personalisation_granted(user_ids: Iterable[int]) -> set[int]:
    """Those whose latest consent answer, on the statement in force, grants personalisation.

    The same rule as the front page's (bkm.consent.state) without a request: the account's
    latest answer in the ledger decides; an answer to an outdated statement counts as no
    answer. Newsletter steps (subscribe, confirm, leave) are in the ledger too, but they
    answer nothing about personalisation, so they are passed over."""
    user_ids = list(user_ids)
    if not user_ids:
        return set()
    latest = (  # own-box steps (newsletter, calls, catalogues) answer nothing about it
        select(func.max(ConsentRecord.id))
        .where(
            ConsentRecord.user_id.in_(user_ids),
            ConsentRecord.granted.not_in(OWN_BOX_PURPOSES),
            ConsentRecord.refused.not_in(OWN_BOX_PURPOSES),
        )
        .group_by(ConsentRecord.user_id)
    )
    required = snapshot().required_version
    rows = db.session.scalars(select(ConsentRecord).where(ConsentRecord.id.in_(latest)))
    return {
        row.user_id
        for row in rows
        if PERSONALISATION in row.granted_purposes and row.policy_version >= required
    }


PersonalProducts = Callable[[int, int], list[Product]]
_personal_products: list[PersonalProducts] = []


def provide_personal_products(provider: PersonalProducts) -> None:
    """Set where personal products come from: (user id, limit) -> products for sale to them.

    bkm.personal ranks with this package, so it is not imported here; the newsletter's entry
    points (bkm.newsletter.sending_views, loaded by init_app) plug it in."""
    _personal_products[:] = [provider]


def personal_products(user_id: int, limit: int = PRODUCTS_IN_MAIL) -> list[Product]:
    return _personal_products[0](user_id, limit) if _personal_products else []


def _prices(products: list[Product]) -> dict[int, PriceDisplay]:
    return price_displays([p.id for p in products], {p.id: p.price_ore for p in products})


def _product_links(products: Iterable[Product]) -> dict[int, str]:
    return {p.id: mail_link("catalog.product", slug=p.slug) for p in products}


def mail_context(
    newsletter: Newsletter,
    user: User,
    block: ProductBlock,
    offer: Offer | None,
    lines: list[OfferLine],
    *,
    test: bool = False,
    unsubscribe_link: str | None = None,
) -> dict:
    products = [*block.products, *(line.product for line in lines)]
    return {
        "newsletter": newsletter,
        "user": user,
        "block": block,
        "offer": offer,
        "offer_lines": lines,
        "links": _product_links(products),
        "unsubscribe_link": unsubscribe_link or subscriptions.unsubscribe_url(user.id),
        "shop_url": mail_link("catalog.index"),
        "test": test,
    }


def _offer_and_lines(newsletter: Newsletter) -> tuple[Offer | None, list[OfferLine]]:
    offer = db.session.get(Offer, newsletter.offer_id) if newsletter.offer_id else None
    return offer, (offer_lines(offer) if offer else [])


def block_for(
    newsletter: Newsletter, user: User, personal: bool, general: ProductBlock | None = None
) -> ProductBlock:
    """The recipient's product block: their own when `personal` gives them any products."""
    if personal:
        mine = personal_products(user.id)
        if mine:
            return ProductBlock(mine, _prices(mine), personal=True)
    if general is None:
        products = general_products(newsletter)
        general = ProductBlock(products, _prices(products), personal=False)
    return general


def preview(newsletter: Newsletter, user: User) -> tuple[str, str, str | None]:
    """(subject, text, html) of the mail `user` would get if their batch went now."""
    _require_links()
    personal = user.id in personalisation_granted([user.id])
    offer, lines = _offer_and_lines(newsletter)
    block = block_for(newsletter, user, personal)
    context = mail_context(newsletter, user, block, offer, lines)
    return render_mail(MAIL_TEMPLATE, {"recipient": user.email, **context})


def queue_test_mail(newsletter: Newsletter, staff_member: User):
    """One mail, marked as a test, to the staff member's own address; no recipient row, the
    newsletter stays as it is. Does not commit."""
    _require_links()
    offer, lines = _offer_and_lines(newsletter)
    block = block_for(newsletter, staff_member, personal=False)
    return queue_mail(
        MAIL_TEMPLATE,
        to=staff_member.email,
        kind=TEST_MAIL_KIND,
        reference=f"newsletter:{newsletter.id}:test",
        **mail_context(newsletter, staff_member, block, offer, lines, test=True),
    )


def _require_links() -> None:
    if not (current_app.config.get("SHOP_URL") or has_request_context()):
        raise RuntimeError("BKM_SHOP_URL must be set to send newsletters outside a request")


def _links():
    """Where mail links can be built: the request, or (CLI) a request context for SHOP_URL,
    since url_for needs one when SERVER_NAME is not set. The app context (and its database
    session) stays the same."""
    if has_request_context():
        return nullcontext()
    _require_links()
    base = urlsplit(current_app.config["SHOP_URL"])
    return current_app.test_request_context("/", base_url=f"{base.scheme}://{base.netloc}")


# --- sending -------------------------------------------------------------------------------


def _queued(newsletter: Newsletter, size: int) -> list[tuple[int, int]]:
    return list(
        db.session.execute(
            select(NewsletterRecipient.id, NewsletterRecipient.user_id)
            .where(
                NewsletterRecipient.newsletter_id == newsletter.id,
                NewsletterRecipient.status == "queued",
            )
            .order_by(NewsletterRecipient.id)
            .limit(size)
        )
    )


def send_batch(newsletter: Newsletter, size: int = BATCH_SIZE) -> int:
    """Turn up to `size` queued recipients into outbox mails and COMMIT (see the module).

    Returns how many recipients it handled (sent or skipped); 0 means none was queued.
    Refuses to run inside someone else's unit of work instead of committing it.
    """
    session = db.session
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("send_batch commits; call it outside a unit of work")
    with _links():
        return _send_batch(newsletter, size)


def _send_batch(newsletter: Newsletter, size: int) -> int:
    session = db.session
    batch = _queued(newsletter, size)
    if not batch:
        session.commit()
        return 0
    now = utcnow()
    row_of = {user_id: row_id for row_id, user_id in batch}
    still = subscriptions.subscribers().subquery()
    wanted = set(session.scalars(select(still.c.id).where(still.c.id.in_(list(row_of)))))
    gone = [row_of[user_id] for user_id in row_of if user_id not in wanted]
    if gone:
        session.execute(
            update(NewsletterRecipient)
            .where(NewsletterRecipient.id.in_(gone), NewsletterRecipient.status == "queued")
            .values(status="skipped", sent_at=None)
            .execution_options(synchronize_session=False)
        )
    # The claim: only rows still queued match, so a second sender gets none of them.
    claimed = set(
        session.scalars(
            update(NewsletterRecipient)
            .where(
                NewsletterRecipient.id.in_([row_of[u] for u in wanted]),
                NewsletterRecipient.status == "queued",
            )
            .values(status="sent", sent_at=now)
            .returning(NewsletterRecipient.user_id)
            .execution_options(synchronize_session=False)
        )
    )
    users = session.scalars(select(User).where(User.id.in_(claimed)).order_by(User.id)).all()
    personal = personalisation_granted(claimed)
    offer, lines = _offer_and_lines(newsletter)
    products = general_products(newsletter)
    general = ProductBlock(products, _prices(products), personal=False)
    linked = []
    for user in users:
        block = block_for(newsletter, user, user.id in personal, general)
        headers = subscriptions.unsubscribe_headers(user.id)
        # the link at the bottom is the very one in the header (a token made once)
        link = headers["List-Unsubscribe"].strip("<>")
        message = queue_mail(
            MAIL_TEMPLATE,
            to=user.email,
            kind=MAIL_KIND,
            reference=f"newsletter:{newsletter.id}",
            headers=headers,
            **mail_context(newsletter, user, block, offer, lines, unsubscribe_link=link),
        )
        linked.append((user.id, message))
    session.flush()
    if linked:
        session.execute(
            update(NewsletterRecipient),
            [{"id": row_of[user_id], "mail_id": message.id} for user_id, message in linked],
        )
    session.commit()
    return len(batch)


def remaining(newsletter: Newsletter) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(NewsletterRecipient)
        .where(
            NewsletterRecipient.newsletter_id == newsletter.id,
            NewsletterRecipient.status == "queued",
        )
    )


def send_all(
    newsletter: Newsletter, size: int = BATCH_SIZE, *, max_batches: int | None = None
) -> bool:
    """Send batches until none is queued, then mark the newsletter sent (committed).

    With `max_batches`, stop after that many and return False when some are still queued:
    the rest is sent by `flask newsletter send` (resume_unfinished)."""
    done = 0
    while max_batches is None or done < max_batches:
        if send_batch(newsletter, size) == 0:
            break
        done += 1
    if remaining(newsletter):
        return False
    db.session.execute(
        update(Newsletter)
        .where(Newsletter.id == newsletter.id, Newsletter.status == "sending")
        .values(status="sent", sent_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(newsletter)
    return True


def unfinished() -> list[Newsletter]:
    return list(
        db.session.scalars(
            select(Newsletter).where(Newsletter.status == "sending").order_by(Newsletter.id)
        )
    )


def resume_unfinished(size: int = BATCH_SIZE) -> list[Newsletter]:
    """Finish every newsletter left in "sending" (a crash, a stopped request); returns them."""
    finished = []
    for newsletter in unfinished():
        send_all(newsletter, size)
        finished.append(newsletter)
    return finished


def counts(newsletter: Newsletter) -> dict[str, int]:
    rows = db.session.execute(
        select(NewsletterRecipient.status, func.count())
        .where(NewsletterRecipient.newsletter_id == newsletter.id)
        .group_by(NewsletterRecipient.status)
    )
    found = dict.fromkeys(("queued", "sent", "skipped"), 0)
    found.update(dict(rows.all()))
    return found
