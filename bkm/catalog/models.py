"""Categories (a tree), products, their images and their price history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bkm.clock import utcnow
from bkm.database import UTCDateTime
from bkm.extensions import db

CONDITION_GRADES = {
    "A": ("Som ny", "Lite brukt, ingen synlige merker. Fungerer som ny."),
    "B": ("Pent brukt", "Normal bruksslitasje, små riper eller merker. Alt fungerer som det skal."),
    "C": (
        "Godt brukt",
        "Tydelige bruksmerker, riper eller falmet trekk. Fullt funksjonell og rimelig.",
    ),
}


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    parent: Mapped[Category | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Category]] = relationship(
        back_populates="parent", order_by="Category.position"
    )

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price_ore >= 0", name="price_not_negative"),
        CheckConstraint("stock_quantity >= 0", name="stock_not_negative"),
        CheckConstraint("condition IN ('A', 'B', 'C')", name="condition_grade"),
        CheckConstraint("vat_scheme IN ('standard', 'margin')", name="vat_scheme"),
        CheckConstraint("purchase_price_ore >= 0", name="purchase_price_not_negative"),
        Index("ix_products_listing", "category_id", "is_active", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    brand: Mapped[str] = mapped_column(String(80), index=True)
    condition: Mapped[str] = mapped_column(String(1))
    colour: Mapped[str] = mapped_column(String(60), default="")
    colour_hex: Mapped[str] = mapped_column(String(7), default="#6b7280")
    width_cm: Mapped[int | None]
    depth_cm: Mapped[int | None]
    height_cm: Mapped[int | None]
    price_ore: Mapped[int]
    # "standard": 25 % MVA on the price; "margin": the used-goods margin scheme (avansesystemet),
    # MVA only on the margin and none shown on documents. The purchase price is kept for it.
    vat_scheme: Mapped[str] = mapped_column(
        String(10), default="standard", server_default="standard"
    )
    purchase_price_ore: Mapped[int | None]
    stock_quantity: Mapped[int] = mapped_column(default=1)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Case-folded title, brand and description: the engine-independent search fallback.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    category: Mapped[Category] = relationship()
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product", order_by="ProductImage.position", cascade="all, delete-orphan"
    )
    price_changes: Mapped[list[PriceChange]] = relationship(
        back_populates="product", order_by="PriceChange.effective_at", cascade="all, delete-orphan"
    )

    @property
    def in_stock(self) -> bool:
        return self.stock_quantity > 0

    @property
    def condition_label(self) -> str:
        return CONDITION_GRADES[self.condition][0]

    @property
    def condition_text(self) -> str:
        return CONDITION_GRADES[self.condition][1]

    @property
    def dimensions(self) -> str:
        parts = [self.width_cm, self.depth_cm, self.height_cm]
        if not any(parts):
            return ""
        return " × ".join(str(p) if p else "–" for p in parts) + " cm (B × D × H)"

    def __repr__(self) -> str:
        return f"<Product {self.sku}>"


def build_search_text(title: str, brand: str, description: str) -> str:
    return " ".join([title or "", brand or "", description or ""]).casefold()


@event.listens_for(Product, "before_insert")
@event.listens_for(Product, "before_update")
def _refresh_search_text(_mapper, _connection, product: Product) -> None:
    product.search_text = build_search_text(product.title, product.brand, product.description)


class ProductImage(db.Model):
    __tablename__ = "product_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))  # relative to MEDIA_DIR
    alt_text: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship(back_populates="images")


class PriceChange(db.Model):
    """Every price a product has had, from when: proof for the "før"-price rule."""

    __tablename__ = "price_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    price_ore: Mapped[int]
    effective_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship(back_populates="price_changes")

    __table_args__ = (Index("ix_price_changes_product_effective", "product_id", "effective_at"),)
