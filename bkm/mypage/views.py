"""Min side's own pages: the overview, the profile, the consents, the contact form."""

from __future__ import annotations

from flask import render_template

from bkm.mypage import bp


@bp.get("/")
def overview():
    return render_template("mypage/overview.html")
