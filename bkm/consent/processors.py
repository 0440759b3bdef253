"""The register of processors (R1.4, R4.1): who handles personal data for the shop.

A processor the shop stops using is ended from a given day, never deleted: the register keeps
who had the customers' data, and when. /personvern lists the active ones.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bkm.consent.models import Processor
from bkm.extensions import db


class ProcessorError(Exception):
    """A register rule was broken; the message is for the manager, in Norwegian."""


def processors_register() -> tuple[list[Processor], list[Processor]]:
    """(active, ended): the active ones by name, the ended ones most recently ended first."""
    active = db.session.scalars(
        select(Processor).where(Processor.ended_on.is_(None)).order_by(Processor.name)
    ).all()
    ended = db.session.scalars(
        select(Processor)
        .where(Processor.ended_on.is_not(None))
        .order_by(Processor.ended_on.desc(), Processor.name)
    ).all()
    return list(active), list(ended)


def mark_ended(processor: Processor, on: date, today: date) -> None:
    """The shop no longer uses `processor` from `on`: today or a day that has passed."""
    if processor.ended_on is not None:
        raise ProcessorError(
            f"{processor.name} er allerede avsluttet fra {processor.ended_on:%d.%m.%Y}."
        )
    if on > today:
        raise ProcessorError(
            "Sluttdatoen kan ikke være i fremtiden. Avslutt databehandleren den dagen "
            "dere slutter å bruke den, så står den i personvernerklæringen så lenge den brukes."
        )
    if on < processor.agreement_date:
        raise ProcessorError(
            f"Sluttdatoen kan ikke være før avtalen ble inngått "
            f"({processor.agreement_date:%d.%m.%Y})."
        )
    processor.ended_on = on
