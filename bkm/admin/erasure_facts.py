"""A customer's privacy facts and erasure, for staff (R9.5, R3.10).

/admin/kunder/<id>/personvern-forhold shows the erasure preflight for the customer (each view
is an audit row, action "erasure_check"), the facts recorded so far, and forms to record
misuse, a debt sale, a credit decision and the customer's death (each an audit row, action
"privacy_fact"). Staff erase a customer there on the customer's documented request (guests
without a password too); an exception that applies refuses it with its reasons.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound
from wtforms import BooleanField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from bkm.accounts.models import User
from bkm.admin import bp
from bkm.audit.recording import record_view
from bkm.extensions import db
from bkm.forms import BaseForm, MaxLength, NorwegianDateField, SingleLine, not_in_future, strip_text
from bkm.money import parse_kr
from bkm.privacy.erasure import ErasureRefused, erase, erasure_overview
from bkm.privacy.facts import (
    MAX_BUYER,
    MAX_DESCRIPTION,
    FactError,
    facts_of,
    record_credit_decision,
    record_death,
    record_debt_sale,
    record_misuse,
)
from bkm.privacy.models import CREDIT_OUTCOMES, MISUSE_STATUSES

REQUEST_CHANNELS = {
    "phone": "Telefon",
    "email": "E-post",
    "letter": "Brev",
    "in_person": "Oppmøte i butikken",
}


def _choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


DATE_FORMAT = "Skriv datoen som en dato, for eksempel 24.11.2026."
FUTURE = "Datoen kan ikke være i fremtiden."


def _date(label: str, missing: str) -> NorwegianDateField:
    return NorwegianDateField(
        label, DATE_FORMAT, validators=[InputRequired(missing), not_in_future(FUTURE)]
    )


class MisuseForm(BaseForm):
    status = RadioField(
        "Hva gjelder det",
        choices=_choices(MISUSE_STATUSES),
        validators=[InputRequired("Velg mistanke om misbruk eller misbruk.")],
        invalid_choice_message="Velg mistanke om misbruk eller misbruk.",
    )
    occurred_on = _date("Når skjedde det", "Skriv datoen misbruket skjedde.")
    description = TextAreaField(
        "Beskrivelse",
        validators=[
            MaxLength(MAX_DESCRIPTION, f"Beskrivelsen kan ha maks {MAX_DESCRIPTION} tegn."),
            DataRequired("Beskriv hva som skjedde."),
        ],
        filters=[strip_text],
    )


class DebtSaleForm(BaseForm):
    sold_on = _date("Solgt dato", "Skriv datoen kravet ble solgt.")
    buyer = StringField(
        "Kjøper av kravet",
        validators=[
            MaxLength(MAX_BUYER, f"Kjøperen kan ha maks {MAX_BUYER} tegn."),
            DataRequired("Skriv hvem som kjøpte kravet."),
            SingleLine(),
        ],
        filters=[strip_text],
    )
    amount = StringField(
        "Beløp (kr)",
        validators=[MaxLength(15, "Beløpet er for langt."), DataRequired("Skriv beløpet.")],
        filters=[strip_text],
    )

    def validate_amount(self, field) -> None:
        try:
            self.amount_ore = parse_kr(field.data)
        except ValueError:
            raise ValidationError(
                "Skriv beløpet i kroner, for eksempel 2 500 eller 2499,50."
            ) from None


class CreditDecisionForm(BaseForm):
    decided_on = _date("Avgjort dato", "Skriv datoen søknaden ble avgjort.")
    outcome = RadioField(
        "Svar på søknaden",
        choices=_choices(CREDIT_OUTCOMES),
        validators=[InputRequired("Velg innvilget eller avslått.")],
        invalid_choice_message="Velg innvilget eller avslått.",
    )


class DeathForm(BaseForm):
    deceased_on = _date("Dødsdato", "Skriv datoen kunden døde.")


class StaffErasureForm(BaseForm):
    channel = RadioField(
        "Kunden ba om sletting på",
        choices=_choices(REQUEST_CHANNELS),
        validators=[InputRequired("Velg hvordan kunden ba om sletting.")],
        invalid_choice_message="Velg hvordan kunden ba om sletting.",
    )
    confirm = BooleanField(
        "Kunden har bedt om å bli slettet, og jeg har kontrollert at det er kunden selv",
        validators=[DataRequired("Kryss av for å bekrefte forespørselen.")],
    )


# One page holds every form; their field names differ, so each reads only its own fields.
FORMS = {
    "misuse": MisuseForm,
    "debt_sale": DebtSaleForm,
    "credit": CreditDecisionForm,
    "death": DeathForm,
    "erase": StaffErasureForm,
}


def _blank_forms() -> dict[str, BaseForm]:
    return {key: form(formdata=None) for key, form in FORMS.items()}


def _customer_or_404(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None or person.role != "customer":
        raise NotFound()
    return person


def _page(person: User, forms: dict[str, BaseForm] | None = None, status: int = 200):
    record_view(current_user, person.id, "erasure_check", f"customer:{person.id}")
    db.session.commit()
    person = db.session.get(User, person.id)
    return (
        render_template(
            "admin/erasure_facts.html",
            person=person,
            facts=facts_of(person),
            **erasure_overview(person),
            forms=forms or _blank_forms(),
            misuse_labels=MISUSE_STATUSES,
            credit_labels=CREDIT_OUTCOMES,
        ),
        status,
        {"Cache-Control": "private, no-store"},
    )


def _back(person: User):
    return redirect(url_for("admin.erasure_facts", user_id=person.id), code=303)


@bp.get("/kunder/<int:user_id>/personvern-forhold")
def erasure_facts(user_id: int):
    return _page(_customer_or_404(user_id))


def _record(user_id: int, key: str, rule, success: str):
    """parse one form → rule(person, form) → commit → flash → 303; errors re-render (400)."""
    person = _customer_or_404(user_id)
    form = FORMS[key]()
    if form.validate_on_submit():
        try:
            rule(person, form)
        except FactError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(success, "success")
            return _back(person)
    forms = _blank_forms()
    forms[key] = form
    return _page(person, forms, 400)


def _by() -> User:
    return current_user._get_current_object()


@bp.post("/kunder/<int:user_id>/personvern-forhold/misbruk")
def record_misuse_fact(user_id: int):
    return _record(
        user_id,
        "misuse",
        lambda person, form: record_misuse(
            person,
            status=form.status.data,
            occurred_on=form.occurred_on.data,
            description=form.description.data,
            by=_by(),
        ),
        "Misbruket er registrert.",
    )


@bp.post("/kunder/<int:user_id>/personvern-forhold/gjeld-solgt")
def record_debt_sale_fact(user_id: int):
    return _record(
        user_id,
        "debt_sale",
        lambda person, form: record_debt_sale(
            person,
            sold_on=form.sold_on.data,
            buyer=form.buyer.data,
            amount_ore=form.amount_ore,
            by=_by(),
        ),
        "Salget av kravet er registrert.",
    )


@bp.post("/kunder/<int:user_id>/personvern-forhold/kreditt")
def record_credit_fact(user_id: int):
    return _record(
        user_id,
        "credit",
        lambda person, form: record_credit_decision(
            person, decided_on=form.decided_on.data, outcome=form.outcome.data, by=_by()
        ),
        "Kredittvurderingen er registrert.",
    )


@bp.post("/kunder/<int:user_id>/personvern-forhold/dodsfall")
def record_death_fact(user_id: int):
    return _record(
        user_id,
        "death",
        lambda person, form: record_death(person, deceased_on=form.deceased_on.data, by=_by()),
        "Dødsfallet er registrert.",
    )


@bp.post("/kunder/<int:user_id>/slett")
def erase_customer(user_id: int):
    person = _customer_or_404(user_id)
    form = StaffErasureForm()
    forms = _blank_forms()
    forms["erase"] = form
    if not form.validate_on_submit():
        return _page(person, forms, 400)
    how = REQUEST_CHANNELS[form.channel.data].lower()
    try:
        receipt = erase(person, confirmed_by=_by(), reason=f"Sletting etter forespørsel på {how}")
    except ErasureRefused as refused:
        db.session.rollback()
        codes = ", ".join(reason.title.lower() for reason in refused.reasons)
        form.form_errors.append(f"Kunden kan ikke slettes ennå: {codes}.")
        return _page(db.session.get(User, user_id), forms, 409)
    db.session.commit()
    kept = len(receipt.kept)
    flash(
        "Kunden er slettet, og en bekreftelse er sendt på e-post. "
        + (f"{kept} dokumenter beholdes som regnskapsbilag." if kept else "Ingen bilag beholdes."),
        "success",
    )
    return redirect(url_for("admin.customers"), code=303)
