"""Min side – Mine data: "Last ned mine data" (R9.3) and "Send meg mine data" (R9.4).

The portability copy is built and downloaded in the request. The access copy is asked for
here and fetched from the link in the mail (/min-side/innsyn/<token>), by the same customer,
logged in. These pages stay open while a customer has new terms to answer (R8.1): taking
one's data along must never depend on accepting new terms.
"""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from bkm.clock import oslo_today
from bkm.consent.gate import OPEN_ENDPOINTS
from bkm.extensions import db
from bkm.forms import BaseForm
from bkm.mypage import bp
from bkm.privacy.access import (
    LINK_MAX_AGE,
    AccessRequestRefused,
    ForeignLink,
    InvalidToken,
    TokenExpired,
    TokenUsed,
    link_expires_at,
    read_access_token,
    record_download,
    request_access,
    requests_of,
)
from bkm.privacy.export import ACCESS, PORTABILITY, build_export, export_filename

OPEN_ENDPOINTS.update(
    {"mypage.data", "mypage.download_data", "mypage.send_data", "mypage.access_download"}
)
STALE_FORM = "Skjemaet er utløpt. Last siden på nytt og prøv igjen."


class DataActionForm(BaseForm):
    """A button with a CSRF token and nothing else."""


def _me():
    return current_user._get_current_object()


def _zip_response(content: bytes, kind: str):
    response = send_file(
        io.BytesIO(content),
        mimetype="application/zip",
        as_attachment=True,
        download_name=export_filename(kind, oslo_today()),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/data")
def data():
    return render_template(
        "mypage/data.html",
        form=DataActionForm(),
        requests=requests_of(_me()),
        link_expires_at=link_expires_at,
        link_days=LINK_MAX_AGE.days,
    )


@bp.post("/data/last-ned")
def download_data():
    if not DataActionForm().validate_on_submit():
        flash(STALE_FORM, "error")
        return redirect(url_for("mypage.data"), 303)
    return _zip_response(build_export(_me(), PORTABILITY), PORTABILITY)


@bp.post("/data/send")
def send_data():
    if not DataActionForm().validate_on_submit():
        flash(STALE_FORM, "error")
        return redirect(url_for("mypage.data"), 303)
    me = _me()
    try:
        request_access(me, "min_side")
    except AccessRequestRefused as refused:
        db.session.rollback()
        flash(str(refused), "info")
    else:
        db.session.commit()
        flash(
            f"Vi har sendt en lenke til {me.email}. Den virker i {LINK_MAX_AGE.days} dager, "
            "og du må være logget inn når du åpner den.",
            "success",
        )
    return redirect(url_for("mypage.data"), 303)


@bp.get("/innsyn/<token>")
def access_download(token: str):
    me = _me()
    try:
        access_request = read_access_token(token, me)
    except TokenExpired:
        return _link_problem("expired", 410)
    except TokenUsed:
        return _link_problem("voided", 410)
    except ForeignLink:
        return _link_problem("foreign", 403)
    except InvalidToken:
        return _link_problem("invalid", 404)
    content = build_export(me, ACCESS)
    record_download(access_request)
    db.session.commit()
    return _zip_response(content, ACCESS)


def _link_problem(problem: str, status: int):
    return render_template(
        "mypage/access_link_problem.html", problem=problem, link_days=LINK_MAX_AGE.days
    ), status
