"""Writing to the audit log; the caller's unit of work commits the row."""

from __future__ import annotations

from bkm.audit.models import ACTIONS, REASONS, AuditEntry
from bkm.extensions import db


def record_view(
    actor, subject_user_id: int | None, action: str, target: str = "", reason: str = ""
) -> AuditEntry:
    """Add one audit row to the session: `actor` (a user) saw `subject_user_id`'s data.

    Never commits. `target` names what was seen, e.g. "order:BKM-100001"; `reason` says why
    (the action's usual reason when empty). The actor's role is kept as it was at the time.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        subject_user_id=subject_user_id,
        action=action,
        target=target[:100],
        actor_role=getattr(actor, "role", "") or "",
        reason=(reason or REASONS[action])[:100],
    )
    db.session.add(entry)
    return entry
