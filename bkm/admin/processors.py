"""The register of processors at /admin/databehandlere (R1.4, R4.1): list, add, edit, end.

The active processors are listed on /personvern. A processor the shop stops using is ended
from a given day, never deleted: the register keeps who had the customers' data, and when.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.exceptions import NotFound
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from bkm.admin.privacy import bp, one_line
from bkm.clock import oslo_today
from bkm.consent.models import Processor
from bkm.consent.processors import ProcessorError, mark_ended, processors_register
from bkm.extensions import db
from bkm.forms import BaseForm, MaxLength, NorwegianDateField, SingleLine, not_in_future, strip_text

UNREADABLE = "Skjemaet kunne ikke leses. Last siden på nytt og prøv igjen."


# --- forms -------------------------------------------------------------------------------


def _text(label: str, limit: int, missing: str, too_long: str, field=StringField):
    return field(
        label,
        validators=[MaxLength(limit, too_long), DataRequired(missing), SingleLine()],
        filters=[one_line, strip_text],
    )


class ProcessorForm(BaseForm):
    name = _text("Leverandør", 120, "Skriv navnet på leverandøren.", "Navnet kan ha maks 120 tegn.")
    service = _text(
        "Tjeneste",
        200,
        "Skriv hva leverandøren gjør for butikken.",
        "Tjenesten kan ha maks 200 tegn.",
    )
    # not `data`: that name is the form's own dict of values
    personal_data = _text(
        "Opplysninger de behandler",
        300,
        "Skriv hvilke personopplysninger leverandøren får.",
        "Opplysningene kan ha maks 300 tegn.",
        field=TextAreaField,
    )
    location = _text(
        "Hvor behandles dataene",
        120,
        "Skriv hvor dataene behandles, for eksempel «Norge» eller «EU/EØS».",
        "Stedet kan ha maks 120 tegn.",
    )
    agreement_date = NorwegianDateField(
        "Databehandleravtale inngått",
        "Skriv datoen avtalen ble inngått, for eksempel 24.11.2026.",
        validators=[
            InputRequired("Skriv datoen databehandleravtalen ble inngått."),
            not_in_future("Avtaledatoen kan ikke være i fremtiden."),
        ],
    )

    def fill(self, processor: Processor) -> None:
        processor.name = self.name.data
        processor.service = self.service.data
        processor.data = self.personal_data.data
        processor.location = self.location.data
        processor.agreement_date = self.agreement_date.data


class EndProcessorForm(BaseForm):
    ended_on = NorwegianDateField(
        "Ikke i bruk fra og med",
        "Skriv sluttdatoen som en dato, for eksempel 24.11.2026.",
        validators=[InputRequired("Skriv datoen dere sluttet å bruke leverandøren.")],
    )


# --- views -------------------------------------------------------------------------------


def _processor_or_404(processor_id: int) -> Processor:
    processor = db.session.get(Processor, processor_id)
    if processor is None:
        raise NotFound()
    return processor


def _to_register():
    return redirect(url_for("admin.privacy.processors"), 303)


@bp.get("/databehandlere")
def processors():
    active, ended = processors_register()
    return render_template("admin/processors.html", active=active, ended=ended)


@bp.route("/databehandlere/ny", methods=["GET", "POST"])
def new_processor():
    form = ProcessorForm()
    if form.validate_on_submit():
        processor = Processor()
        form.fill(processor)
        db.session.add(processor)
        db.session.commit()
        flash(
            f"{processor.name} er lagt til i registeret og vises i personvernerklæringen.",
            "success",
        )
        return _to_register()
    return render_template("admin/processor_form.html", form=form, processor=None)


@bp.route("/databehandlere/<int:processor_id>", methods=["GET", "POST"])
def edit_processor(processor_id: int):
    processor = _processor_or_404(processor_id)
    form = ProcessorForm(obj=processor, personal_data=processor.data)
    if form.validate_on_submit():
        form.fill(processor)
        db.session.commit()
        flash(f"Opplysningene om {processor.name} er lagret.", "success")
        return _to_register()
    return render_template(
        "admin/processor_form.html",
        form=form,
        processor=processor,
        end_form=EndProcessorForm(formdata=None, ended_on=oslo_today()),
    )


@bp.post("/databehandlere/<int:processor_id>/avslutt")
def end_processor(processor_id: int):
    processor = _processor_or_404(processor_id)
    form = EndProcessorForm()
    back = redirect(url_for("admin.privacy.edit_processor", processor_id=processor.id), 303)
    if not form.validate_on_submit():
        flash(" ".join(form.ended_on.errors) or UNREADABLE, "error")
        return back
    try:
        mark_ended(processor, form.ended_on.data, oslo_today())
    except ProcessorError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return back
    db.session.commit()
    flash(
        f"{processor.name} er avsluttet fra {processor.ended_on:%d.%m.%Y} og vises ikke lenger "
        "i personvernerklæringen.",
        "success",
    )
    return _to_register()
