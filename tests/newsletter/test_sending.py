"""Sending newsletters (R3.3, R2.2): each confirmed subscriber gets it exactly once, through a
real SMTP server, with one-click unsubscribe; a crash and a resume mail nobody twice; nobody
else gets it; personal products only with personalisation consent; nothing sold out."""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, insert, select

from bkm.accounts.models import User
from bkm.clock import utcnow
from bkm.extensions import db
from bkm.mail.models import MailMessage
from bkm.mail.sender import send_due
from bkm.newsletter import sending
from bkm.newsletter.models import Newsletter, NewsletterRecipient, Subscription
from bkm.newsletter.subscriptions import is_subscribed
from bkm.personal.models import CATEGORY, Interest
from tests.factories import make_category, make_consent_record, make_customer, make_product

SHOP = "https://butikk.test"
UNSUBSCRIBE_LINE = re.compile(r"Slett meg fra mail-liste: (\S+)")


@pytest.fixture(autouse=True)
def shop_url(app, monkeypatch):
    """Mail links outside a request come from SHOP_URL, as in production."""
    monkeypatch.setitem(app.config, "SHOP_URL", SHOP)


@pytest.fixture
def fast_local_smtp(monkeypatch):
    """The SMTP server is a thread of this process: every one of the ~7 replies per message
    waits for Python's thread switch interval (5 ms); a shorter one lets it answer at once.
    (bkm.mail.transports builds its TLS context once per process, so that costs nothing.)
    """
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    yield
    sys.setswitchinterval(interval)


def add_subscribers(count: int, *, status: str = "confirmed", active: bool = True) -> list[int]:
    """`count` customers with a subscription in `status`, inserted in bulk (fast for 1 000)."""
    start = db.session.scalar(select(func.coalesce(func.max(User.id), 0))) + 1
    tag = f"{status}-{active}-{start}"
    db.session.execute(
        insert(User),
        [
            {
                "email": f"abonnent-{tag}-{n}@example.no",
                "name": f"Abonnent {n}",
                "role": "customer",
                "is_active_account": active,
                "registration_channel": "web",
            }
            for n in range(count)
        ],
    )
    ids = list(db.session.scalars(select(User.id).where(User.email.like(f"abonnent-{tag}-%"))))
    now = utcnow()
    db.session.execute(
        insert(Subscription),
        [
            {
                "user_id": user_id,
                "status": status,
                "source": "registration",
                "requested_at": now,
                "confirmed_at": now if status == "confirmed" else None,
            }
            for user_id in ids
        ],
    )
    return ids


def subscribe(user: User, status: str = "confirmed") -> User:
    db.session.add(Subscription(user_id=user.id, status=status, source="mypage"))
    db.session.flush()
    return user


def make_newsletter(**fields) -> Newsletter:
    products = fields.pop("products", None)
    if products is None and "category_id" not in fields:
        products = [make_product(title="Kinnarps Plus 8")]
    newsletter = Newsletter(
        subject=fields.pop("subject", "Nytt på lager i november"),
        intro=fields.pop("intro", "Vi har fått inn mye fint denne måneden."),
        products=products or [],
        **fields,
    )
    db.session.add(newsletter)
    db.session.flush()
    return newsletter


def deliver_all(batch: int = 500) -> float:
    """Hand every queued mail to the SMTP server; returns the seconds it took."""
    started = time.perf_counter()
    while True:
        report = send_due(limit=batch)
        if report.sent == 0:
            assert report.failed == 0
            return time.perf_counter() - started


def per_recipient(smtp_server) -> Counter:
    return Counter(str(message["To"]) for message in smtp_server.messages)


def emails_of(user_ids) -> set[str]:
    return set(db.session.scalars(select(User.email).where(User.id.in_(list(user_ids)))))


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def mail_to(user: User) -> MailMessage:
    return db.session.scalars(
        select(MailMessage).where(
            MailMessage.recipient == user.email, MailMessage.kind == "newsletter"
        )
    ).one()


