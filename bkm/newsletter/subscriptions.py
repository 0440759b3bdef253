"""Subscribing to the newsletter with double opt-in, and leaving it (R3.3, R3.6, R3.8).

A box that is never ticked in advance (registration, checkout, Min side) only *asks*: it
creates a pending subscription and mails a link. The consent counts once the link is opened
(`confirm`); only confirmed subscribers are `subscribers()`. Leaving (`unsubscribe`) is one
click in every newsletter (RFC 8058 one-click too) or one button on Min side.

Every step is appended to the consent ledger under the purpose "newsletter": the request
(action "accept", channel = where the box was ticked), the confirmation (action "accept",
channel "email") and the withdrawal (action "withdraw", channel "email", "mypage" or "staff").

What withdrawing deletes — the data kept *because of* this consent (R3.6):
- the subscription row (that the person is on the list, since when, from where);
- mail for them still waiting in the outbox that only the consent justified: an unused
  confirmation mail and newsletters not yet handed to the mail server. Their recipient rows
  are marked "skipped" (as are recipient rows not yet turned into mail), so nothing more is
  sent after the withdrawal.
What it keeps: the consent ledger (the proof of consent and withdrawal, GDPR art. 7(1)) and
the recipient rows of newsletters already sent (the log of what was sent to whom, under the
consent then in force; it also keeps a resumed sending from mailing anyone twice).

Rules only: nothing here commits.
"""

from __future__ import annotations

from flask import current_app, has_request_context
from sqlalchemy import Select, delete, select, update
from sqlalchemy.exc import IntegrityError

from bkm.accounts.mailing import mail_link, mailed_recently, queue_account_mail
from bkm.accounts.models import User
from bkm.clock import utcnow
from bkm.consent.choice import new_consent_id
from bkm.consent.models import ConsentRecord
from bkm.consent.policy import snapshot, text_digest
from bkm.consent.registry import NEWSLETTER
from bkm.extensions import db
from bkm.mail.models import MailMessage
from bkm.newsletter.models import SOURCES, NewsletterRecipient, Subscription
from bkm.newsletter.tokens import (
    CONFIRM_MAX_AGE,
    CONFIRM_SALT,
    UNSUBSCRIBE_MAX_AGE,
    UNSUBSCRIBE_SALT,
    BadLink,
    ExpiredLink,
    confirm_token,
    read_token,
    unsubscribe_token,
)

__all__ = [
    "CONFIRM_MAIL",
    "BadLink",
    "ExpiredLink",
    "NothingToConfirm",
    "confirm",
    "confirmation_sent_recently",
    "is_subscribed",
    "request_subscription",
    "subscribers",
    "subscription_of",
    "unsubscribe",
    "unsubscribe_headers",
    "unsubscribe_url",
    "user_to_unsubscribe",
]

CONFIRM_MAIL = "newsletter_confirm"  # the outbox kind and template of the confirmation mail
UNSUBSCRIBE_CHANNELS = ("email", "mypage", "staff")


class NothingToConfirm(BadLink):
    """A genuine link, but there is no subscription any more (they left before confirming)."""


# --- the ledger -----------------------------------------------------------------------


def _record(user_id: int, *, action: str, channel: str, given: bool) -> ConsentRecord:
    """Append one newsletter step to the consent ledger, under the person's consent id."""
    policy = snapshot()
    consent_id = db.session.scalar(
        select(ConsentRecord.consent_id)
        .where(ConsentRecord.user_id == user_id)
        .order_by(ConsentRecord.id.desc())
        .limit(1)
    )
    record = ConsentRecord(
        consent_id=consent_id or new_consent_id(),
        action=action,
        granted=NEWSLETTER if given else "",
        refused="" if given else NEWSLETTER,
        policy_version=policy.version,
        text_digest=text_digest(policy),
        channel=channel,
        user_id=user_id,
    )
    db.session.add(record)
    return record


# --- subscribing ----------------------------------------------------------------------


def subscription_of(user_id: int) -> Subscription | None:
    return db.session.scalar(select(Subscription).where(Subscription.user_id == user_id))


def confirmation_sent_recently(user: User) -> bool:
    """A confirmation mail went out less than a minute ago (one a minute is enough)."""
    return mailed_recently(user, CONFIRM_MAIL)


