"""Min side's own pages: the overview, the profile (R9.1), the consents (R9.2, R3.6, R3.7),
the staff access log (R9.2) and the contact form about personal data (R9.6)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user
from sqlalchemy import select

from bkm.accounts.models import User
from bkm.accounts.passwords import verify_password
from bkm.accounts.profile import confirm_email_change, update_profile
from bkm.accounts.registration import EmailTaken
from bkm.accounts.tokens import InvalidToken, TokenExpired, TokenUsed
from bkm.audit.models import AuditEntry
from bkm.cases.handling import CaseError, cases_of, open_case
from bkm.consent.models import ACTION_NAMES, CHANNEL_NAMES
from bkm.consent.state import current_consent, ledger_of
from bkm.consent.views import purpose_names
from bkm.extensions import db, rate_limit
from bkm.mypage import bp
from bkm.mypage.forms import PrivacyContactForm, ProfileForm
from bkm.newsletter.subscription_views import MarketingForm
from bkm.newsletter.subscriptions import subscription_of
from bkm.orders.history import orders_of

# (endpoint, label, endpoints of its sub-pages); the pages of other packages are linked too,
# so Min side is one place for everything about the customer.
NAV = (
    ("mypage.overview", "Oversikt", ()),
    ("mypage.profile", "Mine opplysninger", ()),
    ("accounts.orders", "Bestillinger", ("accounts.order",)),
    ("accounts.quotes", "Tilbud", ("accounts.quote",)),
    ("accounts.cases", "Saker", ("accounts.case",)),
    ("mypage.terms", "Vilkår og samtykker", ()),
    ("mypage.data", "Mine data", ()),
    ("mypage.access_log", "Hvem har sett opplysningene", ()),
    ("mypage.contact", "Kontakt om personvern", ()),
    ("mypage.erasure", "Slett meg", ()),
)
ROLE_NAMES = {"staff": "Kundebehandler", "manager": "Leder", "customer": "Kunde"}
NEW_EMAIL_NEEDS_PASSWORD = "Skriv passordet ditt for å bytte e-postadresse."
WRONG_PASSWORD = "Feil passord. E-postadressen er ikke endret."


@bp.app_context_processor
def _navigation() -> dict:
    def mypage_nav():
        """The entries whose pages exist in this app (a page is linked once it is there)."""
        return [entry for entry in NAV if entry[0] in current_app.view_functions]

    return {"mypage_nav": mypage_nav}


def _me():
    return current_user._get_current_object()


@bp.get("/")
def overview():
    me = _me()
    orders = orders_of(me.id)
    return render_template(
        "mypage/overview.html",
        orders=orders[:3],
        order_count=len(orders),
        open_cases=[case for case in cases_of(me.id) if case.status != "closed"],
        subscription=subscription_of(me.id),
        consent_now=current_consent(),
    )


@bp.route("/opplysninger", methods=["GET", "POST"])
@rate_limit("PASSWORD_RESET_RATE_LIMIT")
def profile():
    me = _me()
    form = ProfileForm(obj=me)
    if form.validate_on_submit():
        details = form.details()
        new_email = details.normalised().email != me.email
        if new_email and not form.password.data:
            form.password.errors.append(NEW_EMAIL_NEEDS_PASSWORD)
        elif new_email and not verify_password(me.password_hash, form.password.data):
            form.password.errors.append(WRONG_PASSWORD)
        else:
            try:
                update = update_profile(me, details)
            except EmailTaken:
                db.session.rollback()
                form.email.errors.append("Denne e-postadressen hører til en annen konto.")
            else:
                db.session.commit()
                _flash_update(update)
                return redirect(url_for("mypage.profile"), 303)
    status = 400 if form.is_submitted() else 200
    return render_template("mypage/profile.html", form=form), status


def _flash_update(update) -> None:
    if update.changed:
        flash("Opplysningene dine er oppdatert.", "success")
    if update.pending_email:
        flash(
            f"Vi har sendt en lenke til {update.pending_email}. Åpne den for å ta i bruk den nye "
            "e-postadressen; til da bruker vi den gamle.",
            "info",
        )
    if not update.changed and not update.pending_email:
        flash("Ingen endringer. Opplysningene dine er som før.", "info")


@bp.get("/opplysninger/bekreft-epost/<token>")
def confirm_email(token: str):
    try:
        user = confirm_email_change(token)
    except TokenExpired:
        return _link_problem("Lenken er for gammel. Skriv inn den nye adressen på nytt.", 410)
    except TokenUsed:
        return _link_problem("Lenken er allerede brukt, eller adressen er endret siden.", 410)
    except InvalidToken:
        return _link_problem("Lenken er ugyldig. Kopier hele lenken fra e-posten.", 400)
    except EmailTaken:
        db.session.rollback()
        return _link_problem("Adressen hører nå til en annen konto. Velg en annen.", 409)
    if user.id != current_user.id:
        db.session.rollback()
        abort(404)  # someone else's link: as if it did not exist
    db.session.commit()
    login_user(user)  # the new address changes the session's fingerprint: renew it
    flash(f"E-postadressen din er nå {user.email}.", "success")
    return redirect(url_for("mypage.profile"), 303)


def _link_problem(message: str, status: int):
    return render_template("mypage/link_problem.html", message=message), status


@bp.get("/vilkar")
def terms():
    me = _me()
    state = current_consent()
    return render_template(
        "mypage/terms.html",
        state=state,
        given=state.granted if (state.choice or state.account_answer) else frozenset(),
        marketing_form=MarketingForm(),
        subscription=subscription_of(me.id),
        records=ledger_of(me.id),
        purpose_names=purpose_names,
        action_names=ACTION_NAMES,
        channel_names=CHANNEL_NAMES,
    )


@bp.get("/innsyn-logg")
def access_log():
    entries = db.session.execute(
        select(AuditEntry, User.name)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.subject_user_id == current_user.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(500)
    ).all()
    return render_template("mypage/access_log.html", entries=entries, role_names=ROLE_NAMES)


@bp.route("/kontakt", methods=["GET", "POST"])
@rate_limit("CONTACT_RATE_LIMIT")
def contact():
    form = PrivacyContactForm()
    if form.validate_on_submit():
        try:
            case = open_case(_me(), kind="privacy", subject=form.subject.data, body=form.body.data)
        except CaseError as refused:
            db.session.rollback()
            form.body.errors.append(str(refused))
        else:
            db.session.commit()
            flash(
                f"Takk! Vi har opprettet sak {case.number} og svarer deg så snart vi kan, senest "
                "innen én måned.",
                "success",
            )
            return redirect(url_for("accounts.case", number=case.number), 303)
    status = 400 if form.is_submitted() else 200
    return render_template("mypage/contact.html", form=form, next=request.path), status