def send_now(newsletter: Newsletter, size: int = sending.BATCH_SIZE) -> None:
    sending.start_sending(newsletter)
    db.session.commit()
    assert sending.send_all(newsletter, size)


# --- exactly once, with a working one-click unsubscribe ---------------------------------


@pytest.mark.req("R3.3")
def test_a_thousand_subscribers_get_it_exactly_once_with_one_click_unsubscribe(
    app, db, smtp_server, fast_local_smtp, capsys
):
    confirmed = add_subscribers(1000)
    add_subscribers(5, status="pending")
    add_subscribers(5, active=False)
    newsletter = make_newsletter()
    db.session.commit()

    started = time.perf_counter()
    send_now(newsletter)
    queued_in = time.perf_counter() - started
    delivered_in = deliver_all()
    with capsys.disabled():
        print(f"\n1 000 newsletters: outbox {queued_in:.2f} s, SMTP delivery {delivered_in:.2f} s")

    arrived = per_recipient(smtp_server)
    assert set(arrived) == emails_of(confirmed)
    assert set(arrived.values()) == {1}
    db.session.refresh(newsletter)
    assert newsletter.status == "sent" and newsletter.sent_at is not None
    assert sending.counts(newsletter) == {"queued": 0, "sent": 1000, "skipped": 0}

    for message in smtp_server.messages:
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        header_link = message["List-Unsubscribe"].strip("<>")
        assert header_link.startswith(f"{SHOP}/nyhetsbrev/avmeld/")
        # the same per-recipient link, visible at the bottom of both parts
        assert UNSUBSCRIBE_LINE.search(text_of(message)).group(1) == header_link
        assert "Slett meg fra mail-liste" in html_of(message)
        assert f'href="{header_link}"' in html_of(message)

    # follow one: a mail client's RFC 8058 one-click POST, without cookies or a CSRF token
    message = smtp_server.messages[417]
    user = db.session.scalars(select(User).where(User.email == str(message["To"]))).one()
    assert is_subscribed(user.id)
    link = urlsplit(message["List-Unsubscribe"].strip("<>"))
    response = app.test_client().post(
        link.path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert not is_subscribed(user.id)
    assert user.id not in set(
        db.session.scalars(
            select(User.id).where(
                User.id.in_(select(sending.subscriptions.subscribers().subquery().c.id))
            )
        )
    )


@pytest.mark.req("R3.3")
def test_a_crash_half_way_and_a_resume_still_mail_each_subscriber_exactly_once(
    app, db, smtp_server, fast_local_smtp, monkeypatch, runner
):
    confirmed = add_subscribers(1000)
    newsletter = make_newsletter()
    db.session.commit()
    real_queue_mail, calls = sending.queue_mail, []

    def crashing_queue_mail(*args, **kwargs):
        calls.append(kwargs["to"])
        if len(calls) == 500:
            raise RuntimeError("the worker died half-way")
        return real_queue_mail(*args, **kwargs)

    monkeypatch.setattr(sending, "queue_mail", crashing_queue_mail)
    sending.start_sending(newsletter)
    db.session.commit()
    with pytest.raises(RuntimeError, match="half-way"):
        sending.send_all(newsletter)
    db.session.rollback()

    # Two whole batches went; the third rolled back with its mails: nothing half-done.
    assert sending.counts(newsletter) == {"queued": 600, "sent": 400, "skipped": 0}
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 400
    linked = db.session.scalar(
        select(func.count())
        .select_from(NewsletterRecipient)
        .where(NewsletterRecipient.mail_id.is_not(None))
    )
    assert linked == 400
    deliver_all()  # the sender delivered what was committed before the crash
    assert len(smtp_server.messages) == 400

    monkeypatch.setattr(sending, "queue_mail", real_queue_mail)
    result = runner.invoke(args=["newsletter", "send"])  # resumes what was left in "sending"
    assert result.exit_code == 0, result.output
    assert "600 sendt" not in result.output and "1000 sendt" in result.output
    deliver_all()

    arrived = per_recipient(smtp_server)
    assert set(arrived) == emails_of(confirmed)
    assert set(arrived.values()) == {1}
    db.session.expire_all()
    assert db.session.get(Newsletter, newsletter.id).status == "sent"
    # a second resume finds nothing to do and mails nobody
    result = runner.invoke(args=["newsletter", "send"])
    assert "Ingen nyhetsbrev venter" in result.output
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 1000


@pytest.mark.req("R3.3")
def test_a_stop_between_batches_and_a_second_sender_never_mail_anyone_twice(db):
    add_subscribers(25)
    newsletter = make_newsletter()
    db.session.commit()
    sending.start_sending(newsletter)
    db.session.commit()
    assert sending.send_batch(newsletter, size=10) == 10  # then the process is killed
    assert sending.send_batch(newsletter, size=10) == 10  # a second sender (the CLI) goes on
    finished = sending.resume_unfinished(size=7)
    assert [n.id for n in finished] == [newsletter.id]
    recipients = db.session.scalars(select(MailMessage.recipient)).all()
    assert len(recipients) == len(set(recipients)) == 25
    # starting again is refused: the recipient list is fixed once
    with pytest.raises(sending.SendingError):
        sending.start_sending(newsletter)
    db.session.rollback()


@pytest.mark.req("R3.3")
def test_nobody_without_a_confirmed_subscription_ever_gets_one(db, smtp_server):
    subscriber = subscribe(make_customer())
    pending = subscribe(make_customer(), status="pending")
    never = make_customer()
    inactive = subscribe(make_customer(is_active_account=False))
    leaves = subscribe(make_customer())
    deactivated = subscribe(make_customer())
    newsletter = make_newsletter()
    db.session.commit()

    sending.start_sending(newsletter)
    db.session.commit()
    fixed = set(
        db.session.scalars(
            select(NewsletterRecipient.user_id).where(
                NewsletterRecipient.newsletter_id == newsletter.id
            )
        )
    )
    assert fixed == {subscriber.id, leaves.id, deactivated.id}
    # after the list was fixed: one unsubscribes (row deleted), one account is deactivated
    db.session.delete(db.session.scalars(select(Subscription).filter_by(user_id=leaves.id)).one())
    deactivated.is_active_account = False
    db.session.commit()
    assert sending.send_all(newsletter)
    deliver_all()

    assert set(per_recipient(smtp_server)) == {subscriber.email}
    assert sending.counts(newsletter) == {"queued": 0, "sent": 1, "skipped": 2}
    for user in (pending, never, inactive, leaves, deactivated):
        assert user.email not in per_recipient(smtp_server)


# --- what is in it -----------------------------------------------------------------------


@pytest.fixture
def shelves(db):
    chairs, desks = make_category(name="Kontorstoler"), make_category(name="Skrivebord")
    found = {
        "chair": make_product(category=chairs, title="Håg Capisco", sku="STOL-1"),
        "desk": make_product(category=desks, title="Kinnarps hev-senk", sku="BORD-1"),
        "sold_out": make_product(category=desks, title="Utsolgt bord", sku="BORD-2"),
        "hidden": make_product(category=desks, title="Skjult bord", sku="BORD-3"),
    }
    found["sold_out"].stock_quantity = 0
    found["hidden"].is_active = False
    found["chairs"], found["desks"] = chairs, desks
    db.session.flush()
    return found


def interested_in(user: User, category) -> None:
    db.session.add(Interest(user_id=user.id, kind=CATEGORY, key=str(category.id), score=10.0))


def block_of(message: MailMessage) -> str:
    return re.search(r'data-block="(personal|general)"', message.html_body).group(1)


@pytest.mark.req("R2.2")
def test_personal_products_only_for_recipients_with_personalisation_consent(db, shelves):
    consenting = subscribe(make_customer(name="Siri Samtykke"))
    make_consent_record(user=consenting, granted=("personalisation",))
    # confirming the newsletter afterwards is a ledger row too, but no answer to the banner
    make_consent_record(user=consenting, granted=("newsletter",), refused="", channel="email")
    refusing = subscribe(make_customer(name="Nils Nei"))
    withdrew = subscribe(make_customer(name="Vera Angret"))
    make_consent_record(user=withdrew, granted=("personalisation",))
    make_consent_record(user=withdrew, granted=())  # the latest answer decides
    for user in (consenting, refusing, withdrew):  # the same (stale) profile rows for all
        interested_in(user, shelves["chairs"])
    newsletter = make_newsletter(products=[shelves["desk"]])
    db.session.commit()

    send_now(newsletter)

    mine = mail_to(consenting)
    assert block_of(mine) == "personal"
    assert "Utvalgt for deg" in mine.text_body and "Håg Capisco" in mine.text_body
    assert "Kinnarps hev-senk" not in mine.text_body
    for other in (refusing, withdrew):
        theirs = mail_to(other)
        assert block_of(theirs) == "general"
        assert "Utvalgt for deg" not in theirs.text_body
        assert "Håg Capisco" not in theirs.text_body
        assert "Kinnarps hev-senk" in theirs.text_body


@pytest.mark.req("R2.2")
def test_consent_on_an_outdated_statement_gives_no_personal_products(db, shelves):
    from bkm.consent.policy import current_version

    consenting = subscribe(make_customer())
    make_consent_record(
        user=consenting,
        granted=("personalisation",),
        policy_version=current_version().version - 1,
    )
    interested_in(consenting, shelves["chairs"])
    newsletter = make_newsletter(products=[shelves["desk"]])
    db.session.commit()
    # a required version newer than the answer: the snapshot says so
    from bkm.consent import policy

    real = policy.snapshot()
    newer = type(real)(**{**real.__dict__, "required_version": real.version + 1})
    try:
        sending.snapshot = lambda: newer
        send_now(newsletter)
    finally:
        sending.snapshot = policy.snapshot
    assert block_of(mail_to(consenting)) == "general"


def test_sold_out_and_hidden_products_are_never_offered(db, shelves):
    general = subscribe(make_customer())
    consenting = subscribe(make_customer())
    make_consent_record(user=consenting, granted=("personalisation",))
    interested_in(consenting, shelves["desks"])
    newsletter = make_newsletter(
        products=[shelves["desk"], shelves["sold_out"], shelves["hidden"], shelves["chair"]]
    )
    db.session.commit()
    sending.start_sending(newsletter)
    db.session.commit()
    shelves["chair"].stock_quantity = 0  # sold between "Send" and its batch
    db.session.commit()
    assert sending.send_all(newsletter)

    for user in (general, consenting):
        body = mail_to(user).text_body + mail_to(user).html_body
        assert "Kinnarps hev-senk" in body
        for gone in ("Utsolgt bord", "Skjult bord", "Håg Capisco"):
            assert gone not in body


def test_a_category_newsletter_offers_its_newest_products_in_stock(db, shelves):
    subscriber = subscribe(make_customer())
    older = make_product(
        category=shelves["desks"], title="Eldre bord", at=utcnow() - timedelta(days=3)
    )
    newsletter = make_newsletter(category_id=shelves["desks"].id, products=[])
    db.session.commit()
    send_now(newsletter)
    body = mail_to(subscriber).text_body
    assert body.index("Kinnarps hev-senk") < body.index(older.title)
    assert "Utsolgt bord" not in body and "Skjult bord" not in body
    assert "Håg Capisco" not in body


def test_the_cli_sends_a_draft_by_id_and_says_what_it_did(db, runner):
    add_subscribers(3)
    newsletter = make_newsletter()
    db.session.commit()
    result = runner.invoke(args=["newsletter", "send", "--id", str(newsletter.id)])
    assert result.exit_code == 0, result.output
    assert f"Nyhetsbrev {newsletter.id}: 3 sendt" in result.output
    result = runner.invoke(args=["newsletter", "send", "--id", str(newsletter.id)])
    assert "allerede sendt" in result.output
    result = runner.invoke(args=["newsletter", "send", "--id", "999999"])
    assert result.exit_code != 0 and "Fant ikke" in result.output


# --- the staff pages ---------------------------------------------------------------------


def test_customers_cannot_open_the_newsletter_pages(client, login_as, customer):
    login_as(customer)
    assert client.get("/admin/nyhetsbrev").status_code == 403


def test_staff_write_a_draft_and_bad_input_stores_nothing(client, login_as, staff, db, shelves):
    db.session.commit()
    login_as(staff)
    assert "Nyhetsbrev" in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/nyhetsbrev/ny")
    assert page.status_code == 200

    for fields, message in [
        ({"subject": "", "intro": "Hei", "skus": "BORD-1"}, "Skriv et emne."),
        ({"subject": "Nytt", "intro": "Hei", "skus": "FINNES-IKKE"}, "Fant ikke varenummer"),
        ({"subject": "Nytt", "intro": "Hei", "skus": ""}, "Velg varer med varenumre"),
        ({"subject": "Nytt", "intro": "Hei", "category": "abc"}, "Velg en kategori"),
        ({"subject": "Nytt\nlinje", "intro": "Hei", "skus": "BORD-1"}, "tegn som ikke er"),
    ]:
        response = client.submit("/admin/nyhetsbrev/ny", fields)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Newsletter)) == 0

    response = client.submit(
        "/admin/nyhetsbrev/ny",
        {"subject": "Stoler og bord", "intro": "Nytt inn.", "skus": "bord-1, STOL-1"},
    )
    assert response.status_code == 303
    newsletter = db.session.scalars(select(Newsletter)).one()
    assert [p.sku for p in newsletter.products] == ["STOL-1", "BORD-1"]
    assert newsletter.status == "draft" and newsletter.created_by_id == staff.id

    url = f"/admin/nyhetsbrev/{newsletter.id}"
    response = client.submit(url, {"subject": "", "intro": "Nytt inn.", "skus": "BORD-1"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Newsletter, newsletter.id).subject == "Stoler og bord"


def test_preview_as_a_customer_test_mail_and_send_after_confirming(
    client, login_as, staff, db, shelves
):
    consenting = subscribe(make_customer(email="siri@example.no", name="Siri Samtykke"))
    make_consent_record(user=consenting, granted=("personalisation",))
    interested_in(consenting, shelves["chairs"])
    plain = subscribe(make_customer(email="ola@example.no"))
    newsletter = make_newsletter(products=[shelves["desk"]])
    db.session.commit()
    login_as(staff)
    url = f"/admin/nyhetsbrev/{newsletter.id}"

    page = client.get(f"{url}/forhandsvis?e=SIRI@example.no").get_data(as_text=True)
    assert "Siri Samtykke" in page and "Håg Capisco" in page and "Utvalgt for deg" in page
    assert "Slett meg fra mail-liste" in page
    page = client.get(f"{url}/forhandsvis?e=ola@example.no").get_data(as_text=True)
    assert "Kinnarps hev-senk" in page and "Håg Capisco" not in page
    assert client.get(f"{url}/forhandsvis?e=ingen@example.no").status_code == 404

    response = client.submit(f"{url}/test", {}, form_url=url)
    assert response.status_code == 303
    test_mail = db.session.scalars(select(MailMessage)).one()
    assert test_mail.recipient == staff.email and test_mail.kind == "newsletter_test"
    assert test_mail.subject.startswith("[TEST]")
    assert db.session.scalar(select(func.count()).select_from(NewsletterRecipient)) == 0

    confirm = client.get(f"{url}/send").get_data(as_text=True)
    assert "Send til 2 mottakere" in confirm
    token = client.csrf_token(f"{url}/send")
    response = client.post(f"{url}/send", data={"csrf_token": token})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Newsletter, newsletter.id).status == "sent"
    got = set(
        db.session.scalars(select(MailMessage.recipient).where(MailMessage.kind == "newsletter"))
    )
    assert got == {consenting.email, plain.email}
    # a second "Send" (another tab, a double click) mails nobody again
    client.post(f"{url}/send", data={"csrf_token": token})
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 3
