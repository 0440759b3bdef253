"""A customer's interest profile: how strongly they lean to a category or a brand.

Rows exist only for logged-in customers who have given personalisation consent; withdrawing
it deletes them (bkm.personal.profile), and so does deleting the customer (ON DELETE CASCADE).
A score is stored with the time it was last brought up to date, and read decayed to now.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bkm.clock import utcnow
from bkm.database import UTCDateTime
from bkm.extensions import db

CATEGORY = "category"  # key: the category's id, as text
BRAND = "brand"  # key: the brand as written on the product
KINDS = (CATEGORY, BRAND)


class Interest(db.Model):
    __tablename__ = "personal_interests"
    __table_args__ = (
        CheckConstraint("kind IN ('category', 'brand')", name="kind"),
        UniqueConstraint("user_id", "kind", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(120))
    score: Mapped[float] = mapped_column(Float)  # as of updated_at; decays with time
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Interest {self.user_id} {self.kind}:{self.key} {self.score:.2f}>"