def request_subscription(user: User, source: str) -> Subscription:
    """The person ticked the newsletter box: a pending subscription and a confirmation mail.

    Idempotent: a confirmed subscription stays as it is (no mail, no ledger row); a pending
    one gets the mail again, at most once a minute. Does not commit.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown newsletter source {source!r}")
    snapshot()  # a new shop publishes its first statement (and commits) before our changes
    subscription = subscription_of(user.id)
    if subscription is None:
        try:
            with db.session.begin_nested():  # a concurrent request may have made it already
                subscription = Subscription(user_id=user.id, status="pending", source=source)
                db.session.add(subscription)
        except IntegrityError:
            return subscription_of(user.id)  # the other request recorded and mailed it
    elif subscription.status == "confirmed" or confirmation_sent_recently(user):
        return subscription
    _record(user.id, action="accept", channel=source, given=True)
    link = mail_link("newsletter.confirm", token=confirm_token(user.id))
    queue_account_mail(
        CONFIRM_MAIL,
        user,
        link,
        valid_days=CONFIRM_MAX_AGE.days,
        mypage_link=mail_link("newsletter.marketing"),
    )
    return subscription


def confirm(token: str) -> tuple[Subscription, bool]:
    """Confirm the subscription in a link: (the subscription, whether this click confirmed it).

    Raises BadLink (tampered, another kind of link), ExpiredLink (older than 7 days) and
    NothingToConfirm (they left since). A second click changes nothing. Does not commit.
    """
    user_id = read_token(CONFIRM_SALT, token, CONFIRM_MAX_AGE)
    confirmed = db.session.execute(
        update(Subscription)
        .where(Subscription.user_id == user_id, Subscription.status == "pending")
        .values(status="confirmed", confirmed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    subscription = db.session.scalar(
        select(Subscription)
        .where(Subscription.user_id == user_id)
        .execution_options(populate_existing=True)
    )
    if subscription is None:
        raise NothingToConfirm()
    if confirmed:
        _record(user_id, action="accept", channel="email", given=True)
    return subscription, bool(confirmed)


# --- who is subscribed ----------------------------------------------------------------


def is_subscribed(user_id: int) -> bool:
    """Confirmed subscribers only: a pending request is not a consent yet."""
    return (
        db.session.scalar(
            select(Subscription.id).where(
                Subscription.user_id == user_id, Subscription.status == "confirmed"
            )
        )
        is not None
    )


def subscribers() -> Select:
    """The users who get news and offers by e-mail: confirmed, on an active account (R3.3)."""
    return (
        select(User)
        .join(Subscription, Subscription.user_id == User.id)
        .where(Subscription.status == "confirmed", User.is_active_account.is_(True))
        .order_by(User.id)
    )


# --- leaving --------------------------------------------------------------------------


def user_to_unsubscribe(token: str) -> int:
    """The user id in an unsubscribe link; raises BadLink or ExpiredLink."""
    return read_token(UNSUBSCRIBE_SALT, token, UNSUBSCRIBE_MAX_AGE)


def unsubscribe(user_id: int, channel: str) -> bool:
    """Leave the newsletter and delete what was kept because of it (see the module's text).

    Harmless when there is nothing to leave (a second click): returns False and records
    nothing. Does not commit.
    """
    if channel not in UNSUBSCRIBE_CHANNELS:
        raise ValueError(f"unknown unsubscribe channel {channel!r}")
    snapshot()
    removed = db.session.execute(
        delete(Subscription)
        .where(Subscription.user_id == user_id)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    _drop_unsent_mail(user_id)
    if not removed:
        return False
    _record(user_id, action="withdraw", channel=channel, given=False)
    return True


def _drop_unsent_mail(user_id: int) -> None:
    """Nothing more is mailed because of a consent that is gone: the unused confirmation
    mail and unsent newsletters leave the outbox, and their recipient rows become "skipped"."""
    unsent = select(MailMessage.id).where(MailMessage.status == "queued")
    recipient_mail = (
        select(NewsletterRecipient.mail_id)
        .where(NewsletterRecipient.user_id == user_id, NewsletterRecipient.mail_id.is_not(None))
        .scalar_subquery()
    )
    dropped = list(
        db.session.scalars(
            unsent.where(
                (MailMessage.id.in_(recipient_mail))
                | (
                    (MailMessage.kind == CONFIRM_MAIL)
                    & (MailMessage.reference == f"user:{user_id}")
                )
            )
        )
    )
    if dropped:
        db.session.execute(
            update(NewsletterRecipient)
            .where(NewsletterRecipient.mail_id.in_(dropped))
            .values(status="skipped", mail_id=None)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            delete(MailMessage)
            .where(MailMessage.id.in_(dropped), MailMessage.status == "queued")
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        update(NewsletterRecipient)
        .where(NewsletterRecipient.user_id == user_id, NewsletterRecipient.status == "queued")
        .values(status="skipped")
        .execution_options(synchronize_session=False)
    )


# --- for the newsletter sender ----------------------------------------------------------


def unsubscribe_url(user_id: int) -> str:
    """The absolute one-click unsubscribe link for this person's newsletters (a year valid).

    Works outside a request too (a sending command) when SHOP_URL is set: the link is then
    SHOP_URL and the path, as mail_link makes it.
    """
    token = unsubscribe_token(user_id)
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return mail_link("newsletter.unsubscribe", token=token)
    if not current_app.config.get("SHOP_URL"):
        raise RuntimeError("BKM_SHOP_URL must be set to build mail links outside a request")
    with current_app.test_request_context():  # only to build the path; SHOP_URL is the base
        return mail_link("newsletter.unsubscribe", token=token)


def unsubscribe_headers(user_id: int) -> dict[str, str]:
    """The RFC 2369 / RFC 8058 headers that let a mail client unsubscribe in one click."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user_id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
