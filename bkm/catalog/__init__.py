"""The catalogue: categories, products, listings and search."""

from flask import Blueprint

bp = Blueprint("catalog", __name__)

from bkm.catalog import views  # noqa: E402,F401  (routes register on import)
