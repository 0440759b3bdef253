"""/helse: is the shop up and its database reachable?"""

from __future__ import annotations

from flask import Flask, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bkm.extensions import db


def init_app(app: Flask) -> None:
    @app.get("/helse")
    def health():
        try:
            db.session.execute(text("SELECT 1"))
        except SQLAlchemyError:
            db.session.rollback()
            return jsonify(status="feil", database=False), 503
        return jsonify(status="ok", database=True)
