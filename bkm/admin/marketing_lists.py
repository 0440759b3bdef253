"""Sales calls and catalogues for staff (R3.7): who may be called or sent a catalogue.

/admin/markedsforing shows how many are on each list and links the two CSV exports; the
admin customer page records a customer's answer given by phone and what
Reservasjonsregisteret said (the rules are in bkm/newsletter/preferences.py).

CSV format: UTF-8 with a byte order mark (so Excel reads æøå), semicolon-separated, CRLF
line ends, sorted by name. A cell that would start a spreadsheet formula gets a leading '.

  ringeliste.csv   first line: the telemarketing hours (markedsføringsloven § 14), then
                   Navn;Telefon;Sa ja;Sjekket i Reservasjonsregisteret
  katalogliste.csv Navn;Firma;Adresse;Postnummer;Poststed

Each export is written to the audit log (action "exported", target "call_list" or
"catalogue_list") and committed before the file is sent.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired

from bkm.accounts.models import User
from bkm.admin import bp
from bkm.audit.recording import record_view
from bkm.clock import oslo_today, to_oslo, utcnow
from bkm.extensions import db
from bkm.forms import BaseForm, NorwegianDateField, format_phone, not_in_future
from bkm.newsletter.models import ContactPreference
from bkm.newsletter.preferences import (
    CALL_HOURS_NOTICE,
    call_list,
    catalogue_list,
    count,
    mark_reserved,
    preferences_of,
    set_calls,
    set_catalogues,
    stale_register_checks,
)

CALL_LIST_TARGET = "call_list"
CATALOGUE_LIST_TARGET = "catalogue_list"
CALL_FIELDS = ("Navn", "Telefon", "Sa ja", "Sjekket i Reservasjonsregisteret")
CATALOGUE_FIELDS = ("Navn", "Firma", "Adresse", "Postnummer", "Poststed")


# --- forms -------------------------------------------------------------------------------


def _answer_choices(answered: bool) -> list[tuple[str, str]]:
    """ "Ikke spurt" only while the customer has not answered: staff cannot unask."""
    return ([] if answered else [("", "Ikke spurt")]) + [("ja", "Ja"), ("nei", "Nei")]


def _answer(allowed: bool, set_at) -> str:
    return "" if set_at is None else ("ja" if allowed else "nei")


class StaffContactForm(BaseForm):
    """What the customer told us by phone, e-mail or in the shop (source "staff")."""

    ringe = SelectField("Telefonsalg", invalid_choice_message="Velg Ja eller Nei.")
    kataloger = SelectField("Kataloger i posten", invalid_choice_message="Velg Ja eller Nei.")

    @classmethod
    def for_customer(cls, prefs: ContactPreference, **kwargs) -> StaffContactForm:
        form = cls(
            ringe=_answer(prefs.calls_allowed, prefs.calls_set_at),
            kataloger=_answer(prefs.catalogues_allowed, prefs.catalogues_set_at),
            **kwargs,
        )
        form.ringe.choices = _answer_choices(prefs.calls_set_at is not None)
        form.kataloger.choices = _answer_choices(prefs.catalogues_set_at is not None)
        return form


class ReservationForm(BaseForm):
    """The result of checking the customer against Reservasjonsregisteret, and when."""

    reservert = SelectField(
        "Reservasjonsregisteret",
        choices=[
            SelectChoice("nei", "Ikke reservert"),
            SelectChoice("ja", "Reservert mot telefonsalg"),
        ],
        invalid_choice_message="Velg om kunden er reservert.",
    )
    sjekket = NorwegianDateField(
        "Sjekket dato",
        "Skriv datoen som 24.11.2026.",
        validators=[
            InputRequired("Skriv inn datoen registeret ble sjekket."),
            not_in_future("Datoen kan ikke være frem i tid."),
        ],
    )

    @classmethod
    def for_customer(cls, prefs: ContactPreference, **kwargs) -> ReservationForm:
        return cls(
            reservert="ja" if prefs.reserved else "nei",
            sjekket=prefs.reserved_checked_on or oslo_today(),
            **kwargs,
        )


# --- CSV ---------------------------------------------------------------------------------


def _cell(value) -> str:
    """No cell starts a spreadsheet formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(rows: Iterable[Iterable]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def call_list_csv() -> str:
    rows = [(CALL_HOURS_NOTICE,), CALL_FIELDS]
    for person, prefs in db.session.execute(call_list()):
        rows.append(
            (
                person.name,
                format_phone(person.phone),
                to_oslo(prefs.calls_set_at).strftime("%d.%m.%Y %H:%M"),
                f"{prefs.reserved_checked_on:%d.%m.%Y}" if prefs.reserved_checked_on else "",
            )
        )
    return "\ufeff" + _csv(rows)


def catalogue_list_csv() -> str:
    rows = [CATALOGUE_FIELDS]
    for person, _prefs in db.session.execute(catalogue_list()):
        rows.append((person.name, person.company_name, person.street, person.postcode, person.city))
    return "\ufeff" + _csv(rows)


# --- views -------------------------------------------------------------------------------


@bp.get("/markedsforing")
def marketing():
    return render_template(
        "admin/marketing.html",
        call_count=count(call_list()),
        catalogue_count=count(catalogue_list()),
        stale_count=count(stale_register_checks()),
        call_hours=CALL_HOURS_NOTICE,
    )


def _export(target: str, name: str, body: str) -> Response:
    record_view(current_user, None, "exported", target)
    db.session.commit()  # the export is on record before a byte of it leaves
    filename = f"{name}-{to_oslo(utcnow()):%Y-%m-%d}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/markedsforing/ringeliste.csv")
def call_list_export():
    return _export(CALL_LIST_TARGET, "ringeliste", call_list_csv())


@bp.get("/markedsforing/katalogliste.csv")
def catalogue_list_export():
    return _export(CATALOGUE_LIST_TARGET, "katalogliste", catalogue_list_csv())


def _customer_or_404(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None or person.role != "customer":
        raise NotFound()
    return person


def _back_to_customer(person: User):
    return redirect(url_for("admin.customer", user_id=person.id), code=303)


@bp.post("/kunder/<int:user_id>/kontaktvalg")
def customer_contact(user_id: int):
    person = _customer_or_404(user_id)
    form = StaffContactForm.for_customer(preferences_of(person.id))
    if not form.validate():
        flash("Velg Ja eller Nei for telefonsalg og kataloger. Ingenting er endret.", "error")
        return _back_to_customer(person)
    changed = False
    if form.ringe.data:
        changed = set_calls(person, form.ringe.data == "ja", "staff") or changed
    if form.kataloger.data:
        changed = set_catalogues(person, form.kataloger.data == "ja", "staff") or changed
    db.session.commit()
    if changed:
        flash(f"Kontaktvalgene til {person.name} er lagret.", "success")
    else:
        flash("Ingen endringer i kontaktvalgene.", "info")
    return _back_to_customer(person)


@bp.post("/kunder/<int:user_id>/reservasjon")
def customer_reservation(user_id: int):
    person = _customer_or_404(user_id)
    form = ReservationForm()
    if not form.validate():
        messages = [message for errors in form.errors.values() for message in errors]
        flash(" ".join(messages) + " Ingenting er endret.", "error")
        return _back_to_customer(person)
    mark_reserved(person, form.reservert.data == "ja", form.sjekket.data)
    db.session.commit()
    flash(f"Sjekken mot Reservasjonsregisteret for {person.name} er lagret.", "success")
    return _back_to_customer(person)
