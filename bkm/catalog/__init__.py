"""The catalogue: categories, products, listings and search."""

from flask import Blueprint
from sqlalchemy.exc import SQLAlchemyError

bp = Blueprint("catalog", __name__)

from bkm.catalog import views  # noqa: E402,F401  (routes register on import)
from bkm.catalog.models import Category, PriceChange, Product, ProductImage  # noqa: E402
from bkm.catalog.navigation import top_categories  # noqa: E402
from bkm.extensions import db  # noqa: E402
from bkm.page_cache import watch_models  # noqa: E402

watch_models(Category, Product, ProductImage, PriceChange)


@bp.app_context_processor
def _navigation() -> dict:
    # Every page's header lists the top categories. An error page must still render when the
    # database is what failed, so it then gets an empty menu.
    try:
        return {"nav_categories": top_categories()}
    except SQLAlchemyError:
        db.session.rollback()
        return {"nav_categories": []}
