"""Serves uploaded and generated media (product images) from instance/media."""

from __future__ import annotations

from flask import Blueprint, current_app, send_from_directory

bp = Blueprint("media", __name__)


@bp.get("/media/<path:filename>")
def file(filename: str):
    return send_from_directory(current_app.config["MEDIA_DIR"], filename, max_age=86400)
